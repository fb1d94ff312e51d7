import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Database, openDatabase, queryRows } from '../db/connection.ts';
import { inTx } from '../db/tx.ts';
import { systemClock } from '../kernel/clock.ts';
import { createItem, createTarget, slotOffsetMs } from '../monitoring/index.ts';
import { FakeZabbix } from '../monitoring/zabbix-server/fake.ts';
import { enqueueMail } from '../notify/index.ts';
import { startTestSmtpServer, type TestSmtpServer } from '../notify/testing.ts';

/**
 * Issue 13 item 3 with REAL processes: `node bin/kiban.js start` twice on one PostgreSQL database, a
 * real SMTP server, HTTP monitoring targets and a Zabbix API on loopback. Nothing here sleeps a fixed
 * time: every wait polls for its condition with a deadline.
 */
const BIN = join(import.meta.dirname, '../../bin/kiban.js');
const engine = inject('kibanTestEngine');

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined | null | false> | T | undefined | null | false): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Kiban {
  child: ChildProcess;
  pid: number;
  out: () => string;
  exited: Promise<number | null>;
}

function startKiban(env: Record<string, string>, args: string[] = []): Kiban {
  const child = spawn(process.execPath, [BIN, 'start', ...args], {
    env: { ...process.env, KIBAN_LANG: 'ja', KIBAN_LOG_LEVEL: 'warn', KIBAN_PORT: '0', KIBAN_HOST: '127.0.0.1', ...env },
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, pid: child.pid!, out: () => out, exited };
}

describe.runIf(engine === 'pglite')('two processes on one PGlite data directory', { timeout: 240_000 }, () => {
  it('the second `kiban start` on the same data directory is refused with the holder named, the first keeps serving', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiban-two-'));
    const a = startKiban({ KIBAN_DATA_DIR: dir, DATABASE_URL: '' });
    try {
      await waitFor('the first process to serve', 150_000, () => /Kiban is running on (\S+)/.exec(a.out()));
      const b = startKiban({ KIBAN_DATA_DIR: dir, DATABASE_URL: '' });
      expect(await b.exited).toBe(2);
      expect(b.out()).toContain('使用中');
      expect(b.out()).toContain(String(a.pid));
      const url = /Kiban is running on (\S+)/.exec(a.out())![1]!;
      expect((await fetch(`${url}/api/health`)).status).toBe(200);
    } finally {
      a.child.kill('SIGTERM');
      await a.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.runIf(engine === 'postgres')('several kiban processes on one PostgreSQL (issue 13 item 3)', { timeout: 300_000 }, () => {
  let url = '';
  let name = '';
  let database: Database;
  let smtp: TestSmtpServer;
  let smtpDelay = 0;
  const admin = engine === 'postgres' ? inject('kibanTestPgAdminUrl') : '';

  // HTTP monitoring targets: every request is one check of one item (its path), with the time it came.
  const hits = new Map<string, number[]>();
  let slowChecks = 0;
  let web: Server;
  // A Zabbix API (the shared zabbix.pull job's side effect: one problem.get per run).
  const zbx = new FakeZabbix();
  const problemGets: number[] = [];
  let slowPull = 0;
  let api: Server;

  const listen = (s: Server) => new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));

  beforeAll(async () => {
    name = `kiban_p_${randomBytes(6).toString('hex')}`;
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(`CREATE DATABASE ${name} TEMPLATE ${inject('kibanTestPgTemplate')}`).finally(() => c.end());
    const u = new URL(admin);
    u.pathname = `/${name}`;
    url = u.toString();
    database = await openDatabase({ url });
    smtp = await startTestSmtpServer({ delayMs: () => smtpDelay });
    web = createServer((req, res) => {
      const list = hits.get(req.url ?? '') ?? [];
      list.push(Date.now());
      hits.set(req.url ?? '', list);
      setTimeout(() => res.end('ok'), slowChecks);
    });
    api = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', async () => {
        if (body.includes('"problem.get"')) {
          problemGets.push(Date.now());
          if (slowPull) await new Promise((r) => setTimeout(r, slowPull));
        }
        const answer = await zbx.fetch('http://zabbix.test/', { method: 'POST', body });
        res.writeHead(200, { 'content-type': 'application/json' }).end(await answer.text());
      });
    });
  });
  afterAll(async () => {
    await database?.close();
    await smtp?.stop();
    web?.close();
    api?.close();
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => c.end());
  });

  it('monitoring checks run once per interval, every mail goes once, a scheduled job runs once per period; a SIGKILLed process loses nothing and is taken over within one lease', async () => {
    const webPort = await listen(web);
    const apiPort = await listen(api);
    const db = database.db;
    const LEASE_S = 5;
    const INTERVAL_S = 2;
    const PULL_S = 5;
    // 12 HTTP items every 2 s on loopback.
    for (let i = 0; i < 12; i++) {
      const target = await createTarget(db, systemClock, { ciType: 'vm', ciId: randomUUID(), name: `p-web-${i}`, address: '127.0.0.1' });
      const item = await createItem(db, systemClock, {
        targetId: target.id,
        type: 'http',
        key: `web.page[${i}]`,
        params: { url: `http://127.0.0.1:${webPort}/item-${i}`, retries: 0, timeoutMs: 10_000 },
        intervalSec: 10,
        notify: false,
      });
      // Below the settings form's 10 s minimum, for a test that should not take minutes.
      await db.execute(sql`UPDATE monitoring_items SET interval_sec = ${INTERVAL_S} WHERE id = ${item.id}`);
      await db.execute(sql`UPDATE monitoring_item_state SET next_due_at = now() WHERE item_id = ${item.id}`);
    }
    // 60 mails queued before the processes start.
    const queue = async (n: number, tag: string) => {
      for (let i = 0; i < n; i++) {
        await inTx(db, (t) =>
          enqueueMail(t, systemClock, { recordType: 'test', recordId: `${tag}-${i}`, to: [`p${i}@example.jp`], subject: `${tag} ${i}`, text: '本文' }),
        );
      }
    };
    await queue(60, 'first');

    const env = {
      DATABASE_URL: url,
      KIBAN_MONITORING: 'on',
      KIBAN_SENDER_PORT: '0',
      KIBAN_SMTP_HOST: '127.0.0.1',
      KIBAN_SMTP_PORT: String(smtp.port),
      KIBAN_JOB_LEASE_SECONDS: String(LEASE_S),
      KIBAN_ZABBIX_URL: `http://127.0.0.1:${apiPort}/api_jsonrpc.php`,
      KIBAN_ZABBIX_TOKEN: 'f'.repeat(64),
      KIBAN_ZABBIX_PULL_SECONDS: String(PULL_S),
    };
    const a = startKiban(env);
    const b = startKiban(env);
    try {
      for (const k of [a, b])
        await waitFor(`process ${k.pid} to serve`, 150_000, () => k.out().includes('Kiban is running on') && k.out().includes('Monitoring: on'));

      // Every queued mail goes exactly once.
      await waitFor('the 60 queued mails', 60_000, () => smtp.received.length >= 60);
      const counts = smtp.countByMessageId();
      expect(counts.size).toBe(60);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);

      // Each item is checked once per interval across both processes: every check (a history row, and
      // one request on the wire) falls in a slot of its own — a late check is followed by the next
      // slot's, never by a second one in the same slot — and over 10 s each item has its 5 slots (± 1).
      const t0 = Date.now();
      await waitFor('10 s of checks', 20_000, () => Date.now() - t0 > 10_000);
      const t1 = Date.now();
      const checked = await queryRows<{ id: string; key: string; at: string[] }>(
        db,
        sql`SELECT i.id, i.key, array_agg((extract(epoch FROM v.at) * 1000)::bigint::text ORDER BY v.at) AS at
            FROM monitoring_items i JOIN monitoring_values v ON v.item_id = i.id WHERE i.type = 'http' GROUP BY i.id, i.key`,
      );
      expect(checked).toHaveLength(12);
      for (const c of checked) {
        const at = c.at.map(Number);
        const off = slotOffsetMs(c.id, INTERVAL_S * 1000);
        const slots = at.map((t) => Math.floor((t - off) / (INTERVAL_S * 1000)));
        expect(new Set(slots).size, `${c.key} checked twice in one slot: ${at.map((t) => t - at[0]!)}`).toBe(at.length);
        const inWindow = at.filter((t) => t >= t0 && t < t1).length;
        expect(inWindow, c.key).toBeGreaterThanOrEqual(4);
        expect(inWindow, c.key).toBeLessThanOrEqual(6);
        const path = `/item-${/\[(\d+)\]/.exec(c.key)![1]}`;
        expect((hits.get(path) ?? []).length, `${path}: one request per check`).toBeGreaterThanOrEqual(at.length);
        expect((hits.get(path) ?? []).length, `${path}: one request per check`).toBeLessThanOrEqual(at.length + 2); // checks in flight
      }

      // The shared zabbix.pull job: one problem.get per 5 s period, across both processes.
      await waitFor('3 pull periods', 30_000, () => problemGets.filter((t) => t > t0).length >= 3);
      const byPeriod = new Map<number, number>();
      for (const t of problemGets) byPeriod.set(Math.floor(t / (PULL_S * 1000)), (byPeriod.get(Math.floor(t / (PULL_S * 1000))) ?? 0) + 1);
      expect(
        [...byPeriod.values()].every((n) => n === 1),
        JSON.stringify([...byPeriod]),
      ).toBe(true);
      const runs = await queryRows<{ leased_by: string; attempts: number }>(db, sql`SELECT leased_by, attempts FROM worker_job_runs WHERE job = 'zabbix.pull'`);
      expect(runs.every((r) => r.attempts === 1)).toBe(true);

      // Mid-round: slow SMTP, slow checks and a slow pull, so A holds mails, items and a job run when it dies.
      smtpDelay = 300;
      slowChecks = 3000;
      slowPull = 8000;
      await queue(100, 'second');
      const pidOf = (owner: string) => Number(owner.split(':').at(-1));
      const heldByA = await waitFor('A to hold item leases, mails and a pull run', 60_000, async () => {
        const items = await queryRows<{ item_id: string }>(
          db,
          sql`SELECT item_id FROM monitoring_item_state WHERE running_since IS NOT NULL AND running_by LIKE ${`kiban-${a.pid}-%`}`,
        );
        const pulls = await queryRows<{ period: string; leased_by: string }>(
          db,
          sql`SELECT period, leased_by FROM worker_job_runs WHERE job = 'zabbix.pull' AND finished_at IS NULL`,
        );
        const claimedMails = await queryRows<{ n: number }>(
          db,
          sql`SELECT count(*)::int AS n FROM outbox WHERE status = 'pending' AND attempts > 0 AND next_attempt_at > now()`,
        );
        const pull = pulls.find((p) => pidOf(p.leased_by) === a.pid);
        return items.length > 0 && pull && claimedMails[0]!.n > 0 ? { items: items.map((r) => r.item_id), pull } : null;
      });
      a.child.kill('SIGKILL');
      const killedAt = Date.now();
      await a.exited;
      smtpDelay = 0;
      slowChecks = 0;
      slowPull = 0;

      // Nothing acknowledged is lost: every mail of both batches arrives. A repeat is only the one mail
      // A had delivered but not yet marked sent when it died (it sends one at a time), with the same
      // Message-ID; a slow relay (0.3 s a mail, 6 s a batch of 20 > the 5 s lease) causes none.
      await waitFor('all 160 mails', LEASE_S * 1000 + 60_000, () => smtp.countByMessageId().size >= 160);
      const sent = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM outbox WHERE status = 'sent'`);
      await waitFor(
        'every outbox row marked sent',
        20_000,
        async () => (await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM outbox WHERE status <> 'sent'`))[0]!.n === 0,
      );
      expect(sent[0]!.n).toBeGreaterThan(0);
      expect(smtp.received.length - 160, JSON.stringify([...smtp.countByMessageId()].filter(([, n]) => n > 1))).toBeLessThanOrEqual(1);

      // A's items are checked again by B within one lease (+ one interval and a tick).
      for (const id of heldByA.items) {
        const [row] = await queryRows<{ url: string }>(db, sql`SELECT params->>'url' AS url FROM monitoring_items WHERE id = ${id}`);
        const path = new URL(row!.url).pathname;
        const first = await waitFor(`item ${path} taken over`, LEASE_S * 1000 + 15_000, () => (hits.get(path) ?? []).find((t) => t > killedAt));
        expect(first - killedAt, path).toBeLessThan((LEASE_S + INTERVAL_S + 3) * 1000);
      }
      // The pull run A left unfinished no longer holds the job: B runs a later period within one lease + one period.
      const after = await waitFor('B to pull after the kill', (LEASE_S + PULL_S) * 1000 + 15_000, () => problemGets.find((t) => t > killedAt + 100));
      expect(after - killedAt).toBeLessThan((LEASE_S + PULL_S + 3) * 1000);
      const later = await queryRows<{ leased_by: string }>(
        db,
        sql`SELECT leased_by FROM worker_job_runs WHERE job = 'zabbix.pull' AND period > ${heldByA.pull.period} AND finished_at IS NOT NULL`,
      );
      await waitFor('a finished pull run by B', 15_000, async () => {
        const rows = await queryRows<{ leased_by: string }>(
          db,
          sql`SELECT leased_by FROM worker_job_runs WHERE job = 'zabbix.pull' AND period > ${heldByA.pull.period} AND finished_at IS NOT NULL`,
        );
        return rows.length > 0 && rows.every((r) => pidOf(r.leased_by) === b.pid);
      });
      expect(later.every((r) => pidOf(r.leased_by) === b.pid)).toBe(true);
      // B kept serving through it all.
      expect(b.child.exitCode).toBeNull();
    } finally {
      for (const k of [a, b]) if (k.child.exitCode === null && k.child.signalCode === null) k.child.kill('SIGTERM');
      await Promise.all([a.exited, b.exited]);
    }
  });
});

