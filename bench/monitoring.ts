/**
 * Bench: the monitoring engine (MON). Figures are printed, never asserted.
 *   (a) CPU-ms per HTTP check (HttpCheck against a loopback node:http server), per agent check
 *       (AgentCheck against a simulated agent) and per ICMP check (FpingCheck batch on loopback
 *       addresses: this process's CPU and fping's, a child's, separately);
 *   (b) items sustained at 5-minute intervals: BENCH_ITEMS items (ICMP + resource/process agent items +
 *       HTTP) bulk-created with set-based SQL, the engine ticking from a real clock for BENCH_SECONDS;
 *       schedule lag = check start − the slot it was due at, p50/p99/max; checks/s; CPU;
 *   (c) sender-protocol values written per second, sustained: BENCH_SENDER_CLIENTS concurrent clients
 *       (`sendValues`, BENCH_SENDER_BATCH values a frame) → listener → ingest → DB, verified by counting rows;
 *   (d) bytes stored per check: pg_total_relation_size(monitoring_values) / rows;
 *   (e) detection-to-mail latency: from the confirming check's result to the committed outbox row.
 * The simulated agents (Zabbix passive protocol, JSON dialect) and the HTTP servers run in a child
 * process, so the engine's CPU is its own.
 *
 * Run: npx tsx bench/monitoring.ts   (DATABASE_URL=postgres://… for PostgreSQL, else in-memory PGlite)
 * Env: BENCH_PARTS=a,b,c,d,e  BENCH_ITEMS=100000  BENCH_SECONDS=150  BENCH_TICK_MS=500
 *      BENCH_SENDER_SECONDS=30  BENCH_SENDER_CLIENTS=4  BENCH_SENDER_BATCH=1000  BENCH_E_SAMPLES=30
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { eq, sql } from 'drizzle-orm';
import { cmdbContacts, cmdbSystems, cmdbVms } from '../src/cmdb/schema.ts';
import { type Db, openDatabase } from '../src/db/connection.ts';
import { departments } from '../src/iam/schema.ts';
import { FakeClock, systemClock } from '../src/kernel/clock.ts';
import { createAlertHandling } from '../src/monitoring/alerts.ts';
import { AgentCheck } from '../src/monitoring/checks/agent.ts';
import { HttpCheck } from '../src/monitoring/checks/http.ts';
import { FpingCheck } from '../src/monitoring/checks/icmp.ts';
import { createMonitoringEngine } from '../src/monitoring/engine.ts';
import { nextSlot, slotOffsetMs } from '../src/monitoring/machine.ts';
import type { Check, CheckItem, Observation } from '../src/monitoring/model.ts';
import { DEFAULTS } from '../src/monitoring/rules.ts';
import { monitoringItemState, monitoringItems, monitoringTargets, monitoringValues } from '../src/monitoring/schema.ts';
import { createItem, createTarget } from '../src/monitoring/store.ts';
import { createSenderServer, type SenderValue, sendValues } from '../src/monitoring/zabbix/sender.ts';
import { outbox } from '../src/notify/schema.ts';

const env = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const PARTS = new Set((process.env.BENCH_PARTS ?? 'a,b,c,d,e').split(','));
const rows: [string, string][] = [];
const record = (k: string, v: string) => {
  rows.push([k, v]);
  console.log(`${k.padEnd(64)} ${v}`);
};
const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
const pct = (xs: number[], p: number) => (xs.length ? (xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] as number) : NaN);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU-ms of reaped children (fping) from /proc/self/stat. */
function childrenCpuMs(): number {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return ((Number(f[13]) + Number(f[14])) * 1000) / 100; // cutime + cstime, USER_HZ = 100
}
/** Machine-wide busy and total jiffies (all cores). */
function machineCpu(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { busy: total - idle, total };
}
const rowsOf = <T>(r: unknown): T[] => ((r as { rows?: T[] }).rows ?? (r as T[]));

// ───────────────────────── the simulated world (child process) ─────────────────────────

