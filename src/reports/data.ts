import { and, asc, gte, lt, notInArray, or, eq, isNull } from 'drizzle-orm';
import type { BusinessCalendar } from '../calendar/index.ts';
import { toJstYmd } from '../calendar/index.ts';
import { maintenanceDays, releases } from '../changes/schema.ts';
import { createCmdbService } from '../cmdb/index.ts';
import type { Db } from '../db/index.ts';
import { documentRevisions, documents } from '../documents/schema.ts';
import { systemActor } from '../iam/actor.ts';
import { incidents } from '../incidents/schema.ts';
import { monitoringAlerts } from '../monitoring/schema.ts';
import { problems } from '../problems/schema.ts';
import { addMonths, computeAvailability, computeKpis, monthPeriod } from '../servicelevels/index.ts';

/**
 * 月次報告の内容 (N §3.1.3.3), assembled from Kiban's ledgers for one JST month [first day, next first
 * day). Plain JSON (dates as ISO strings): stored as the report's snapshot, rendered to the screen, PDF
 * and XLSX. A section with no source in Kiban yet says so (`noSource`) instead of showing numbers.
 */
export interface ReportData {
  month: string;
  from: string;
  to: string;
  assembledAt: string;
  kpis: {
    key: string;
    label: string;
    target: number | null;
    value: number | null;
    met: boolean | null;
    status: string;
    numerator: number | null;
    denominator: number | null;
  }[];
  availability: { level: string; vmCount: number; availability: number | null }[];
  incidents: {
    total: number;
    byClass: Record<string, number>;
    byPriority: Record<string, number>;
    byServiceLevel: Record<string, number>;
    /** The month and the 5 before it, oldest first: counts by class. */
    trend: { month: string; work_request: number; qa: number; trouble: number; total: number }[];
  };
  problems: {
    registered: number;
    closed: number;
    highOpen: { receiptNo: string; title: string; state: string; dueAt: string | null }[];
    preventive: { receiptNo: string; title: string; state: string; source: string }[];
  };
  changes: {
    planned: number;
    done: number;
    rolledBack: number;
    emergency: number;
    releases: { releaseNo: string; plannedStart: string; actualStart: string | null; result: string | null; state: string; emergency: boolean }[];
    maintenanceDays: { day: string; used: number }[];
  };
  monitoring: {
    alertTotal: number;
    byItemType: Record<string, number>;
    bySeverity: Record<string, number>;
    clusters: { name: string; hostCount: number; vmCount: number; cpuPercent: number | null; memoryPercent: number | null; diskPercent: number | null }[];
  };
  migration: { noSource: true; note: string };
  remoteWork: { noSource: true; note: string };
  documents: { docNo: string; name: string; revisionNo: number; publishedAt: string | null; reason: string | null }[];
}

