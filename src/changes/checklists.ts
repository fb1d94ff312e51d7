import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import { cmdbHosts, cmdbManagementServers, cmdbNetworkDevices, cmdbSites, cmdbStorage, cmdbVms } from '../cmdb/schema.ts';
import type { Db } from '../db/connection.ts';
import type { FireContext, ProcessRecord, TransitionEvent } from '../process/index.ts';
import { type CHANGE_CI_TYPES, changeCis, changes, changeTasks } from './schema.ts';

type Change = typeof changes.$inferSelect;
type Level = 'A' | 'B' | 'C';
type CiType = (typeof CHANGE_CI_TYPES)[number];

/** The facts of a service-level change that decide which checklist items apply. */
export interface SlTransition {
  from: Level;
  to: Level;
  /** 開発・検証機から本番機に昇格する. */
  toProduction: boolean;
  /** The system runs (some of its VMs) at 県庁舎 (the main site); null when it has no placed VM yet. */
  atPrefecturalOffice: boolean | null;
}

export interface ChecklistItem {
  key: string;
  label: string;
  applies: (t: SlTransition) => boolean;
}

const always = () => true;
const isA = (l: Level) => l === 'A';
const bc = (l: Level) => l === 'B' || l === 'C';

/**
 * N §3.4.3.4 システムサービスレベルの変更 — the checklist of a service-level change, item by item as N
 * lists it, with the transition it applies to:
 *
 *   項目                                                    適用
 *   インスタンス名の変更                                     常に
 *   再配当費用の変更                                         常に
 *   構成管理台帳の変更                                       常に
 *   災対設定の実施（システム設計に基づく）                   A に昇格し、県庁舎設置のシステムの場合
 *   災害対策設定の削除                                       A から降格する場合
 *   ストレージ設計（レプリケーション設計）の変更             A ⇔ B,C
 *   DRS 機能の変更                                           A ⇔ B,C
 *   監視の設定変更、運用対象時間の変更に伴う各種作業         B ⇔ C
 *   監視の設定変更、運用対象時間の変更に伴う各種作業         開発・検証機 → 本番機
 */
export const SERVICE_LEVEL_CHECKLIST: readonly ChecklistItem[] = [
  { key: 'rename_instance', label: 'インスタンス名の変更', applies: always },
  { key: 'chargeback', label: '再配当費用の変更', applies: always },
  { key: 'cmdb', label: '構成管理台帳の変更', applies: always },
  {
    key: 'dr_setup',
    label: '（システムサービスレベル Aに昇格する場合）県庁舎設置のシステムの場合、システム設計に基づく災対設定の実施',
    // A system with no placed VM yet: its location is not known, so the item is listed (waive it with the reason if not needed).
    applies: (t) => !isA(t.from) && isA(t.to) && t.atPrefecturalOffice !== false,
  },
  { key: 'dr_remove', label: '（システムサービスレベル Aから降格する場合）災害対策設定の削除', applies: (t) => isA(t.from) && !isA(t.to) },
  { key: 'replication', label: '（A⇔B,C との変更の場合）ストレージ設計（レプリケーション設計）の変更', applies: (t) => isA(t.from) !== isA(t.to) },
  {
    key: 'drs',
    label: '（A⇔B,C との変更の場合）DRS 機能の変更（システムサービスレベルに応じて DRS 機能の設定を変える場合、必要）',
    applies: (t) => isA(t.from) !== isA(t.to),
  },
  {
    key: 'monitoring_bc',
    label: '（B⇔C との変更の場合）監視の設定変更、運用対象時間の変更に伴う各種作業',
    applies: (t) => bc(t.from) && bc(t.to) && t.from !== t.to,
  },
  { key: 'monitoring_prod', label: '（開発・検証機から本番機に昇格する場合）監視の設定変更、運用対象時間の変更に伴う各種作業', applies: (t) => t.toProduction },
];

/** The checklist items of one transition, in N's order. */
export function serviceLevelChecklist(t: SlTransition): ChecklistItem[] {
  return SERVICE_LEVEL_CHECKLIST.filter((i) => i.applies(t));
}

/** The change-history entries the checklist and the start-date job write (labels of the change's timeline). */
export const CHECKLIST_EVENTS = {
  task_done: { ja: 'チェック項目の実施', en: 'Checklist item done' },
  task_waive: { ja: 'チェック項目を対象外とする', en: 'Checklist item waived' },
  task_add: { ja: '適用対象の追加', en: 'Coverage target added' },
  sl_applied: { ja: 'システムサービスレベルの適用（変更開始日）', en: 'Service level applied (start date)' },
} as const;

