import { and, asc, count, desc, eq, ilike, isNull, lte, or, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { audit } from '../audit/index.ts';
import type { Db } from '../db/index.ts';
import { inTx } from '../db/index.ts';
import { type Actor, requirePermission, systemActor, visibleDepartments } from '../iam/actor.ts';
import { jstCell, type LedgerColumn, type LedgerFile, ledgerFile } from '../incidents/export.ts';
import type { Clock } from '../kernel/clock.ts';
import { ConflictError, fieldError, NotFoundError } from '../kernel/errors.ts';
import { likePattern, listQuery, type Page, parseSort } from '../kernel/paging.ts';
import { targetInDepartments } from './context.ts';
import { ITEM_TYPES, SEVERITIES } from './model.ts';
import './messages.ts';
import { MONITORING_CI_TYPES, monitoringItemState, monitoringItems, monitoringSettingChanges, monitoringTargets, SETTING_CHANGE_KINDS } from './schema.ts';
import { createItem, itemInput } from './store.ts';

/**
 * 監視設定一覧 (MON-7, N §3.7.3.4): the ledger of what is monitored and how, and its changes. A change
 * (追加・変更・削除) takes effect on its start date (監視変更開始日): an added item is created at once
 * but disabled until then (N: 監視変更開始日まで無効化する), a change or removal waits in
 * monitoring_setting_changes. `applyDue` (a worker job) applies what is due. Everything is audited.
 */
export const settingsListQuery = listQuery(['target', 'key', 'type', 'ciType', 'intervalSec', 'state']).extend({
  ciType: z.enum(MONITORING_CI_TYPES).optional(),
  type: z.enum(ITEM_TYPES).optional(),
  enabled: z.enum(['true', 'false']).optional(),
  notify: z.enum(['true', 'false']).optional(),
});
export type SettingsListQuery = z.infer<typeof settingsListQuery>;

/** The fields a change may set on an item. */
const itemPatch = z
  .object({
    name: z.string().min(1).max(200).optional(),
    params: z.record(z.string(), z.unknown()).optional(),
    intervalSec: z.number().int().min(10).max(86_400).optional(),
    warningThreshold: z.number().nullable().optional(),
    criticalThreshold: z.number().nullable().optional(),
    severity: z.enum(SEVERITIES).optional(),
    consecutive: z.number().int().min(1).max(100).optional(),
    businessHoursOnly: z.boolean().optional(),
    notify: z.boolean().optional(),
  })
  .strict();

export const settingChangeInput = z
  .object({
    kind: z.enum(SETTING_CHANGE_KINDS),
    itemId: z.uuid().optional(),
    item: itemInput.omit({ enabled: true }).optional(),
    patch: itemPatch.optional(),
    effectiveAt: z.iso.datetime({ offset: true }),
    reason: z.string().trim().min(1).max(2000),
  })
  .strict();
export type SettingChangeInput = z.input<typeof settingChangeInput>;

const ledgerSelect = {
  itemId: monitoringItems.id,
  targetId: monitoringTargets.id,
  target: monitoringTargets.name,
  ciType: monitoringTargets.ciType,
  address: monitoringTargets.address,
  type: monitoringItems.type,
  key: monitoringItems.key,
  name: monitoringItems.name,
  collect: monitoringItems.collect,
  intervalSec: monitoringItems.intervalSec,
  warningThreshold: monitoringItems.warningThreshold,
  criticalThreshold: monitoringItems.criticalThreshold,
  severity: monitoringItems.severity,
  consecutive: monitoringItems.consecutive,
  businessHoursOnly: monitoringItems.businessHoursOnly,
  notify: monitoringItems.notify,
  enabled: monitoringItems.enabled,
  targetEnabled: monitoringTargets.enabled,
  startsAt: monitoringTargets.startsAt,
  origin: monitoringItems.origin,
  state: monitoringItemState.state,
  lastCheckAt: monitoringItemState.lastCheckAt,
  pendingChanges: sql<number>`(SELECT count(*)::int FROM ${monitoringSettingChanges} c WHERE c.item_id = ${monitoringItems.id} AND c.applied_at IS NULL AND c.cancelled_at IS NULL)`,
};
function baseQuery(db: Db) {
  return db
    .select(ledgerSelect)
    .from(monitoringItems)
    .innerJoin(monitoringTargets, eq(monitoringTargets.id, monitoringItems.targetId))
    .innerJoin(monitoringItemState, eq(monitoringItemState.itemId, monitoringItems.id));
}
export type SettingsRow = Awaited<ReturnType<typeof baseQuery>>[number];

const SORTS: Record<string, SQL> = {
  target: sql`${monitoringTargets.name}`,
  key: sql`${monitoringItems.key}`,
  type: sql`${monitoringItems.type}`,
  ciType: sql`${monitoringTargets.ciType}`,
  intervalSec: sql`${monitoringItems.intervalSec}`,
  state: sql`${monitoringItemState.state}`,
};

const CI_LABELS: Record<string, string> = { host: 'ESXiサーバ', vm: '仮想マシン', storage: 'ストレージ', network_device: 'ネットワーク機器', management_server: '管理サーバ' };
const TYPE_LABELS: Record<string, string> = { icmp: '死活監視', http: 'HTTP監視', resource: 'リソース監視', service: 'サービス監視', process: 'プロセス監視' };
const yes = (b: boolean) => (b ? '○' : '×');

const COLUMNS: LedgerColumn<SettingsRow>[] = [
  { header: '監視対象', value: (r) => r.target, width: 24 },
  { header: '種別', value: (r) => CI_LABELS[r.ciType] ?? r.ciType },
  { header: 'アドレス', value: (r) => r.address, width: 16 },
  { header: '監視種類', value: (r) => TYPE_LABELS[r.type] ?? r.type },
  { header: '監視項目', value: (r) => r.name, width: 24 },
  { header: 'キー', value: (r) => r.key, width: 28 },
  { header: '収集', value: (r) => (r.collect === 'push' ? '送信' : 'ポーリング') },
  { header: '監視間隔(秒)', value: (r) => r.intervalSec },
  { header: '警告閾値', value: (r) => r.warningThreshold },
  { header: '重度障害閾値', value: (r) => r.criticalThreshold },
  { header: '重要度', value: (r) => (r.severity === 'critical' ? '重度障害' : '警告') },
  { header: '連続検知回数', value: (r) => r.consecutive },
  { header: '監視時間', value: (r) => (r.businessHoursOnly ? '開庁日の業務時間' : '24時間365日') },
  { header: 'メール通知', value: (r) => yes(r.notify) },
  { header: '有効', value: (r) => yes(r.enabled && r.targetEnabled) },
  { header: '監視開始日', value: (r) => jstCell(r.startsAt), width: 18 },
  { header: '状態', value: (r) => ({ ok: '正常', suspect: '確認中', problem: '障害' })[r.state] ?? r.state },
  { header: '未適用の変更', value: (r) => r.pendingChanges },
  { header: '出所', value: (r) => r.origin, width: 22 },
];

export function createSettingsLedger(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  function where(actor: Actor, q: Partial<SettingsListQuery>): SQL | undefined {
    const depts = visibleDepartments(actor);
    return and(
      depts === null ? undefined : depts.length === 0 ? sql`false` : targetInDepartments(depts),
      q.ciType ? eq(monitoringTargets.ciType, q.ciType) : undefined,
      q.type ? eq(monitoringItems.type, q.type) : undefined,
      q.enabled ? eq(monitoringItems.enabled, q.enabled === 'true') : undefined,
      q.notify ? eq(monitoringItems.notify, q.notify === 'true') : undefined,
      q.q ? or(ilike(monitoringTargets.name, likePattern(q.q)), ilike(monitoringItems.key, likePattern(q.q)), ilike(monitoringItems.name, likePattern(q.q))) : undefined,
    );
  }
  async function rows(actor: Actor, q: Partial<SettingsListQuery>, page?: { limit: number; offset: number }): Promise<SettingsRow[]> {
    const s = parseSort(q.sort, 'target');
    const col = SORTS[s.field] ?? SORTS.target!;
    const base = baseQuery(db)
      .where(where(actor, q))
      .orderBy(s.desc ? desc(col) : asc(col), asc(monitoringTargets.name), asc(monitoringItems.key))
      .$dynamic();
    return (page ? base.limit(page.limit).offset(page.offset) : base) as Promise<SettingsRow[]>;
  }

  async function applyChange(t: Db, c: typeof monitoringSettingChanges.$inferSelect, actor: Actor): Promise<void> {
    const now = clock.now();
    if (!c.itemId) throw fieldError('itemId', 'monitoring.change_target_required');
    const [before] = await t.select().from(monitoringItems).where(eq(monitoringItems.id, c.itemId)).for('update');
    if (!before) throw new NotFoundError('monitoring.item_not_found');
    const set: Record<string, unknown> =
      c.kind === 'add' ? { enabled: true } : c.kind === 'remove' ? { enabled: false } : { ...(c.payload as Record<string, unknown>) };
    const [after] = await t
      .update(monitoringItems)
      .set({ ...set, updatedAt: now })
      .where(eq(monitoringItems.id, c.itemId))
      .returning();
    if (c.kind === 'add') {
      // Due from now on, not from a slot computed when it was created disabled.
      await t.update(monitoringItemState).set({ nextDueAt: now }).where(eq(monitoringItemState.itemId, c.itemId));
    }
    await t.update(monitoringSettingChanges).set({ appliedAt: now }).where(eq(monitoringSettingChanges.id, c.id));
    await audit(t, clock, actor, { action: `monitoring_setting.${c.kind}.apply`, entityType: 'monitoring_item', entityId: c.itemId, before, after: { ...after, changeId: c.id } });
  }

  return {
    async list(actor: Actor, q: SettingsListQuery): Promise<Page<SettingsRow>> {
      requirePermission(actor, 'monitoring.read');
      const items = await rows(actor, q, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
      const [{ n } = { n: 0 }] = await db
        .select({ n: count() })
        .from(monitoringItems)
        .innerJoin(monitoringTargets, eq(monitoringTargets.id, monitoringItems.targetId))
        .innerJoin(monitoringItemState, eq(monitoringItemState.itemId, monitoringItems.id))
        .where(where(actor, q));
      return { items, total: n, page: q.page, pageSize: q.pageSize };
    },
    async exportLedger(actor: Actor, format: 'xlsx' | 'csv', q: Partial<SettingsListQuery> = {}): Promise<LedgerFile> {
      requirePermission(actor, 'monitoring.read');
      return ledgerFile({ en: 'monitoring-settings', ja: '監視設定一覧' }, format, COLUMNS, await rows(actor, q), clock.now());
    },
    async listChanges(actor: Actor, pendingOnly = false) {
      requirePermission(actor, 'monitoring.read');
      // A system owner sees the changes of their department's VMs only, like the list itself.
      const depts = visibleDepartments(actor);
      const scope =
        depts === null
          ? undefined
          : depts.length === 0
            ? sql`false`
            : sql`EXISTS (SELECT 1 FROM ${monitoringTargets} WHERE ${monitoringTargets.id} = ${monitoringSettingChanges.targetId} AND ${targetInDepartments(depts)})`;
      return db
        .select()
        .from(monitoringSettingChanges)
        .where(and(scope, pendingOnly ? and(isNull(monitoringSettingChanges.appliedAt), isNull(monitoringSettingChanges.cancelledAt)) : undefined))
        .orderBy(desc(monitoringSettingChanges.createdAt))
        .limit(500);
    },
    /** Registers a change; one whose start date has come is applied in the same transaction. */
    async scheduleChange(actor: Actor, raw: SettingChangeInput) {
      requirePermission(actor, 'monitoring.manage');
      const input = settingChangeInput.parse(raw);
      const now = clock.now();
      const effectiveAt = new Date(input.effectiveAt);
      return inTx(db, async (t) => {
        let itemId = input.itemId ?? null;
        let targetId: string | null = null;
        let payload: Record<string, unknown> = {};
        if (input.kind === 'add') {
          if (!input.item) throw fieldError('item', 'field.required');
          const item = await createItem(t, clock, { ...input.item, enabled: false });
          itemId = item.id;
          targetId = item.targetId;
          payload = { ...input.item };
        } else {
          if (!itemId) throw fieldError('itemId', 'monitoring.change_target_required');
          const [it] = await t.select({ targetId: monitoringItems.targetId }).from(monitoringItems).where(eq(monitoringItems.id, itemId));
          if (!it) throw new NotFoundError('monitoring.item_not_found');
          targetId = it.targetId;
          if (input.kind === 'change') {
            if (!input.patch || Object.keys(input.patch).length === 0) throw fieldError('patch', 'field.required');
            payload = input.patch;
          }
        }
        const [c] = await t
          .insert(monitoringSettingChanges)
          .values({ kind: input.kind, targetId, itemId, payload, effectiveAt, reason: input.reason, requestedBy: actor.personId, requestedByLabel: actor.label, createdAt: now })
          .returning();
        await audit(t, clock, actor, { action: `monitoring_setting.${input.kind}`, entityType: 'monitoring_item', entityId: itemId, after: c });
        if (effectiveAt <= now) await applyChange(t, c!, actor);
        const [out] = await t.select().from(monitoringSettingChanges).where(eq(monitoringSettingChanges.id, c!.id));
        return out!;
      });
    },
    async cancelChange(actor: Actor, id: string) {
      requirePermission(actor, 'monitoring.manage');
      return inTx(db, async (t) => {
        const [c] = await t.select().from(monitoringSettingChanges).where(eq(monitoringSettingChanges.id, id)).for('update');
        if (!c) throw new NotFoundError('error.not_found');
        if (c.appliedAt || c.cancelledAt) throw new ConflictError('monitoring.change_not_pending');
        const [out] = await t.update(monitoringSettingChanges).set({ cancelledAt: clock.now() }).where(eq(monitoringSettingChanges.id, id)).returning();
        await audit(t, clock, actor, { action: 'monitoring_setting.cancel', entityType: 'monitoring_item', entityId: c.itemId, before: c, after: out });
        return out!;
      });
    },
    /** Worker job: applies every change whose start date has come, each in its own transaction. */
    async applyDue(at: Date = clock.now()): Promise<number> {
      const due = await db
        .select()
        .from(monitoringSettingChanges)
        .where(and(isNull(monitoringSettingChanges.appliedAt), isNull(monitoringSettingChanges.cancelledAt), lte(monitoringSettingChanges.effectiveAt, at)))
        .orderBy(asc(monitoringSettingChanges.effectiveAt));
      const sys = systemActor('監視設定スケジューラ');
      for (const c of due) await inTx(db, (t) => applyChange(t, c, sys));
      return due.length;
    },
  };
}
export type SettingsLedger = ReturnType<typeof createSettingsLedger>;
