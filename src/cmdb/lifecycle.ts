/**
 * The CI status lifecycle of N §3.5.3.1 (構成管理項目 — ステータス). Records are never deleted:
 * 廃止 (retired) is the last status. The table below is the whole rule; the service refuses every
 * move that is not in it.
 */
export const CI_STATUSES = ['building', 'acceptance', 'active', 'stopped', 'retired'] as const;
export type CiStatus = (typeof CI_STATUSES)[number];

export const STATUS_LABELS: Record<CiStatus, { ja: string; en: string }> = {
  building: { ja: '構築・移行', en: 'Building / migrating' }, // VM handed out, being migrated (N §3.10.3.3)
  acceptance: { ja: '受入', en: 'Acceptance' }, // being accepted into operations (N §3.13)
  active: { ja: '稼働', en: 'Active' }, // in service, acceptance complete
  stopped: { ja: '停止', en: 'Stopped' }, // taken out of service (not a failure)
  retired: { ja: '廃止', en: 'Retired' }, // deleted / removed; the record stays
};

/**
 * Allowed moves: from → to, with why each exists.
 *
 * | from       | to         | when                                                            |
 * |------------|------------|-----------------------------------------------------------------|
 * | building   | acceptance | build/migration done, acceptance starts (受入中, N §3.13.3.4)      |
 * | building   | retired    | build abandoned                                                 |
 * | acceptance | active     | acceptance completed and approved (稼働中, N §3.13.3.5)           |
 * | acceptance | building   | acceptance sent back for rework                                 |
 * | active     | stopped    | taken out of service (運用停止)                                   |
 * | stopped    | active     | put back into service                                           |
 * | stopped    | retired    | removed (廃止) — only after being stopped                        |
 * | retired    | —          | final                                                           |
 */
export const TRANSITIONS: Readonly<Record<CiStatus, readonly CiStatus[]>> = {
  building: ['acceptance', 'retired'],
  acceptance: ['active', 'building'],
  active: ['stopped'],
  stopped: ['active', 'retired'],
  retired: [],
};

export function canMove(from: CiStatus, to: CiStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Statuses a CI may be registered with: new builds start at 構築・移行; existing equipment as it is. */
export const INITIAL_STATUSES = ['building', 'acceptance', 'active', 'stopped'] as const;

/** Statuses whose VMs consume CPU and memory on their host (stopped and retired VMs do not). */
export const RUNNING_STATUSES: readonly CiStatus[] = ['building', 'acceptance', 'active'];