describe.runIf(engine === 'postgres')('two demo starts at once on an empty PostgreSQL database', { timeout: 300_000 }, () => {
  it('load the demo once: one process loads it under the advisory lock, the other waits and finds it loaded; both serve', async () => {
    const admin = inject('kibanTestPgAdminUrl');
    const name = `kiban_d_${randomBytes(6).toString('hex')}`;
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(`CREATE DATABASE ${name}`).finally(() => c.end()); // empty: not even migrated
    const u = new URL(admin);
    u.pathname = `/${name}`;
    const env = { DATABASE_URL: u.toString(), KIBAN_MODE: 'demo', KIBAN_DEMO_PASSWORD: 'two-demo-password' };
    const a = startKiban(env);
    const b = startKiban(env);
    let database: Database | undefined;
    try {
      for (const k of [a, b]) await waitFor(`process ${k.pid} to serve`, 240_000, () => k.child.exitCode !== null || k.out().includes('Kiban is running on'));
      expect(a.child.exitCode, a.out()).toBeNull();
      expect(b.child.exitCode, b.out()).toBeNull();
      const loaders = [a, b].filter((k) => k.out().includes('loading the demo organisation'));
      expect(loaders).toHaveLength(1);
      database = await openDatabase({ url: u.toString() });
      const [row] = await queryRows<{ departments: number; people: number; admins: number }>(
        database.db,
        sql`SELECT (SELECT count(*)::int FROM departments) AS departments, (SELECT count(*)::int FROM people) AS people,
                   (SELECT count(*)::int FROM people WHERE login = 'admin') AS admins`,
      );
      expect(row).toMatchObject({ departments: 42, admins: 1 });
      expect(loaders[0]!.out()).toContain(`${row!.departments} departments, ${row!.people} people`);
    } finally {
      for (const k of [a, b]) if (k.child.exitCode === null) k.child.kill('SIGTERM');
      await Promise.all([a.exited, b.exited]);
      await database?.close();
      const d = new pg.Client({ connectionString: admin });
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => d.end());
    }
  });
});
