import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from './connection.ts';

/**
 * Migrates one template database per test run for src/db/testing.ts. For the PostgreSQL run the
 * server must be reachable: when it is not, the run fails here (it never silently skips).
 */
export default async function setup(project: TestProject) {
  const engine = process.env.KIBAN_TEST_DB === 'postgres' ? 'postgres' : 'pglite';
  project.provide('kibanTestEngine', engine);
  project.provide('kibanTestPgliteTemplate', '');
  project.provide('kibanTestPgAdminUrl', '');
  project.provide('kibanTestPgTemplate', '');

  if (engine === 'pglite') {
    const dir = join(process.cwd(), '.tmp');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `pglite-template-${process.pid}.tar.gz`);
    const client = await PGlite.create();
    const db = await openDatabase({ pglite: client });
    await db.migrate();
    const dump = await client.dumpDataDir('gzip');
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    await client.close();
    project.provide('kibanTestPgliteTemplate', file);
    return () => rmSync(file, { force: true });
  }

  const admin = process.env.KIBAN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const template = `kiban_tpl_${process.pid}_${Date.now()}`;
  const c = new pg.Client({ connectionString: admin });
  try {
    await c.connect();
  } catch (e) {
    throw new Error(`PostgreSQL test server not reachable at ${admin}: ${(e as Error).message}`);
  }
  await c.query(`CREATE DATABASE ${template}`);
  await c.end();
  const url = new URL(admin);
  url.pathname = `/${template}`;
  const db = await openDatabase({ url: url.toString() });
  await db.migrate();
  await db.close();
  project.provide('kibanTestPgAdminUrl', admin);
  project.provide('kibanTestPgTemplate', template);
  return async () => {
    const d = new pg.Client({ connectionString: admin });
    await d.connect();
    await d.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`).finally(() => d.end());
  };
}
