import { and, eq, lte } from 'drizzle-orm';
import { audit } from '../audit/index.ts';
import { jaDateTime } from '../notify/index.ts';
import type { Db } from '../db/index.ts';
import { inTx } from '../db/index.ts';
import type { Clock } from '../kernel/clock.ts';
import { fire, processHistory, recordEvent } from '../process/index.ts';
import { monitoringSuppressions } from './schema.ts';
import { type SuppressionContext, type SuppressionRules, suppressionProcess } from './suppression.ts';
import { findHold, overrunCeiling } from './suppression-hold.ts';

/**
 * The clock's part of 一時抑止 (worker job): approved requests whose window has begun start (start
 * mail), active ones whose window has ended resume (resume mail) — unless running work holds them (a
 * release past its planned end, suppression-hold.ts): then once an 'overrun' entry in history and
 * audit, and the resume waits for the work's end or the ceiling (end + rules.overrunCeilingHours).
 * Each move is its own transaction with the row locked (SKIP LOCKED) and its state re-read, so several
 * processes running this job move each record once.
 */
export async function runSuppressionSchedule(
  deps: { db: Db; clock: Clock; rules: SuppressionRules; ctx: SuppressionContext },
  at: Date,
): Promise<{ started: number; resumed: number; held: number }> {
  const { db, clock, rules, ctx } = deps;
  const sys = ctx.actor;
  const out = { started: 0, resumed: 0, held: 0 };
  const lock = (t: Db, id: string, state: string) =>
    t
      .select()
      .from(monitoringSuppressions)
      .where(and(eq(monitoringSuppressions.id, id), eq(monitoringSuppressions.state, state)))
      .for('update', { skipLocked: true });
  const due = await db
    .select({ id: monitoringSuppressions.id })
    .from(monitoringSuppressions)
    .where(and(eq(monitoringSuppressions.state, 'approved'), lte(monitoringSuppressions.startsAt, at)));
  for (const { id } of due) {
    await inTx(db, async (t) => {
      const [s] = await lock(t, id, 'approved');
      if (!s) return;
      await fire(t, ctx, suppressionProcess, s, 'start', { comment: '抑止期間の開始' });
      out.started++;
    });
  }
  const ending = await db
    .select({ id: monitoringSuppressions.id })
    .from(monitoringSuppressions)
    .where(and(eq(monitoringSuppressions.state, 'active'), lte(monitoringSuppressions.endsAt, at)));
  for (const { id } of ending) {
    await inTx(db, async (t) => {
      const [s] = await lock(t, id, 'active');
      if (!s) return;
      const h = await findHold(t, s);
      const ceilingAt = overrunCeiling(s.endsAt, rules.overrunCeilingHours);
      const event = { suppression: s, at, ceilingAt, clock };
      if (h && at < ceilingAt) {
        out.held++;
        const [seen] = await t
          .select({ id: processHistory.id })
          .from(processHistory)
          .where(and(eq(processHistory.process, suppressionProcess.name), eq(processHistory.recordId, s.id), eq(processHistory.action, 'overrun')))
          .limit(1);
        if (seen) return;
        const comment = `${h.hold.label}が終了予定（${jaDateTime(s.endsAt)}）を過ぎても作業中のため、作業の終了まで抑止を続けます（遅くとも ${jaDateTime(ceilingAt)} に監視を再開します）`;
        await recordEvent(t, clock.now(), sys, { process: suppressionProcess.name, recordId: s.id, action: 'overrun', state: s.state, comment });
        await audit(t, clock, sys, {
          action: 'monitoring_suppression.overrun',
          entityType: 'monitoring_suppression',
          entityId: s.id,
          after: { endsAt: s.endsAt, ceilingAt, heldBy: h.hold },
        });
        await h.holder.onOverrun?.(t, { kind: 'overrun', hold: h.hold, ...event });
        return;
      }
      const comment = h ? `上限（終了予定 + ${rules.overrunCeilingHours} 時間）に達したため監視を再開（${h.hold.label}は作業中）` : '抑止期間の終了';
      await fire(t, ctx, suppressionProcess, s, 'resume', { comment });
      if (h) await h.holder.onOverrun?.(t, { kind: 'ceiling', hold: h.hold, ...event });
      out.resumed++;
    });
  }
  return out;
}
