import { randomUUID } from 'node:crypto';
import { and, asc, eq, gt, inArray, lte, type SQL, sql } from 'drizzle-orm';
import type { BusinessCalendar } from '../calendar/index.ts';
import { cmdbVms } from '../cmdb/schema.ts';
import type { Db } from '../db/index.ts';
import { inTx } from '../db/index.ts';
import type { Clock } from '../kernel/clock.ts';
import { suppressedAt } from './context.ts';
import { decide, hostAliveOf, NEEDS_HOST, nextSlot } from './machine.ts';
import type { CheckItem, Checks, ItemType, Observation, Severity } from './model.ts';
import type { ItemRule } from './rules.ts';
import {
  type ItemStateName,
  monitoringEvents,
  monitoringItemState,
  monitoringItems,
  monitoringSuppressions,
  monitoringTargets,
  monitoringValues,
} from './schema.ts';
import type { IngestResult, SenderValue } from './zabbix/sender.ts';

/**
 * The scheduler and evaluator. It owns no timers of its own: `runDue(now)` runs whatever is due at
 * `now`, `tick()` is `runDue(clock.now())`, and `start()` calls `tick()` from an injected timer — so
 * tests drive it with a FakeClock and never sleep.
 *
 * - Due items are claimed with a lease (running_since) under `FOR UPDATE SKIP LOCKED`, so an item never
 *   runs twice at once, in this process or in another worker sharing the database (DESIGN: scale-out).
 *   Due rows that may not run now (disabled, push-only, not started, 停止) move on to their next slot.
 * - Batchable checks (ICMP) get all their due items in one call (one fping per batch).
 * - Results are applied infrastructure first, VMs last, in batches of `batchSize`: one transaction per
 *   batch with set-based SQL (one statement locks and reads the states, one writes the history rows,
 *   one the events, one the states), state, values and events committing together — so a restart
 *   continues from the stored consecutive counts.
 * - Pushed values (`ingest`, the sender listener and POST /api/monitoring/values) go the same way: per
 *   chunk one statement resolves the (host, key) pairs and locks their states, then the same
 *   `commitPlan` — a polled and a pushed observation are judged by the one `decide` (machine.ts).
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
  /** Observations applied per transaction (runDue results, pushed values). */
  batchSize?: number;
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

type ItemRow = typeof monitoringItems.$inferSelect;
type TargetRow = typeof monitoringTargets.$inferSelect;
/** What applying an observation needs of an item and its target (a pushed value's lookup reads only this). */
type ItemCore = Pick<ItemRow, 'id' | 'type' | 'key' | 'params' | 'consecutive' | 'warningThreshold' | 'criticalThreshold' | 'severity' | 'businessHoursOnly' | 'enabled'>;
type TargetCore = Pick<TargetRow, 'id' | 'ciType' | 'ciId' | 'enabled'>;
/** A claimed item: what applying needs, plus what running its check needs. */
type Claimed = {
  item: ItemCore & Pick<ItemRow, 'intervalSec'>;
  target: TargetCore & Pick<TargetRow, 'address' | 'hostName' | 'agentPort'>;
};

export interface MonitoringEngine {
  runDue(now?: Date): Promise<RunSummary>;
  tick(): Promise<RunSummary>;
  /** Pushed values (sender protocol, HTTP): judged like polled ones. */
  ingest(values: SenderValue[]): Promise<IngestResult>;
  start(tickMs?: number): void;
  stop(): Promise<void>;
}

const ruleOf = (item: ItemCore): ItemRule => ({
  type: item.type,
  key: item.key,
  params: item.params,
  thresholds: { warning: item.warningThreshold, critical: item.criticalThreshold },
  severity: item.severity,
});

type EventInsert = typeof monitoringEvents.$inferInsert;

/**
 * A state row as a batch works on it. Instants stay ISO strings, as they are read from and written
 * back to the database as JSON: turning 1,000 rows × 4 instants into Dates and back costs more than
 * the rest of the batch's JavaScript.
 */
