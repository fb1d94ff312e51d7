import { and, asc, gte, inArray, lt } from 'drizzle-orm';
import type { BusinessCalendar } from '../calendar/index.ts';
import { computeCapacity, DEFAULT_CMDB_CONFIG } from '../cmdb/index.ts';
import type { ClusterRow, HostRow, StorageRow, VmRow } from '../cmdb/capacity.ts';
import { cmdbClusters, cmdbHistory, cmdbHosts, cmdbStorage, cmdbVms } from '../cmdb/schema.ts';
import type { Db } from '../db/index.ts';
import { fieldError } from '../kernel/errors.ts';
import { addMonths, computeAvailability, computeAvailabilitySeries, computeKpis, monthPeriod, type Period, targetFor } from '../servicelevels/index.ts';

/**
 * 半期報告の内容 (N §3.1.3.3 半期報告会, SLM-7) for one half of the Japanese fiscal year, assembled from
 * Kiban's ledgers: the KPI results month by month and over the half with the target in force, the
 * scope changes (systems and VMs added or retired in the half, from the CMDB history), and the resource
 * forecast (per cluster, allocated vs capacity at each month end of the 12 months ending with the half,
 * rebuilt from the CMDB history, a linear trend and the months until the ledger's threshold). Migration
 * results/plan and next year's IT plans have no ledger in Kiban yet: the team writes them (texts).
 * Plain JSON (dates as ISO strings): stored as the report's snapshot.
 */
export interface HalfYearData {
  half: string;
  label: string;
  from: string;
  to: string;
  assembledAt: string;
  months: string[];
  kpis: {
    key: string;
    label: string;
    target: number | null;
    months: (number | null)[];
    half: number | null;
    met: boolean | null;
    status: string;
    numerator: number | null;
    denominator: number | null;
  }[];
  availability: { level: string; vmCount: number; availability: number | null; plannedMinutes: number; nonOperatingMinutes: number; incidents: number }[];
  scope: {
    added: ScopeChange[];
    removed: ScopeChange[];
    counts: { systemsAdded: number; systemsRemoved: number; vmsAdded: number; vmsRemoved: number };
  };
  forecast: {
    /** The 12 month ends measured, oldest first. */
    months: string[];
    thresholds: { cpu: number; memory: number; disk: number };
    clusters: ClusterForecast[];
  };
  migration: { noSource: true; note: string };
}

export interface ScopeChange {
  ciType: 'system' | 'vm';
  name: string;
  at: string;
  reason: string;
  actor: string;
}

export type Resource = 'cpu' | 'memory' | 'disk';
export interface Trend {
  /** Percentage points per month (least squares over the months measured); null with fewer than 2 points. */
  slope: number | null;
  last: number | null;
  threshold: number;
  /** Months from the half's end until the threshold at this trend: 0 already reached, null not rising (or no data). */
  monthsToThreshold: number | null;
}
export interface ClusterForecast {
  name: string;
  /** Per month end: allocated / capacity (vCPU, GiB, GiB) and percent; null where the cluster was not there. */
  points: ({ month: string; cpu: Point; memory: Point; disk: Point } | null)[];
  trend: Record<Resource, Trend>;
}
export interface Point {
  allocated: number;
  capacity: number;
  percent: number | null;
}

const HALF = /^(\d{4})-H([12])$/;

/** '2026-H1' → FY2026 上期 (2026-04-01 JST .. 2026-10-01), '2026-H2' → 下期 (2026-10-01 .. 2027-04-01). */
export function halfPeriod(half: string, field = 'half'): Period & { months: string[]; label: string } {
  const m = HALF.exec(half);
  if (!m) throw fieldError(field, 'report.bad_half');
  const y = Number(m[1]);
  const first = m[2] === '1' ? `${y}-04` : `${y}-10`;
  const months = Array.from({ length: 6 }, (_, i) => addMonths(first, i));
  return {
    from: monthPeriod(first).from,
    to: monthPeriod(months[5]!).to,
    month: null,
    months,
    label: `${y}年度 ${m[2] === '1' ? '上期（4月〜9月）' : '下期（10月〜3月）'}`,
  };
}

/** The half an instant falls in. */
export function halfOf(month: string): string {
  const [y, mo] = month.split('-').map(Number) as [number, number];
  return mo >= 4 && mo <= 9 ? `${y}-H1` : mo >= 10 ? `${y}-H2` : `${y - 1}-H2`;
}

const iso = (d: Date) => d.toISOString();
const round1 = (n: number) => Math.round(n * 10) / 10;

