import { and, eq, like, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/index.ts';
import { inTx } from '../../db/index.ts';
import type { Clock } from '../../kernel/clock.ts';
import { ITEM_TYPES, type ItemType } from '../model.ts';
import { type MonitoringCiType, monitoringEvents, monitoringItemState, monitoringItems, monitoringTargets } from '../schema.ts';
import { type PullDeps, type PullOptions, pullProblems, ZABBIX_SEVERITY_NAMES, type ZabbixAlert, type ZabbixAlertSink } from './alerts.ts';

/**
 * The production ZabbixAlertSink: a Zabbix problem enters the same path as an alert of Kiban's own
 * engine — a `monitoring_events` row, then alert handling (監視対応台帳 entry → trouble incident for a
 * critical alert → mail to the system's monitoring addresses, MON-4/MON-8).
 *
 * - The CI's monitoring target is found (or created, named after the CI) and each Zabbix trigger is a
 *   push-only item on it (`zabbix.trigger[<triggerid>]`, origin `zabbix`): listed in 監視設定一覧,
 *   never polled by the engine.
 * - Idempotent: every pull returns every open problem again, and the webhook may report the same
 *   event. A problem is recorded once — its event is found by (item, Zabbix event id) — and its recovery
 *   once (only while the item still has that problem open). The item's state row is locked while
 *   deciding, so a webhook call and a pull racing on one event record it once.
 * - A problem of a host no CMDB CI is named like is not recorded (the ledger is per CI); the pull
 *   returns such hosts as `unmatched`. Neither is one of a trigger whose item was removed (disabled)
 *   through 監視設定一覧.
 */

export const ZABBIX_ITEM_ORIGIN = 'zabbix';

/** Item key of a Zabbix trigger (or, without a trigger id, of the problem's name). */
export function zabbixItemKey(a: Pick<ZabbixAlert, 'triggerId' | 'triggerName'>): string {
  return a.triggerId ? `zabbix.trigger[${a.triggerId}]` : `zabbix.problem[${a.triggerName.slice(0, 1000)}]`;
}

/** The Kiban item type: a trigger tag `kiban` naming one (icmp, http, resource, service, process), else resource. */
export function zabbixItemType(a: Pick<ZabbixAlert, 'tags'>): ItemType {
  const t = a.tags.find((x) => x.tag.toLowerCase() === 'kiban' && (ITEM_TYPES as readonly string[]).includes(x.value.toLowerCase()));
  return (t?.value.toLowerCase() as ItemType | undefined) ?? 'resource';
}

/**
 * The event's detail starts with the Zabbix event id: the key that finds it again. The time is no key —
 * the webhook reads {EVENT.DATE}/{EVENT.TIME} in the Zabbix server's zone, the pull gets the epoch.
 */
const marker = (eventId: string) => `[Zabbix イベント ${eventId}]`;
const MARKER = /^\[Zabbix イベント (\d+)\]/;
const detailOf = (a: ZabbixAlert) =>
  `${marker(a.eventId)} ${a.triggerName}（${a.hostName ?? '-'}、重要度 ${ZABBIX_SEVERITY_NAMES[a.zabbixSeverity] ?? a.zabbixSeverity}）`.slice(0, 4000);

export interface ZabbixLedgerDeps {
  db: Db;
  clock: Clock;
  /**
   * Alert handling of a committed event (AlertHandling.handle of the monitoring runtime). A failure
   * leaves the event unhandled for the alert sweep to retry.
   */
  handle: (eventId: number) => Promise<void>;
}

export interface ZabbixPullResult {
  /** Problems Zabbix returned (open and recently resolved). */
  pulled: number;
  /** Events written (problems, recoveries, severity changes). */
  recorded: number;
  /** Open Zabbix problems Kiban still had open that Zabbix no longer lists: recovered. */
  closed: number;
  /** Zabbix host names matching no CMDB CI (not recorded). */
  unmatched: string[];
}

type Target = typeof monitoringTargets.$inferSelect;
type Item = typeof monitoringItems.$inferSelect;

export function createZabbixLedger(deps: ZabbixLedgerDeps) {
  const { db, clock } = deps;

  async function ensureTarget(t: Db, ci: NonNullable<ZabbixAlert['ci']>): Promise<Target> {
    const ciType: MonitoringCiType = ci.kind;
    const find = async () => (await t.select().from(monitoringTargets).where(and(eq(monitoringTargets.ciType, ciType), eq(monitoringTargets.ciId, ci.id))))[0];
    const found = await find();
    if (found) return found;
    const now = clock.now();
    // The CI's name is the pushed-values host name unless another target already has it.
    for (const hostName of [ci.name, `${ci.name} (${ci.kind} ${ci.id.slice(0, 8)})`]) {
      await t
        .insert(monitoringTargets)
        .values({ ciType, ciId: ci.id, name: ci.name, hostName, createdAt: now, updatedAt: now })
        .onConflictDoNothing();
      const made = await find();
      if (made) return made;
    }
    throw new Error(`no monitoring target could be made for ${ci.kind} ${ci.name}`);
  }

  async function ensureItem(t: Db, target: Target, a: ZabbixAlert): Promise<Item> {
    const key = zabbixItemKey(a);
    const type = zabbixItemType(a);
    const find = async () =>
      (await t.select().from(monitoringItems).where(and(eq(monitoringItems.targetId, target.id), eq(monitoringItems.key, key), eq(monitoringItems.type, type))))[0];
    const found = await find();
    if (found) return found;
    const now = clock.now();
    const [made] = await t
      .insert(monitoringItems)
      .values({
        targetId: target.id,
        type,
        key,
        name: a.triggerName.slice(0, 200),
        params: { zabbixTriggerId: a.triggerId },
        collect: 'push',
        intervalSec: 300,
        warningThreshold: null,
        criticalThreshold: null,
        severity: a.severity,
        consecutive: 1,
        notify: true,
        enabled: true,
        origin: ZABBIX_ITEM_ORIGIN,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing()
      .returning();
    if (made) {
      await t.insert(monitoringItemState).values({ itemId: made.id, nextDueAt: now }).onConflictDoNothing();
      return made;
    }
    const raced = await find();
    if (!raced) throw new Error(`monitoring item ${key} could not be made`);
    return raced;
  }

  /** Records what the alert changes in one transaction; returns the events to hand to alert handling. */
  async function record(a: ZabbixAlert & { ci: NonNullable<ZabbixAlert['ci']> }): Promise<number[]> {
    return inTx(db, async (t) => {
      const target = await ensureTarget(t, a.ci);
      const item = await ensureItem(t, target, a);
      const [st] = await t.select().from(monitoringItemState).where(eq(monitoringItemState.itemId, item.id)).for('update');
      if (!st) throw new Error(`monitoring item ${item.id} has no state row`);
      const [seen] = await t
        .select({ id: monitoringEvents.id })
        .from(monitoringEvents)
        .where(and(eq(monitoringEvents.itemId, item.id), eq(monitoringEvents.kind, 'problem'), like(monitoringEvents.detail, `${marker(a.eventId)}%`)))
        .limit(1);
      const now = clock.now();
      const detail = detailOf(a);
      const insert = async (kind: 'problem' | 'recovered' | 'severity_changed', at: Date) => {
        const [e] = await t
          .insert(monitoringEvents)
          .values({ itemId: item.id, targetId: target.id, kind, severity: a.severity, at, value: null, detail, consecutive: 1 })
          .returning({ id: monitoringEvents.id });
        return e!.id;
      };
      const toProblem = (eventId: number) =>
        t
          .update(monitoringItemState)
          .set({ state: 'problem', severity: a.severity, consecutive: 1, consecutiveCritical: a.severity === 'critical' ? 1 : 0, lastDetail: detail, lastCheckAt: now, lastChangeAt: now, problemEventId: eventId, problemSuppressed: false })
          .where(eq(monitoringItemState.itemId, item.id));
      const toOk = () =>
        t
          .update(monitoringItemState)
          .set({ state: 'ok', severity: null, consecutive: 0, consecutiveCritical: 0, lastDetail: detail, lastCheckAt: now, lastChangeAt: now, problemEventId: null, problemSuppressed: false })
          .where(eq(monitoringItemState.itemId, item.id));
      const tracked = seen !== undefined && st.state === 'problem' && st.problemEventId === seen.id;
      // An item removed (disabled) in 監視設定一覧, or a target not yet started, takes no new problems;
      // a problem it already has still recovers.
      const live = item.enabled && target.enabled && (!target.startsAt || target.startsAt <= now);
      const out: number[] = [];
      if (!live && !tracked) return out;
      if (a.status === 'problem') {
        if (tracked && st.severity !== a.severity) {
          // The trigger's severity was changed in Zabbix while the problem is open.
          out.push(await insert('severity_changed', now));
          await t.update(monitoringItemState).set({ severity: a.severity, lastCheckAt: now, lastChangeAt: now }).where(eq(monitoringItemState.itemId, item.id));
        } else if (!seen && st.state !== 'problem') {
          const id = await insert('problem', a.clock);
          await toProblem(id);
          out.push(id);
        }
        // Else: seen before, or another problem of the same trigger is open (multiple-problem mode).
      } else if (tracked) {
        out.push(await insert('recovered', a.resolvedAt ?? now));
        await toOk();
      } else if (!seen && st.state !== 'problem') {
        // Started and resolved while Kiban was not looking: the ledger still records it (MON-4).
        const id = await insert('problem', a.clock);
        out.push(id, await insert('recovered', a.resolvedAt ?? now));
        await t.update(monitoringItemState).set({ lastDetail: detail, lastCheckAt: now }).where(eq(monitoringItemState.itemId, item.id));
      }
      return out;
    });
  }

  async function handleAll(ids: number[]) {
    for (const id of ids) await deps.handle(id);
  }

  /** The sink for pullProblems and the webhook route. */
  const sink: ZabbixAlertSink = async (a) => {
    if (!a.ci) return;
    await handleAll(await record({ ...a, ci: a.ci }));
  };

  /**
   * Items of Zabbix origin that Kiban has in problem while Zabbix lists no such problem any more (it
   * was resolved and left problem.get while Kiban was down or Zabbix unreachable) are recovered.
   * Only for a complete pull: `current` must be every problem Zabbix has. `recordedUpTo`: only
   * problems recorded before the pull began (event id ≤ it) are considered — one the webhook brought
   * in while problem.get was answering is not in `current` and must not be closed.
   */
  async function closeMissing(current: ZabbixAlert[], recordedUpTo?: number): Promise<number> {
    const open = await db
      .select({ itemId: monitoringItems.id, key: monitoringItems.key, ciType: monitoringTargets.ciType, ciId: monitoringTargets.ciId, detail: monitoringEvents.detail, problemEventId: monitoringItemState.problemEventId })
      .from(monitoringItemState)
      .innerJoin(monitoringItems, eq(monitoringItems.id, monitoringItemState.itemId))
      .innerJoin(monitoringTargets, eq(monitoringTargets.id, monitoringItems.targetId))
      .innerJoin(monitoringEvents, eq(monitoringEvents.id, monitoringItemState.problemEventId))
      .where(
        and(
          eq(monitoringItems.origin, ZABBIX_ITEM_ORIGIN),
          eq(monitoringItemState.state, 'problem'),
          recordedUpTo === undefined ? undefined : lte(monitoringItemState.problemEventId, recordedUpTo),
        ),
      );
    if (open.length === 0) return 0;
    const listed = new Set(current.filter((a) => a.ci).map((a) => `${a.ci!.kind}:${a.ci!.id}:${zabbixItemKey(a)}:${a.eventId}`));
    let closed = 0;
    for (const o of open) {
      if (listed.has(`${o.ciType}:${o.ciId}:${o.key}:${MARKER.exec(o.detail ?? '')?.[1]}`)) continue;
      const id = await inTx(db, async (t) => {
        const [st] = await t.select().from(monitoringItemState).where(eq(monitoringItemState.itemId, o.itemId)).for('update');
        if (!st || st.state !== 'problem' || st.problemEventId !== o.problemEventId) return null;
        const [p] = await t.select().from(monitoringEvents).where(eq(monitoringEvents.id, o.problemEventId!));
        const now = clock.now();
        const detail = 'Zabbix にこの問題が見当たりません（解決済み）';
        const [e] = await t
          .insert(monitoringEvents)
          .values({ itemId: o.itemId, targetId: p!.targetId, kind: 'recovered', severity: st.severity, at: now, value: null, detail, consecutive: 1 })
          .returning({ id: monitoringEvents.id });
        await t
          .update(monitoringItemState)
          .set({ state: 'ok', severity: null, consecutive: 0, consecutiveCritical: 0, lastDetail: detail, lastCheckAt: now, lastChangeAt: now, problemEventId: null, problemSuppressed: false })
          .where(eq(monitoringItemState.itemId, o.itemId));
        return e!.id;
      });
      if (id !== null) {
        await deps.handle(id);
        closed++;
      }
    }
    return closed;
  }

  /**
   * One run of the pull job: problem.get (open and recently resolved) → events → alert handling, then
   * the recoveries Zabbix no longer lists. Throws when Zabbix cannot be read (the job retries next run).
   */
  async function pull(client: PullDeps['client'], resolveCi: PullDeps['resolveCi'], opts: PullOptions = {}): Promise<ZabbixPullResult> {
    let recorded = 0;
    const counting: ZabbixAlertSink = async (a) => {
      if (!a.ci) return;
      const ids = await record({ ...a, ci: a.ci });
      recorded += ids.length;
      await handleAll(ids);
    };
    const [{ upTo } = { upTo: 0 }] = await db.select({ upTo: sql<number>`coalesce(max(${monitoringEvents.id}), 0)::int` }).from(monitoringEvents);
    const alerts = await pullProblems({ client, resolveCi, sink: counting }, opts);
    const complete = !opts.severities && !opts.groupIds && !opts.hostIds && !opts.since && !opts.limit;
    const closed = complete ? await closeMissing(alerts, upTo) : 0;
    const unmatched = [...new Set(alerts.filter((a) => !a.ci && a.hostName).map((a) => a.hostName!))].sort();
    return { pulled: alerts.length, recorded: recorded + closed, closed, unmatched };
  }

  return { sink, pull, closeMissing };
}
export type ZabbixLedger = ReturnType<typeof createZabbixLedger>;