const WORLD = `
const net = require('node:net'), http = require('node:http');
const frame = (s) => { const d = Buffer.from(s); const h = Buffer.alloc(13); h.write('ZBXD', 0, 'latin1'); h.writeUInt8(1, 4); h.writeUInt32LE(d.length, 5); return Buffer.concat([h, d]); };
const value = (key) => key.startsWith('system.cpu') ? (5 + Math.random() * 50).toFixed(2)
  : key.startsWith('vm.memory') ? (30 + Math.random() * 60).toFixed(1) : key.startsWith('proc.num') ? '3' : '42';
const agent = () => net.createServer((sock) => {
  let buf = Buffer.alloc(0);
  sock.on('error', () => {});
  sock.on('data', (c) => {
    buf = Buffer.concat([buf, c]);
    if (buf.length < 13) return;
    const len = buf.readUInt32LE(5);
    if (buf.length < 13 + len) return;
    const req = buf.subarray(13, 13 + len).toString();
    let key = req, json = false;
    try { key = JSON.parse(req).data[0].key; json = true; } catch {}
    const v = value(key);
    sock.end(frame(json ? JSON.stringify({ version: '7.0.0', variant: 1, data: [{ value: v }] }) : v));
  });
});
const listen = (s) => new Promise((r) => s.listen(0, '127.0.0.1', () => r(s.address().port)));
(async () => {
  const agents = [], webs = [];
  for (let i = 0; i < ${'${A}'}; i++) agents.push(await listen(agent()));
  for (let i = 0; i < ${'${H}'}; i++) {
    const srv = http.createServer((req, res) => res.end('ok'));
    srv.keepAliveTimeout = 60000;
    webs.push(await listen(srv));
  }
  process.stdout.write(JSON.stringify({ agents, webs }) + '\\n');
  process.stdin.on('data', () => { const u = process.cpuUsage(); process.stdout.write(JSON.stringify({ cpuMs: (u.user + u.system) / 1000 }) + '\\n'); });
})();
`;

