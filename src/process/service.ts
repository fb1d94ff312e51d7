import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../db/connection.ts';
import type { Actor } from '../iam/actor.ts';
import { processHistory } from './schema.ts';

export type HistoryEntry = typeof processHistory.$inferSelect;

/**
 * A record's timeline of transitions, oldest first. The owning module checks that the caller may see
 * the record, then shows this on the record's page.
 */
export async function historyOf(db: Db, process: string, recordId: string): Promise<HistoryEntry[]> {
  return db
    .select()
    .from(processHistory)
    .where(and(eq(processHistory.process, process), eq(processHistory.recordId, recordId)))
    .orderBy(asc(processHistory.id));
}

/**
 * A history entry written outside a table step (受付・登録, an attachment, a checklist item…): the record
 * stays in `state` unless `fromState` says where it came from ('' for its creation). The actor's first
 * role is recorded unless `role` says otherwise (null for Kiban's own jobs).
 */
export async function recordEvent(
  tx: Db,
  at: Date,
  actor: Actor,
  e: { process: string; recordId: string; action: string; state: string; fromState?: string; comment?: string | null; role?: string | null },
): Promise<void> {
  await tx.insert(processHistory).values({
    process: e.process,
    recordId: e.recordId,
    action: e.action,
    fromState: e.fromState ?? e.state,
    toState: e.state,
    actorId: actor.personId,
    actor: actor.label,
    actorRole: e.role !== undefined ? e.role : (actor.roles[0] ?? null),
    comment: e.comment ?? null,
    at,
  });
}