export async function assembleHalfYear(db: Db, calendar: BusinessCalendar, half: string, now: Date): Promise<HalfYearData> {
  const hp = halfPeriod(half);
  const periods = hp.months.map((m) => monthPeriod(m));
  const series = await computeAvailabilitySeries(db, calendar, periods, now, null);
  const opts = { firstResponseMinutes: 30 };
  const monthly = [];
  for (const [i, p] of periods.entries()) monthly.push(await computeKpis(db, p, now, null, series[i]!, opts));
  const whole = await computeAvailability(db, calendar, hp, now, null);
  const lastMonth = hp.months[5]!;
  const kpis = [];
  // The half's figure from the months' (no second read of the half's cases: they are the months' cases
  // put together): counts summed; availability from the half's own computation (its minutes are the
  // months' minutes summed); 集約率, a figure at a point in time entered monthly, the last month's.
  for (const def of monthly[5]!) {
    const rows = monthly.map((m) => m.find((r) => r.key === def.key)!);
    const months = rows.map((r) => r.value);
    let value: number | null;
    let numerator: number | null = null;
    let denominator: number | null = null;
    if (def.key === 'availability_a' || def.key === 'availability_b') {
      const l = whole.levels.find((x) => x.level === (def.key === 'availability_a' ? 'A' : 'B'))!;
      value = l.vmCount ? l.availability : null;
      numerator = l.periodMinutes - l.plannedMinutes - l.nonOperatingMinutes;
      denominator = l.periodMinutes - l.plannedMinutes;
    } else if (def.key === 'consolidation') {
      value = [...months].reverse().find((v) => v !== null) ?? null;
    } else if (def.status === 'no_source') {
      value = null;
    } else {
      numerator = rows.reduce((n, r) => n + (r.numerator ?? 0), 0);
      denominator = rows.reduce((n, r) => n + (r.denominator ?? 0), 0);
      value = denominator > 0 ? Math.round((numerator / denominator) * 100_000) / 1000 : null;
    }
    const target = (await targetFor(db, def.key, lastMonth))?.percent ?? null;
    kpis.push({
      key: def.key,
      label: def.label.ja,
      target,
      months,
      half: value,
      met: value !== null && target !== null ? value >= target : null,
      status: def.status,
      numerator,
      denominator,
    });
  }

  return {
    half,
    label: hp.label,
    from: iso(hp.from),
    to: iso(hp.to),
    assembledAt: iso(now),
    months: hp.months,
    kpis,
    availability: whole.levels.map((l) => ({
      level: l.level,
      vmCount: l.vmCount,
      availability: l.vmCount ? l.availability : null,
      plannedMinutes: l.plannedMinutes,
      nonOperatingMinutes: l.nonOperatingMinutes,
      incidents: l.incidentIds.length,
    })),
    scope: await scopeChanges(db, hp.from, hp.to),
    forecast: await resourceForecast(db, hp.months[5]!),
    migration: {
      noSource: true,
      note: '移行・受入の記録は Kiban にまだありません（移行計画・受入管理の機能が未実装）。実績と次年度の計画は報告書に記入してください。',
    },
  };
}

type Json = Record<string, unknown> | null;

/** サービス対象の変更: systems and VMs created, or moved to 廃止, within [from, to) per the CMDB history. */
async function scopeChanges(db: Db, from: Date, to: Date): Promise<HalfYearData['scope']> {
  const rows = await db
    .select()
    .from(cmdbHistory)
    .where(and(inArray(cmdbHistory.ciType, ['system', 'vm']), gte(cmdbHistory.at, from), lt(cmdbHistory.at, to)))
    .orderBy(asc(cmdbHistory.at), asc(cmdbHistory.id));
  const added: ScopeChange[] = [];
  const removed: ScopeChange[] = [];
  for (const r of rows) {
    const before = r.before as Json;
    const after = r.after as Json;
    const name = String(after?.name ?? before?.name ?? r.ciId);
    const change = { ciType: r.ciType as 'system' | 'vm', name, at: iso(r.at), reason: r.reason, actor: r.actor };
    if (r.action === 'create') added.push(change);
    else if (after?.status === 'retired' && before?.status !== 'retired') removed.push(change);
  }
  const n = (xs: ScopeChange[], t: string) => xs.filter((x) => x.ciType === t).length;
  return {
    added,
    removed,
    counts: { systemsAdded: n(added, 'system'), systemsRemoved: n(removed, 'system'), vmsAdded: n(added, 'vm'), vmsRemoved: n(removed, 'vm') },
  };
}

/**
 * The estate as it was at `at`, from the CMDB history: a CI's last recorded state at or before `at`
 * (its `after`; null once deleted); with history only after `at`, the state before the first change
 * (its `before`; null: created later); with no history at all, the current row if it existed then.
 */
function stateAt<T>(current: (T & { id: string; createdAt: Date })[], history: Map<string, { at: Date; before: Json; after: Json }[]>, at: Date): T[] {
  const out: T[] = [];
  const ids = new Set([...current.map((c) => c.id), ...history.keys()]);
  const cur = new Map(current.map((c) => [c.id, c]));
  for (const id of ids) {
    const h = history.get(id);
    let state: unknown = null;
    if (h?.length) {
      const past = h.filter((x) => x.at <= at);
      state = past.length ? past[past.length - 1]!.after : h[0]!.before;
    } else {
      const c = cur.get(id);
      state = c && c.createdAt <= at ? c : null;
    }
    if (state) out.push({ ...(state as object), id } as T);
  }
  return out;
}