interface World {
  agents: number[];
  webs: number[];
  cpuMs(): Promise<number>;
  stop(): void;
}
async function startWorld(agents: number, webs: number): Promise<World> {
  const child: ChildProcess = spawn(process.execPath, ['-e', WORLD.replace('${A}', String(agents)).replace('${H}', String(webs))], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let waiting: ((l: string) => void) | null = null;
  let buf = '';
  child.stdout!.on('data', (c: Buffer) => {
    buf += c.toString();
    let nl = buf.indexOf('\n');
    while (nl >= 0) {
      const l = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (waiting) {
        const w = waiting;
        waiting = null;
        w(l);
      } else lines.push(l);
      nl = buf.indexOf('\n');
    }
  });
  const next = () => (lines.length ? Promise.resolve(lines.shift() as string) : new Promise<string>((r) => (waiting = r)));
  const ports = JSON.parse(await next()) as { agents: number[]; webs: number[] };
  return {
    ...ports,
    async cpuMs() {
      child.stdin!.write('cpu\n');
      return (JSON.parse(await next()) as { cpuMs: number }).cpuMs;
    },
    stop: () => child.kill('SIGTERM'),
  };
}

// ───────────────────────── bulk creation (set-based) ─────────────────────────

type TargetRow = { id: string; name: string; address: string; agentPort: number };
type ItemRow = { id: string; targetId: string; type: CheckItem['type']; key: string; params: Record<string, unknown>; collect: 'poll' | 'push' };

async function bulkInsert(db: Db, targets: TargetRow[], items: ItemRow[], firstDue: (i: ItemRow) => Date): Promise<void> {
  const now = new Date();
  for (let k = 0; k < targets.length; k += 5000) {
    const json = JSON.stringify(targets.slice(k, k + 5000).map((t) => ({ i: t.id, n: t.name, a: t.address, p: t.agentPort, c: randomUUID() })));
    await db.execute(sql`INSERT INTO ${monitoringTargets} (id, ci_type, ci_id, name, host_name, address, agent_port, enabled, created_at, updated_at)
      SELECT x.i, 'vm', x.c, x.n, x.n, x.a, x.p, true, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
      FROM jsonb_to_recordset(${json}::jsonb) AS x(i uuid, n text, a text, p integer, c uuid)`);
  }
  for (let k = 0; k < items.length; k += 5000) {
    const part = items.slice(k, k + 5000);
    const json = JSON.stringify(
      part.map((i) => ({
        i: i.id,
        t: i.targetId,
        ty: i.type,
        k: i.key,
        p: i.params,
        co: i.collect,
        w: i.type === 'resource' ? DEFAULTS.thresholds.warning : null,
        cr: i.type === 'resource' ? DEFAULTS.thresholds.critical : null,
        n: DEFAULTS.consecutive[i.type],
      })),
    );
    await db.execute(sql`INSERT INTO ${monitoringItems} (id, target_id, type, key, name, params, collect, interval_sec, warning_threshold, critical_threshold, consecutive, created_at, updated_at)
      SELECT x.i, x.t, x.ty, x.k, x.k, x.p, x.co, 300, x.w, x.cr, x.n, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
      FROM jsonb_to_recordset(${json}::jsonb) AS x(i uuid, t uuid, ty text, k text, p jsonb, co text, w double precision, cr double precision, n integer)`);
  }
  for (let k = 0; k < items.length; k += 10000) {
    const json = JSON.stringify(items.slice(k, k + 10000).map((i) => ({ i: i.id, d: firstDue(i) })));
    await db.execute(sql`INSERT INTO ${monitoringItemState} (item_id, next_due_at) SELECT x.i, x.d FROM jsonb_to_recordset(${json}::jsonb) AS x(i uuid, d timestamptz)`);
  }
}

// ───────────────────────── (a) CPU per check ─────────────────────────

async function partA(world: World) {
  const item = (type: CheckItem['type'], address: string, params: Record<string, unknown> = {}, agentPort = 10050, key = 'web'): CheckItem => ({
    id: randomUUID(),
    type,
    key,
    params,
    target: { address, agentPort },
  });
  const web = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(web.address() as AddressInfo).port}/`;
  const http = new HttpCheck();
  const N = 2000;
  const httpItems = Array.from({ length: N }, () => item('http', '127.0.0.1', { url }));
  for (const i of httpItems.slice(0, 100)) await http.check(i); // warm-up
  let u0 = process.cpuUsage();
  let t0 = performance.now();
  for (let k = 0; k < N; k += 32) await Promise.all(httpItems.slice(k, k + 32).map((i) => http.check(i)));
  // The server runs in this process too: its share is measured alone below and subtracted.
  const both = cpuMs(process.cpuUsage(u0));
  const wall = performance.now() - t0;
  web.close();
  // Same requests against the child's server: only the client side is in this process.
  const remote = `http://127.0.0.1:${world.webs[0]}/`;
  const remoteItems = Array.from({ length: N }, () => item('http', '127.0.0.1', { url: remote }));
  for (const i of remoteItems.slice(0, 100)) await http.check(i);
  u0 = process.cpuUsage();
  t0 = performance.now();
  for (let k = 0; k < N; k += 32) await Promise.all(remoteItems.slice(k, k + 32).map((i) => http.check(i)));
  record('(a) HTTP check CPU-ms / check (client side, keep-alive)', (cpuMs(process.cpuUsage(u0)) / N).toFixed(3));
  record('(a) HTTP check CPU-ms / check (client + in-process server)', (both / N).toFixed(3));
  record('(a) HTTP checks / s (32 parallel, loopback)', ((N / wall) * 1000).toFixed(0));

  const agent = new AgentCheck();
  const agentItems = Array.from({ length: N }, () => item('resource', '127.0.0.1', {}, world.agents[0], 'system.cpu.util'));
  for (const i of agentItems.slice(0, 100)) await agent.check(i);
  u0 = process.cpuUsage();
  t0 = performance.now();
  for (let k = 0; k < N; k += 32) await Promise.all(agentItems.slice(k, k + 32).map((i) => agent.check(i)));
  record('(a) agent check CPU-ms / check (new TCP connection each)', (cpuMs(process.cpuUsage(u0)) / N).toFixed(3));

  const fping = new FpingCheck();
  const NI = 300;
  const icmpItems = Array.from({ length: NI }, (_, k) => item('icmp', `127.0.${1 + Math.floor(k / 250)}.${1 + (k % 250)}`));
  u0 = process.cpuUsage();
  const c0 = childrenCpuMs();
  t0 = performance.now();
  const res = await fping.checkBatch(icmpItems);
  const alive = [...res.values()].filter((o: Observation) => o.outcome === 'value').length;
  record('(a) ICMP check CPU-ms / check (Node side)', (cpuMs(process.cpuUsage(u0)) / NI).toFixed(3));
  record('(a) ICMP check CPU-ms / check (fping child, 3 echoes)', ((childrenCpuMs() - c0) / NI).toFixed(3));
  record(`(a) ICMP batch of ${NI} addresses: wall ms (alive ${alive})`, (performance.now() - t0).toFixed(0));
}

