export { openDatabase, pingDatabase, queryRows, MIGRATIONS_DIR, type Db, type Database } from './connection.ts';
export { inTx } from './tx.ts';
export * as schema from './schema.ts';