/** リソース使用予測: per cluster, allocation vs capacity at each of the 12 month ends up to `lastMonth`, trend and months to threshold. */
async function resourceForecast(db: Db, lastMonth: string): Promise<HalfYearData['forecast']> {
  const months = Array.from({ length: 12 }, (_, i) => addMonths(lastMonth, i - 11));
  const end = monthPeriod(lastMonth).to;
  const hist = await db
    .select({ ciType: cmdbHistory.ciType, ciId: cmdbHistory.ciId, at: cmdbHistory.at, before: cmdbHistory.before, after: cmdbHistory.after })
    .from(cmdbHistory)
    .where(and(inArray(cmdbHistory.ciType, ['cluster', 'host', 'vm', 'storage']), lt(cmdbHistory.at, end)))
    .orderBy(asc(cmdbHistory.at), asc(cmdbHistory.id));
  const byType = new Map<string, Map<string, { at: Date; before: Json; after: Json }[]>>();
  for (const h of hist) {
    const m = byType.get(h.ciType) ?? byType.set(h.ciType, new Map()).get(h.ciType)!;
    (m.get(h.ciId) ?? m.set(h.ciId, []).get(h.ciId)!).push({ at: h.at, before: h.before as Json, after: h.after as Json });
  }
  const of = (t: string) => byType.get(t) ?? new Map();
  const [clusters, hosts, vms, storage] = await Promise.all([
    db.select({ id: cmdbClusters.id, name: cmdbClusters.name, status: cmdbClusters.status, createdAt: cmdbClusters.createdAt }).from(cmdbClusters),
    db
      .select({
        id: cmdbHosts.id,
        name: cmdbHosts.name,
        clusterId: cmdbHosts.clusterId,
        status: cmdbHosts.status,
        cpuCores: cmdbHosts.cpuCores,
        cpuGhz: cmdbHosts.cpuGhz,
        memoryGib: cmdbHosts.memoryGib,
        localDiskGib: cmdbHosts.localDiskGib,
        createdAt: cmdbHosts.createdAt,
      })
      .from(cmdbHosts),
    db
      .select({
        id: cmdbVms.id,
        name: cmdbVms.name,
        hostId: cmdbVms.hostId,
        status: cmdbVms.status,
        powerState: cmdbVms.powerState,
        vcpu: cmdbVms.vcpu,
        memoryGib: cmdbVms.memoryGib,
        diskGib: cmdbVms.diskGib,
        ha: cmdbVms.ha,
        createdAt: cmdbVms.createdAt,
      })
      .from(cmdbVms),
    db
      .select({
        id: cmdbStorage.id,
        clusterId: cmdbStorage.clusterId,
        status: cmdbStorage.status,
        capacityGib: cmdbStorage.capacityGib,
        createdAt: cmdbStorage.createdAt,
      })
      .from(cmdbStorage),
  ]);
  const th = DEFAULT_CMDB_CONFIG.thresholds;
  const perCluster = new Map<string, ClusterForecast['points']>();
  for (const [i, m] of months.entries()) {
    const at = monthPeriod(m).to;
    const estate = {
      clusters: stateAt<ClusterRow>(clusters, of('cluster'), at),
      hosts: stateAt<HostRow>(hosts, of('host'), at),
      vms: stateAt<VmRow>(vms, of('vm'), at),
      storage: stateAt<StorageRow>(storage, of('storage'), at),
    };
    for (const c of computeCapacity(estate, DEFAULT_CMDB_CONFIG).clusters) {
      const pts =
        perCluster.get(c.name) ??
        perCluster
          .set(
            c.name,
            Array.from({ length: 12 }, () => null),
          )
          .get(c.name)!;
      const p = (x: { allocated: number; capacity: number; percent: number | null }): Point => ({
        allocated: x.allocated,
        capacity: x.capacity,
        percent: x.percent,
      });
      pts[i] = { month: m, cpu: p(c.cpu), memory: p(c.memory), disk: p(c.disk) };
    }
  }
  const out: ClusterForecast[] = [...perCluster.entries()]
    .sort((a, b) => a[0].localeCompare(b[0], 'ja'))
    .map(([name, points]) => ({
      name,
      points,
      trend: { cpu: trend(points, 'cpu', th.cpu), memory: trend(points, 'memory', th.memory), disk: trend(points, 'disk', th.disk) },
    }));
  return { months, thresholds: { ...th }, clusters: out };
}

/** Least-squares slope over the months with a percent; months until the threshold from the last one. */
export function trend(points: ClusterForecast['points'], r: Resource, threshold: number): Trend {
  const xy = points.flatMap((p, i) => (p && p[r].percent !== null ? [[i, p[r].percent!] as const] : []));
  const last = xy.length ? xy[xy.length - 1]![1] : null;
  if (xy.length < 2) return { slope: null, last, threshold, monthsToThreshold: last !== null && last >= threshold ? 0 : null };
  const n = xy.length;
  const mx = xy.reduce((s, [x]) => s + x, 0) / n;
  const my = xy.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = xy.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const slope = sxx ? xy.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0) / sxx : 0;
  const monthsToThreshold = last! >= threshold ? 0 : slope > 0 ? Math.ceil((threshold - last!) / slope) : null;
  return { slope: round1(slope * 10) / 10, last, threshold, monthsToThreshold };
}