type StateRec = {
  itemId: string;
  state: ItemStateName;
  severity: Severity | null;
  consecutive: number;
  consecutiveCritical: number;
  lastValue: string | null;
  lastDetail: string | null;
  lastCheckAt: string | null;
  lastChangeAt: string | null;
  problemEventId: number | null;
  problemSuppressed: boolean;
  nextDueAt: string;
  runningSince: string | null;
  runningBy: string | null;
};

type Subject = { item: ItemCore; target: TargetCore };

/** One unit of work for a batch: an observation to judge (or, with obs null, only a lease/slot update), or a value only to record. */
type Work =
  | (Subject & { kind: 'observe'; obs: Observation | null; at: Date; release: boolean; nextDue?: Date })
  | (Subject & { kind: 'record'; at: Date; text: string });

type ValueRow = { itemId: string; at: string; num: number | null; text: string | null; overwrite: boolean };

/** What a batch writes, worked out in memory before any write. */
interface Plan {
  /** History rows by (item, instant); a judged value overwrites, a record-only one never does. */
  values: Map<string, ValueRow>;
  events: EventInsert[];
  /** The new state row of every item that was observed. */
  states: Map<string, StateRec>;
  /** Item → index in `events` of the problem it now points at, or null (recovered). */
  problemRef: Map<string, number | null>;
  /** VMs (CI ids) whose host alive state a decision needs and that is not looked up yet. */
  needHosts: Set<string>;
}

const pairKey = (host: string, key: string) => `${host}\u0000${key}`;

function* chunks<T>(xs: T[], n: number): Generator<T[]> {
  for (let i = 0; i < xs.length; i += n) yield xs.slice(i, i + n);
}

/**
 * Steps every item of the batch through its observations in batch order, in memory. Pure: the same
 * work, stored states and host lookups give the same plan, so when a VM's decision needs its host
 * the caller looks the host up and plans again.
 */
function planBatch(work: Work[], stored: Map<string, StateRec>, hostItems: Map<string, Array<{ itemId: string; state: ItemStateName }>>): Plan {
  const plan: Plan = { values: new Map(), events: [], states: new Map(), problemRef: new Map(), needHosts: new Set() };
  const stateOf = (id: string) => plan.states.get(id) ?? stored.get(id);
  const waiting = new Set<string>();
  for (const w of work) {
    const vkey = `${w.item.id}|${w.at.getTime()}`;
    if (w.kind === 'record') {
      if (!plan.values.has(vkey)) plan.values.set(vkey, { itemId: w.item.id, at: w.at.toISOString(), num: null, text: w.text, overwrite: false });
      continue;
    }
    const st = stateOf(w.item.id);
    if (!st || waiting.has(w.item.id)) continue;
    const next: StateRec = { ...st };
    if (w.release) {
      next.runningSince = null;
      next.runningBy = null;
    }
    if (w.nextDue) next.nextDueAt = w.nextDue.toISOString();
    if (w.obs) {
      const hosts = hostItems.get(w.target.ciId);
      // A host item stepped earlier in this batch counts with its new state.
      const host = hosts ? hostAliveOf(hosts.map((h) => ({ itemId: h.itemId, state: stateOf(h.itemId)?.state ?? h.state }))) : undefined;
      const d = decide({ rule: ruleOf(w.item), consecutive: w.item.consecutive, isVm: w.target.ciType === 'vm', before: st, obs: w.obs }, host);
      if (d === NEEDS_HOST) {
        plan.needHosts.add(w.target.ciId);
        waiting.add(w.item.id);
        continue;
      }
      const at = w.at.toISOString();
      next.lastCheckAt = at;
      next.lastDetail = d.detail;
      if (d.judged) {
        plan.values.set(vkey, { itemId: w.item.id, at, num: d.num, text: d.text, overwrite: true });
        if (d.next.state !== st.state || d.next.severity !== st.severity) next.lastChangeAt = at;
        next.state = d.next.state;
        next.severity = d.next.severity;
        next.consecutive = d.next.consecutive;
        next.consecutiveCritical = d.next.consecutiveCritical;
        next.lastValue = d.lastValue;
        const e = d.event;
        if (e) {
          plan.events.push({
            itemId: w.item.id,
            targetId: w.target.id,
            kind: e.kind,
            severity: e.severity,
            at: w.at,
            value: e.value,
            detail: e.detail,
            consecutive: e.consecutive,
            suppressed: e.suppressed,
            suppressedBy: e.suppressedBy,
          });
          if (e.kind === 'problem') {
            plan.problemRef.set(w.item.id, plan.events.length - 1);
            next.problemSuppressed = e.suppressed;
          } else if (e.kind === 'recovered') {
            plan.problemRef.set(w.item.id, null);
            next.problemSuppressed = false;
          }
        }
      }
    }
    plan.states.set(w.item.id, next);
  }
  return plan;
}