// ───────────────────────── (b) items sustained at 5-minute intervals ─────────────────────────

async function partB(db: Db, world: World) {
  const ITEMS = env('BENCH_ITEMS', 100_000);
  const SECONDS = env('BENCH_SECONDS', 150);
  const TICK = env('BENCH_TICK_MS', 500);
  const WARMUP = Math.min(20, SECONDS / 5);
  const INTERVAL = 300_000;
  // Per target: ICMP alive, CPU %, memory available %, process count, an HTTP page = 5 items.
  const perTarget = 5;
  const nTargets = Math.ceil(ITEMS / perTarget);
  const tag = randomUUID().slice(0, 6);
  const targets: TargetRow[] = [];
  const items: ItemRow[] = [];
  for (let g = 0; g < nTargets; g++) {
    const t: TargetRow = {
      id: randomUUID(),
      name: `b-${tag}-${g}`,
      address: `127.${1 + Math.floor(g / 62_500)}.${Math.floor(g / 250) % 250}.${1 + (g % 250)}`,
      agentPort: world.agents[g % world.agents.length] as number,
    };
    targets.push(t);
    const web = world.webs[g % world.webs.length];
    const mk = (type: ItemRow['type'], key: string, params: Record<string, unknown> = {}) =>
      items.length < ITEMS && items.push({ id: randomUUID(), targetId: t.id, type, key, params, collect: 'poll' });
    mk('icmp', 'icmpping');
    mk('resource', 'system.cpu.util');
    mk('resource', 'vm.memory.size[pavailable]');
    mk('process', 'proc.num[httpd]');
    mk('http', 'web', { url: `http://127.0.0.1:${web}/${g}` });
  }
  const counts = items.reduce<Record<string, number>>((m, i) => ((m[i.type] = (m[i.type] ?? 0) + 1), m), {});
  let t0 = performance.now();
  // First slots from 15 s after the state rows start going in (the last step), so none is due before it exists.
  let start = 0;
  await bulkInsert(db, targets, items, (i) => nextSlot(i.id, 300, new Date((start ||= Date.now() + 15_000))));
  record(`(b) bulk create ${items.length} items, ${targets.length} targets (s)`, ((performance.now() - t0) / 1000).toFixed(1));
  console.log(`    mix: ${JSON.stringify(counts)}`);
  while (Date.now() < start - 1000) await sleep(200);

  const lags: number[] = [];
  let started = 0;
  let windowOpen = false;
  const note = (i: CheckItem) => {
    const now = Date.now();
    const off = slotOffsetMs(i.id, INTERVAL);
    const due = off + Math.floor((now - off) / INTERVAL) * INTERVAL;
    if (windowOpen) {
      lags.push(now - due);
      started++;
    }
  };
  const measured = (c: Check): Check => ({
    check: (i) => (note(i), c.check(i)),
    ...(c.checkBatch ? { checkBatch: (is: CheckItem[]) => (is.forEach(note), c.checkBatch!(is)) } : {}),
  });
  const agent = measured(new AgentCheck());
  const engine = createMonitoringEngine({
    db,
    clock: systemClock,
    checks: { icmp: measured(new FpingCheck()), http: measured(new HttpCheck()), resource: agent, process: agent },
    concurrency: 64,
  });
  engine.start(TICK);
  await sleep(WARMUP * 1000);
  windowOpen = true;
  const from = new Date();
  const u0 = process.cpuUsage();
  const c0 = childrenCpuMs();
  const w0 = await world.cpuMs();
  const m0 = machineCpu();
  t0 = performance.now();
  await sleep(SECONDS * 1000);
  windowOpen = false;
  const wall = (performance.now() - t0) / 1000;
  const self = cpuMs(process.cpuUsage(u0));
  const kids = childrenCpuMs() - c0;
  const worldCpu = (await world.cpuMs()) - w0;
  const m1 = machineCpu();
  const to = new Date();
  await engine.stop();
  await sleep(3000); // let the last round's applies land before counting
  const [{ applied } = { applied: 0 }] = rowsOf<{ applied: number }>(
    await db.execute(sql`SELECT count(*)::int AS applied FROM ${monitoringItemState} WHERE last_check_at >= ${from.toISOString()}::timestamptz AND last_check_at < ${to.toISOString()}::timestamptz`),
  );
  lags.sort((a, b) => a - b);
  record(`(b) checks started in ${SECONDS} s window / s (expected ${(items.length / 300).toFixed(0)}/s)`, (started / wall).toFixed(0));
  record('(b) checks applied (state rows with last_check_at in window) / s', (applied / wall).toFixed(0));
  record('(b) schedule lag p50 / p99 / max (ms)', `${pct(lags, 50)} / ${pct(lags, 99)} / ${lags.at(-1)}`);
  record('(b) engine process CPU (% of one core; incl. in-process PGlite)', ((self / (wall * 1000)) * 100).toFixed(0));
  record('(b) engine CPU-ms per check (engine process + fping)', ((self + kids) / Math.max(1, started)).toFixed(3));
  record('(b) fping children CPU (% of one core)', ((kids / (wall * 1000)) * 100).toFixed(0));
  record('(b) simulated agents + HTTP servers CPU (% of one core)', ((worldCpu / (wall * 1000)) * 100).toFixed(0));
  record('(b) whole machine busy (% of 2 cores; shared)', (((m1.busy - m0.busy) / (m1.total - m0.total)) * 100).toFixed(0));
}

