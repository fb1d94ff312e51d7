import { sql } from 'drizzle-orm';
import type { Db } from '../db/connection.ts';
import { receiptCounters } from './schema.ts';

/**
 * The next receipt number (受付番号) for `prefix` in the JST year of `now`: INC-2026-000123. Takes the
 * counter row's lock until the caller's transaction ends, so concurrent registrations never share a
 * number and a rolled-back one gives its number back.
 */
export async function nextReceiptNo(tx: Db, prefix: string, now: Date): Promise<string> {
  const year = new Date(now.getTime() + 9 * 3600_000).getUTCFullYear();
  const scope = `${prefix}-${year}`;
  const [row] = await tx
    .insert(receiptCounters)
    .values({ scope, last: 1 })
    .onConflictDoUpdate({ target: receiptCounters.scope, set: { last: sql`${receiptCounters.last} + 1` } })
    .returning({ last: receiptCounters.last });
  return `${scope}-${String(row!.last).padStart(6, '0')}`;
}
