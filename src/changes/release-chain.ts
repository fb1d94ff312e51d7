import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { BusinessCalendar } from '../calendar/index.ts';
import type { Db } from '../db/index.ts';
import { ConflictError } from '../kernel/errors.ts';
import { type FireContext, fire } from '../process/index.ts';
import { releaseTargets } from './release-effects.ts';
import { RELEASE_RUNNING_STATES, RELEASE_UNSTARTED_STATES, type Release, type ReleaseContext, releaseProcess } from './release-process.ts';
import { changeCis, releases } from './schema.ts';

/**
 * The chain between a change, its releases and monitoring (issue 10, item 5): approval creates the
 * suppression (release-effects.ts), start/end move its window, cancelling the change withdraws it,
 * and the approved windows are the planned downtime the service-level availability excludes.
 */

export const DEFAULT_RELEASE_PLATFORM_NAME = '第三期サーバ仮想化統合基盤';
export const DEFAULT_APPROVAL_LEAD_BUSINESS_DAYS = 3;

/** A FireContext completed with the release steps' defaults (the change process passes its own). */
export function releaseContext(ctx: FireContext & Partial<ReleaseContext>): ReleaseContext {
  return {
    ...ctx,
    platformName: ctx.platformName ?? DEFAULT_RELEASE_PLATFORM_NAME,
    calendar: ctx.calendar ?? new BusinessCalendar(),
    approvalLeadBusinessDays: ctx.approvalLeadBusinessDays ?? DEFAULT_APPROVAL_LEAD_BUSINESS_DAYS,
  };
}

/**
 * 変更中止 / 実施しない (H1's change process calls this in the transition's transaction): every release
 * of the change not yet started is cancelled (reason naming the change) and its suppression withdrawn.
 * A release whose work is under way (作業中・異常発生・切戻し中) cannot be cancelled: ConflictError.
 */
export async function cancelReleasesOfChange(tx: Db, ctx: FireContext & Partial<ReleaseContext>, change: { id: string; receiptNo?: string }): Promise<Release[]> {
  const rows = await tx.select().from(releases).where(eq(releases.changeId, change.id)).orderBy(asc(releases.releaseNo));
  const running = rows.find((r) => (RELEASE_RUNNING_STATES as readonly string[]).includes(r.state));
  if (running) throw new ConflictError('changes.release_running', { releaseNo: running.releaseNo });
  const rc = releaseContext(ctx);
  const out: Release[] = [];
  for (const r of rows.filter((x) => (RELEASE_UNSTARTED_STATES as readonly string[]).includes(x.state))) {
    out.push(await fire(tx, rc, releaseProcess, r, 'cancel', { reason: `変更${change.receiptNo ? ` ${change.receiptNo}` : ''}の中止に伴うリリースの中止` }));
  }
  return out;
}

export interface PlannedDowntime {
  releaseId: string;
  releaseNo: string;
  changeId: string;
  ciType: string;
  ciId: string;
  /** The approved window, or the actual one once the work started (an unfinished end: the planned end). */
  from: Date;
  to: Date;
}

/**
 * Planned downtime per target CI between `from` and `to` (for the service-level availability, which
 * excludes it): the windows of releases approved or done — the actual window where the work ran, else
 * the planned one — clipped to [from, to). Cancelled releases and plans not yet approved are not downtime.
 */
export async function plannedDowntime(db: Db, from: Date, to: Date): Promise<PlannedDowntime[]> {
  const rows = await db
    .select({ r: releases, ciType: changeCis.ciType, ciId: changeCis.ciId })
    .from(releases)
    .innerJoin(changeCis, eq(changeCis.changeId, releases.changeId))
    .where(
      and(
        inArray(releases.state, ['approved', 'in_progress', 'anomaly', 'rolling_back', 'completed', 'rolled_back']),
        sql`coalesce(${releases.actualStart}, ${releases.plannedStart}) < ${to.toISOString()}::timestamptz`,
        sql`coalesce(${releases.actualEnd}, ${releases.plannedEnd}) > ${from.toISOString()}::timestamptz`,
      ),
    )
    .orderBy(asc(releases.plannedStart));
  const out: PlannedDowntime[] = [];
  for (const { r, ciType, ciId } of rows) {
    if (!ciId) continue;
    const start = r.actualStart ?? r.plannedStart;
    const end = r.actualEnd ?? (r.actualStart && r.plannedEnd < r.actualStart ? r.actualStart : r.plannedEnd);
    const a = start < from ? from : start;
    const b = end > to ? to : end;
    if (b > a) out.push({ releaseId: r.id, releaseNo: r.releaseNo, changeId: r.changeId, ciType, ciId, from: a, to: b });
  }
  return out;
}

export { releaseTargets };
