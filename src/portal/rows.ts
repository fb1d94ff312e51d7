import type { FieldErrors } from '../kernel/errors.ts';
import { checkOsSupport, type PortalOs, type PortalTemplate } from './catalog.ts';
import { MONITORING_KINDS, type MonitoringKind } from './schema.ts';

/**
 * The columns of 統合計画書 (M §5.1 表 5-1): 情報システム基本情報 (host name, IP, OS/edition/bits, CPU,
 * memory, disk), 環境 (main/sub site), 稼働ホストの固定化, 保護対象 (SRM), HA, 監視 (kinds and mail
 * addresses). One row per VM; the XLSX layout (xlsx.ts) prints them in this order.
 */
export const PLAN_COLUMNS = [
  { key: 'hostName', ja: 'ホスト名', en: 'Host name' },
  { key: 'ip', ja: 'IPアドレス', en: 'IP address' },
  { key: 'osCode', ja: 'OS', en: 'OS' },
  { key: 'edition', ja: 'エディション', en: 'Edition' },
  { key: 'bits', ja: 'ビット', en: 'Bits' },
  { key: 'templateCode', ja: 'テンプレート', en: 'Template' },
  { key: 'cpu', ja: 'CPU（vCPU）', en: 'CPU (vCPU)' },
  { key: 'memoryGb', ja: 'メモリ（GB）', en: 'Memory (GB)' },
  { key: 'diskGb', ja: 'ディスク（GB）', en: 'Disk (GB)' },
  { key: 'site', ja: '環境（メイン／サブ）', en: 'Site (main/sub)' },
  { key: 'hostPinning', ja: '稼働ホストの固定化', en: 'Host pinning' },
  { key: 'srm', ja: '保護対象（SRM）', en: 'SRM' },
  { key: 'ha', ja: 'HA', en: 'HA' },
  { key: 'monitoring', ja: '監視項目', en: 'Monitoring' },
  { key: 'mailAddresses', ja: '通知先メールアドレス', en: 'Notification addresses' },
] as const;
export type PlanColumnKey = (typeof PLAN_COLUMNS)[number]['key'];

export const MONITORING_LABELS: Record<MonitoringKind, { ja: string; en: string }> = {
  ping: { ja: '死活', en: 'Ping' },
  resource: { ja: 'リソース', en: 'Resource' },
  service: { ja: 'サービス', en: 'Service' },
  http: { ja: 'HTTP', en: 'HTTP' },
};

export interface PlanRow {
  hostName: string;
  ip: string;
  osCode: string;
  edition: string;
  bits: number;
  templateCode: string | null;
  cpu: number;
  memoryGb: number;
  diskGb: number;
  site: 'main' | 'sub';
  hostPinning: string | null;
  srm: boolean;
  ha: boolean;
  monitoring: MonitoringKind[];
  mailAddresses: string[];
  /** Above the template's limits (flagged for the supervisor, not refused). */
  overLimit: boolean;
}

export interface Catalog {
  os: PortalOs[];
  templates: PortalTemplate[];
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HOST = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const MAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const LABEL: Record<string, string> = Object.fromEntries(PLAN_COLUMNS.map((c) => [c.key, c.ja]));

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v).trim());
const list = (v: unknown): string[] =>
  (Array.isArray(v) ? v.map(str) : str(v).split(/[\s,、，;；]+/)).map((x) => x.trim()).filter((x) => x !== '');
const YES = new Set(['true', 'する', 'あり', '有', 'yes', '○', '1']);
const NO = new Set(['false', 'しない', 'なし', '無', 'no', '-', '－', '0', '']);
const MONITORING_BY_LABEL = new Map<string, MonitoringKind>([
  ...MONITORING_KINDS.map((k) => [k, k] as const),
  ...MONITORING_KINDS.map((k) => [MONITORING_LABELS[k].ja, k] as const),
  ['死活監視', 'ping'],
  ['リソース監視', 'resource'],
  ['サービス／プロセス監視', 'service'],
  ['サービス監視', 'service'],
  ['HTTP監視', 'http'],
]);

/**
 * Checks every row (numbered from 1) and returns them typed, or every error: the field key is
 * `rows.<n>.<column>` and the message names the row and the column in Japanese. OS: on the allow-list
 * and supported through `provisionUntil` (checkOsSupport); CPU/memory above the template's limits are
 * flagged (overLimit), not refused.
 */
