import { and, asc, desc, eq, gte, lte, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { cmdbClusters, cmdbHosts, cmdbManagementServers, cmdbNetworkDevices, cmdbSites, cmdbStorage, cmdbSystems, cmdbVms } from '../cmdb/schema.ts';
import { type Db, queryRows } from '../db/index.ts';
import { type Actor, requirePermission, visibleDepartments } from '../iam/actor.ts';
import type { Clock } from '../kernel/clock.ts';
import { NotFoundError } from '../kernel/errors.ts';
import { likePattern } from '../kernel/paging.ts';
import { suppressedAt, targetInDepartments } from './context.ts';
import { monitoringEvents, monitoringItemState, monitoringItems, monitoringTargets, monitoringValues } from './schema.ts';

/**
 * The live status board (MON UI): item states rolled up by site, cluster, ESXi host, system or service
 * level, the items in trouble, a filtered page of items, and one item with its history for charts.
 *
 * Built for thousands of items: the roll-up is one GROUP BY in the database and the answer carries
 * counts, not items (a 10,000-item estate answers in a few KB); items come a page at a time.
 * Each target's place in the estate (site/cluster/host/system/level) is derived from the CMDB's
 * current state, so a vMotion moves a VM's items to the new host's row on the next refresh.
 */

export const BOARD_GROUPS = ['site', 'cluster', 'host', 'system', 'level'] as const;
export type BoardGroup = (typeof BOARD_GROUPS)[number];
/** An item's display state: ok, suspect (counting), warning / critical problem, or unchecked (never checked yet). */
export const BOARD_STATES = ['ok', 'suspect', 'warning', 'critical', 'unchecked'] as const;
export type BoardState = (typeof BOARD_STATES)[number];

export interface BoardCounts {
  items: number;
  ok: number;
  suspect: number;
  warning: number;
  critical: number;
  unchecked: number;
  /** Items under a suppression (静観 or 停止) now. */
  suppressed: number;
}

export interface BoardGroupRow {
  /** The CI id (site/cluster/host/system) or the level letter; null = items outside any (e.g. storage for "host"). */
  id: string | null;
  name: string | null;
  counts: BoardCounts;
}

export interface BoardItem {
  itemId: string;
  targetId: string;
  target: string;
  ciType: string;
  ciId: string;
  type: string;
  key: string;
  name: string;
  state: BoardState;
  consecutive: number;
  lastValue: string | null;
  lastDetail: string | null;
  lastCheckAt: string | null;
  lastChangeAt: string | null;
  suppressed: boolean;
}

export interface Board {
  at: string;
  by: BoardGroup;
  totals: BoardCounts;
  groups: BoardGroupRow[];
  /** Items in warning/critical/suspect, worst and newest first (at most 200). */
  problems: BoardItem[];
}

export interface BoardItemDetail extends BoardItem {
  intervalSec: number;
  warningThreshold: number | null;
  criticalThreshold: number | null;
  consecutiveRequired: number;
  businessHoursOnly: boolean;
  notify: boolean;
  enabled: boolean;
  params: Record<string, unknown>;
  nextDueAt: string | null;
  place: { site: string | null; cluster: string | null; host: string | null; system: string | null; level: string | null };
  events: Array<{ id: number; kind: string; severity: string | null; at: string; value: string | null; detail: string | null; suppressed: boolean }>;
}

export interface HistoryPoint {
  at: string;
  num: number | null;
  text: string | null;
}

export const boardQuery = z.object({ by: z.enum(BOARD_GROUPS).default('site') }).strict();

export const boardItemsQuery = z
  .object({
    by: z.enum(BOARD_GROUPS).optional(),
    /** The group's id as /board returns it; "none" = items outside any group. */
    group: z.string().trim().min(1).max(64).optional(),
    state: z.enum(BOARD_STATES).optional(),
    type: z.enum(['icmp', 'http', 'resource', 'service', 'process']).optional(),
    /** Only items under a suppression now (true) or not (false). */
    suppressed: z.enum(['true', 'false']).optional(),
    q: z.string().trim().max(200).optional(),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict()
  .refine((v) => v.group === undefined || v.by !== undefined, { path: ['by'], message: 'by is required with group' });

export const historyQuery = z
  .object({
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

/** At most this many points per history answer: longer ranges are thinned to evenly spaced buckets. */
export const HISTORY_MAX_POINTS = 2000;

/**
 * An item's parameters as the item page shows them: request header values (an HTTP check's
 * Authorization, cookies) and passwords in URLs are masked — they are settings, not monitoring data.
 */
export function visibleParams(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    if (k === 'headers' && v && typeof v === 'object') out[k] = Object.fromEntries(Object.keys(v).map((h) => [h, '****']));
    else if (typeof v === 'string' && /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*@/i.test(v)) out[k] = v.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, '$1****@');
    else if (/pass|secret|token/i.test(k)) out[k] = '****';
    else out[k] = v;
  }
  return out;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * One row per target: where it sits in the estate now. A VM sits on its host's cluster and site; a
 * host on its own; storage on its cluster/site; network devices and management servers on a site.
 */
function placeOfTargets() {
  return sql`(
    SELECT t.id AS target_id,
      COALESCE(h.site_id, vh.site_id, st.site_id, nd.site_id, ms.site_id) AS site_id,
      COALESCE(h.cluster_id, vh.cluster_id, st.cluster_id) AS cluster_id,
      COALESCE(h.id, vh.id) AS host_id,
      v.system_id AS system_id,
      COALESCE(v.service_level_override, sy.service_level) AS level
    FROM ${monitoringTargets} t
    LEFT JOIN ${cmdbHosts} h ON t.ci_type = 'host' AND h.id = t.ci_id
    LEFT JOIN ${cmdbVms} v ON t.ci_type = 'vm' AND v.id = t.ci_id
    LEFT JOIN ${cmdbHosts} vh ON vh.id = v.host_id
    LEFT JOIN ${cmdbSystems} sy ON sy.id = v.system_id
    LEFT JOIN ${cmdbStorage} st ON t.ci_type = 'storage' AND st.id = t.ci_id
    LEFT JOIN ${cmdbNetworkDevices} nd ON t.ci_type = 'network_device' AND nd.id = t.ci_id
    LEFT JOIN ${cmdbManagementServers} ms ON t.ci_type = 'management_server' AND ms.id = t.ci_id
  )`;
}

const groupColumn: Record<BoardGroup, string> = { site: 'site_id', cluster: 'cluster_id', host: 'host_id', system: 'system_id', level: 'level' };

/** The display state of an item state row, as SQL. */
const stateSql = sql`CASE WHEN ${monitoringItemState.lastCheckAt} IS NULL AND ${monitoringItemState.state} = 'ok' THEN 'unchecked'
  WHEN ${monitoringItemState.state} = 'problem' THEN COALESCE(${monitoringItemState.severity}, 'critical')
  ELSE ${monitoringItemState.state} END`;

export function createStatusBoard(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  const scope = (actor: Actor): SQL | undefined => {
    const depts = visibleDepartments(actor);
    return depts === null ? undefined : depts.length === 0 ? sql`false` : targetInDepartments(depts);
  };
  const rowsOf = <T>(q: SQL) => queryRows<T>(db, q);
  const suppressedNow = (now: Date) => suppressedAt(monitoringTargets.id, now);

  const itemFields = (now: Date) => ({
    itemId: monitoringItems.id,
    targetId: monitoringTargets.id,
    target: monitoringTargets.name,
    ciType: monitoringTargets.ciType,
    ciId: monitoringTargets.ciId,
    type: monitoringItems.type,
    key: monitoringItems.key,
    name: monitoringItems.name,
    state: sql<BoardState>`${stateSql}`,
    consecutive: monitoringItemState.consecutive,
    lastValue: monitoringItemState.lastValue,
    lastDetail: monitoringItemState.lastDetail,
    lastCheckAt: monitoringItemState.lastCheckAt,
    lastChangeAt: monitoringItemState.lastChangeAt,
    suppressed: sql<boolean>`${suppressedNow(now)}`,
  });
  const toItem = (r: {
    lastCheckAt: Date | null;
    lastChangeAt: Date | null;
    [k: string]: unknown;
  }): BoardItem => ({ ...(r as unknown as BoardItem), lastCheckAt: r.lastCheckAt?.toISOString() ?? null, lastChangeAt: r.lastChangeAt?.toISOString() ?? null });

  const enabledItems = and(eq(monitoringItems.enabled, true), eq(monitoringTargets.enabled, true));

  /** Names of the group ids, from the CMDB (sites, clusters, hosts, systems; levels are their letters). */
  async function groupNames(by: BoardGroup, ids: string[]): Promise<Map<string, string>> {
    const uuids = ids.filter((i) => UUID.test(i));
    if (by === 'level' || uuids.length === 0) return new Map(ids.map((i) => [i, i]));
    const table = { site: cmdbSites, cluster: cmdbClusters, host: cmdbHosts, system: cmdbSystems }[by];
    const rows = await db
      .select({ id: table.id, name: table.name })
      .from(table)
      .where(sql`${table.id} = ANY(${`{${uuids.join(',')}}`}::uuid[])`);
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  return {
    async board(actor: Actor, by: BoardGroup): Promise<Board> {
      requirePermission(actor, 'monitoring.read');
      const now = clock.now();
      const col = sql.raw(`p.${groupColumn[by]}`);
      const list = await rowsOf<{
        gid: string | null;
        items: number;
        ok: number;
        suspect: number;
        warning: number;
        critical: number;
        unchecked: number;
        suppressed: number;
      }>(sql`
        SELECT ${col}::text AS gid, count(*)::int AS items,
          count(*) FILTER (WHERE s.st = 'ok')::int AS ok,
          count(*) FILTER (WHERE s.st = 'suspect')::int AS suspect,
          count(*) FILTER (WHERE s.st = 'warning')::int AS warning,
          count(*) FILTER (WHERE s.st = 'critical')::int AS critical,
          count(*) FILTER (WHERE s.st = 'unchecked')::int AS unchecked,
          count(*) FILTER (WHERE s.sup)::int AS suppressed
        FROM (
          SELECT ${monitoringTargets.id} AS target_id, ${stateSql} AS st, ${suppressedNow(now)} AS sup
          FROM ${monitoringItemState}
          JOIN ${monitoringItems} ON ${monitoringItems.id} = ${monitoringItemState.itemId}
          JOIN ${monitoringTargets} ON ${monitoringTargets.id} = ${monitoringItems.targetId}
          WHERE ${and(enabledItems, scope(actor)) ?? sql`true`}
        ) s
        JOIN ${placeOfTargets()} p ON p.target_id = s.target_id
        GROUP BY 1`);
      const names = await groupNames(
        by,
        list.map((r) => r.gid).filter((g): g is string => g !== null),
      );
      const zero = (): BoardCounts => ({ items: 0, ok: 0, suspect: 0, warning: 0, critical: 0, unchecked: 0, suppressed: 0 });
      const totals = zero();
      const groups: BoardGroupRow[] = list.map((r) => {
        const counts: BoardCounts = { items: r.items, ok: r.ok, suspect: r.suspect, warning: r.warning, critical: r.critical, unchecked: r.unchecked, suppressed: r.suppressed };
        for (const k of Object.keys(totals) as (keyof BoardCounts)[]) totals[k] += counts[k];
        return { id: r.gid, name: r.gid === null ? null : (names.get(r.gid) ?? r.gid), counts };
      });
      // Worst first: critical, warning, suspect counts; then by name (groups without a place last).
      groups.sort(
        (a, b) =>
          b.counts.critical - a.counts.critical ||
          b.counts.warning - a.counts.warning ||
          b.counts.suspect - a.counts.suspect ||
          Number(a.id === null) - Number(b.id === null) ||
          (a.name ?? '').localeCompare(b.name ?? '', 'ja'),
      );
      const problems = await db
        .select(itemFields(now))
        .from(monitoringItemState)
        .innerJoin(monitoringItems, eq(monitoringItems.id, monitoringItemState.itemId))
        .innerJoin(monitoringTargets, eq(monitoringTargets.id, monitoringItems.targetId))
        .where(and(enabledItems, sql`${monitoringItemState.state} IN ('problem', 'suspect')`, scope(actor)))
        .orderBy(
          sql`CASE ${stateSql} WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END`,
          desc(monitoringItemState.lastChangeAt),
          asc(monitoringTargets.name),
        )
        .limit(200);
      return { at: now.toISOString(), by, totals, groups, problems: problems.map(toItem) };
    },

    async items(actor: Actor, q: z.infer<typeof boardItemsQuery>) {
      requirePermission(actor, 'monitoring.read');
      const now = clock.now();
      const conds: (SQL | undefined)[] = [enabledItems, scope(actor)];
      if (q.by && q.group !== undefined) {
        const col = sql.raw(`p.${groupColumn[q.by]}`);
        conds.push(
          q.group === 'none'
            ? sql`EXISTS (SELECT 1 FROM ${placeOfTargets()} p WHERE p.target_id = ${monitoringTargets.id} AND ${col} IS NULL)`
            : sql`EXISTS (SELECT 1 FROM ${placeOfTargets()} p WHERE p.target_id = ${monitoringTargets.id} AND ${col}::text = ${q.group})`,
        );
      }
      if (q.state) conds.push(sql`${stateSql} = ${q.state}`);
      if (q.type) conds.push(eq(monitoringItems.type, q.type));
      if (q.suppressed) conds.push(q.suppressed === 'true' ? suppressedNow(now) : sql`NOT ${suppressedNow(now)}`);
      if (q.q) {
        const p = likePattern(q.q);
        conds.push(sql`(${monitoringTargets.name} ILIKE ${p} OR ${monitoringItems.name} ILIKE ${p} OR ${monitoringItems.key} ILIKE ${p})`);
      }
      const where = and(...conds);
      const base = () =>
        db
          .select(itemFields(now))
          .from(monitoringItemState)
          .innerJoin(monitoringItems, eq(monitoringItems.id, monitoringItemState.itemId))
          .innerJoin(monitoringTargets, eq(monitoringTargets.id, monitoringItems.targetId))
          .where(where);
      const [rows, [count]] = await Promise.all([
        base()
          .orderBy(sql`CASE ${stateSql} WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 WHEN 'suspect' THEN 2 WHEN 'unchecked' THEN 3 ELSE 4 END`, asc(monitoringTargets.name), asc(monitoringItems.key))
          .limit(q.pageSize)
          .offset((q.page - 1) * q.pageSize),
        db
          .select({ n: sql<number>`count(*)::int` })
          .from(monitoringItemState)
          .innerJoin(monitoringItems, eq(monitoringItems.id, monitoringItemState.itemId))
          .innerJoin(monitoringTargets, eq(monitoringTargets.id, monitoringItems.targetId))
          .where(where),
      ]);
      return { items: rows.map(toItem), total: count?.n ?? 0, page: q.page, pageSize: q.pageSize };
    },

    async item(actor: Actor, itemId: string): Promise<BoardItemDetail> {
      requirePermission(actor, 'monitoring.read');
      const now = clock.now();
      const [r] = await db
        .select({
          ...itemFields(now),
          intervalSec: monitoringItems.intervalSec,
          warningThreshold: monitoringItems.warningThreshold,
          criticalThreshold: monitoringItems.criticalThreshold,
          consecutiveRequired: monitoringItems.consecutive,
          businessHoursOnly: monitoringItems.businessHoursOnly,
          notify: monitoringItems.notify,
          enabled: monitoringItems.enabled,
          params: monitoringItems.params,
          nextDueAt: monitoringItemState.nextDueAt,
        })
        .from(monitoringItemState)
        .innerJoin(monitoringItems, eq(monitoringItems.id, monitoringItemState.itemId))
        .innerJoin(monitoringTargets, eq(monitoringTargets.id, monitoringItems.targetId))
        .where(and(eq(monitoringItems.id, itemId), scope(actor)));
      if (!r) throw new NotFoundError('monitoring.item_not_found');
      const placeRows = await rowsOf<{ site: string | null; cluster: string | null; host: string | null; system: string | null; level: string | null }>(sql`
        SELECT si.name AS site, cl.name AS cluster, ho.name AS host, sy.name AS system, p.level
        FROM ${placeOfTargets()} p
        LEFT JOIN ${cmdbSites} si ON si.id = p.site_id
        LEFT JOIN ${cmdbClusters} cl ON cl.id = p.cluster_id
        LEFT JOIN ${cmdbHosts} ho ON ho.id = p.host_id
        LEFT JOIN ${cmdbSystems} sy ON sy.id = p.system_id
        WHERE p.target_id = ${r.targetId}`);
      const place = placeRows[0] ?? {
        site: null,
        cluster: null,
        host: null,
        system: null,
        level: null,
      };
      const events = await db.select().from(monitoringEvents).where(eq(monitoringEvents.itemId, itemId)).orderBy(desc(monitoringEvents.at), desc(monitoringEvents.id)).limit(50);
      return {
        ...toItem(r),
        intervalSec: r.intervalSec,
        warningThreshold: r.warningThreshold,
        criticalThreshold: r.criticalThreshold,
        consecutiveRequired: r.consecutiveRequired,
        businessHoursOnly: r.businessHoursOnly,
        notify: r.notify,
        enabled: r.enabled,
        params: visibleParams(r.params),
        nextDueAt: r.nextDueAt?.toISOString() ?? null,
        place: { site: place.site, cluster: place.cluster, host: place.host, system: place.system, level: place.level },
        events: events.map((e) => ({ id: e.id, kind: e.kind, severity: e.severity, at: e.at.toISOString(), value: e.value, detail: e.detail, suppressed: e.suppressed })),
      };
    },

    /** An item's values between from and to (default: the last 24 hours), thinned to HISTORY_MAX_POINTS. */
    async history(actor: Actor, itemId: string, q: z.infer<typeof historyQuery>): Promise<{ from: string; to: string; points: HistoryPoint[]; thinned: boolean }> {
      requirePermission(actor, 'monitoring.read');
      // Scope and existence only — not the item page's place and events queries.
      const [seen] = await db
        .select({ id: monitoringItems.id })
        .from(monitoringItems)
        .innerJoin(monitoringTargets, eq(monitoringTargets.id, monitoringItems.targetId))
        .where(and(eq(monitoringItems.id, itemId), scope(actor)));
      if (!seen) throw new NotFoundError('monitoring.item_not_found');
      const to = q.to ? new Date(q.to) : clock.now();
      const from = q.from ? new Date(q.from) : new Date(to.getTime() - 24 * 3600_000);
      if (!(from < to)) return { from: from.toISOString(), to: to.toISOString(), points: [], thinned: false };
      const where = and(eq(monitoringValues.itemId, itemId), gte(monitoringValues.at, from), lte(monitoringValues.at, to));
      const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(monitoringValues).where(where);
      const n = count?.n ?? 0;
      if (n <= HISTORY_MAX_POINTS) {
        const rows = await db.select().from(monitoringValues).where(where).orderBy(asc(monitoringValues.at));
        return { from: from.toISOString(), to: to.toISOString(), points: rows.map((v) => ({ at: v.at.toISOString(), num: v.num, text: v.text })), thinned: false };
      }
      // Thin to evenly spaced buckets: the maximum of each bucket (a spike must stay visible) and its last text.
      // Buckets counted from `from`, so [from, to] makes at most HISTORY_MAX_POINTS of them.
      const bucketMs = Math.ceil((to.getTime() - from.getTime()) / (HISTORY_MAX_POINTS - 1));
      const fromMs = from.getTime();
      const list = await rowsOf<{ at: Date | string; num: number | null; text: string | null }>(sql`
        SELECT to_timestamp((${fromMs}::bigint + floor((extract(epoch FROM ${monitoringValues.at}) * 1000 - ${fromMs}) / ${bucketMs}) * ${bucketMs}) / 1000.0) AS at,
          max(${monitoringValues.num}) AS num,
          (array_agg(${monitoringValues.text} ORDER BY ${monitoringValues.at} DESC) FILTER (WHERE ${monitoringValues.text} IS NOT NULL))[1] AS text
        FROM ${monitoringValues} WHERE ${where} GROUP BY 1 ORDER BY 1`);
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        points: list.map((p) => ({ at: new Date(p.at).toISOString(), num: p.num === null ? null : Number(p.num), text: p.text })),
        thinned: true,
      };
    },
  };
}
export type StatusBoard = ReturnType<typeof createStatusBoard>;