const count = <T>(rows: T[], key: (r: T) => string | null | undefined) => {
  const out: Record<string, number> = {};
  for (const r of rows) {
    const k = key(r) ?? '未設定';
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
};
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export async function assembleReport(db: Db, calendar: BusinessCalendar, month: string, now: Date): Promise<ReportData> {
  const p = monthPeriod(month);
  const { from, to } = p;
  const avail = await computeAvailability(db, calendar, p, now, null);
  const kpis = await computeKpis(db, p, now, null, avail, { firstResponseMinutes: 30 });

  const first = monthPeriod(addMonths(month, -5)).from;
  const inc = await db
    .select({ class: incidents.class, priority: incidents.priority, serviceLevel: incidents.serviceLevel, registeredAt: incidents.registeredAt })
    .from(incidents)
    .where(and(gte(incidents.registeredAt, first), lt(incidents.registeredAt, to)));
  const inMonth = inc.filter((r) => r.registeredAt >= from);
  const trend = [];
  for (let i = -5; i <= 0; i++) {
    const m = addMonths(month, i);
    const rows = inc.filter((r) => toJstYmd(r.registeredAt).slice(0, 7) === m);
    const c = count(rows, (r) => r.class);
    trend.push({ month: m, work_request: c.work_request ?? 0, qa: c.qa ?? 0, trouble: c.trouble ?? 0, total: rows.length });
  }

  const prb = await db
    .select()
    .from(problems)
    .where(
      or(
        and(gte(problems.registeredAt, from), lt(problems.registeredAt, to)),
        and(gte(problems.closedAt, from), lt(problems.closedAt, to)),
        and(lt(problems.registeredAt, to), isNull(problems.closedAt)),
      ),
    );
  const open = (r: (typeof prb)[number]) => !r.closedAt || r.closedAt >= to;
  const rel = await db
    .select()
    .from(releases)
    .where(and(gte(releases.plannedStart, from), lt(releases.plannedStart, to)))
    .orderBy(asc(releases.plannedStart));
  const live = rel.filter((r) => r.state !== 'cancelled');
  const days = await db
    .select()
    .from(maintenanceDays)
    .where(and(gte(maintenanceDays.startsAt, from), lt(maintenanceDays.startsAt, to)))
    .orderBy(asc(maintenanceDays.day));

  const alerts = await db
    .select({ itemType: monitoringAlerts.itemType, severity: monitoringAlerts.severity })
    .from(monitoringAlerts)
    .where(and(gte(monitoringAlerts.detectedAt, from), lt(monitoringAlerts.detectedAt, to)));
  const cap = await createCmdbService({ db, clock: { now: () => now } as never }).capacity(systemActor('月次報告'));

  const docs = await db
    .select({
      docNo: documents.docNo,
      name: documents.name,
      revisionNo: documentRevisions.revisionNo,
      publishedAt: documentRevisions.publishedAt,
      reason: documentRevisions.reason,
      state: documentRevisions.state,
    })
    .from(documentRevisions)
    .innerJoin(documents, eq(documents.id, documentRevisions.documentId))
    .where(
      and(
        gte(documentRevisions.publishedAt, from),
        lt(documentRevisions.publishedAt, to),
        notInArray(documentRevisions.state, ['draft', 'review', 'approval', 'approved']),
      ),
    )
    .orderBy(asc(documentRevisions.publishedAt));

  return {
    month,
    from: from.toISOString(),
    to: to.toISOString(),
    assembledAt: now.toISOString(),
    kpis: kpis.map((k) => ({
      key: k.key,
      label: k.label.ja,
      target: k.target?.percent ?? null,
      value: k.value,
      met: k.met,
      status: k.status,
      numerator: k.numerator,
      denominator: k.denominator,
    })),
    availability: avail.levels.map((l) => ({ level: l.level, vmCount: l.vmCount, availability: l.availability })),
    incidents: {
      total: inMonth.length,
      byClass: count(inMonth, (r) => r.class),
      byPriority: count(inMonth, (r) => r.priority),
      byServiceLevel: count(inMonth, (r) => r.serviceLevel),
      trend,
    },
    problems: {
      registered: prb.filter((r) => r.registeredAt >= from && r.registeredAt < to).length,
      closed: prb.filter((r) => r.closedAt && r.closedAt >= from && r.closedAt < to).length,
      highOpen: prb
        .filter((r) => r.priority === 'high' && (open(r) || (r.closedAt && r.closedAt >= from)))
        .map((r) => ({ receiptNo: r.receiptNo, title: r.title, state: r.state, dueAt: iso(r.dueAt) })),
      preventive: prb
        .filter((r) => r.source === 'preventive_hardware' || r.source === 'preventive_os')
        .map((r) => ({ receiptNo: r.receiptNo, title: r.title, state: r.state, source: r.source })),
    },
    changes: {
      planned: live.length,
      done: live.filter((r) => r.actualStart !== null).length,
      rolledBack: live.filter((r) => r.result === 'rolled_back').length,
      emergency: live.filter((r) => r.emergency).length,
      releases: live.map((r) => ({
        releaseNo: r.releaseNo,
        plannedStart: r.plannedStart.toISOString(),
        actualStart: iso(r.actualStart),
        result: r.result,
        state: r.state,
        emergency: r.emergency,
      })),
      maintenanceDays: days.map((d) => ({ day: d.day, used: live.filter((r) => r.plannedStart >= d.startsAt && r.plannedStart < d.endsAt).length })),
    },
    monitoring: {
      alertTotal: alerts.length,
      byItemType: count(alerts, (a) => a.itemType),
      bySeverity: count(alerts, (a) => a.severity),
      clusters: cap.clusters.map((c) => ({
        name: c.name,
        hostCount: c.hostCount,
        vmCount: c.vmCount,
        cpuPercent: c.cpu.percent,
        memoryPercent: c.memory.percent,
        diskPercent: c.disk.percent,
      })),
    },
    migration: { noSource: true, note: '移行・受入の記録は Kiban にまだありません（移行計画・受入管理の機能が未実装）。別途報告してください。' },
    remoteWork: { noSource: true, note: 'リモート作業の記録は Kiban にまだありません。別途報告してください。' },
    documents: docs.map((d) => ({ docNo: d.docNo, name: d.name, revisionNo: d.revisionNo, publishedAt: iso(d.publishedAt), reason: d.reason })),
  };
}