// ── Reading: rows come back as one json_agg of arrays — PGlite decodes one JSON field far faster
//    than rows × columns, and arrays are a third the size of objects to build and to parse.

const STATE_COLUMNS = sql`s.item_id, s.state, s.severity, s.consecutive, s.consecutive_critical, s.last_value, s.last_detail,
  s.last_check_at, s.last_change_at, s.problem_event_id, s.problem_suppressed, s.next_due_at, s.running_since, s.running_by`;
type StateTuple = [string, ItemStateName, Severity | null, number, number, string | null, string | null, string | null, string | null, number | string | null, boolean, string, string | null, string | null];
const stateRecOf = (a: StateTuple): StateRec => ({
  itemId: a[0],
  state: a[1],
  severity: a[2],
  consecutive: a[3],
  consecutiveCritical: a[4],
  lastValue: a[5],
  lastDetail: a[6],
  lastCheckAt: a[7],
  lastChangeAt: a[8],
  problemEventId: a[9] === null ? null : Number(a[9]),
  problemSuppressed: a[10],
  nextDueAt: a[11],
  runningSince: a[12],
  runningBy: a[13],
});

const ITEM_COLUMNS = sql`i.id, i.type, i.key, i.params, i.consecutive, i.warning_threshold, i.critical_threshold, i.severity, i.business_hours_only, i.enabled`;
type ItemTuple = [string, ItemCore['type'], string, Record<string, unknown>, number, number | null, number | null, Severity, boolean, boolean];
const itemOf = (a: ItemTuple): ItemCore => ({
  id: a[0],
  type: a[1],
  key: a[2],
  params: a[3],
  consecutive: a[4],
  warningThreshold: a[5],
  criticalThreshold: a[6],
  severity: a[7],
  businessHoursOnly: a[8],
  enabled: a[9],
});
const TARGET_COLUMNS = sql`tg.id, tg.ci_type, tg.ci_id, tg.enabled`;
type TargetTuple = [string, TargetCore['ciType'], string, boolean];
const targetOf = (a: TargetTuple): TargetCore => ({ id: a[0], ciType: a[1], ciId: a[2], enabled: a[3] });

/** The single JSON column of a one-row result, whichever driver ran it. */
function jsonOf<T>(result: unknown): T {
  const rows = (result as { rows?: Array<{ j: unknown }> }).rows ?? (result as Array<{ j: unknown }>);
  const j = rows[0]?.j ?? [];
  return (typeof j === 'string' ? JSON.parse(j) : j) as T;
}

/** Locks the items' state rows (in item-id order, so concurrent batches cannot deadlock) and reads them. */
async function lockStates(t: Db, ids: string[]): Promise<Map<string, StateRec>> {
  const r = await t.execute(sql`WITH s AS (
      SELECT * FROM ${monitoringItemState} WHERE item_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid)
      ORDER BY item_id FOR UPDATE)
    SELECT coalesce(json_agg(json_build_array(${STATE_COLUMNS})), '[]'::json) AS j FROM s`);
  return new Map(jsonOf<StateTuple[]>(r).map((a) => [a[0], stateRecOf(a)]));
}

type Resolved = { h: string; k: string; item: ItemCore; target: TargetCore; state: StateRec };

/**
 * The items named by pushed (host, key) pairs — host names case-insensitively, by the lower(host_name)
 * index — with their state rows locked and read, in one statement.
 */
