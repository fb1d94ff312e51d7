import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { inject } from 'vitest';
import { type Database, openDatabase } from './connection.ts';

/**
 * A fresh, migrated database for one test file, on the engine the run is for (KIBAN_TEST_DB =
 * pglite | postgres). Both start from a template migrated once per run in test-global-setup.ts, so
 * a test pays ~1 s (PGlite load) or ~0.1 s (CREATE DATABASE … TEMPLATE) instead of migrating.
 * Always `close()` it: an open PGlite keeps the worker alive and holds ~750 MB.
 */
export async function testDatabase(): Promise<Database> {
  const engine = inject('kibanTestEngine');
  if (engine === 'postgres') {
    const admin = inject('kibanTestPgAdminUrl');
    const template = inject('kibanTestPgTemplate');
    const name = `kiban_t_${randomBytes(6).toString('hex')}`;
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    } finally {
      await client.end();
    }
    const url = new URL(admin);
    url.pathname = `/${name}`;
    const inner = await openDatabase({ url: url.toString() });
    return {
      ...inner,
      async close() {
        await inner.close();
        const c = new pg.Client({ connectionString: admin });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => c.end());
      },
    };
  }
  const dump = await readFile(inject('kibanTestPgliteTemplate'));
  const client = await PGlite.create({ loadDataDir: new Blob([dump]) });
  return openDatabase({ pglite: client });
}

declare module 'vitest' {
  export interface ProvidedContext {
    kibanTestEngine: 'pglite' | 'postgres';
    kibanTestPgliteTemplate: string;
    kibanTestPgAdminUrl: string;
    kibanTestPgTemplate: string;
  }
}
