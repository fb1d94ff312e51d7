import { randomBytes, randomUUID } from 'node:crypto';
import { count } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../db/connection.ts';
import { FakeClock } from '../kernel/clock.ts';
import { createAlertHandling } from './alerts.ts';
import { createMonitoringEngine } from './engine.ts';
import { monitoringAlerts, monitoringEvents } from './schema.ts';
import { createItem, createTarget } from './store.ts';
import { createSenderServer, type SenderServer, sendValues } from './zabbix/sender.ts';

/**
 * "Database down: alerts are queued, not lost" against a REAL PostgreSQL outage: the test's own
 * database on the local server (both test runs use it; PostgreSQL is installed and started by
 * scripts/test.sh) is closed to connections and its sessions are killed, as a server restart would.
 * The sender listener keeps running and answers "failed" (so the sender keeps its values and sends
 * them again), the Kiban process does not crash on the pool's dropped connections, and once the
 * database is back the resent values raise the alert.
 */
const admin = process.env.KIBAN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `kiban_outage_${randomBytes(5).toString('hex')}`;
let database: Database;
let sender: SenderServer;
let port: number;

async function adminSql(q: string): Promise<void> {
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  try {
    await c.query(q);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  await adminSql(`CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  database = await openDatabase({ url: url.toString() });
  await database.migrate();
});
afterAll(async () => {
  await sender?.close();
  await database?.close();
  await adminSql(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`).catch(() => {});
  await adminSql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

describe('PostgreSQL down while values arrive', () => {
  it('answers failed, keeps running, and raises the alert from the resent values when the database is back', async () => {
    const { db } = database;
    const clock = new FakeClock('2026-11-24T03:00:00Z');
    const target = await createTarget(db, clock, { ciType: 'vm', ciId: randomUUID(), name: 'bp-outage-ap01' });
    await createItem(db, clock, { targetId: target.id, type: 'resource', key: 'system.cpu.util', collect: 'push' });
    const alerts = createAlertHandling({ db, clock });
    const engine = createMonitoringEngine({ db, clock, checks: {}, onEvent: alerts.onEvent });
    sender = createSenderServer({ ingest: (v) => engine.ingest(v) });
    port = (await sender.listen(0, '127.0.0.1')).port;
    const at = Math.floor(clock.now().getTime() / 1000);
    const first = await sendValues('127.0.0.1', port, [{ host: 'bp-outage-ap01', key: 'system.cpu.util', value: '95', clock: at }]);
    expect(first).toMatchObject({ response: 'success', processed: 1, failed: 0 });

    // The outage: no new sessions, and the pool's open ones are killed.
    await adminSql(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
    await adminSql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`);
    const second = [{ host: 'bp-outage-ap01', key: 'system.cpu.util', value: '97', clock: at + 300 }];
    const during = await sendValues('127.0.0.1', port, second);
    expect(during.processed).toBe(0);
    expect(during.failed).toBe(1);
    await expect(engine.runDue(clock.now())).rejects.toThrow();
    expect(sender.stats().requests).toBe(2);

    await adminSql(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
    const again = await sendValues('127.0.0.1', port, second);
    expect(again).toMatchObject({ response: 'success', processed: 1, failed: 0 });
    await alerts.sweep();
    const [events] = await db.select({ n: count() }).from(monitoringEvents);
    const [entry] = await db.select().from(monitoringAlerts);
    expect(events?.n).toBe(1);
    expect(entry).toMatchObject({ ciName: 'bp-outage-ap01', severity: 'critical', value: '97' });
  });
});
