import type { ItemType, Observation, Severity } from './model.ts';

/**
 * Each item type's rule: does this observation count as a detection, and how severe? Defaults are
 * M §3.3 table 3-6 (the platform's published monitoring), every one overridable per item.
 *
 * | type     | detection                                    | default                              | alert after |
 * |----------|----------------------------------------------|--------------------------------------|-------------|
 * | icmp     | no echo reply                                | critical                             | 3           |
 * | http     | no expected answer in 15 s after 2 retries   | critical                             | 3           |
 * | resource | value over threshold (CPU, memory, disk %)   | warning > 85 %, critical > 90 %      | 2           |
 * | service  | Windows service state other than running (0) | critical                             | 1           |
 * | process  | process count below the lower bound          | critical, bound 1 (i.e. none running)| 1           |
 *
 * 超過 (exceeds) is read as strictly greater than the threshold. Recovery is the first observation
 * that is no longer a detection.
 */
export interface Thresholds {
  warning?: number | null;
  critical?: number | null;
}

export interface ItemRule {
  type: ItemType;
  key: string;
  params: Record<string, unknown>;
  thresholds: Thresholds;
  /** Severity of a failed check (icmp/http/service/process). */
  severity: Severity;
}

export const DEFAULTS = {
  intervalSec: 300,
  consecutive: { icmp: 3, http: 3, resource: 2, service: 1, process: 1 } satisfies Record<ItemType, number>,
  thresholds: { warning: 85, critical: 90 },
  processMinCount: 1,
} as const;

/** Memory is read as available % (vm.memory.size[pavailable]) and judged as used %. */
export function numericValue(rule: Pick<ItemRule, 'key' | 'params'>, raw: string): number | null {
  const n = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(n)) return null;
  const invert = rule.params.invert === true || (rule.params.invert === undefined && /^vm\.memory\.size\[\s*pavailable\s*\]$/.test(rule.key));
  return invert ? Math.round((100 - n) * 1000) / 1000 : n;
}

/** Windows service.info[name,state]: 0 = running; 1–7 other states; 255 = no such service. */
const SERVICE_STATES: Record<string, string> = {
  '0': 'running',
  '1': 'paused',
  '2': 'start pending',
  '3': 'pause pending',
  '4': 'continue pending',
  '5': 'stop pending',
  '6': 'stopped',
  '7': 'unknown',
  '255': 'no such service',
};

/** `null` = fine, a Severity = detection, `undefined` = cannot tell (counts neither way). */
export type Judgement = { severity: Severity | null; numeric: number | null; detail: string } | undefined;

export function judge(rule: ItemRule, obs: Observation): Judgement {
  if (obs.outcome === 'unknown') return undefined;
  if (obs.outcome === 'down') return { severity: rule.severity, numeric: null, detail: obs.detail };
  switch (rule.type) {
    case 'icmp':
    case 'http':
      return { severity: null, numeric: obs.ms ?? null, detail: obs.detail ?? 'ok' };
    case 'resource': {
      const v = numericValue(rule, obs.value);
      if (v === null) return undefined;
      const { warning, critical } = rule.thresholds;
      if (critical != null && v > critical) return { severity: 'critical', numeric: v, detail: `${v} > ${critical}` };
      if (warning != null && v > warning) return { severity: 'warning', numeric: v, detail: `${v} > ${warning}` };
      return { severity: null, numeric: v, detail: `${v}` };
    }
    case 'service': {
      const s = obs.value.trim().toLowerCase();
      const running = s === '0' || s === 'running';
      return { severity: running ? null : rule.severity, numeric: Number.isFinite(Number(s)) ? Number(s) : null, detail: SERVICE_STATES[s] ?? s };
    }
    case 'process': {
      const n = numericValue({ key: rule.key, params: { invert: false } }, obs.value);
      if (n === null) return undefined;
      const min = typeof rule.params.minCount === 'number' ? rule.params.minCount : DEFAULTS.processMinCount;
      return { severity: n < min ? rule.severity : null, numeric: n, detail: `${n} process(es), lower bound ${min}` };
    }
  }
}