// ───────────────────────── (c) sender protocol sustained ─────────────────────────

async function partC(db: Db) {
  const CLIENTS = env('BENCH_SENDER_CLIENTS', 4);
  const SECONDS = env('BENCH_SENDER_SECONDS', 30);
  const BATCH = env('BENCH_SENDER_BATCH', 1000);
  const KEYS = 10;
  const HOSTS_PER_CLIENT = Math.ceil(BATCH / KEYS) * 3;
  const tag = randomUUID().slice(0, 6);
  const keys = Array.from({ length: KEYS }, (_, k) => (k === 0 ? 'system.cpu.util' : `vfs.fs.size[/d${k},pused]`));
  const targets: TargetRow[] = [];
  const items: ItemRow[] = [];
  for (let h = 0; h < CLIENTS * HOSTS_PER_CLIENT; h++) {
    const t: TargetRow = { id: randomUUID(), name: `c-${tag}-${h}`, address: '127.0.0.1', agentPort: 10050 };
    targets.push(t);
    for (const key of keys) items.push({ id: randomUUID(), targetId: t.id, type: 'resource', key, params: {}, collect: 'push' });
  }
  await bulkInsert(db, targets, items, () => new Date('2100-01-01T00:00:00Z'));
  const [{ before } = { before: 0 }] = rowsOf<{ before: number }>(await db.execute(sql`SELECT count(*)::int AS before FROM ${monitoringValues}`));
  const engine = createMonitoringEngine({ db, clock: systemClock, checks: {} });
  const sender = createSenderServer({ ingest: (v) => engine.ingest(v), maxFrameBytes: 16 * 1024 * 1024 });
  const { port } = await sender.listen(0, '127.0.0.1');
  // The clients run in their own process (as zabbix_sender would), so this process's CPU is the engine's.
  const u0 = process.cpuUsage();
  const m0 = machineCpu();
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, BENCH_ROLE: 'senders', BENCH_PORT: String(port), BENCH_TAG: tag, BENCH_HOSTS_PER_CLIENT: String(HOSTS_PER_CLIENT), BENCH_KEYS: JSON.stringify(keys) },
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  await new Promise((r) => child.once('exit', r));
  const res = JSON.parse(out.trim().split('\n').at(-1) as string) as { sent: number; failed: number; frames: number; p50: number; p99: number; seconds: number; cpuMs: number };
  const { sent, failed } = res;
  const m1 = machineCpu();
  const self = cpuMs(process.cpuUsage(u0));
  await sender.close();
  const [{ after } = { after: 0 }] = rowsOf<{ after: number }>(await db.execute(sql`SELECT count(*)::int AS after FROM ${monitoringValues}`));
  record(`(c) sender values written / s (${CLIENTS} clients × ${BATCH}/frame, ${SECONDS} s)`, (sent / res.seconds).toFixed(0));
  record('(c) rows counted in monitoring_values / values acknowledged', `${after - before} / ${sent} (failed ${failed})`);
  record('(c) frame round trip p50 / p99 (ms)', `${res.p50.toFixed(0)} / ${res.p99.toFixed(0)} (${res.frames} frames)`);
  record('(c) engine process CPU-µs per value (listener + ingest + in-process PGlite)', ((self * 1000) / Math.max(1, sent)).toFixed(1));
  record('(c) sender clients CPU-µs per value (their own process)', ((res.cpuMs * 1000) / Math.max(1, sent)).toFixed(1));
  record('(c) whole machine busy (% of 2 cores; shared)', (((m1.busy - m0.busy) / (m1.total - m0.total)) * 100).toFixed(0));
}