export function validatePlanRows(raw: readonly Record<string, unknown>[], provisionUntil: string, catalog: Catalog): { rows: PlanRow[]; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const rows: PlanRow[] = [];
  const seenHosts = new Map<string, number>();
  raw.forEach((r, i) => {
    const n = i + 1;
    const err = (field: PlanColumnKey, key: string, params: Record<string, unknown> = {}) => {
      const name = `rows.${n}.${field}`;
      if (!errors[name]) errors[name] = { key: `${key}.row`, params: { row: n, field: LABEL[field], ...params } };
    };
    const int = (field: 'cpu' | 'memoryGb' | 'diskGb' | 'bits'): number => {
      const s = str(r[field]);
      if (s === '') return (err(field, 'portal.required'), 0);
      const v = Number(s);
      if (!Number.isInteger(v) || v < 1 || v > 100_000) return (err(field, 'portal.int_invalid'), 0);
      return v;
    };
    const bool = (field: 'srm' | 'ha', dflt: boolean): boolean => {
      const v = r[field];
      if (typeof v === 'boolean') return v;
      const s = str(v).toLowerCase();
      if (s === '') return dflt;
      if (YES.has(s)) return true;
      if (NO.has(s)) return false;
      err(field, 'portal.yesno_invalid');
      return dflt;
    };
    const hostName = str(r.hostName);
    if (hostName === '') err('hostName', 'portal.required');
    else if (!HOST.test(hostName)) err('hostName', 'portal.host_invalid');
    else {
      const other = seenHosts.get(hostName.toLowerCase());
      if (other) err('hostName', 'portal.host_duplicate', { other });
      else seenHosts.set(hostName.toLowerCase(), n);
    }
    const ip = str(r.ip);
    if (ip === '') err('ip', 'portal.required');
    else if (!IPV4.test(ip)) err('ip', 'portal.ip_invalid');
    const osText = str(r.osCode);
    const os = catalog.os.find((o) => o.code === osText || o.name === osText);
    if (osText === '') err('osCode', 'portal.required');
    else {
      const check = checkOsSupport(os, provisionUntil);
      if (!check.ok) err('osCode', check.key, check.params);
    }
    const bits = str(r.bits) === '' ? 64 : int('bits');
    const templateText = str(r.templateCode);
    const template = templateText === '' ? undefined : catalog.templates.find((t) => t.code === templateText || t.name === templateText);
    if (templateText !== '' && !template) err('templateCode', 'portal.template_unknown');
    const cpu = int('cpu');
    const memoryGb = int('memoryGb');
    const diskGb = int('diskGb');
    const siteText = str(r.site).toLowerCase();
    const site = siteText === 'main' || siteText === 'メイン' ? 'main' : siteText === 'sub' || siteText === 'サブ' ? 'sub' : null;
    if (siteText === '') err('site', 'portal.required');
    else if (!site) err('site', 'portal.site_invalid');
    const monitoring: MonitoringKind[] = [];
    for (const m of list(r.monitoring)) {
      const kind = MONITORING_BY_LABEL.get(m) ?? MONITORING_BY_LABEL.get(m.toLowerCase());
      if (!kind) err('monitoring', 'portal.monitoring_invalid');
      else if (!monitoring.includes(kind)) monitoring.push(kind);
    }
    const mailAddresses = list(r.mailAddresses);
    const badMail = mailAddresses.find((m) => !MAIL.test(m) || m.length > 254);
    if (badMail) err('mailAddresses', 'portal.mail_invalid', { value: badMail });
    else if (monitoring.length > 0 && mailAddresses.length === 0) err('mailAddresses', 'portal.mail_required');
    // The limits: the row's template, else the template of its OS, else M's defaults.
    const limits = template ?? catalog.templates.find((t) => os && t.osCode === os.code) ?? catalog.templates.find((t) => t.code === 'm-default');
    const overLimit = !!limits && (cpu > limits.maxVcpu || memoryGb > limits.maxMemoryGb);
    rows.push({
      hostName,
      ip,
      osCode: os?.code ?? osText,
      edition: str(r.edition).slice(0, 100),
      bits,
      templateCode: template?.code ?? null,
      cpu,
      memoryGb,
      diskGb,
      site: site ?? 'main',
      hostPinning: str(r.hostPinning) === '' || NO.has(str(r.hostPinning)) ? null : str(r.hostPinning).slice(0, 200),
      srm: bool('srm', false),
      ha: bool('ha', true),
      monitoring,
      mailAddresses,
      overLimit,
    });
  });
  return { rows, errors };
}
