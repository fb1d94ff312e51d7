import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../db/connection.ts';
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
