/**
 * The words of the monitoring engine, shared by checks, rules, the state machine and the scheduler.
 * Nothing here touches the database or the network.
 */
export const ITEM_TYPES = ['icmp', 'http', 'resource', 'service', 'process'] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

export const SEVERITIES = ['warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const severityRank = (s: Severity | null | undefined): number => (s === 'critical' ? 2 : s === 'warning' ? 1 : 0);

/** How an item is fed: polled by the scheduler, or pushed (sender protocol / HTTP) only. */
export const COLLECT_MODES = ['poll', 'push'] as const;
export type CollectMode = (typeof COLLECT_MODES)[number];

export interface CheckTarget {
  /** IP address or DNS name to ping / connect to. */
  address: string;
  agentPort: number;
}

/** What a check needs to run one item. */
export interface CheckItem {
  id: string;
  type: ItemType;
  /** Zabbix item key for agent items (system.cpu.util, proc.num[httpd], ...); a label otherwise. */
  key: string;
  params: Record<string, unknown>;
  target: CheckTarget;
}

/**
 * One check's raw outcome. `down` is itself a detection (no echo, no HTTP answer); `value` is
 * judged by the item's rule (thresholds, service state, process count); `unknown` means nothing
 * could be read (agent unreachable, key not supported) and counts neither way.
 */
export type Observation =
  | { outcome: 'value'; value: string; detail?: string; ms?: number }
  | { outcome: 'down'; detail: string; ms?: number }
  | { outcome: 'unknown'; detail: string };

/** Every check type implements this; batchable ones (ICMP) also take many items in one go. */
export interface Check {
  check(item: CheckItem): Promise<Observation>;
  checkBatch?(items: CheckItem[]): Promise<Map<string, Observation>>;
}

export type Checks = Partial<Record<ItemType, Check>>;