async function resolveAndLock(t: Db, pairs: Array<{ h: string; k: string }>): Promise<Resolved[]> {
  const r = await t.execute(sql`WITH p AS (SELECT DISTINCT h, k FROM jsonb_to_recordset(${JSON.stringify(pairs)}::jsonb) AS x(h text, k text)),
    -- the batch's hosts through the lower(host_name) index (not a hash join over every target)
    tg AS MATERIALIZED (SELECT * FROM ${monitoringTargets} WHERE lower(host_name) = ANY((SELECT array_agg(DISTINCT lower(h)) FROM p)::text[])),
    r AS (
      SELECT json_build_array(p.h, p.k, json_build_array(${ITEM_COLUMNS}), json_build_array(${TARGET_COLUMNS}), json_build_array(${STATE_COLUMNS})) AS o
      FROM p
      JOIN tg ON lower(tg.host_name) = lower(p.h)
      JOIN ${monitoringItems} i ON i.target_id = tg.id AND i.key = p.k
      JOIN ${monitoringItemState} s ON s.item_id = i.id
      ORDER BY i.id
      FOR UPDATE OF s)
    SELECT coalesce(json_agg(o), '[]'::json) AS j FROM r`);
  return jsonOf<Array<[string, string, ItemTuple, TargetTuple, StateTuple]>>(r).map(([h, k, i, tgt, s]) => ({ h, k, item: itemOf(i), target: targetOf(tgt), state: stateRecOf(s) }));
}

// ── Writing: one statement each, the rows as one JSON parameter.

