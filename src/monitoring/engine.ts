import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, isNull, lt, lte, not, or, type SQL, sql } from 'drizzle-orm';
import type { BusinessCalendar } from '../calendar/index.ts';
import { cmdbVms } from '../cmdb/schema.ts';
import type { Db } from '../db/index.ts';
import { inTx } from '../db/index.ts';
import type { Clock } from '../kernel/clock.ts';
import { suppressedAt } from './context.ts';
import { type MachineState, nextSlot, step } from './machine.ts';
import type { CheckItem, Checks, ItemType, Observation } from './model.ts';
import { type ItemRule, judge } from './rules.ts';
import { monitoringEvents, monitoringItemState, monitoringItems, monitoringTargets, monitoringValues } from './schema.ts';
import { findItemByHostKey } from './store.ts';
import type { IngestResult, SenderValue } from './zabbix/sender.ts';

/**
 * The scheduler and evaluator. It owns no timers of its own: `runDue(now)` runs whatever is due at
 * `now`, `tick()` is `runDue(clock.now())`, and `start()` calls `tick()` from an injected timer — so
 * tests drive it with a FakeClock and never sleep.
 *
 * - Due items are claimed with a lease (running_since) under `FOR UPDATE SKIP LOCKED`, so an item never
 *   runs twice at once, in this process or in another worker sharing the database (DESIGN: scale-out).
 * - Batchable checks (ICMP) get all their due items in one call (one fping per batch).
 * - Results are applied infrastructure first, VMs last, each item in its own transaction: state,
 *   value and event commit together, so a restart continues from the stored consecutive counts.
 * - A VM whose ESXi host's alive item is in problem has its alerts recorded as suppressed; while the
 *   host is still suspect (counting) the VM's alert waits one more round instead of going out.
 */
export interface Timer {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}
export const realTimer: Timer = {
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
};

export type MonitoringEvent = typeof monitoringEvents.$inferSelect;

export interface EngineDeps {
  db: Db;
  clock: Clock;
  checks: Checks;
  /** Level-C items (business_hours_only) are checked only when this says it is business time. */
  calendar?: BusinessCalendar;
  timer?: Timer;
  workerId?: string;
  /** A claim older than this is considered abandoned (a crashed worker) and taken over. */
  leaseMs?: number;
  /** Most items claimed by one runDue. */
  maxPerRun?: number;
  /** Parallel non-batch checks. */
  concurrency?: number;
  /** Called after each event commits (alert handling and mail hook in here). */
  onEvent?: (e: MonitoringEvent) => void | Promise<void>;
}

export interface RunSummary {
  claimed: number;
  checked: number;
  /** Outside business hours (level C) or still running from an earlier tick. */
  skipped: number;
  unknown: number;
  events: MonitoringEvent[];
}

type Claimed = {
  item: typeof monitoringItems.$inferSelect;
  target: typeof monitoringTargets.$inferSelect;
};

export interface MonitoringEngine {
  runDue(now?: Date): Promise<RunSummary>;
  tick(): Promise<RunSummary>;
  /** Pushed values (sender protocol, HTTP): judged like polled ones. */
  ingest(values: SenderValue[]): Promise<IngestResult>;
  start(tickMs?: number): void;
  stop(): Promise<void>;
}

const ruleOf = (item: Claimed['item']): ItemRule => ({
  type: item.type,
  key: item.key,
  params: item.params,
  thresholds: { warning: item.warningThreshold, critical: item.criticalThreshold },
  severity: item.severity,
});

