/**
 * Bench: the monitoring engine (MON). Figures are printed, never asserted.
 *   (a) CPU-ms per HTTP check (HttpCheck against a loopback node:http server) and per ICMP check
 *       (FpingCheck batch against 127.0.0.1; this process's CPU only — fping's own CPU is a child's);
 *   (c) sender-protocol values written per second, sustained: concurrent clients → listener → ingest → DB;
 *   (d) bytes stored per check: pg_total_relation_size(monitoring_values) / rows;
 *   (e) detection-to-mail latency: from the confirming check's result to the committed outbox row.
 * Run: npx tsx bench/monitoring.ts   (DATABASE_URL=postgres://… for PostgreSQL, else in-memory PGlite)
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { eq, sql } from 'drizzle-orm';
import { cmdbContacts, cmdbSystems, cmdbVms } from '../src/cmdb/schema.ts';
import { openDatabase } from '../src/db/connection.ts';
import { departments } from '../src/iam/schema.ts';
import { FakeClock, systemClock } from '../src/kernel/clock.ts';
import { createAlertHandling } from '../src/monitoring/alerts.ts';
import { HttpCheck } from '../src/monitoring/checks/http.ts';
import { FpingCheck } from '../src/monitoring/checks/icmp.ts';
import { createMonitoringEngine } from '../src/monitoring/engine.ts';
import type { CheckItem, Observation } from '../src/monitoring/model.ts';
import { monitoringValues } from '../src/monitoring/schema.ts';
import { createItem, createTarget } from '../src/monitoring/store.ts';
import { createSenderServer, sendValues } from '../src/monitoring/zabbix/sender.ts';
import { outbox } from '../src/notify/schema.ts';

const rows: [string, string][] = [];
const record = (k: string, v: string) => {
  rows.push([k, v]);
  console.log(`${k.padEnd(52)} ${v}`);
};
const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
const item = (type: CheckItem['type'], address: string, params: Record<string, unknown> = {}): CheckItem => ({
  id: randomUUID(),
  type,
  key: type === 'icmp' ? 'icmpping' : 'web',
  params,
  target: { address, agentPort: 10050 },
});

async function main() {
  const database = await openDatabase({ url: process.env.DATABASE_URL });
  await database.migrate();
  const db = database.db;
  console.log(`engine: ${database.kind}`);

  // (a) HTTP
  const web = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(web.address() as AddressInfo).port}/`;
  const http = new HttpCheck();
  const N_HTTP = 1000;
  const httpItems = Array.from({ length: N_HTTP }, () => item('http', '127.0.0.1', { url }));
  for (const i of httpItems.slice(0, 50)) await http.check(i); // warm-up
  let u0 = process.cpuUsage();
  let t0 = performance.now();
  for (let k = 0; k < N_HTTP; k += 32) await Promise.all(httpItems.slice(k, k + 32).map((i) => http.check(i)));
  record('(a) HTTP check CPU-ms / check', (cpuMs(process.cpuUsage(u0)) / N_HTTP).toFixed(3));
  record('(a) HTTP checks / s (32 parallel, loopback)', ((N_HTTP / (performance.now() - t0)) * 1000).toFixed(0));
  web.close();

  // (a) ICMP
  const fping = new FpingCheck();
  const N_ICMP = 200;
  const icmpItems = Array.from({ length: N_ICMP }, () => item('icmp', '127.0.0.1'));
  u0 = process.cpuUsage();
  t0 = performance.now();
  const res = await fping.checkBatch(icmpItems);
  const alive = [...res.values()].filter((o: Observation) => o.outcome === 'value').length;
  record('(a) ICMP check CPU-ms / check (Node side)', (cpuMs(process.cpuUsage(u0)) / N_ICMP).toFixed(3));
  record(`(a) ICMP batch of ${N_ICMP} wall ms (alive ${alive})`, (performance.now() - t0).toFixed(0));

  // (c) sender protocol sustained
  const clock = new FakeClock('2026-11-24T01:00:00Z');
  const engine = createMonitoringEngine({ db, clock, checks: {} });
  const HOSTS = 100;
  const tag = randomUUID().slice(0, 6);
  for (let h = 0; h < HOSTS; h++) {
    const t = await createTarget(db, clock, { ciType: 'vm', ciId: randomUUID(), name: `bench-${tag}-${h}`, address: '127.0.0.1' });
    await createItem(db, clock, { targetId: t.id, type: 'resource', key: 'system.cpu.util', collect: 'push' });
  }
  const sender = createSenderServer({ ingest: (v) => engine.ingest(v) });
  const { port } = await sender.listen(0, '127.0.0.1');
  const CLIENTS = 4;
  const SECONDS = 5;
  let sent = 0;
  let second = 1_800_000_000;
  const until = performance.now() + SECONDS * 1000;
  t0 = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      while (performance.now() < until) {
        const at = second++;
        const data = Array.from({ length: HOSTS / CLIENTS }, (_, k) => ({ host: `bench-${tag}-${c * (HOSTS / CLIENTS) + k}`, key: 'system.cpu.util', value: String(20 + (at % 50)), clock: at }));
        const r = await sendValues('127.0.0.1', port, data);
        sent += r.processed;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  record(`(c) sender values written / s (${CLIENTS} clients, ${SECONDS} s)`, (sent / elapsed).toFixed(0));
  await sender.close();

  // (d) bytes per stored check
  const [{ n } = { n: 0 }] = await db.select({ n: sql<number>`count(*)::int` }).from(monitoringValues);
  const sizeRows = (await db.execute(sql`SELECT pg_total_relation_size('monitoring_values')::bigint AS b`)) as unknown as { rows?: { b: string }[] } & { b: string }[];
  const bytes = Number((sizeRows.rows ?? sizeRows)[0]!.b);
  record(`(d) bytes stored / check (${n} rows, table+index)`, (bytes / Math.max(1, n)).toFixed(1));

  // (e) detection → outbox latency after the confirming check
  const now = systemClock.now();
  const [dept] = await db.insert(departments).values({ code: `BENCH${tag}`, name: 'ベンチ部', kind: 'prefecture', createdAt: now, updatedAt: now }).returning();
  const stamp = { statusChangedAt: now, createdAt: now, updatedAt: now, status: 'active' as const };
  const [sys] = await db.insert(cmdbSystems).values({ name: `ベンチ-${tag}`, departmentId: dept!.id, serviceLevel: 'B', ...stamp }).returning();
  await db.insert(cmdbContacts).values({ name: '監視', systemId: sys!.id, email: 'bench@pref.example.jp', role: '監視', ...stamp });
  const down = new Set<string>();
  let confirmedAt = 0;
  const alerts = createAlertHandling({ db, clock });
  const e2 = createMonitoringEngine({
    db,
    clock,
    onEvent: alerts.onEvent,
    checks: {
      icmp: {
        async check(i) {
          return down.has(i.target.address) ? { outcome: 'down', detail: 'bench' } : { outcome: 'value', value: '1' };
        },
        async checkBatch(items) {
          const m = new Map(items.map((i) => [i.id, (down.has(i.target.address) ? { outcome: 'down', detail: 'bench' } : { outcome: 'value', value: '1' }) as Observation]));
          confirmedAt = performance.now();
          return m;
        },
      },
    },
  });
  const lat: number[] = [];
  for (let k = 0; k < 10; k++) {
    const [vm] = await db.insert(cmdbVms).values({ name: `bench-${tag}-vm${k}`, systemId: sys!.id, vcpu: 1, memoryGib: 1, diskGib: 10, ...stamp }).returning();
    const t = await createTarget(db, clock, { ciType: 'vm', ciId: vm!.id, name: vm!.name, address: `10.9.${k}.1` });
    const it = await createItem(db, clock, { targetId: t.id, type: 'icmp', key: 'icmpping' });
    down.add(`10.9.${k}.1`);
    for (let r = 0; r < 3; r++) {
      clock.advance(300_000);
      await e2.runDue();
    }
    const done = performance.now();
    const [mail] = await db.select({ id: outbox.id }).from(outbox).where(eq(outbox.recordType, 'monitoring_alert')).orderBy(sql`created_at DESC`).limit(1);
    if (mail) lat.push(done - confirmedAt);
    down.delete(`10.9.${k}.1`);
    clock.advance(300_000);
    await e2.runDue();
    void it;
  }
  lat.sort((a, b) => a - b);
  record('(e) detection→outbox ms (median of 10)', lat.length ? lat[Math.floor(lat.length / 2)]!.toFixed(1) : 'n/a');
  record('(e) detection→outbox ms (max)', lat.length ? lat[lat.length - 1]!.toFixed(1) : 'n/a');

  console.log('\n| figure | value |\n| --- | --- |');
  for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
  await database.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
