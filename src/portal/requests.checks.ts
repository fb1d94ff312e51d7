import type { FieldErrors } from '../kernel/errors.ts';
import { checkOsSupport, type PortalOs, type PortalTemplate } from './catalog.ts';
import type { ChangeInput, ProvisionInput } from './requests.inputs.ts';
import type { PlanRow } from './rows.ts';
import type { ChangeSpec, PlanCheck, ProvisionSpec, RequestResources } from './schema.ts';

/**
 * The checks of a request's content, pure (the service loads what they read): the template's minimums
 * and limits, the OS allow-list through the provision period, the due day, and the comparison with the
 * approved integration plan that decides who decides (manager or supervisor).
 */
export const RESOURCE_LABELS: Record<keyof RequestResources, string> = {
  cpu: 'CPU（vCPU）',
  memoryGb: 'メモリ（GB）',
  diskGb: 'ディスク（GB）',
  nics: 'NIC 数',
};
/** NICs per VM: N's templates have two (業務 LAN, Backup LAN); Kiban's limit, adjustable here. */
export const MAX_NICS = 4;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HOST = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export interface Limits {
  template: string;
  min: RequestResources;
  max: { cpu: number; memoryGb: number; diskGb: number | null; nics: number };
}
/** The minimums (the template's own resources) and the limits of a template. */
export function limitsOf(t: PortalTemplate): Limits {
  return {
    template: t.name,
    min: { cpu: t.vcpu, memoryGb: t.memoryGb, diskGb: t.diskGb, nics: Math.min(t.nics, MAX_NICS) },
    max: { cpu: t.maxVcpu, memoryGb: t.maxMemoryGb, diskGb: null, nics: MAX_NICS },
  };
}

export function checkResources(v: RequestResources, limits: Limits, errors: FieldErrors): void {
  for (const k of ['cpu', 'memoryGb', 'diskGb', 'nics'] as const) {
    const min = limits.min[k];
    const max = limits.max[k];
    if (v[k] < min) errors[k] = { key: 'portal.below_min', params: { label: RESOURCE_LABELS[k], template: limits.template, min } };
    else if (max !== null && v[k] > max) errors[k] = { key: 'portal.above_max', params: { label: RESOURCE_LABELS[k], template: limits.template, max } };
  }
}

/** The template of an existing VM: the one it was provisioned from, else its OS family's, else M's defaults. */
export function templateForVm(templates: PortalTemplate[], os: PortalOs[], vmOs: string | null, provisionedFrom: string | null): PortalTemplate | undefined {
  const from = provisionedFrom ? templates.find((t) => t.code === provisionedFrom) : undefined;
  if (from) return from;
  const family = /windows/i.test(vmOs ?? '') ? 'windows' : /linux|rhel|red hat|centos/i.test(vmOs ?? '') ? 'linux' : null;
  const byFamily = family ? templates.find((t) => t.osCode && os.find((o) => o.code === t.osCode)?.family === family) : undefined;
  return byFamily ?? templates.find((t) => t.code === 'm-default');
}

/** The vCenter instance name: the host name if it already follows the naming rule, else level+env-system-host. */
export function instanceName(
  hostName: string,
  system: { serviceLevel: string; environment: string; code: string | null },
  follows: (name: string) => boolean,
): string {
  if (follows(hostName)) return hostName.toLowerCase();
  return `${system.serviceLevel.toLowerCase()}${system.environment === 'production' ? 'p' : 't'}-${system.code ?? 'sys'}-${hostName.toLowerCase()}`;
}

export interface ProvisionCheck {
  spec: ProvisionSpec;
  template: PortalTemplate | undefined;
  errors: FieldErrors;
}