export function createMonitoringEngine(deps: EngineDeps): MonitoringEngine {
  const { db, clock, checks } = deps;
  const workerId = deps.workerId ?? `kiban-${process.pid}-${randomUUID().slice(0, 8)}`;
  const leaseMs = deps.leaseMs ?? 10 * 60_000;
  const maxPerRun = deps.maxPerRun ?? 5000;
  const concurrency = deps.concurrency ?? 32;
  const timer = deps.timer ?? realTimer;
  const running = new Set<string>();
  let handle: unknown = null;
  let inFlight: Promise<unknown> = Promise.resolve();

  const outsideHours = (item: Claimed['item'], at: Date) => item.businessHoursOnly && deps.calendar !== undefined && !deps.calendar.isBusinessTime(at);

  async function claim(now: Date): Promise<Claimed[]> {
    const stale = new Date(now.getTime() - leaseMs);
    return inTx(db, async (t) => {
      const rows = await t
        .select({ item: monitoringItems, target: monitoringTargets })
        .from(monitoringItemState)
        .innerJoin(monitoringItems, eq(monitoringItems.id, monitoringItemState.itemId))
        .innerJoin(monitoringTargets, eq(monitoringTargets.id, monitoringItems.targetId))
        .where(
          and(
            lte(monitoringItemState.nextDueAt, now),
            eq(monitoringItems.enabled, true),
            eq(monitoringItems.collect, 'poll'),
            eq(monitoringTargets.enabled, true),
            or(isNull(monitoringTargets.startsAt), lte(monitoringTargets.startsAt, now)),
            or(isNull(monitoringItemState.runningSince), lt(monitoringItemState.runningSince, stale)),
            // MON-6 停止: a target under an approved "stop" suppression is not checked in its window.
            not(suppressedAt(monitoringTargets.id, now, 'stop')),
          ),
        )
        .orderBy(asc(monitoringItemState.nextDueAt))
        .limit(maxPerRun)
        .for('update', { of: monitoringItemState, skipLocked: true });
      const mine = rows.filter((r) => !running.has(r.item.id));
      if (mine.length > 0) {
        await t
          .update(monitoringItemState)
          .set({ runningSince: now, runningBy: workerId })
          .where(
            inArray(
              monitoringItemState.itemId,
              mine.map((r) => r.item.id),
            ),
          );
      }
      return mine;
    });
  }

  async function runChecks(claimed: Claimed[]): Promise<Map<string, Observation>> {
    const out = new Map<string, Observation>();
    const byType = new Map<ItemType, CheckItem[]>();
    for (const c of claimed) {
      const ci: CheckItem = {
        id: c.item.id,
        type: c.item.type,
        key: c.item.key,
        params: c.item.params,
        target: { address: c.target.address ?? c.target.hostName, agentPort: c.target.agentPort },
      };
      byType.set(ci.type, [...(byType.get(ci.type) ?? []), ci]);
    }
    const singles: Array<() => Promise<void>> = [];
    const batches: Promise<void>[] = [];
    for (const [type, items] of byType) {
      const check = checks[type];
      if (!check) {
        for (const i of items) out.set(i.id, { outcome: 'unknown', detail: `no check configured for type ${type}` });
        continue;
      }
      const guard = (p: Promise<Observation>): Promise<Observation> =>
        p.catch((e: unknown) => ({ outcome: 'unknown' as const, detail: `check failed: ${(e as Error).message}` }));
      if (check.checkBatch) {
        const batch = check.checkBatch.bind(check);
        batches.push(
          batch(items).then(
            (m) => {
              for (const i of items) out.set(i.id, m.get(i.id) ?? { outcome: 'unknown', detail: 'no result' });
            },
            (e: unknown) => {
              for (const i of items) out.set(i.id, { outcome: 'unknown', detail: `check failed: ${(e as Error).message}` });
            },
          ),
        );
      } else {
        for (const i of items) singles.push(async () => void out.set(i.id, await guard(check.check(i))));
      }
    }
    let next = 0;
    const workers = Array.from({ length: Math.min(concurrency, singles.length) }, async () => {
      while (next < singles.length) await (singles[next++] as () => Promise<void>)();
    });
    await Promise.all([...batches, ...workers]);
    return out;
  }

  async function stoppedAt(targetId: string, at: Date): Promise<boolean> {
    const rows = await db.select({ id: monitoringTargets.id }).from(monitoringTargets).where(and(eq(monitoringTargets.id, targetId), suppressedAt(monitoringTargets.id, at, 'stop')));
    return rows.length > 0;
  }

  /** The VM's host alive state, for suppression: 'problem', 'suspect', or null. */
  async function hostAliveState(t: Db, target: Claimed['target']): Promise<{ state: string; itemId: string } | null> {
    if (target.ciType !== 'vm') return null;
    const rows = await t
      .select({ state: monitoringItemState.state, itemId: monitoringItems.id })
      .from(cmdbVms)
      .innerJoin(monitoringTargets, and(eq(monitoringTargets.ciType, 'host'), eq(monitoringTargets.ciId, cmdbVms.hostId)))
      .innerJoin(monitoringItems, and(eq(monitoringItems.targetId, monitoringTargets.id), eq(monitoringItems.type, 'icmp')))
      .innerJoin(monitoringItemState, eq(monitoringItemState.itemId, monitoringItems.id))
      .where(eq(cmdbVms.id, target.ciId));
    return rows.find((r) => r.state === 'problem') ?? rows.find((r) => r.state === 'suspect') ?? null;
  }

  /** Applies one observation to one item in one transaction. Returns the event, if any. */
  async function apply(c: Claimed, obs: Observation | null, at: Date, opts: { release: boolean; nextDue?: Date }): Promise<MonitoringEvent | null> {
    return inTx(db, async (t) => {
      const [st] = await t.select().from(monitoringItemState).where(eq(monitoringItemState.itemId, c.item.id)).for('update');
      if (!st) return null;
      const lease = opts.release ? { runningSince: null, runningBy: null } : {};
      const due = opts.nextDue ? { nextDueAt: opts.nextDue } : {};
      const j = obs ? judge(ruleOf(c.item), obs) : undefined;
      if (!obs || !j) {
        const detail = obs && obs.outcome !== 'value' ? obs.detail : obs ? 'value not understood' : null;
        await t
          .update(monitoringItemState)
          .set({ ...lease, ...due, ...(obs ? { lastCheckAt: at, lastDetail: detail } : {}) })
          .where(eq(monitoringItemState.itemId, c.item.id));
        return null;
      }
      const value = obs.outcome === 'value' ? obs.value : null;
      await t
        .insert(monitoringValues)
        .values({ itemId: c.item.id, at, num: j.numeric, text: j.numeric === null ? (value ?? obs.outcome) : null })
        .onConflictDoUpdate({ target: [monitoringValues.itemId, monitoringValues.at], set: { num: j.numeric, text: j.numeric === null ? (value ?? obs.outcome) : null } });
      const before: MachineState = { state: st.state, severity: st.severity, consecutive: st.consecutive, consecutiveCritical: st.consecutiveCritical };
      let { next, event } = step(before, j.severity, c.item.consecutive);
      let suppressed = false;
      let suppressedBy: string | null = null;
      if (event?.kind === 'problem') {
        const host = await hostAliveState(t, c.target);
        if (host?.state === 'suspect') {
          // The host may be going down: hold this VM's alert until the host's own check decides.
          next = { ...next, state: 'suspect', severity: null };
          event = undefined;
        } else if (host?.state === 'problem') {
          suppressed = true;
          suppressedBy = host.itemId;
        }
      } else if (event) {
        suppressed = st.problemSuppressed;
      }
      let saved: MonitoringEvent | null = null;
      if (event) {
        const [e] = await t
          .insert(monitoringEvents)
          .values({
            itemId: c.item.id,
            targetId: c.target.id,
            kind: event.kind,
            severity: event.severity,
            at,
            value,
            detail: j.detail,
            consecutive: next.consecutive,
            suppressed,
            suppressedBy,
          })
          .returning();
        saved = e ?? null;
      }
      const changed = next.state !== st.state || next.severity !== st.severity;
      await t
        .update(monitoringItemState)
        .set({
          ...lease,
          ...due,
          state: next.state,
          severity: next.severity,
          consecutive: next.consecutive,
          consecutiveCritical: next.consecutiveCritical,
          lastValue: value ?? obs.outcome,
          lastDetail: j.detail,
          lastCheckAt: at,
          ...(changed ? { lastChangeAt: at } : {}),
          ...(event?.kind === 'problem' ? { problemEventId: saved?.id ?? null, problemSuppressed: suppressed } : {}),
          ...(event?.kind === 'recovered' ? { problemEventId: null, problemSuppressed: false } : {}),
        })
        .where(eq(monitoringItemState.itemId, c.item.id));
      return saved;
    });
  }

  async function runDueInner(now: Date): Promise<RunSummary> {
    const claimed = await claim(now);
    const summary: RunSummary = { claimed: claimed.length, checked: 0, skipped: 0, unknown: 0, events: [] };
    const toRun: Claimed[] = [];
    for (const c of claimed) {
      if (outsideHours(c.item, now)) {
        // Level C outside business hours: not checked, counts kept; next slot after the next opening.
        const opening = (deps.calendar as BusinessCalendar).nextOpening(now);
        await apply(c, null, now, { release: true, nextDue: nextSlot(c.item.id, c.item.intervalSec, new Date(opening.getTime() - 1)) });
        summary.skipped++;
      } else toRun.push(c);
    }
    for (const c of toRun) running.add(c.item.id);
    try {
      const results = await runChecks(toRun);
      // Infrastructure first, so a host that just went down suppresses its VMs in this same round.
      const ordered = [...toRun].sort((a, b) => Number(a.target.ciType === 'vm') - Number(b.target.ciType === 'vm'));
      for (const c of ordered) {
        const obs = results.get(c.item.id) ?? { outcome: 'unknown', detail: 'no result' };
        const e = await apply(c, obs, now, { release: true, nextDue: nextSlot(c.item.id, c.item.intervalSec, now) });
        summary.checked++;
        if (obs.outcome === 'unknown') summary.unknown++;
        if (e) {
          summary.events.push(e);
          await deps.onEvent?.(e);
        }
      }
    } finally {
      for (const c of toRun) running.delete(c.item.id);
    }
    return summary;
  }

  const engine: MonitoringEngine = {
    runDue(now = clock.now()) {
      const p = runDueInner(now);
      inFlight = inFlight.then(
        () => p,
        () => p,
      );
      return p;
    },
    tick() {
      return engine.runDue(clock.now());
    },
    async ingest(values) {
      let processed = 0;
      let failed = 0;
      for (const v of values) {
        const found = await findItemByHostKey(db, v.host, v.key);
        if (!found?.item.enabled || !found.target.enabled) {
          failed++;
          continue;
        }
        const at = v.clock !== undefined ? new Date(v.clock * 1000 + Math.floor((v.ns ?? 0) / 1e6)) : clock.now();
        const c: Claimed = { item: found.item, target: found.target };
        if (outsideHours(found.item, at) || (await stoppedAt(found.target.id, at))) {
          // Recorded for the history, not judged (level C counts only in business hours; MON-6 停止).
          await db.insert(monitoringValues).values({ itemId: found.item.id, at, num: null, text: v.value }).onConflictDoNothing();
        } else {
          const e = await apply(c, { outcome: 'value', value: v.value }, at, { release: false });
          if (e) await deps.onEvent?.(e);
        }
        processed++;
      }
      return { processed, failed };
    },
    start(tickMs = 5000) {
      if (handle !== null) return;
      handle = timer.setInterval(() => {
        void engine.tick().catch(() => {});
      }, tickMs);
    },
    async stop() {
      if (handle !== null) timer.clearInterval(handle);
      handle = null;
      await inFlight.catch(() => {});
    },
  };
  return engine;
}

/** Item states joined with their targets, for the status endpoint. */
export async function monitoringStatus(db: Db, scope?: SQL) {
  return db
    .select({
      itemId: monitoringItems.id,
      target: monitoringTargets.name,
      ciType: monitoringTargets.ciType,
      type: monitoringItems.type,
      key: monitoringItems.key,
      state: monitoringItemState.state,
      severity: monitoringItemState.severity,
      consecutive: monitoringItemState.consecutive,
      lastValue: monitoringItemState.lastValue,
      lastCheckAt: monitoringItemState.lastCheckAt,
      nextDueAt: monitoringItemState.nextDueAt,
    })
    .from(monitoringItemState)
    .innerJoin(monitoringItems, eq(monitoringItems.id, monitoringItemState.itemId))
    .innerJoin(monitoringTargets, eq(monitoringTargets.id, monitoringItems.targetId))
    .where(scope)
    .orderBy(sql`${monitoringItemState.state} <> 'problem'`, asc(monitoringTargets.name), asc(monitoringItems.key));
}