// ───────────────────────── (d) bytes stored per check ─────────────────────────

async function partD(db: Db) {
  const [{ n } = { n: 0 }] = await db.select({ n: sql<number>`count(*)::int` }).from(monitoringValues);
  const [{ b } = { b: '0' }] = rowsOf<{ b: string }>(await db.execute(sql`SELECT pg_total_relation_size('monitoring_values')::bigint AS b`));
  const [{ h } = { h: '0' }] = rowsOf<{ h: string }>(await db.execute(sql`SELECT pg_relation_size('monitoring_values')::bigint AS h`));
  record(`(d) bytes stored / check (${n} rows, table + primary key)`, (Number(b) / Math.max(1, n)).toFixed(1));
  record('(d) of which heap (table only)', (Number(h) / Math.max(1, n)).toFixed(1));
}

// ───────────────────────── (e) detection → outbox ─────────────────────────

async function partE(db: Db) {
  const SAMPLES = env('BENCH_E_SAMPLES', 30);
  // A fake clock well before the real one: the (b) items, due in real time, are not due for it.
  const clock = new FakeClock(new Date(Date.now() - 30 * 86_400_000));
  const now = clock.now();
  const tag = randomUUID().slice(0, 6);
  const [dept] = await db.insert(departments).values({ code: `BENCH${tag}`, name: 'ベンチ部', kind: 'prefecture', createdAt: now, updatedAt: now }).returning();
  const stamp = { statusChangedAt: now, createdAt: now, updatedAt: now, status: 'active' as const };
  const [sys] = await db.insert(cmdbSystems).values({ name: `ベンチ-${tag}`, departmentId: dept!.id, serviceLevel: 'B', ...stamp }).returning();
  await db.insert(cmdbContacts).values({ name: '監視', systemId: sys!.id, email: 'bench@pref.example.jp', role: '監視', ...stamp });
  const down = new Set<string>();
  let confirmedAt = 0;
  const alerts = createAlertHandling({ db, clock });
  const result = (i: CheckItem): Observation => (down.has(i.target.address) ? { outcome: 'down', detail: 'bench' } : { outcome: 'value', value: '1' });
  const e2 = createMonitoringEngine({
    db,
    clock,
    onEvent: alerts.onEvent,
    checks: {
      icmp: {
        check: async (i) => result(i),
        async checkBatch(items) {
          const m = new Map(items.map((i) => [i.id, result(i)]));
          confirmedAt = performance.now();
          return m;
        },
      },
    },
  });
  const lat: number[] = [];
  for (let k = 0; k < SAMPLES; k++) {
    const [vm] = await db.insert(cmdbVms).values({ name: `bench-${tag}-vm${k}`, systemId: sys!.id, vcpu: 1, memoryGib: 1, diskGib: 10, ...stamp }).returning();
    const t = await createTarget(db, clock, { ciType: 'vm', ciId: vm!.id, name: vm!.name, address: `10.9.${k}.1` });
    await createItem(db, clock, { targetId: t.id, type: 'icmp', key: 'icmpping' });
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
  }
  lat.sort((a, b) => a - b);
  record(`(e) detection→outbox ms p50 / p99 / max (${lat.length} alerts)`, `${pct(lat, 50).toFixed(1)} / ${pct(lat, 99).toFixed(1)} / ${(lat.at(-1) ?? NaN).toFixed(1)}`);
}

