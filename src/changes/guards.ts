import { and, eq } from 'drizzle-orm';
import { ConflictError } from '../kernel/errors.ts';
import type { FireContext, TransitionEvent } from '../process/index.ts';
import { type Problem, problemProcess } from '../problems/process.ts';
import { problems } from '../problems/schema.ts';
import { fire } from '../process/index.ts';
import { cancelReleasesOfChange } from './release-chain.ts';
import { ciStatusesOf, coverageExclusion } from './checklists.ts';
import { changes, changeTasks, releases } from './schema.ts';

type Change = typeof changes.$inferSelect;
type Event = TransitionEvent<Change, FireContext>;

/** Release states (the release process's, src/changes/release-*.ts) in which a release is over. */
export const RELEASE_FINAL_STATES = ['completed', 'rolled_back', 'cancelled'] as const;

/**
 * リリース完了報告 only after the release work: no release of the change may still be running, and — but
 * for a service-level change, which the start-date job applies — at least one must have ended
 * (正常完了 or 切戻し完了). Runs in the transition's transaction; throwing undoes the move.
 */
export async function requireFinishedReleases(e: Event): Promise<void> {
  const rows = await e.tx.select({ state: releases.state }).from(releases).where(eq(releases.changeId, e.record.id));
  const unfinished = rows.filter((r) => !(RELEASE_FINAL_STATES as readonly string[]).includes(r.state)).length;
  if (unfinished > 0) throw new ConflictError('change.release_unfinished', { count: unfinished });
  if (e.record.source !== 'service_level_change' && !rows.some((r) => r.state === 'completed' || r.state === 'rolled_back')) {
    throw new ConflictError('change.release_missing');
  }
}

/**
 * クローズ only when every checklist item is done or waived (CHG-5/6, BAK-4) — a coverage target since
 * stopped or retired in the CMDB is not waited for (coverageExclusion, shown as such on the checklist).
 */
export async function requireTasksDone(e: Event): Promise<void> {
  const rows = await e.tx
    .select({ kind: changeTasks.kind, status: changeTasks.status, ciType: changeTasks.ciType, ciId: changeTasks.ciId })
    .from(changeTasks)
    .where(and(eq(changeTasks.changeId, e.record.id), eq(changeTasks.status, 'open')));
  const statuses = await ciStatusesOf(e.tx, rows);
  const open = rows.filter((r) => !coverageExclusion(r, statuses)).length;
  if (open > 0) throw new ConflictError('change.tasks_open', { count: open });
}

/**
 * N §3.4.2.2: 変更クローズ → 問題管理を合わせてクローズの処理を実施. The linked problem waiting in
 * 恒久対処実施中 closes in the same transaction, by the same person, through its own process step.
 */
export async function closeProblemWithChange(e: Event): Promise<void> {
  if (!e.record.problemId) return;
  const [p] = await e.tx.select().from(problems).where(eq(problems.id, e.record.problemId));
  if (!p || p.state !== 'implementing') return;
  const closing: Problem & { closingWithChange: true } = { ...p, closingWithChange: true };
  await fire(e.tx, { clock: e.ctx.clock, actor: e.ctx.actor }, problemProcess, closing, 'close_with_change', {
    comment: `変更 ${e.record.receiptNo} のクローズに合わせてクローズ`,
  });
}

/** 実施しない / 変更中止: the change's unfinished releases are cancelled and their suppressions withdrawn (release-chain.ts). */
export async function cancelReleases(e: Event): Promise<void> {
  await cancelReleasesOfChange(e.tx, e.ctx, e.record);
}
