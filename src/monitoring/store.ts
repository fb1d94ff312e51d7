import { and, eq, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/index.ts';
import { inTx } from '../db/index.ts';
import type { Clock } from '../kernel/clock.ts';
import { ConflictError, InputError, NotFoundError } from '../kernel/errors.ts';
import { nextSlot } from './machine.ts';
import { COLLECT_MODES, ITEM_TYPES, SEVERITIES } from './model.ts';
import './messages.ts';
import { DEFAULTS } from './rules.ts';
import { MONITORING_CI_TYPES, monitoringItemState, monitoringItems, monitoringTargets, monitoringValues } from './schema.ts';

/**
 * Writing the monitoring settings (targets and items). Each new item gets its state row at once,
 * due at its first slot, so the scheduler only ever reads monitoring_item_state.
 */
export const targetInput = z.object({
  ciType: z.enum(MONITORING_CI_TYPES),
  ciId: z.uuid(),
  name: z.string().min(1).max(200),
  hostName: z.string().min(1).max(255).optional(),
  address: z.string().min(1).max(255).nullable().optional(),
  agentPort: z.number().int().min(1).max(65535).optional(),
  enabled: z.boolean().optional(),
  startsAt: z.date().nullable().optional(),
});
export type TargetInput = z.input<typeof targetInput>;

export const itemInput = z.object({
  targetId: z.uuid(),
  type: z.enum(ITEM_TYPES),
  key: z.string().min(1).max(2048),
  name: z.string().min(1).max(200).optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  collect: z.enum(COLLECT_MODES).optional(),
  intervalSec: z.number().int().min(10).max(86_400).optional(),
  warningThreshold: z.number().nullable().optional(),
  criticalThreshold: z.number().nullable().optional(),
  severity: z.enum(SEVERITIES).optional(),
  consecutive: z.number().int().min(1).max(100).optional(),
  businessHoursOnly: z.boolean().optional(),
  notify: z.boolean().optional(),
  enabled: z.boolean().optional(),
  origin: z.string().max(200).nullable().optional(),
});
export type ItemInput = z.input<typeof itemInput>;

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const fields = Object.fromEntries(r.error.issues.map((i) => [i.path.join('.') || '_', { key: 'field.invalid', params: { detail: i.message } }]));
  throw new InputError('error.invalid_input', {}, fields);
}

/** The row of a new target, with the defaults every way of creating one shares. */
function targetRow(v: z.infer<typeof targetInput>, now: Date) {
  return {
    ciType: v.ciType,
    ciId: v.ciId,
    name: v.name,
    hostName: v.hostName ?? v.name,
    address: v.address ?? null,
    agentPort: v.agentPort ?? 10050,
    enabled: v.enabled ?? true,
    startsAt: v.startsAt ?? null,
    createdAt: now,
    updatedAt: now,
  };
}

/** The row of a new item: M §3.3's defaults (interval, thresholds, detections in a row) where not given. */
function itemRow(v: z.infer<typeof itemInput>, now: Date) {
  const isResource = v.type === 'resource';
  return {
    targetId: v.targetId,
    type: v.type,
    key: v.key,
    name: v.name ?? v.key,
    params: v.params ?? {},
    collect: v.collect ?? 'poll',
    intervalSec: v.intervalSec ?? DEFAULTS.intervalSec,
    warningThreshold: v.warningThreshold !== undefined ? v.warningThreshold : isResource ? DEFAULTS.thresholds.warning : null,
    criticalThreshold: v.criticalThreshold !== undefined ? v.criticalThreshold : isResource ? DEFAULTS.thresholds.critical : null,
    severity: v.severity ?? 'critical',
    consecutive: v.consecutive ?? DEFAULTS.consecutive[v.type],
    businessHoursOnly: v.businessHoursOnly ?? false,
    notify: v.notify ?? true,
    enabled: v.enabled ?? true,
    origin: v.origin ?? null,
    createdAt: now,
    updatedAt: now,
  };
}

export async function createTarget(db: Db, clock: Clock, input: TargetInput) {
  const v = parse(targetInput, input);
  const rows = await db.insert(monitoringTargets).values(targetRow(v, clock.now())).onConflictDoNothing().returning();
  if (!rows[0]) throw new ConflictError('monitoring.target_exists', { ciType: v.ciType, ciId: v.ciId });
  return rows[0];
}

export async function createItem(db: Db, clock: Clock, input: ItemInput) {
  const v = parse(itemInput, input);
  return inTx(db, async (t) => {
    const [target] = await t.select().from(monitoringTargets).where(eq(monitoringTargets.id, v.targetId));
    if (!target) throw new NotFoundError('monitoring.target_not_found', { id: v.targetId });
    const now = clock.now();
    const rows = await t
      .insert(monitoringItems)
      .values(itemRow(v, now))
      .onConflictDoNothing()
      .returning();
    const item = rows[0];
    if (!item) throw new ConflictError('monitoring.item_exists', { targetId: v.targetId, key: v.key });
    const from = target.startsAt && target.startsAt > now ? target.startsAt : now;
    await t.insert(monitoringItemState).values({ itemId: item.id, nextDueAt: nextSlot(item.id, item.intervalSec, from) });
    return item;
  });
}