/** BAK-4: manual backups before and after the work, on every preventive maintenance. */
export const BACKUP_CHECKLIST = [
  { key: 'backup_before', label: '手動バックアップの取得（作業前）' },
  { key: 'backup_after', label: '手動バックアップの取得（作業後）' },
] as const;

/** Whether any VM of the system runs on a host at the main site (県庁舎サーバルーム); null if none is placed. */
export async function systemAtPrefecturalOffice(tx: Db, systemId: string): Promise<boolean | null> {
  const rows = await tx
    .select({ role: cmdbSites.role })
    .from(cmdbVms)
    .innerJoin(cmdbHosts, eq(cmdbHosts.id, cmdbVms.hostId))
    .innerJoin(cmdbSites, eq(cmdbSites.id, cmdbHosts.siteId))
    .where(and(eq(cmdbVms.systemId, systemId), ne(cmdbVms.status, 'retired')));
  if (rows.length === 0) return null;
  return rows.some((r) => r.role === 'main');
}

export interface CoverageCandidate {
  ciType: CiType;
  ciId: string;
  name: string;
}

/**
 * N §3.4.3.5: a preventive maintenance applies to every target of its kind (対象全体に適用する). For each
 * kind among the change's targets, every CI of that kind that is not retired: all ESXi hosts, all
 * storage, the network devices and management servers of the same device kind (a switch firmware is
 * for every switch, not the firewalls). VMs and the platform are covered as named.
 */
