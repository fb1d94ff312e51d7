import { and, eq, inArray } from 'drizzle-orm';
import { audit } from '../audit/index.ts';
import { systemActor } from '../iam/actor.ts';
import { DEFAULT_OVERRUN_CEILING_HOURS, overrunCeiling, registerSuppressionHolder } from '../monitoring/suppression-hold.ts';
import { jaDateTime } from '../notify/index.ts';
import { recordEvent } from '../process/index.ts';
import { RELEASE_RUNNING_STATES, type Release, releaseProcess } from './release-process.ts';
import { releases } from './schema.ts';

/**
 * A release that runs past its planned end (issue 10): its suppression does not resume at the planned
 * end but when the release ends (正常完了 / 切戻し完了 — endChain resumes it), at the latest at the
 * ceiling (planned end + KIBAN_RELEASE_OVERRUN_HOURS, the suppression rules' overrunCeilingHours).
 * While it runs over, the release page and the inbox show 予定終了超過, and the release's history
 * and the audit log record the overrun and, if reached, the ceiling.
 */
registerSuppressionHolder({
  name: 'release',
  async holdOf(tx, s) {
    const [r] = await tx
      .select({ id: releases.id, releaseNo: releases.releaseNo })
      .from(releases)
      .where(and(eq(releases.suppressionId, s.id), inArray(releases.state, [...RELEASE_RUNNING_STATES])))
      .limit(1);
    return r ? { label: `リリース ${r.releaseNo}`, recordType: 'release', recordId: r.id } : null;
  },
  async onOverrun(tx, e) {
    const [r] = await tx.select().from(releases).where(eq(releases.id, e.hold.recordId));
    if (!r) return;
    const sys = systemActor('監視抑止スケジューラ');
    const comment =
      e.kind === 'overrun'
        ? `作業終了予定（${jaDateTime(r.plannedEnd)}）を超過。監視の一時抑止は作業の終了まで継続します（上限 ${jaDateTime(e.ceilingAt)}）`
        : `抑止の上限（${jaDateTime(e.ceilingAt)}）に達したため、作業中ですが監視を再開しました`;
    const action = e.kind === 'overrun' ? 'overrun' : 'overrun_ceiling';
    await recordEvent(tx, e.clock.now(), sys, { process: releaseProcess.name, recordId: r.id, action, state: r.state, comment, role: null });
    await audit(tx, e.clock, sys, {
      action: `release.${action}`,
      entityType: 'release',
      entityId: r.id,
      after: { plannedEnd: r.plannedEnd, ceilingAt: e.ceilingAt, suppressionId: e.suppression.id },
    });
  },
});

export interface ReleaseOverrun {
  plannedEnd: Date;
  /** Minutes past the planned end, now. */
  minutes: number;
  /** Monitoring resumes at this time at the latest, even if the work still runs. */
  ceilingAt: Date;
  /** The suppression still holds (false once the ceiling ended it). */
  suppressed: boolean;
  message: string;
}

/** The overrun of a running release at `now`, or null (not running, or within its window). */
export function releaseOverrun(
  r: Pick<Release, 'state' | 'plannedEnd'>,
  now: Date,
  suppressionState: string | null,
  ceilingHours = DEFAULT_OVERRUN_CEILING_HOURS,
): ReleaseOverrun | null {
  if (!(RELEASE_RUNNING_STATES as readonly string[]).includes(r.state) || now <= r.plannedEnd) return null;
  const ceilingAt = overrunCeiling(r.plannedEnd, ceilingHours);
  const minutes = Math.floor((now.getTime() - r.plannedEnd.getTime()) / 60_000);
  const suppressed = suppressionState === 'active';
  const message = suppressed
    ? `作業終了予定（${jaDateTime(r.plannedEnd)}）を ${minutes} 分超過しています。監視の一時抑止は作業の終了まで続き、遅くとも ${jaDateTime(ceilingAt)} に監視を再開します。`
    : `作業終了予定（${jaDateTime(r.plannedEnd)}）を ${minutes} 分超過しています。${suppressionState === 'completed' ? '監視は再開済みです（抑止の上限に到達）。' : ''}`;
  return { plannedEnd: r.plannedEnd, minutes, ceilingAt, suppressed, message };
}
