/**
 * What a site tunes about the ledger. Defaults are the seed documents' proposals: thresholds from M's
 * monitoring proposal (memory and disk 85 %), N §3.10.3.3's rule that instance names carry the system
 * service level, and N §3.5.3.4's hunt for servers that are likely unused.
 */
export interface CmdbConfig {
  /** Allocation thresholds in percent of capacity (CMDB-5). */
  thresholds: { cpu: number; memory: number; disk: number };
  /** Allocatable vCPUs per physical core and memory overcommit factor (1 = none). */
  overcommit: { vcpuPerCore: number; memory: number };
  /** N-1 (DR-2): count only VMs with HA on (false = every running VM must restart: conservative). */
  n1HaOnly: boolean;
  /**
   * Instance naming rule (CMDB-9): a regular expression (case-insensitive) with placeholders
   * {level} (a|b|c: the effective service level), {env} (p = production, t = dev/test) and {system}
   * (the system's code, or any code when it has none).
   */
  naming: { pattern: string; enforce: boolean };
  /** Retirement candidates: VMs stopped longer than, systems unconfirmed by their owner longer than. */
  retirement: { stoppedDays: number; inactiveDays: number };
}

export const DEFAULT_CMDB_CONFIG: CmdbConfig = {
  thresholds: { cpu: 80, memory: 85, disk: 85 },
  overcommit: { vcpuPerCore: 4, memory: 1 },
  n1HaOnly: false,
  naming: { pattern: '^{level}{env}-{system}-[a-z0-9]+(-[a-z0-9]+)*$', enforce: true },
  retirement: { stoppedDays: 90, inactiveDays: 365 },
};

export function cmdbConfig(partial: DeepPartial<CmdbConfig> = {}): CmdbConfig {
  const d = DEFAULT_CMDB_CONFIG;
  return {
    thresholds: { ...d.thresholds, ...partial.thresholds },
    overcommit: { ...d.overcommit, ...partial.overcommit },
    n1HaOnly: partial.n1HaOnly ?? d.n1HaOnly,
    naming: { ...d.naming, ...partial.naming },
    retirement: { ...d.retirement, ...partial.retirement },
  };
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? Partial<T[K]> : T[K] };
