import { and, eq, inArray, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { BusinessCalendar } from '../calendar/index.ts';
import { type PlannedDowntime, plannedDowntime } from '../changes/index.ts';
import { cmdbSystems, cmdbVms } from '../cmdb/index.ts';
import type { Db } from '../db/index.ts';
import { departments } from '../iam/schema.ts';
import { incidentCis, incidents, RECOVERY_TARGETS } from '../incidents/index.ts';
import { monitoringSuppressions, monitoringTargets } from '../monitoring/schema.ts';
import { dueAt } from '../process/index.ts';
import { businessWindows, intersect, type Span, subtract, totalMinutes, union } from './intervals.ts';
import type { Period } from './period.ts';

type Level = 'A' | 'B' | 'C';

/**
 * 稼働率 (SLM-3) exactly as N §2.6.3 writes it, for any scope (a VM, a system, all VMs of a level):
 *
 *   ((期間 − 計画停止時間) − 非稼働時間の総和) ÷ (期間 − 計画停止時間)
 *
 * - 計画停止時間: the union of the approved release windows (changes' plannedDowntime: actual window
 *   where the work ran) and the approved/active/resumed suppressions of type 計画停止, on the scope's VMs
 *   or the ESXi hosts they run on — overlapping windows counted once.
 * - 非稼働時間: detection → recovery complete (recovered_at = the 復旧作業完了 notice's end, N: 復旧手順書の
 *   動作確認範囲の確認完了) of platform-caused troubles (class trouble, platform_caused) that stopped or
 *   affected the scope's VMs, unioned, outside the planned windows. A trouble still open counts to now.
 *   Which VMs a trouble affected, from its affected CIs: a VM named → that VM; the platform → every VM;
 *   an ESXi host → the VMs on it only when the VMs were moved/restarted by HA/vMotion (the trouble's
 *   「HA/vMotionで移動した」 mark, vm_return_required). A host trouble without it is 縮退運転 without VM
 *   impact and counts as running (it is listed, marked so). Host → VMs uses the CMDB's current
 *   placement (the ledger keeps no placement history).
 * - Level: the VM's effective level (its override, else its system's). N: an A system not built
 *   duplicated (二重化) counts under B. The CMDB has no 二重化 field; the nearest it records is vSphere
 *   HA and SRM (DR replication — A is 「DR 対象」, SLM-1), so an A VM counts under A only with both
 *   ha and srm, otherwise under B (countedAs explains it).
 * - Level C counts business hours only: the period, the windows and the troubles are cut to the
 *   business calendar's opening hours.
 * A period still running is measured up to now. Every figure carries the ids of the troubles and
 * windows behind it.
 */
export interface Window {
  id: string;
  kind: 'release' | 'suppression';
  ref: string;
  from: Date;
  to: Date;
  ciNames: string[];
}

export interface TroubleRow {
  id: string;
  receiptNo: string;
  title: string;
  detectedAt: Date;
  recoveredAt: Date | null;
  level: Level | null;
  /** non_operating: counted; degraded: a host trouble without VM impact (counted as running). */
  treatedAs: 'non_operating' | 'degraded';
  vmCount: number;
  recoveryMinutes: number | null;
  recoveryDueAt: Date | null;
  recoveryTarget: string | null;
  /** Recovered by the target (null: no target or not recovered yet and not yet late). */
  targetMet: boolean | null;
}

export interface Figure {
  /** Minutes of the period this scope is measured on (level C: business hours). */
  periodMinutes: number;
  plannedMinutes: number;
  nonOperatingMinutes: number;
  /** Percent, 3 decimals; null when the whole period was planned downtime. */
  availability: number | null;
  incidentIds: string[];
  windowIds: string[];
}

export interface VmFigure extends Figure {
  id: string;
  name: string;
  systemId: string | null;
  systemName: string | null;
  level: Level | null;
  countedLevel: Level | null;
  countedAs: string | null;
}

export interface SystemFigure extends Figure {
  id: string;
  name: string;
  departmentName: string | null;
  level: Level;
  vmCount: number;
}

export interface LevelFigure extends Figure {
  level: Level;
  vmCount: number;
}

export interface Availability {
  period: { from: Date; to: Date; month: string | null };
  levels: LevelFigure[];
  systems: SystemFigure[];
  vms: VmFigure[];
  incidents: TroubleRow[];
  windows: Window[];
  recoveryTargets: { level: Level; label: string }[];
}

/** One collator (String#localeCompare with a locale builds one per call: 1,600 systems × 12 months was ~0.3 s). */
const JA = new Intl.Collator('ja');

export const RECOVERY_TARGET_LABELS: Record<Level, string> = {
  A: '60分以内（24時間365日）',
  B: '4時間以内（24時間365日）',
  C: '翌開庁日まで（業務時間内のみ）',
};

interface VmRow {
  id: string;
  name: string;
  hostId: string | null;
  systemId: string | null;
  systemName: string | null;
  systemLevel: Level | null;
  departmentId: string | null;
  departmentName: string | null;
  override: Level | null;
  ha: boolean;
  srm: boolean;
  status: string;
  statusChangedAt: Date;
}

type SuppressionRow = typeof monitoringSuppressions.$inferSelect;
type IncidentRow = typeof incidents.$inferSelect;
type IncidentCiRow = typeof incidentCis.$inferSelect;

/**
 * What availability is computed from, read once for a range [from, to): the VMs measured in it, the
 * release windows and 計画停止 suppressions, the platform-caused troubles with their affected CIs.
 * A period inside the range is then computed in memory (availabilityOf) exactly as if read for itself:
 * each row kept by the range's conditions is filtered again by the period's.
 */
export interface AvailabilityInputs {
  from: Date;
  to: Date;
  vms: VmRow[];
  releases: PlannedDowntime[];
  suppressions: SuppressionRow[];
  targets: Map<string, { id: string; ciType: string; ciId: string; name: string }>;
  troubles: IncidentRow[];
  cisOf: Map<string, IncidentCiRow[]>;
}

/** One read of everything availability needs for [from, to) (departments the caller may see; null: all). */
export async function loadAvailabilityInputs(db: Db, from: Date, to: Date, depts: string[] | null): Promise<AvailabilityInputs> {
  const vms: VmRow[] = await db
    .select({
      id: cmdbVms.id,
      name: cmdbVms.name,
      hostId: cmdbVms.hostId,
      systemId: cmdbVms.systemId,
      systemName: cmdbSystems.name,
      systemLevel: cmdbSystems.serviceLevel,
      departmentId: cmdbSystems.departmentId,
      departmentName: departments.name,
      override: cmdbVms.serviceLevelOverride,
      ha: cmdbVms.ha,
      srm: cmdbVms.srm,
      status: cmdbVms.status,
      statusChangedAt: cmdbVms.statusChangedAt,
    })
    .from(cmdbVms)
    .leftJoin(cmdbSystems, eq(cmdbSystems.id, cmdbVms.systemId))
    .leftJoin(departments, eq(departments.id, cmdbSystems.departmentId))
    .where(
      and(
        // A VM retired before the period is not measured; one retired during it still is.
        or(ne(cmdbVms.status, 'retired'), sql`${cmdbVms.statusChangedAt} >= ${from.toISOString()}::timestamptz`),
        depts === null ? undefined : depts.length ? inArray(cmdbSystems.departmentId, depts) : sql`false`,
      ),
    )
    .orderBy(cmdbVms.name);
  const releases = await plannedDowntime(db, from, to);
  const suppressions = await db
    .select()
    .from(monitoringSuppressions)
    .where(
      and(
        eq(monitoringSuppressions.reason, 'planned_stop'),
        inArray(monitoringSuppressions.state, ['approved', 'active', 'completed']),
        sql`coalesce(${monitoringSuppressions.startedAt}, ${monitoringSuppressions.startsAt}) < ${to.toISOString()}::timestamptz`,
        sql`coalesce(${monitoringSuppressions.resumedAt}, ${monitoringSuppressions.endsAt}) > ${from.toISOString()}::timestamptz`,
      ),
    )
    .orderBy(monitoringSuppressions.startsAt, monitoringSuppressions.id);
  const targetIds = [...new Set(suppressions.flatMap((s) => s.targetIds))];
  const targetRows = targetIds.length
    ? await db
        .select({ id: monitoringTargets.id, ciType: monitoringTargets.ciType, ciId: monitoringTargets.ciId, name: monitoringTargets.name })
        .from(monitoringTargets)
        .where(inArray(monitoringTargets.id, targetIds))
    : [];
  const troubles = await db
    .select()
    .from(incidents)
    .where(
      and(
        eq(incidents.class, 'trouble'),
        eq(incidents.platformCaused, true),
        lt(incidents.detectedAt, to),
        or(isNull(incidents.recoveredAt), sql`${incidents.recoveredAt} > ${from.toISOString()}::timestamptz`),
      ),
    )
    .orderBy(incidents.detectedAt, incidents.id);
  const cisOf = new Map<string, IncidentCiRow[]>();
  // Chunked: a year of troubles at the ×20 estate is thousands of ids (one IN list per 5,000).
  for (let i = 0; i < troubles.length; i += 5000) {
    const ids = troubles.slice(i, i + 5000).map((t) => t.id);
    for (const c of await db.select().from(incidentCis).where(inArray(incidentCis.incidentId, ids)))
      (cisOf.get(c.incidentId) ?? cisOf.set(c.incidentId, []).get(c.incidentId)!).push(c);
  }
  return { from, to, vms, releases, suppressions, targets: new Map(targetRows.map((t) => [t.id, t])), troubles, cisOf };
}

/** Availability of one period (any scope the caller may see; null: all). */
export async function computeAvailability(db: Db, calendar: BusinessCalendar, period: Period, now: Date, depts: string[] | null): Promise<Availability> {
  return availabilityOf(await loadAvailabilityInputs(db, period.from, period.to, depts), calendar, period, now);
}

/**
 * Availability of several periods (the dashboard's 12 months) from one read spanning them all, each
 * computed in memory as computeAvailability computes it alone.
 */
export async function computeAvailabilitySeries(
  db: Db,
  calendar: BusinessCalendar,
  periods: readonly Period[],
  now: Date,
  depts: string[] | null,
): Promise<Availability[]> {
  if (!periods.length) return [];
  const from = new Date(Math.min(...periods.map((p) => p.from.getTime())));
  const to = new Date(Math.max(...periods.map((p) => p.to.getTime())));
  const inputs = await loadAvailabilityInputs(db, from, to, depts);
  return periods.map((p) => availabilityOf(inputs, calendar, p, now));
}

/** Computes a period inside the inputs' range, in memory. */
export function availabilityOf(inputs: AvailabilityInputs, calendar: BusinessCalendar, period: Period, now: Date): Availability {
  const { from, to } = period;
  if (from < inputs.from || to > inputs.to) throw new Error('availabilityOf: period outside the inputs read');
  const end = Math.min(to.getTime(), now.getTime());
  const vmRows = inputs.vms.filter((v) => v.status !== 'retired' || v.statusChangedAt >= from);
  const vmsOnHost = new Map<string, string[]>();
  for (const v of vmRows) if (v.hostId) (vmsOnHost.get(v.hostId) ?? vmsOnHost.set(v.hostId, []).get(v.hostId)!).push(v.id);
  const allVmIds = vmRows.map((v) => v.id);
  const vmName = new Map(vmRows.map((v) => [v.id, v.name]));
  const targetsOf = (ciType: string, ciId: string): string[] =>
    ciType === 'vm' ? (vmName.has(ciId) ? [ciId] : []) : ciType === 'host' ? (vmsOnHost.get(ciId) ?? []) : [];

  // 計画停止: release windows and 計画停止 suppressions, per VM.
  const windows: Window[] = [];
  const windowSpans = new Map<string, { span: Span; vms: Set<string> }>();
  const windowByKey = new Map<string, Window>();
  const addWindow = (w: Omit<Window, 'ciNames'>, vms: string[], ciName: string) => {
    if (!vms.length) return;
    const key = `${w.kind}:${w.id}`;
    let x = windowSpans.get(key);
    if (!x) {
      x = { span: { from: w.from.getTime(), to: w.to.getTime() }, vms: new Set() };
      windowSpans.set(key, x);
      const win: Window = { ...w, ciNames: [] };
      windows.push(win);
      windowByKey.set(key, win);
    }
    for (const v of vms) x.vms.add(v);
    const win = windowByKey.get(key)!;
    if (!win.ciNames.includes(ciName)) win.ciNames.push(ciName);
  };
  for (const r of inputs.releases) {
    // plannedDowntime's rows are clipped to the inputs' range; clipped again to the period.
    const a = r.from < from ? from : r.from;
    const b = r.to > to ? to : r.to;
    if (b <= a) continue;
    addWindow(
      { id: r.releaseId, kind: 'release', ref: r.releaseNo, from: a, to: b },
      targetsOf(r.ciType, r.ciId),
      r.ciType === 'vm' ? (vmName.get(r.ciId) ?? r.ciId) : `host:${r.ciId}`,
    );
  }
  for (const s of inputs.suppressions) {
    const a = new Date(Math.max((s.startedAt ?? s.startsAt).getTime(), from.getTime()));
    const b = new Date(Math.min((s.resumedAt ?? s.endsAt).getTime(), to.getTime()));
    if (b <= a) continue;
    for (const tid of s.targetIds) {
      const t = inputs.targets.get(tid);
      if (t) addWindow({ id: s.id, kind: 'suppression', ref: s.systemNames.join('、') || '計画停止', from: a, to: b }, targetsOf(t.ciType, t.ciId), t.name);
    }
  }

  // 非稼働: platform-caused troubles and the VMs they stopped or affected.
  const troubleRows: TroubleRow[] = [];
  const troubleSpans = new Map<string, { span: Span; vms: Set<string> }>();
  for (const t of inputs.troubles) {
    if (t.detectedAt >= to || (t.recoveredAt !== null && t.recoveredAt <= from)) continue;
    const mine = inputs.cisOf.get(t.id) ?? [];
    const vms = new Set<string>();
    let degraded = false;
    for (const c of mine) {
      if (c.ciType === 'platform') for (const v of allVmIds) vms.add(v);
      else if (c.ciType === 'vm' && c.ciId && vmName.has(c.ciId)) vms.add(c.ciId);
      else if (c.ciType === 'host' && c.ciId) {
        if (t.vmReturnRequired) for (const v of vmsOnHost.get(c.ciId) ?? []) vms.add(v);
        else if ((vmsOnHost.get(c.ciId) ?? []).length) degraded = true;
      }
    }
    if (!vms.size && !degraded) continue; // touches none of the caller's VMs
    const stop = t.recoveredAt ? t.recoveredAt.getTime() : end;
    if (vms.size) troubleSpans.set(t.id, { span: { from: t.detectedAt.getTime(), to: stop }, vms });
    const level = t.serviceLevel;
    const due = t.recoveryDueAt ?? (level ? dueAt(calendar, t.detectedAt, RECOVERY_TARGETS[level]) : null);
    troubleRows.push({
      id: t.id,
      receiptNo: t.receiptNo,
      title: t.title,
      detectedAt: t.detectedAt,
      recoveredAt: t.recoveredAt,
      level,
      treatedAs: vms.size ? 'non_operating' : 'degraded',
      vmCount: vms.size,
      recoveryMinutes: t.recoveredAt ? Math.round((t.recoveredAt.getTime() - t.detectedAt.getTime()) / 60_000) : null,
      recoveryDueAt: due,
      recoveryTarget: level ? RECOVERY_TARGET_LABELS[level] : null,
      targetMet: due ? (t.recoveredAt ? t.recoveredAt <= due : now > due ? false : null) : null,
    });
  }

  // A period still running (this month) is measured up to now, not on minutes that have not happened.
  const full: Span[] = [{ from: from.getTime(), to: end }];
  const business = businessWindows(calendar, from, new Date(end));
  // Index once which windows and troubles touch each VM: a figure then reads only its VMs' entries.
  const windowsOfVm = new Map<string, string[]>();
  for (const [key, w] of windowSpans) for (const v of w.vms) windowsOfVm.set(v, [...(windowsOfVm.get(v) ?? []), key]);
  const troublesOfVm = new Map<string, string[]>();
  for (const [id, x] of troubleSpans) for (const v of x.vms) (troublesOfVm.get(v) ?? troublesOfVm.set(v, []).get(v)!).push(id);
  const fullMinutes = totalMinutes(full);
  const businessMinutes = totalMinutes(business);
  const figure = (vmIds: ReadonlySet<string>, level: Level | null): Figure => {
    const basis = level === 'C' ? business : full;
    const wKeys = new Set<string>();
    const tIds = new Set<string>();
    for (const v of vmIds) {
      for (const k of windowsOfVm.get(v) ?? []) wKeys.add(k);
      for (const i of troublesOfVm.get(v) ?? []) tIds.add(i);
    }
    if (!wKeys.size && !tIds.size) {
      // Most VMs of a month: no window, no trouble — the whole basis ran (no span arithmetic per VM).
      const periodMinutes = level === 'C' ? businessMinutes : fullMinutes;
      return { periodMinutes, plannedMinutes: 0, nonOperatingMinutes: 0, availability: periodMinutes > 0 ? 100 : null, incidentIds: [], windowIds: [] };
    }
    const wIds = [...wKeys].map((k) => k.split(':')[1]!);
    const plannedIn = intersect(
      [...wKeys].map((k) => windowSpans.get(k)!.span),
      basis,
    );
    const iIds = [...tIds];
    const down = iIds.map((i) => troubleSpans.get(i)!.span);
    const nonop = subtract(intersect(down, basis), plannedIn);
    const periodMinutes = level === 'C' ? businessMinutes : fullMinutes;
    const plannedMinutes = totalMinutes(plannedIn);
    const nonOperatingMinutes = totalMinutes(nonop);
    const denom = periodMinutes - plannedMinutes;
    return {
      periodMinutes,
      plannedMinutes,
      nonOperatingMinutes,
      availability: denom > 0 ? Math.round(((denom - nonOperatingMinutes) / denom) * 100_000) / 1000 : null,
      incidentIds: iIds,
      windowIds: [...new Set(wIds)],
    };
  };

  const counted = (v: VmRow): { level: Level | null; counted: Level | null; why: string | null } => {
    const level = v.override ?? v.systemLevel;
    if (level === 'A' && !(v.ha && v.srm)) return { level, counted: 'B', why: 'A の構築（HA と SRM による二重化）がないため B に計上' };
    return { level, counted: level, why: null };
  };
  const vms: VmFigure[] = vmRows.map((v) => {
    const c = counted(v);
    return {
      id: v.id,
      name: v.name,
      systemId: v.systemId,
      systemName: v.systemName,
      level: c.level,
      countedLevel: c.counted,
      countedAs: c.why,
      ...figure(new Set([v.id]), c.counted),
    };
  });
  const bySystem = new Map<string, VmRow[]>();
  for (const v of vmRows) if (v.systemId) (bySystem.get(v.systemId) ?? bySystem.set(v.systemId, []).get(v.systemId)!).push(v);
  const systems: SystemFigure[] = [];
  for (const [id, rows] of bySystem) {
    const v = rows[0]!;
    const ids = new Set(rows.map((x) => x.id));
    systems.push({
      id,
      name: v.systemName ?? '',
      departmentName: v.departmentName,
      level: v.systemLevel ?? 'C',
      vmCount: ids.size,
      ...figure(ids, v.systemLevel),
    });
  }
  systems.sort((a, b) => a.level.localeCompare(b.level) || JA.compare(a.name, b.name));
  const levels: LevelFigure[] = (['A', 'B', 'C'] as const).map((level) => {
    const ids = new Set(vms.filter((v) => v.countedLevel === level).map((v) => v.id));
    return { level, vmCount: ids.size, ...figure(ids, level) };
  });
  // Deterministic order whatever order the rows were read in (a release's CIs come unordered).
  windows.sort((a, b) => a.from.getTime() - b.from.getTime() || a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id));
  for (const w of windows) w.ciNames.sort();
  return {
    period: { from, to, month: period.month },
    levels,
    systems,
    vms,
    incidents: troubleRows,
    windows,
    recoveryTargets: (['A', 'B', 'C'] as const).map((level) => ({ level, label: RECOVERY_TARGET_LABELS[level] })),
  };
}