export async function coverageCandidates(tx: Db, changeId: string): Promise<CoverageCandidate[]> {
  const targets = await tx.select().from(changeCis).where(eq(changeCis.changeId, changeId)).orderBy(asc(changeCis.id));
  const out: CoverageCandidate[] = [];
  const seen = new Set<string>();
  const push = (ciType: CiType, ciId: string, name: string) => {
    const k = `${ciType}:${ciId}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push({ ciType, ciId, name });
  };
  const types = new Set(targets.map((t) => t.ciType));
  if (types.has('host')) {
    for (const h of await tx
      .select({ id: cmdbHosts.id, name: cmdbHosts.name })
      .from(cmdbHosts)
      .where(ne(cmdbHosts.status, 'retired'))
      .orderBy(asc(cmdbHosts.name))) {
      push('host', h.id, h.name);
    }
  }
  if (types.has('storage')) {
    for (const s of await tx
      .select({ id: cmdbStorage.id, name: cmdbStorage.name })
      .from(cmdbStorage)
      .where(ne(cmdbStorage.status, 'retired'))
      .orderBy(asc(cmdbStorage.name))) {
      push('storage', s.id, s.name);
    }
  }
  const named = (type: CiType) => targets.filter((t) => t.ciType === type && t.ciId).map((t) => t.ciId!);
  const netIds = named('network');
  if (netIds.length) {
    const kinds = (await tx.select({ kind: cmdbNetworkDevices.kind }).from(cmdbNetworkDevices).where(inArray(cmdbNetworkDevices.id, netIds))).map(
      (r) => r.kind,
    );
    if (kinds.length) {
      const rows = await tx
        .select({ id: cmdbNetworkDevices.id, name: cmdbNetworkDevices.name })
        .from(cmdbNetworkDevices)
        .where(and(inArray(cmdbNetworkDevices.kind, kinds), ne(cmdbNetworkDevices.status, 'retired')))
        .orderBy(asc(cmdbNetworkDevices.name));
      for (const n of rows) push('network', n.id, n.name);
    }
  }
  const mgmtIds = named('monitoring_server');
  if (mgmtIds.length) {
    const kinds = (await tx.select({ kind: cmdbManagementServers.kind }).from(cmdbManagementServers).where(inArray(cmdbManagementServers.id, mgmtIds))).map(
      (r) => r.kind,
    );
    if (kinds.length) {
      const rows = await tx
        .select({ id: cmdbManagementServers.id, name: cmdbManagementServers.name })
        .from(cmdbManagementServers)
        .where(and(inArray(cmdbManagementServers.kind, kinds), ne(cmdbManagementServers.status, 'retired')))
        .orderBy(asc(cmdbManagementServers.name));
      for (const m of rows) push('monitoring_server', m.id, m.name);
    }
  }
  // VMs and the platform: the targets as named (a VM belongs to its owner's system, not to a kind).
  for (const t of targets) if ((t.ciType === 'vm' || t.ciType === 'platform') && t.ciId) push(t.ciType, t.ciId, t.name);
  // A named target that the kind query did not return (retired since) is still covered as named.
  for (const t of targets)
    if (t.ciId && (t.ciType === 'host' || t.ciType === 'storage' || t.ciType === 'network' || t.ciType === 'monitoring_server')) push(t.ciType, t.ciId, t.name);
  return out;
}

/** The CMDB status of each CI named (key `${ciType}:${ciId}`); a platform or unknown CI is absent. */
export async function ciStatusesOf(tx: Db, refs: { ciType: string | null; ciId: string | null }[]): Promise<Map<string, string>> {
  const tables = { host: cmdbHosts, storage: cmdbStorage, network: cmdbNetworkDevices, monitoring_server: cmdbManagementServers, vm: cmdbVms } as const;
  const out = new Map<string, string>();
  for (const [type, table] of Object.entries(tables)) {
    const ids = [...new Set(refs.filter((r) => r.ciType === type && r.ciId).map((r) => r.ciId!))];
    if (ids.length === 0) continue;
    for (const r of await tx.select({ id: table.id, status: table.status }).from(table).where(inArray(table.id, ids))) out.set(`${type}:${r.id}`, r.status);
  }
  return out;
}

/**
 * A coverage task left open on a CI that has since stopped (対象外（停止中）) or been retired (dropped): it is
 * neither remaining nor in the way of closing. Null for any other task.
 */
export function coverageExclusion(
  task: { kind: string; status: string; ciType: string | null; ciId: string | null },
  statuses: Map<string, string>,
): 'stopped' | 'retired' | null {
  if (task.kind !== 'coverage' || task.status !== 'open') return null;
  const s = statuses.get(`${task.ciType}:${task.ciId}`);
  return s === 'stopped' || s === 'retired' ? s : null;
}

export const coverageLabel = (c: { name: string }, patch: string | null) => `${c.name} への適用${patch ? `（${patch}）` : ''}`;
/** The target's name in a coverage label (as it was named when the task was made). */
export const coverageTargetName = (label: string) => label.replace(/ への適用(（.*）)?$/, '');

type TaskRow = typeof changeTasks.$inferInsert;

/** The tasks a change should have now (without ids); used on approval and to spot targets left out. */
export async function plannedTasks(tx: Db, change: Change): Promise<TaskRow[]> {
  const rows: TaskRow[] = [];
  if (change.source === 'service_level_change' && change.slSystemId && change.slFromLevel && change.slToLevel) {
    const items = serviceLevelChecklist({
      from: change.slFromLevel,
      to: change.slToLevel,
      toProduction: change.slToProduction,
      atPrefecturalOffice: await systemAtPrefecturalOffice(tx, change.slSystemId),
    });
    items.forEach((i, n) => rows.push({ changeId: change.id, kind: 'service_level', key: i.key, label: i.label, sortOrder: n }));
  }
  if (change.source === 'preventive_maintenance') {
    rows.push({ changeId: change.id, kind: 'backup', key: BACKUP_CHECKLIST[0].key, label: BACKUP_CHECKLIST[0].label, sortOrder: 0 });
    (await coverageCandidates(tx, change.id)).forEach((c, n) =>
      rows.push({
        changeId: change.id,
        kind: 'coverage',
        key: `${c.ciType}:${c.ciId}`,
        label: coverageLabel(c, change.pmPatch),
        ciType: c.ciType,
        ciId: c.ciId,
        sortOrder: n,
      }),
    );
    rows.push({ changeId: change.id, kind: 'backup', key: BACKUP_CHECKLIST[1].key, label: BACKUP_CHECKLIST[1].label, sortOrder: 1 });
  }
  return rows;
}

/** Inserts the planned tasks that do not exist yet (a second approval after a revision adds nothing twice). */
export async function insertTasks(tx: Db, rows: TaskRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const made = await tx.insert(changeTasks).values(rows).onConflictDoNothing().returning({ id: changeTasks.id });
  return made.length;
}

/**
 * Side effect of the change process's approve_priority (統括責任者 approves priority and due date): the
 * change's checklist — N §3.4.3.4's items for a service-level change, and for preventive maintenance
 * one coverage task per target of every kind among its targets plus BAK-4's manual backups before and
 * after. Every task must be done, or waived with a reason, before the change closes.
 */
export async function generateChangeTasks<R extends ProcessRecord, C extends FireContext>(e: TransitionEvent<R, C>): Promise<void> {
  const [change] = await e.tx.select().from(changes).where(eq(changes.id, e.record.id));
  if (!change) return;
  await insertTasks(e.tx, await plannedTasks(e.tx, change));
}
