import type { Db } from './connection.ts';

/**
 * Runs `fn` in one transaction: the state change, its audit record and its outbox mail commit together
 * or not at all. A transaction passed in is reused (services compose).
 */
export async function inTx<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction((tx) => fn(tx as unknown as Db));
}
