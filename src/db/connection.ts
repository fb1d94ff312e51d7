import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { SQL } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import * as schema from './schema.ts';

export type Schema = typeof schema;
/** A Drizzle database or transaction, whichever driver is underneath. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Applies every committed migration not yet applied. Safe to call from several processes at once. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));

/** PostgreSQL server when `url` is given, otherwise embedded PGlite in `dataDir` (or memory). */
export async function openDatabase(opts: { url?: string; dataDir?: string; pglite?: PGlite }): Promise<Database> {
  if (opts.url) return openPostgres(opts.url);
  let client = opts.pglite;
  if (!client) {
    if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
    client = await PGlite.create(opts.dataDir ? { dataDir: opts.dataDir } : {});
  }
  const c = client;
  const db = drizzlePglite(c, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    migrate: () => migratePglite(drizzlePglite(c, { schema }), { migrationsFolder: MIGRATIONS_DIR }),
    close: () => c.close(),
  };
}

async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle connection the server drops (restart, failover, pg_terminate_backend) is reported here;
  // without a listener it would be an uncaught exception that ends the process. The pool discards
  // that client and opens a new one on the next query; the event is only worth a line in the log.
  pool.on('error', (e) => process.emitWarning(`PostgreSQL connection lost: ${e.message}`, 'KibanDatabase'));
  const drz = drizzlePg(pool, { schema });
  return {
    db: drz as unknown as Db,
    kind: 'postgres',
    async migrate() {
      // Several API processes may start at once: one migrates, the others wait for it.
      const conn = await pool.connect();
      try {
        await conn.query('SELECT pg_advisory_lock(4711001)');
        await migratePg(drizzlePg(conn, { schema }), { migrationsFolder: MIGRATIONS_DIR });
      } finally {
        await conn.query('SELECT pg_advisory_unlock(4711001)').catch(() => {});
        conn.release();
      }
    },
    close: () => pool.end(),
  };
}

/** The rows of a raw SQL query (both drivers answer `{ rows }`; Drizzle's type does not say so). */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}

/** Round-trip check for /api/health. */
export async function pingDatabase(db: Db): Promise<number> {
  const t = performance.now();
  await db.execute('SELECT 1');
  return Math.round((performance.now() - t) * 100) / 100;
}