/** The sender clients (BENCH_ROLE=senders, a child of part (c)): `sendValues` frames until the time is up. */
async function senders() {
  const CLIENTS = env('BENCH_SENDER_CLIENTS', 4);
  const SECONDS = env('BENCH_SENDER_SECONDS', 30);
  const BATCH = env('BENCH_SENDER_BATCH', 1000);
  const port = env('BENCH_PORT', 0);
  const tag = process.env.BENCH_TAG as string;
  const perClient = env('BENCH_HOSTS_PER_CLIENT', 300);
  const keys = JSON.parse(process.env.BENCH_KEYS as string) as string[];
  const hostsPerFrame = Math.ceil(BATCH / keys.length);
  // One instant per frame and client-owned hosts: (item, at) never repeats, so every value is a new row.
  const frame = (c: number, f: number): SenderValue[] => {
    const at = 1_800_000_000 + f;
    const data: SenderValue[] = [];
    for (let h = 0; h < hostsPerFrame && data.length < BATCH; h++) {
      const host = `c-${tag}-${c * perClient + ((f * hostsPerFrame + h) % perClient)}`;
      for (const key of keys) if (data.length < BATCH) data.push({ host, key, value: String(10 + ((f + h) % 60)), clock: at });
    }
    return data;
  };
  let sent = 0;
  let failed = 0;
  const frameMs: number[] = [];
  const u0 = process.cpuUsage();
  const t0 = performance.now();
  const until = t0 + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      for (let f = 0; performance.now() < until; f++) {
        const data = frame(c, f);
        const s = performance.now();
        const r = await sendValues('127.0.0.1', port, data, 120_000);
        frameMs.push(performance.now() - s);
        sent += r.processed;
        failed += r.failed;
      }
    }),
  );
  frameMs.sort((a, b) => a - b);
  const seconds = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ sent, failed, frames: frameMs.length, p50: pct(frameMs, 50), p99: pct(frameMs, 99), seconds, cpuMs: cpuMs(process.cpuUsage(u0)) }));
}

async function main() {
  const database = await openDatabase({ url: process.env.DATABASE_URL });
  await database.migrate();
  const db = database.db;
  console.log(`engine: ${database.kind}; parts: ${[...PARTS].join(',')}`);
  const world = await startWorld(8, 8);
  try {
    if (PARTS.has('a')) await partA(world);
    if (PARTS.has('c')) await partC(db);
    if (PARTS.has('b')) await partB(db, world);
    if (PARTS.has('d')) await partD(db);
    if (PARTS.has('e')) await partE(db);
  } finally {
    world.stop();
  }
  console.log('\n| figure | value |\n| --- | --- |');
  for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
  await database.close();
}

(process.env.BENCH_ROLE === 'senders' ? senders() : main()).catch((e) => {
  console.error(e);
  process.exit(1);
});