/** Every field of a 払い出し申請, all errors at once (keys are the input's field names). */
export function checkProvision(
  input: Omit<ProvisionInput, 'systemId'>,
  ctx: { os: PortalOs[]; templates: PortalTemplate[]; today: string; provisionUntil: string | null; lanDefault: boolean; vmName: (hostName: string) => string },
): ProvisionCheck {
  const errors: FieldErrors = {};
  if (input.dueOn < ctx.today) errors.dueOn = { key: 'portal.due_past', params: { today: ctx.today } };
  const hostName = input.hostName.trim();
  if (hostName === '') errors.hostName = { key: 'field.required' };
  else if (!HOST.test(hostName)) errors.hostName = { key: 'portal.host_invalid' };
  const ip = input.ip?.trim() || null;
  if (ip && !IPV4.test(ip)) errors.ip = { key: 'portal.ip_invalid' };
  const os = ctx.os.find((o) => o.code === input.osCode);
  const until = input.provisionUntil ?? ctx.provisionUntil;
  if (!until) errors.provisionUntil = { key: 'portal.provision_until_required' };
  else {
    const c = checkOsSupport(os, until);
    if (!c.ok) errors.osCode = { key: c.key, params: c.params };
  }
  const template = ctx.templates.find((t) => t.code === input.templateCode);
  if (!template) errors.templateCode = { key: 'portal.template_unknown' };
  else {
    const tOs = template.osCode ? ctx.os.find((o) => o.code === template.osCode) : undefined;
    if (tOs && os && tOs.family !== os.family) errors.templateCode = { key: 'portal.template_os_mismatch', params: { template: template.name, os: os.name } };
    checkResources(input, limitsOf(template), errors);
  }
  const spec: ProvisionSpec = {
    hostName,
    vmName: hostName && !errors.hostName ? ctx.vmName(hostName) : hostName,
    ip,
    osCode: input.osCode,
    cpu: input.cpu,
    memoryGb: input.memoryGb,
    diskGb: input.diskGb,
    nics: input.nics,
    site: input.site,
    hostPinning: input.hostPinning?.trim() || null,
    ha: input.ha ?? true,
    srm: input.srm ?? false,
    lanConnected: input.lanConnected ?? ctx.lanDefault,
    migration: input.migration ?? false,
    media: input.media?.trim() ?? '',
    monitoring: input.monitoring ?? ['ping', 'resource'],
    note: input.note?.trim() ?? '',
  };
  return { spec, template, errors };
}

export function checkChange(
  input: Omit<ChangeInput, 'vmId'>,
  current: RequestResources,
  limits: Limits | null,
  today: string,
): { spec: ChangeSpec; errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (input.dueOn < today) errors.dueOn = { key: 'portal.due_past', params: { today } };
  if (limits) checkResources(input, limits, errors);
  const same = (['cpu', 'memoryGb', 'diskGb', 'nics'] as const).every((k) => input[k] === current[k]);
  if (same) errors.cpu = { key: 'portal.no_change', params: current as unknown as Record<string, unknown> };
  return { spec: { cpu: input.cpu, memoryGb: input.memoryGb, diskGb: input.diskGb, nics: input.nics, note: input.note?.trim() ?? '' }, errors };
}

const PLAN_FIELDS = [
  ['osCode', 'OS'],
  ['cpu', 'CPU（vCPU）'],
  ['memoryGb', 'メモリ（GB）'],
  ['diskGb', 'ディスク（GB）'],
  ['site', '環境（メイン／サブ）'],
  ['hostPinning', '稼働ホストの固定化'],
  ['ha', 'HA'],
  ['srm', '保護対象（SRM）'],
] as const;

type Approved = { plan: { planNo: string }; rows: PlanRow[] } | null;

/** 移行計画通りの依頼か (N §3.10.2.2): the approved plan's row of the same host name, field by field. */
export function planCheckProvision(approved: Approved, spec: ProvisionSpec): PlanCheck {
  if (!approved) return { status: 'no_plan', planNo: null, differences: [] };
  const row = approved.rows.find((r) => r.hostName.toLowerCase() === spec.hostName.toLowerCase());
  if (!row) return { status: 'not_in_plan', planNo: approved.plan.planNo, differences: [] };
  const norm = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : (v ?? null));
  const differences = PLAN_FIELDS.filter(([k]) => norm(row[k]) !== norm(spec[k])).map(([k, label]) => ({
    field: k,
    label,
    plan: row[k] ?? null,
    requested: spec[k] ?? null,
  }));
  return { status: differences.length ? 'different' : 'match', planNo: approved.plan.planNo, differences };
}

/**
 * A resource change against the plan: more than the plan's row (or no row) is outside the plan. NICs are
 * not in the plan's form. The caller also sends every addition to the supervisor (N §3.10.3.4).
 */
export function planCheckChange(approved: Approved, hostName: string | null, spec: ChangeSpec): PlanCheck {
  if (!approved) return { status: 'no_plan', planNo: null, differences: [] };
  const row = hostName ? approved.rows.find((r) => r.hostName.toLowerCase() === hostName.toLowerCase()) : undefined;
  if (!row) return { status: 'not_in_plan', planNo: approved.plan.planNo, differences: [] };
  const differences = (['cpu', 'memoryGb', 'diskGb'] as const)
    .filter((k) => spec[k] > row[k])
    .map((k) => ({ field: k, label: RESOURCE_LABELS[k], plan: row[k], requested: spec[k] }));
  return { status: differences.length ? 'different' : 'match', planNo: approved.plan.planNo, differences };
}