/**
 * Creates many targets and their items at once (the matrix applied to a whole CMDB): the same rows
 * as createTarget/createItem, written a few hundred per statement in one transaction. Targets that
 * exist (same CI) and items that exist (same target, type and key) are left as they are.
 */
export async function createMany(
  db: Db,
  clock: Clock,
  plan: Array<{ target: TargetInput; items: Array<Omit<ItemInput, 'targetId'>> }>,
): Promise<{ targets: number; items: number }> {
  const now = clock.now();
  const CHUNK = 500;
  return inTx(db, async (t) => {
    const targets = await t.select({ id: monitoringTargets.id, ciType: monitoringTargets.ciType, ciId: monitoringTargets.ciId, startsAt: monitoringTargets.startsAt }).from(monitoringTargets);
    const byCi = new Map(targets.map((x) => [`${x.ciType}:${x.ciId}`, x]));
    // Host names are unique regardless of case (they name pushed values): a CI whose name is taken
    // (a VM "WEB01" beside a host "web01") gets its name qualified by kind and id, as the Zabbix
    // ledger does, rather than no monitoring at all.
    const taken = new Set((await t.select({ h: monitoringTargets.hostName }).from(monitoringTargets)).map((x) => x.h.toLowerCase()));
    const fresh = plan
      .map((p) => parse(targetInput, p.target))
      .filter((v) => !byCi.has(`${v.ciType}:${v.ciId}`))
      .map((v) => {
        let hostName = v.hostName ?? v.name;
        if (taken.has(hostName.toLowerCase())) hostName = `${v.name} (${v.ciType} ${v.ciId.slice(0, 8)})`;
        taken.add(hostName.toLowerCase());
        return { ...v, hostName };
      });
    let created = 0;
    for (let i = 0; i < fresh.length; i += CHUNK) {
      const rows = await t
        .insert(monitoringTargets)
        .values(fresh.slice(i, i + CHUNK).map((v) => targetRow(v, now)))
        .onConflictDoNothing()
        .returning({ id: monitoringTargets.id, ciType: monitoringTargets.ciType, ciId: monitoringTargets.ciId, startsAt: monitoringTargets.startsAt });
      for (const r of rows) byCi.set(`${r.ciType}:${r.ciId}`, r);
      created += rows.length;
    }
    const existing = new Set((await t.select({ targetId: monitoringItems.targetId, type: monitoringItems.type, key: monitoringItems.key }).from(monitoringItems)).map((x) => `${x.targetId}|${x.type}|${x.key}`));
    const items: Array<z.infer<typeof itemInput>> = [];
    for (const p of plan) {
      const target = byCi.get(`${p.target.ciType}:${p.target.ciId}`);
      if (!target) continue;
      for (const i of p.items) {
        const v = parse(itemInput, { ...i, targetId: target.id });
        const k = `${target.id}|${v.type}|${v.key}`;
        if (existing.has(k)) continue;
        existing.add(k);
        items.push(v);
      }
    }
    const startOf = new Map([...byCi.values()].map((x) => [x.id, x.startsAt]));
    let made = 0;
    for (let i = 0; i < items.length; i += CHUNK) {
      const rows = await t
        .insert(monitoringItems)
        .values(items.slice(i, i + CHUNK).map((v) => itemRow(v, now)))
        .onConflictDoNothing()
        .returning({ id: monitoringItems.id, targetId: monitoringItems.targetId, intervalSec: monitoringItems.intervalSec });
      if (rows.length > 0) {
        await t.insert(monitoringItemState).values(
          rows.map((r) => {
            const starts = startOf.get(r.targetId);
            return { itemId: r.id, nextDueAt: nextSlot(r.id, r.intervalSec, starts && starts > now ? starts : now) };
          }),
        );
      }
      made += rows.length;
    }
    return { targets: created, items: made };
  });
}

/** The item for a pushed value: target by its host name (case-insensitive), item by key. */
export async function findItemByHostKey(db: Db, hostName: string, key: string) {
  const rows = await db
    .select({ item: monitoringItems, target: monitoringTargets })
    .from(monitoringItems)
    .innerJoin(monitoringTargets, eq(monitoringItems.targetId, monitoringTargets.id))
    .where(and(sql`lower(${monitoringTargets.hostName}) = lower(${hostName})`, eq(monitoringItems.key, key)))
    .limit(1);
  return rows[0];
}

/** Drops history older than `before` (the values table is a working history, not an archive). */
export async function pruneValues(db: Db, before: Date): Promise<number> {
  const gone = await db.delete(monitoringValues).where(lt(monitoringValues.at, before)).returning({ at: monitoringValues.at });
  return gone.length;
}
