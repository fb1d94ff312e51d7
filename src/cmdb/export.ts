import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import type { CiKind } from './inputs.ts';
import { type CiStatus, STATUS_LABELS } from './lifecycle.ts';
import { KIND_LABELS } from './messages.ts';

/**
 * Ledger export (CMDB-7, X-3): every ledger as XLSX or CSV with Japanese headers. CSV is UTF-8 with a
 * BOM so Excel opens it as Japanese; text cells starting with = + - @ (or tab / CR) get a leading
 * apostrophe so a spreadsheet never runs them as formulas (CSV injection).
 */
type Row = Record<string, unknown>;
export interface Column {
  header: string;
  value: (r: Row) => string | number | null;
  width?: number;
}

const str = (k: string) => (r: Row) => (r[k] === null || r[k] === undefined ? null : String(r[k]));
const num = (k: string) => (r: Row) => (typeof r[k] === 'number' ? (r[k] as number) : null);
const yesNo = (k: string) => (r: Row) => (r[k] === true ? '有' : r[k] === false ? '無' : null);
const status = (r: Row) => STATUS_LABELS[r.status as CiStatus]?.ja ?? String(r.status);
const date = (k: string) => (r: Row) => {
  const v = r[k];
  if (!(v instanceof Date)) return v === null || v === undefined ? null : String(v);
  // Asia/Tokyo, as users read it.
  return new Date(v.getTime() + 9 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
};
const label = (map: Record<string, string>, k: string) => (r: Row) => (r[k] == null ? null : (map[String(r[k])] ?? String(r[k])));

const ENV = { production: '本番', dev_test: '開発・検証' };
const common = { status: { header: 'ステータス', value: status }, notes: { header: '備考', value: str('notes'), width: 30 } };
const tail: Column[] = [
  common.notes,
  { header: '最終更新日時', value: date('updatedAt'), width: 18 },
  { header: '版', value: num('version') },
  { header: 'ID', value: str('id'), width: 38 },
];

export const EXPORT_COLUMNS: Record<CiKind, Column[]> = {
  site: [
    { header: '拠点コード', value: str('code') },
    { header: '設置場所名', value: str('name'), width: 24 },
    { header: '区分', value: label({ main: 'メイン環境', sub: 'サブ環境' }, 'role') },
    { header: '所在地', value: str('address'), width: 30 },
    common.status,
    ...tail,
  ],
  cluster: [
    { header: 'クラスタ名', value: str('name'), width: 20 },
    { header: '設置場所', value: str('siteName'), width: 20 },
    { header: 'HA', value: yesNo('haEnabled') },
    { header: 'DRS', value: yesNo('drsEnabled') },
    common.status,
    ...tail,
  ],
  host: [
    { header: '機器名', value: str('name'), width: 20 },
    { header: '設置場所', value: str('siteName'), width: 20 },
    { header: 'クラスタ', value: str('clusterName'), width: 16 },
    { header: 'IPアドレス', value: str('ip'), width: 16 },
    { header: 'OS', value: str('os'), width: 16 },
    { header: 'ミドルウェア(VL)', value: str('middlewareVersion'), width: 20 },
    { header: '機種', value: str('model'), width: 20 },
    { header: 'CPUソケット数', value: num('cpuSockets') },
    { header: 'CPUコア数', value: num('cpuCores') },
    { header: 'CPUクロック(GHz)', value: num('cpuGhz') },
    { header: 'メモリ(GiB)', value: num('memoryGib') },
    { header: 'ローカルディスク(GiB)', value: num('localDiskGib') },
    common.status,
    ...tail,
  ],
  management_server: [
    { header: '機器名', value: str('name'), width: 20 },
    { header: '種別', value: label({ vcenter: 'vCenterサーバ', monitoring: '監視サーバ', backup: 'バックアップサーバ', other: 'その他' }, 'kind') },
    { header: '設置場所', value: str('siteName'), width: 20 },
    { header: 'IPアドレス', value: str('ip'), width: 16 },
    { header: 'OS', value: str('os'), width: 16 },
    { header: 'ミドルウェア(VL)', value: str('middlewareVersion'), width: 20 },
    common.status,
    ...tail,
  ],
  storage: [
    { header: '機器名', value: str('name'), width: 20 },
    { header: '設置場所', value: str('siteName'), width: 20 },
    { header: 'クラスタ', value: str('clusterName'), width: 16 },
    { header: '機種', value: str('model'), width: 20 },
    { header: 'IPアドレス', value: str('ip'), width: 16 },
    { header: 'ファーム(VL)', value: str('firmware'), width: 14 },
    { header: '容量(GiB)', value: num('capacityGib') },
    { header: 'ボリューム', value: (r) => ((r.volumes as { name: string; capacityGib: number }[]) ?? []).map((v) => `${v.name}(${v.capacityGib}GiB)`).join(', '), width: 40 },
    common.status,
    ...tail,
  ],
  network_device: [
    { header: '機器名', value: str('name'), width: 20 },
    { header: '種別', value: label({ switch: 'スイッチ', router: 'ルータ', firewall: 'ファイアウォール', load_balancer: '負荷分散装置', other: 'その他' }, 'kind') },
    { header: '設置場所', value: str('siteName'), width: 20 },
    { header: '機種', value: str('model'), width: 20 },
    { header: 'IPアドレス', value: str('ip'), width: 16 },
    { header: 'ファーム(VL)', value: str('firmware'), width: 14 },
    { header: 'Config', value: str('config'), width: 40 },
    common.status,
    ...tail,
  ],
  contract: [
    { header: '契約名', value: str('name'), width: 24 },
    { header: '対象種別', value: (r) => KIND_LABELS[r.ciType as CiKind]?.ja ?? String(r.ciType) },
    { header: '対象機器', value: str('ciName'), width: 20 },
    { header: '保守業者', value: str('vendor'), width: 20 },
    { header: '契約番号', value: str('contractNo'), width: 16 },
    { header: '保守内容', value: str('coverage'), width: 20 },
    { header: '開始日', value: str('startsOn') },
    { header: '終了日', value: str('endsOn') },
    { header: '電話番号', value: str('phone'), width: 16 },
    { header: 'メールアドレス', value: str('email'), width: 24 },
    common.status,
    ...tail,
  ],
  system: [
    { header: 'システム名', value: str('name'), width: 28 },
    { header: 'システムコード', value: str('code') },
    { header: 'システム所管', value: str('departmentName'), width: 24 },
    { header: 'システムサービスレベル', value: str('serviceLevel') },
    { header: '環境', value: label(ENV, 'environment') },
    { header: '県庁LAN接続', value: yesNo('lanConnected') },
    { header: '閉域網', value: yesNo('closedNetwork') },
    { header: 'インターネット利用', value: yesNo('internet') },
    { header: '仮想マシン数', value: num('vmCount') },
    { header: '所管による利用確認日時', value: date('ownerConfirmedAt'), width: 18 },
    common.status,
    ...tail,
  ],
  vm: [
    { header: 'インスタンス名', value: str('name'), width: 24 },
    { header: '業務システム', value: str('systemName'), width: 24 },
    { header: 'システム所管', value: str('departmentName'), width: 24 },
    { header: 'システムサービスレベル', value: str('effectiveServiceLevel') },
    { header: 'サービスレベル個別指定理由', value: str('serviceLevelOverrideReason'), width: 24 },
    { header: '環境', value: label(ENV, 'environment') },
    { header: 'ESXiサーバ', value: str('hostName'), width: 18 },
    { header: 'クラスタ', value: str('clusterName'), width: 16 },
    { header: 'OS', value: str('os'), width: 24 },
    { header: 'vCPU', value: num('vcpu') },
    { header: 'メモリ(GiB)', value: num('memoryGib') },
    { header: 'ディスク(GiB)', value: num('diskGib') },
    { header: 'NIC', value: (r) => ((r.nics as { network: string; ip?: string | null }[]) ?? []).map((n) => (n.ip ? `${n.network}:${n.ip}` : n.network)).join(', '), width: 30 },
    { header: '暫定対応手順書', value: yesNo('provisionalProcedure') },
    { header: '稼働ホストの固定化', value: yesNo('hostPinned') },
    { header: 'HA', value: yesNo('ha') },
    { header: 'SRM', value: yesNo('srm') },
    { header: '県庁LAN接続', value: yesNo('lanConnected') },
    { header: '閉域網', value: yesNo('closedNetwork') },
    { header: 'インターネット利用', value: yesNo('internet') },
    { header: '電源状態', value: label({ on: 'オン', off: 'オフ', suspended: 'サスペンド' }, 'powerState') },
    { header: 'vCenterから消失', value: date('missingSince'), width: 18 },
    common.status,
    ...tail,
  ],
  contact: [
    { header: '業務システム', value: str('systemName'), width: 24 },
    { header: 'エスカレーション順位', value: num('escalationOrder') },
    { header: '氏名・宛先名', value: str('name'), width: 20 },
    { header: '役割', value: str('role'), width: 16 },
    { header: 'メールアドレス', value: str('email'), width: 28 },
    { header: '配信リスト', value: yesNo('distributionList') },
    { header: '電話番号', value: str('phone'), width: 16 },
    common.status,
    ...tail,
  ],
};

/** Neutralises a text cell a spreadsheet would read as a formula. */
export function neutralise(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function toCsv(kind: CiKind, rows: Row[]): Buffer {
  const cols = EXPORT_COLUMNS[kind];
  const body = stringify(
    [cols.map((c) => c.header), ...rows.map((r) => cols.map((c) => {
      const v = c.value(r);
      return typeof v === 'string' ? neutralise(v) : v;
    }))],
    { record_delimiter: '\r\n' },
  );
  return Buffer.concat([Buffer.from('\uFEFF', 'utf8'), Buffer.from(body, 'utf8')]);
}

export async function toXlsx(kind: CiKind, rows: Row[], exportedAt: Date): Promise<Buffer> {
  const cols = EXPORT_COLUMNS[kind];
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Kiban';
  wb.created = exportedAt;
  const ws = wb.addWorksheet(KIND_LABELS[kind].ja, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = cols.map((c) => ({ header: c.header, width: c.width ?? Math.max(10, c.header.length * 2 + 2) }));
  ws.getRow(1).font = { bold: true };
  for (const r of rows) ws.addRow(cols.map((c) => c.value(r)));
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: cols.length } };
  return Buffer.from(await wb.xlsx.writeBuffer());
}