/** History rows in at most two statements: judged values overwrite a row of the same instant, recorded ones never do. */
async function writeValues(t: Db, rows: ValueRow[]): Promise<void> {
  for (const overwrite of [true, false]) {
    const mine = rows.filter((r) => r.overwrite === overwrite);
    if (mine.length === 0) continue;
    // In key order, like the locks: two batches inserting the same keys wait for each other, never deadlock.
    mine.sort((a, b) => (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    const json = JSON.stringify(mine.map((r) => ({ i: r.itemId, a: r.at, n: r.num, t: r.text })));
    await t.execute(sql`INSERT INTO ${monitoringValues} (item_id, at, num, text)
      SELECT x.i, x.a, x.n, x.t FROM jsonb_to_recordset(${json}::jsonb) AS x(i uuid, a timestamptz, n double precision, t text)
      ON CONFLICT (item_id, at) DO ${overwrite ? sql`UPDATE SET num = excluded.num, text = excluded.text` : sql`NOTHING`}`);
  }
}

/** The new state rows, in one UPDATE … FROM jsonb_to_recordset. */
async function writeStates(t: Db, states: StateRec[]): Promise<void> {
  if (states.length === 0) return;
  const json = JSON.stringify(
    states.map((s) => ({
      i: s.itemId,
      st: s.state,
      sv: s.severity,
      c: s.consecutive,
      cc: s.consecutiveCritical,
      lv: s.lastValue,
      ld: s.lastDetail,
      lc: s.lastCheckAt,
      lx: s.lastChangeAt,
      pe: s.problemEventId,
      ps: s.problemSuppressed,
      nd: s.nextDueAt,
      rs: s.runningSince,
      rb: s.runningBy,
    })),
  );
  await t.execute(sql`UPDATE ${monitoringItemState} AS s SET
      state = x.st, severity = x.sv, consecutive = x.c, consecutive_critical = x.cc, last_value = x.lv, last_detail = x.ld,
      last_check_at = x.lc, last_change_at = x.lx, problem_event_id = x.pe, problem_suppressed = x.ps, next_due_at = x.nd,
      running_since = x.rs, running_by = x.rb
    FROM jsonb_to_recordset(${json}::jsonb) AS x(i uuid, st text, sv text, c integer, cc integer, lv text, ld text, lc timestamptz,
      lx timestamptz, pe bigint, ps boolean, nd timestamptz, rs timestamptz, rb text)
    WHERE s.item_id = x.i`);
}

export function createMonitoringEngine(deps: EngineDeps): MonitoringEngine {
  const { db, clock, checks } = deps;
  const workerId = deps.workerId ?? `kiban-${process.pid}-${randomUUID().slice(0, 8)}`;
  const leaseMs = deps.leaseMs ?? 10 * 60_000;
  const maxPerRun = deps.maxPerRun ?? 5000;
  const concurrency = deps.concurrency ?? 32;
  const batchSize = Math.max(1, Math.min(deps.batchSize ?? 2000, 5000));
  const timer = deps.timer ?? realTimer;
  const running = new Set<string>();
  let handle: unknown = null;
  let inFlight: Promise<unknown> = Promise.resolve();

  const outsideHours = (item: ItemCore, at: Date) => item.businessHoursOnly && deps.calendar !== undefined && !deps.calendar.isBusinessTime(at);

  /**
   * Claims the due items: one statement reads the due state rows from the next_due_at index (at most
   * maxPerRun, in due order), locks them with SKIP LOCKED and says of each whether it may run now; a
   * second sets the lease on those and moves the others (disabled, push-only, not started yet, under
   * a 停止 window) to their next slot, so rows that cannot run do not pile up at the head of the
   * index and get read again every tick. They are looked at again one interval later.
   */
  async function claim(now: Date): Promise<Claimed[]> {
    const stale = new Date(now.getTime() - leaseMs);
    return inTx(db, async (t) => {
      const r = await t.execute(sql`WITH due AS MATERIALIZED (
          SELECT item_id FROM ${monitoringItemState}
          WHERE next_due_at <= ${now.toISOString()}::timestamptz AND (running_since IS NULL OR running_since < ${stale.toISOString()}::timestamptz)
          ORDER BY next_due_at LIMIT ${maxPerRun}),
        c AS (
          SELECT json_build_array(json_build_array(${ITEM_COLUMNS}, i.interval_sec), json_build_array(${TARGET_COLUMNS}, tg.address, tg.host_name, tg.agent_port),
            i.enabled AND i.collect = 'poll' AND tg.enabled AND (tg.starts_at IS NULL OR tg.starts_at <= ${now.toISOString()}::timestamptz)
              -- MON-6 停止: a target under an approved "stop" suppression is not checked in its window.
              AND NOT ${suppressedAt(sql`tg.id`, now, 'stop')}) AS o
          FROM due
          JOIN ${monitoringItemState} s ON s.item_id = due.item_id
          JOIN ${monitoringItems} i ON i.id = s.item_id
          JOIN ${monitoringTargets} tg ON tg.id = i.target_id
          ORDER BY s.next_due_at
          FOR UPDATE OF s SKIP LOCKED)
        SELECT coalesce(json_agg(o), '[]'::json) AS j FROM c`);
      type Row = [[...ItemTuple, number], [...TargetTuple, string | null, string, number], boolean];
      const rows = jsonOf<Row[]>(r).map(([i, tg, runnable]) => ({
        item: { ...itemOf(i.slice(0, 10) as ItemTuple), intervalSec: i[10] },
        target: { ...targetOf(tg.slice(0, 4) as TargetTuple), address: tg[4], hostName: tg[5], agentPort: tg[6] },
        runnable,
      }));
      const mine = rows.filter((x) => x.runnable && !running.has(x.item.id)).map(({ item, target }) => ({ item, target }));
      const parked = rows.filter((x) => !x.runnable);
      if (mine.length > 0 || parked.length > 0) {
        const json = JSON.stringify([
          ...mine.map((x) => ({ i: x.item.id, l: true, d: null })),
          ...parked.map((x) => ({ i: x.item.id, l: false, d: nextSlot(x.item.id, x.item.intervalSec, now) })),
        ]);
        await t.execute(sql`UPDATE ${monitoringItemState} AS s
          SET running_since = CASE WHEN x.l THEN ${now.toISOString()}::timestamptz ELSE s.running_since END,
              running_by = CASE WHEN x.l THEN ${workerId} ELSE s.running_by END,
              next_due_at = coalesce(x.d, s.next_due_at)
          FROM jsonb_to_recordset(${json}::jsonb) AS x(i uuid, l boolean, d timestamptz)
          WHERE s.item_id = x.i`);
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
      const list = byType.get(ci.type);
      if (list) list.push(ci);
      else byType.set(ci.type, [ci]);
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

  /** The host alive items of each VM (by CI id) with their stored states, for the host rule. */
  async function hostAliveItems(t: Db, vmCiIds: string[]): Promise<Map<string, Array<{ itemId: string; state: ItemStateName }>>> {
    const out = new Map<string, Array<{ itemId: string; state: ItemStateName }>>(vmCiIds.map((id) => [id, []]));
    if (vmCiIds.length === 0) return out;
    const rows = await t
      .select({ vmId: cmdbVms.id, itemId: monitoringItems.id, state: monitoringItemState.state })
      .from(cmdbVms)
      .innerJoin(monitoringTargets, and(eq(monitoringTargets.ciType, 'host'), eq(monitoringTargets.ciId, cmdbVms.hostId)))
      .innerJoin(monitoringItems, and(eq(monitoringItems.targetId, monitoringTargets.id), eq(monitoringItems.type, 'icmp')))
      .innerJoin(monitoringItemState, eq(monitoringItemState.itemId, monitoringItems.id))
      .where(inArray(cmdbVms.id, vmCiIds));
    for (const r of rows) out.get(r.vmId)?.push({ itemId: r.itemId, state: r.state });
    return out;
  }

  /**
   * Decides and writes a batch of work inside transaction `t`, set-based. `stored` holds the touched
   * items' state rows, already locked. Every observation is decided in memory in the batch's order
   * (`decide`, the same for polled and pushed values — the same item several times steps its machine
   * several times), then the history rows, the events and the new states are written with one
   * statement each. Returns the events in order; the caller hands them to onEvent after the commit.
   */
  async function commitPlan(t: Db, work: Work[], stored: Map<string, StateRec>): Promise<MonitoringEvent[]> {
    const hostItems = new Map<string, Array<{ itemId: string; state: ItemStateName }>>();
    let plan: Plan;
    for (;;) {
      plan = planBatch(work, stored, hostItems);
      if (plan.needHosts.size === 0) break;
      for (const [vm, items] of await hostAliveItems(t, [...plan.needHosts])) hostItems.set(vm, items);
    }
    await writeValues(t, [...plan.values.values()]);
    let saved: MonitoringEvent[] = [];
    if (plan.events.length > 0) {
      // ids come from one sequence in VALUES order: sorting by id restores the batch's order.
      saved = (await t.insert(monitoringEvents).values(plan.events).returning()).sort((a, b) => a.id - b.id);
    }
    const states = [...plan.states.values()].map((st) => {
      const ref = plan.problemRef.get(st.itemId);
      return ref === undefined ? st : { ...st, problemEventId: ref === null ? null : (saved[ref]?.id ?? null) };
    });
    await writeStates(t, states);
    return saved;
  }

  /** Applies polled results (or lease/slot updates) in ONE transaction: lock and read the states, then `commitPlan`. */
  async function applyBatch(work: Work[]): Promise<MonitoringEvent[]> {
    if (work.length === 0) return [];
    return inTx(db, async (t) => commitPlan(t, work, await lockStates(t, [...new Set(work.map((w) => w.item.id))].sort())));
  }

  async function runDueInner(now: Date): Promise<RunSummary> {
    const claimed = await claim(now);
    const summary: RunSummary = { claimed: claimed.length, checked: 0, skipped: 0, unknown: 0, events: [] };
    const toRun: Claimed[] = [];
    const skipped: Work[] = [];
    for (const c of claimed) {
      if (outsideHours(c.item, now)) {
        // Level C outside business hours: not checked, counts kept; next slot after the next opening.
        const opening = (deps.calendar as BusinessCalendar).nextOpening(now);
        skipped.push({ kind: 'observe', ...c, obs: null, at: now, release: true, nextDue: nextSlot(c.item.id, c.item.intervalSec, new Date(opening.getTime() - 1)) });
        summary.skipped++;
      } else toRun.push(c);
    }
    for (const part of chunks(skipped, batchSize)) await applyBatch(part);
    for (const c of toRun) running.add(c.item.id);
    try {
      const results = await runChecks(toRun);
      // Infrastructure first, so a host that just went down suppresses its VMs in this same round:
      // a VM later in the batch (or in a later chunk) sees its host's new state.
      const ordered = [...toRun].sort((a, b) => Number(a.target.ciType === 'vm') - Number(b.target.ciType === 'vm'));
      const work: Work[] = ordered.map((c) => {
        const obs = results.get(c.item.id) ?? { outcome: 'unknown', detail: 'no result' };
        if (obs.outcome === 'unknown') summary.unknown++;
        return { kind: 'observe', ...c, obs, at: now, release: true, nextDue: nextSlot(c.item.id, c.item.intervalSec, now) };
      });
      for (const part of chunks(work, batchSize)) {
        const events = await applyBatch(part);
        summary.checked += part.length;
        for (const e of events) {
          summary.events.push(e);
          await deps.onEvent?.(e);
        }
      }
    } finally {
      for (const c of toRun) running.delete(c.item.id);
    }
    return summary;
  }

  /** MON-6 停止 windows touching [from, to]: values in them are recorded, not judged. */
  async function stopWindows(from: Date, to: Date) {
    return db
      .select({ targetIds: monitoringSuppressions.targetIds, startsAt: monitoringSuppressions.startsAt, endsAt: monitoringSuppressions.endsAt })
      .from(monitoringSuppressions)
      .where(
        and(
          inArray(monitoringSuppressions.state, ['approved', 'active']),
          eq(monitoringSuppressions.method, 'stop'),
          lte(monitoringSuppressions.startsAt, to),
          gt(monitoringSuppressions.endsAt, from),
        ),
      );
  }

  /**
   * Pushed values, a chunk per transaction: one statement resolves the chunk's (host, key) pairs and
   * locks and reads their items' states, then `commitPlan` as for polled results. Values are taken in
   * clock order (stable: equal instants keep their arrival order), so several values of one item in a
   * batch step its machine in the order they were measured.
   */
  async function ingestInner(values: SenderValue[]): Promise<IngestResult> {
    if (values.length === 0) return { processed: 0, failed: 0 };
    const now = clock.now();
    const timed = values.map((v) => ({ v, at: v.clock !== undefined ? new Date(v.clock * 1000 + Math.floor((v.ns ?? 0) / 1e6)) : now }));
    timed.sort((a, b) => a.at.getTime() - b.at.getTime());
    const stops = await stopWindows((timed[0] as (typeof timed)[0]).at, (timed.at(-1) as (typeof timed)[0]).at);
    const stopped = (targetId: string, at: Date) => stops.some((s) => s.startsAt <= at && s.endsAt > at && s.targetIds.includes(targetId));
    let processed = 0;
    let failed = 0;
    for (const part of chunks(timed, batchSize)) {
      const r = await inTx(db, async (t) => {
        const pairs = new Map<string, { h: string; k: string }>();
        for (const { v } of part) pairs.set(pairKey(v.host, v.key), { h: v.host, k: v.key });
        const found = new Map<string, Subject>();
        const stored = new Map<string, StateRec>();
        for (const x of await resolveAndLock(t, [...pairs.values()])) {
          const k = pairKey(x.h, x.k);
          if (!found.has(k)) found.set(k, { item: x.item, target: x.target });
          if (!stored.has(x.item.id)) stored.set(x.item.id, x.state);
        }
        const work: Work[] = [];
        let bad = 0;
        for (const { v, at } of part) {
          const c = found.get(pairKey(v.host, v.key));
          if (!c?.item.enabled || !c.target.enabled) {
            bad++;
            continue;
          }
          work.push(
            outsideHours(c.item, at) || (stops.length > 0 && stopped(c.target.id, at))
              ? // Recorded for the history, not judged (level C counts only in business hours; MON-6 停止).
                { kind: 'record', ...c, at, text: v.value }
              : { kind: 'observe', ...c, obs: { outcome: 'value', value: v.value }, at, release: false },
          );
        }
        return { events: await commitPlan(t, work, stored), ok: work.length, bad };
      });
      processed += r.ok;
      failed += r.bad;
      for (const e of r.events) await deps.onEvent?.(e);
    }
    return { processed, failed };
  }

  const engine: MonitoringEngine = {
    runDue(now = clock.now()) {
      const p = runDueInner(now);
      // stop() waits for the run; its failure belongs to the caller of runDue, not to this chain
      // (an unobserved rejection here would be an unhandled rejection in the server process).
      inFlight = inFlight.then(
        () => p.catch(() => undefined),
        () => p.catch(() => undefined),
      );
      return p;
    },
    tick() {
      return engine.runDue(clock.now());
    },
    ingest(values) {
      return ingestInner(values);
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
