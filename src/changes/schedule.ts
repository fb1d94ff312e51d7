import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { BusinessCalendar, ClosedReason } from '../calendar/index.ts';
import { cmdbVms } from '../cmdb/schema.ts';
import type { Db } from '../db/index.ts';
import { type Actor, can, requirePermission } from '../iam/actor.ts';
import { suppressionScope } from '../monitoring/suppression.ts';
import { monitoringSuppressions, monitoringTargets } from '../monitoring/schema.ts';
import { changeProcess } from './process.ts';
import type { ScheduleQuery } from './release-inputs.ts';
import { releaseProcess } from './release-process.ts';
import { changeCis, changes, maintenanceDays, releases } from './schema.ts';
import { changeScope } from './scope.ts';

type Label = { ja: string; en: string };

/** One entry of 変更スケジュール (CHG-3): a change's 納期, a release window, a suppression, a maintenance day. */
export interface ScheduleEntry {
  kind: 'change_due' | 'release' | 'suppression' | 'maintenance_day';
  id: string;
  /** The record's page (web route), if it has one. */
  path: string | null;
  ref: string;
  title: string;
  state: string | null;
  stateLabel: Label | null;
  from: Date;
  to: Date;
  /** Release: the actual window once the work ran. */
  actualFrom?: Date | null;
  actualTo?: Date | null;
  emergency?: boolean;
  changeId?: string;
}

export interface ScheduleDay {
  day: string;
  /** 土日・祝日・年末年始 (src/calendar), null on a business day. */
  closed: ClosedReason | null;
  holiday: string | null;
  maintenance: boolean;
}

export interface ScheduleMonth {
  month: string;
  from: Date;
  to: Date;
  days: ScheduleDay[];
  entries: ScheduleEntry[];
}

function monthBounds(ym: string): { from: Date; to: Date; days: string[] } {
  const [y, m] = ym.split('-').map(Number) as [number, number];
  const from = new Date(Date.UTC(y, m - 1, 1) - 9 * 3600_000);
  const to = new Date(Date.UTC(y, m, 1) - 9 * 3600_000);
  const n = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const days = Array.from({ length: n }, (_, i) => `${ym}-${String(i + 1).padStart(2, '0')}`);
  return { from, to, days };
}

/**
 * 変更スケジュール (CHG-3): one month of every change (納期) and release (planned and actual window),
 * with the monitoring suppressions, maintenance days and holidays, optionally narrowed to one target
 * CI (changes targeting it; suppressions covering its items or, for a host, its VMs' items).
 */
export function createSchedule(deps: { db: Db; calendar: BusinessCalendar }) {
  const { db, calendar } = deps;
  return {
    async month(actor: Actor, q: ScheduleQuery): Promise<ScheduleMonth> {
      requirePermission(actor, 'change.read');
      const { from, to, days } = monthBounds(q.month);
      const f = from.toISOString();
      const t = to.toISOString();
      const byTarget = q.ciId ? sql`EXISTS (SELECT 1 FROM ${changeCis} WHERE ${changeCis.changeId} = ${changes.id} AND ${changeCis.ciId} = ${q.ciId})` : undefined;
      const due = await db
        .select({ id: changes.id, receiptNo: changes.receiptNo, title: changes.title, state: changes.state, dueAt: changes.dueAt })
        .from(changes)
        .where(and(changeScope(actor), byTarget, sql`${changes.dueAt} >= ${f}::timestamptz AND ${changes.dueAt} < ${t}::timestamptz`))
        .orderBy(asc(changes.dueAt));
      const rel = await db
        .select({ r: releases, title: changes.title })
        .from(releases)
        .innerJoin(changes, eq(changes.id, releases.changeId))
        .where(
          and(
            changeScope(actor),
            byTarget,
            ne(releases.state, 'cancelled'),
            sql`least(${releases.plannedStart}, coalesce(${releases.actualStart}, ${releases.plannedStart})) < ${t}::timestamptz`,
            sql`greatest(${releases.plannedEnd}, coalesce(${releases.actualEnd}, ${releases.plannedEnd})) > ${f}::timestamptz`,
          ),
        )
        .orderBy(asc(releases.plannedStart));
      const entries: ScheduleEntry[] = [
        ...due.map((c) => ({
          kind: 'change_due' as const,
          id: c.id,
          path: `/changes/${c.id}`,
          ref: c.receiptNo,
          title: c.title,
          state: c.state,
          stateLabel: changeProcess.states[c.state] ?? null,
          from: c.dueAt!,
          to: c.dueAt!,
          changeId: c.id,
        })),
        ...rel.map(({ r, title }) => ({
          kind: 'release' as const,
          id: r.id,
          path: `/changes/${r.changeId}/releases/${r.id}`,
          ref: r.releaseNo,
          title,
          state: r.state,
          stateLabel: releaseProcess.states[r.state] ?? null,
          from: r.plannedStart,
          to: r.plannedEnd,
          actualFrom: r.actualStart,
          actualTo: r.actualEnd,
          emergency: r.emergency,
          changeId: r.changeId,
        })),
      ];
      if (can(actor, 'monitoring.read')) {
        let targetIds: string[] | null = null;
        if (q.ciId) {
          const vms = (await db.select({ id: cmdbVms.id }).from(cmdbVms).where(eq(cmdbVms.hostId, q.ciId))).map((v) => v.id);
          targetIds = (await db.select({ id: monitoringTargets.id }).from(monitoringTargets).where(inArray(monitoringTargets.ciId, [q.ciId, ...vms]))).map((x) => x.id);
        }
        const sup =
          targetIds && targetIds.length === 0
            ? []
            : await db
                .select()
                .from(monitoringSuppressions)
                .where(
                  and(
                    suppressionScope(actor),
                    inArray(monitoringSuppressions.state, ['submitted', 'approved', 'active', 'completed']),
                    sql`${monitoringSuppressions.startsAt} < ${t}::timestamptz AND ${monitoringSuppressions.endsAt} > ${f}::timestamptz`,
                    targetIds ? sql`${monitoringSuppressions.targetIds} && ARRAY[${sql.join(targetIds.map((i) => sql`${i}`), sql`, `)}]::uuid[]` : undefined,
                  ),
                )
                .orderBy(asc(monitoringSuppressions.startsAt));
        for (const s of sup) {
          entries.push({
            kind: 'suppression',
            id: s.id,
            path: `/monitoring/suppressions/${s.id}`,
            ref: s.method === 'stop' ? '監視停止' : '静観',
            title: s.systemNames.join('、') || s.reasonText || '一時抑止',
            state: s.state,
            stateLabel: null,
            from: s.startsAt,
            to: s.endsAt,
          });
        }
      }
      const md = await db
        .select()
        .from(maintenanceDays)
        .where(and(sql`${maintenanceDays.day} >= ${days[0]!}`, sql`${maintenanceDays.day} <= ${days[days.length - 1]!}`))
        .orderBy(asc(maintenanceDays.day));
      for (const d of md) entries.push({ kind: 'maintenance_day', id: d.id, path: null, ref: 'メンテナンス日', title: d.note ?? 'メンテナンス日', state: null, stateLabel: null, from: d.startsAt, to: d.endsAt });
      const mdDays = new Set(md.map((d) => d.day));
      entries.sort((a, b) => a.from.getTime() - b.from.getTime());
      return {
        month: q.month,
        from,
        to,
        days: days.map((day) => ({ day, closed: calendar.closedReason(day), holiday: calendar.holidayName(day), maintenance: mdDays.has(day) })),
        entries,
      };
    },
  };
}
