import childProcess from 'node:child_process';
import { randomUUID } from 'node:crypto';
import dgram from 'node:dgram';
import dns from 'node:dns';
import net from 'node:net';
import { and, eq, gt, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/index.ts';
import { testDatabase } from '../../db/testing.ts';
import { loadDemo } from '../../demo/index.ts';
import { incidents } from '../../incidents/schema.ts';
import { FakeClock } from '../../kernel/clock.ts';
import { createOutboxWorker, createSmtpTransport } from '../../notify/index.ts';
import { createEgress, isLoopback, openEgress } from '../egress.ts';
import { createMonitoringRuntime, type MonitoringRuntime } from '../runtime.ts';
import { monitoringAlerts, monitoringEvents, monitoringItemState, monitoringItems, monitoringTargets, monitoringValues } from '../schema.ts';
import { createItem, createTarget } from '../store.ts';
import { ZabbixAgentClient } from '../zabbix/agent.ts';
import { cpuPercent, scheduledFault } from './curves.ts';
import { type DemoLive, startDemoLive } from './live.ts';

/**
 * The demo's safety proof (issue 13 item 4): every socket the process opens while demo monitoring runs
 * is recorded below the engine — net.Socket#connect (the agent client, undici's fetch, SMTP and the
 * PostgreSQL driver all end there), dgram sends, DNS lookups and spawned programs (fping) — and each
 * must be to 127.0.0.0/8.
 */
const seen = { connects: [] as string[], udp: [] as string[], lookups: [] as string[], spawns: [] as string[] };
const restore: Array<() => void> = [];
function spyOnNetwork() {
  const proto = net.Socket.prototype as unknown as { connect: (...a: unknown[]) => unknown };
  const connect = proto.connect;
  proto.connect = function (this: unknown, ...args: unknown[]) {
    const a0 = args[0] as { host?: string; port?: number; path?: string } | unknown[] | number | string;
    const o = Array.isArray(a0) ? (a0[0] as { host?: string; path?: string }) : a0;
    if (typeof o === 'object' && o !== null && !('path' in o && o.path)) seen.connects.push(String((o as { host?: string }).host ?? 'localhost'));
    else if (typeof o === 'number') seen.connects.push(String(args[1] ?? 'localhost'));
    return connect.apply(this, args);
  };
  restore.push(() => {
    proto.connect = connect;
  });
  const send = dgram.Socket.prototype.send;
  dgram.Socket.prototype.send = function (this: dgram.Socket, ...args: unknown[]) {
    seen.udp.push(String(args.find((a) => typeof a === 'string') ?? '?'));
    return (send as (...a: unknown[]) => void).apply(this, args);
  } as typeof send;
  restore.push(() => {
    dgram.Socket.prototype.send = send;
  });
  const lookup = dns.lookup;
  (dns as { lookup: unknown }).lookup = (host: string, ...rest: unknown[]) => {
    seen.lookups.push(host);
    return (lookup as (...a: unknown[]) => void)(host, ...rest);
  };
  restore.push(() => {
    (dns as { lookup: unknown }).lookup = lookup;
  });
  const spawn = childProcess.spawn;
  (childProcess as { spawn: unknown }).spawn = (cmd: string, ...rest: unknown[]) => {
    seen.spawns.push(cmd);
    return (spawn as (...a: unknown[]) => unknown)(cmd, ...rest);
  };
  restore.push(() => {
    (childProcess as { spawn: unknown }).spawn = spawn;
  });
}

let database: Database;
let live: DemoLive;
let rt: MonitoringRuntime;
// Tuesday 10:00 JST: business hours, so the level-C items run too.
const clock = new FakeClock('2026-11-24T01:00:00Z');
const FIVE_MIN = 300_000;
const deliver = () => createOutboxWorker({ db: database.db, clock, transport: createSmtpTransport(live.smtp), from: 'kiban@demo.example.jp' }).runOnce();
async function round() {
  clock.advance(FIVE_MIN);
  const r = await rt.engine.tick();
  await deliver();
  return r;
}

beforeAll(async () => {
  database = await testDatabase();
  await loadDemo(database.db, clock, { password: 'simulator-test-password' });
  spyOnNetwork();
  // Scheduled faults off: the failure below is injected, so the rounds are the same every run.
  live = await startDemoLive({ db: database.db, clock, faults: false });
  rt = createMonitoringRuntime({ db: database.db, clock, checks: live.checks });
}, 120_000);
afterAll(async () => {
  for (const r of restore.reverse()) r();
  await rt?.stop();
  await live?.stop();
  await database?.close();
});

describe('the demo estate on loopback', () => {
  it('gives every monitored target of the demo its own 127.0.0.0/8 address and answers the agent protocol in both dialects', async () => {
    const [targets] = await database.db.select({ n: sql<number>`count(*)::int` }).from(monitoringTargets);
    const hosts = live.simulator.hosts();
    expect(hosts.length).toBe(targets?.n);
    expect(hosts.every((h) => isLoopback(h.loopback) && h.agent.host === h.loopback)).toBe(true);
    expect(new Set(hosts.map((h) => h.loopback)).size).toBe(hosts.length);
    const vm = hosts.find((h) => h.name.includes('web')) ?? (hosts[0] as (typeof hosts)[number]);
    for (const dialect of ['legacy', 'json'] as const) {
      const c = new ZabbixAgentClient({ dialect });
      const cpu = await c.get(vm.agent.host, vm.agent.port, 'system.cpu.util');
      expect(cpu.kind).toBe('value');
      expect(Number((cpu as { value: string }).value)).toBeGreaterThan(0);
      expect(await c.get(vm.agent.host, vm.agent.port, 'kiban.nothing')).toMatchObject({ kind: 'unsupported' });
    }
  });

  it('draws CPU with a working day: quiet at night, busy in the afternoon, the same numbers for the same seed', () => {
    const at = (iso: string) => new Date(iso).getTime();
    const night = cpuPercent(1, 'vm-a', at('2026-11-24T18:00:00Z')); // 03:00 JST
    const afternoon = cpuPercent(1, 'vm-a', at('2026-11-24T05:30:00Z')); // 14:30 JST
    expect(afternoon).toBeGreaterThan(night + 10);
    expect(cpuPercent(1, 'vm-a', at('2026-11-24T05:30:00Z'))).toBe(afternoon);
    expect(cpuPercent(2, 'vm-a', at('2026-11-24T05:30:00Z'))).not.toBe(afternoon);
  });

  it('schedules an occasional fault that recovers: the first soon after the start, each 20–30 minutes long', () => {
    const epoch = clock.now().getTime();
    const targets = [
      { name: 'a', kinds: ['down', 'cpu'] as const },
      { name: 'b', kinds: ['cpu'] as const },
    ];
    const faults = new Map<number, ReturnType<typeof scheduledFault>>();
    for (let t = epoch; t < epoch + 24 * 3_600_000; t += 60_000) {
      const f = scheduledFault(7, targets, t, { epoch });
      if (f) faults.set(f.from, f);
    }
    const list = [...faults.values()];
    expect(list[0]?.from).toBeLessThan(epoch + 10 * 60_000);
    expect(list.length).toBeGreaterThan(5); // a day of 45-minute windows, 60 % with a fault
    expect(list.length).toBeLessThan(32);
    for (const f of list) expect((f?.until ?? 0) - (f?.from ?? 0)).toBeGreaterThanOrEqual(20 * 60_000);
  });
});

describe('demo monitoring sends nothing outside 127.0.0.0/8', () => {
  it('runs an hour of rounds against the simulator: values move, every connection is to loopback, nothing refused', async () => {
    const start = clock.now();
    seen.connects.length = 0;
    let checked = 0;
    for (let i = 0; i < 12; i++) checked += (await round()).checked;
    expect(checked).toBeGreaterThan(100);
    // The board moves: fresh values for the polled items, CPU differing from round to round.
    const fresh = await database.db
      .select({ num: monitoringValues.num })
      .from(monitoringValues)
      .innerJoin(monitoringItems, eq(monitoringItems.id, monitoringValues.itemId))
      .where(and(gt(monitoringValues.at, start), eq(monitoringItems.key, 'system.cpu.util')));
    expect(fresh.length).toBeGreaterThan(20);
    expect(new Set(fresh.map((f) => f.num)).size).toBeGreaterThan(10);
    const [unknown] = await database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(monitoringItemState)
      .where(and(gt(monitoringItemState.lastCheckAt, start), sql`${monitoringItemState.lastDetail} LIKE 'agent %'`));
    expect(unknown?.n).toBe(0); // every agent answered
    // The level-A web servers' HTTP items: answered by the simulator's web servers, up.
    const web = await database.db
      .select({ state: monitoringItemState.state, detail: monitoringItemState.lastDetail })
      .from(monitoringItemState)
      .innerJoin(monitoringItems, eq(monitoringItems.id, monitoringItemState.itemId))
      .where(and(eq(monitoringItems.type, 'http'), gt(monitoringItemState.lastCheckAt, start)));
    expect(web.length).toBeGreaterThan(0);
    expect(live.simulator.hosts().filter((h) => h.http.length > 0)).toHaveLength(web.length);
    expect(web.every((w) => w.state === 'ok' && w.detail === 'ok')).toBe(true);
    // The proof: below the engine, every socket went to 127.0.0.0/8; nothing but loopback literals went to the resolver; no fping.
    expect(seen.connects.length).toBeGreaterThan(checked);
    expect(seen.connects.filter((h) => !isLoopback(h) && h !== 'localhost')).toEqual([]);
    expect(seen.udp).toEqual([]);
    expect(seen.lookups.filter((h) => !isLoopback(h) && h !== 'localhost')).toEqual([]);
    expect(seen.spawns).toEqual([]);
    expect(live.egress.stats.refused).toBe(0);
    expect(live.egress.stats.allowed).toBeGreaterThanOrEqual(checked);
  });

  it('refuses a target outside the simulator (a real address, a DNS name): counted and logged, no socket, the item unknown — not down', async () => {
    const logged: string[] = [];
    const egress = createEgress({ loopbackOnly: true, resolve: (h, p) => live.simulator.resolve(h, p), log: (l) => logged.push(l) });
    const checks = (await import('./checks.ts')).simulatedChecks(egress);
    const runtime = createMonitoringRuntime({ db: database.db, clock, checks });
    const outside = await createTarget(database.db, clock, { ciType: 'vm', ciId: randomUUID(), name: 'outside-8.8.8.8', address: '8.8.8.8' });
    const named = await createTarget(database.db, clock, { ciType: 'vm', ciId: randomUUID(), name: 'outside-name', hostName: 'www.pref.example.jp' });
    const items = [
      await createItem(database.db, clock, { targetId: outside.id, type: 'icmp', key: 'icmpping' }),
      await createItem(database.db, clock, { targetId: outside.id, type: 'resource', key: 'system.cpu.util' }),
      await createItem(database.db, clock, { targetId: named.id, type: 'http', key: 'web', params: { url: 'http://www.pref.example.jp/' } }),
    ];
    seen.connects.length = 0;
    seen.lookups.length = 0;
    clock.advance(FIVE_MIN);
    await runtime.engine.tick();
    expect(egress.stats.refused).toBe(3);
    expect(egress.stats.refusedTo).toEqual(expect.arrayContaining(['8.8.8.8:10050', 'www.pref.example.jp:80']));
    expect(logged.every((l) => l.includes('refused'))).toBe(true);
    expect(seen.connects.filter((h) => !isLoopback(h) && h !== 'localhost')).toEqual([]);
    expect(seen.lookups.filter((h) => !isLoopback(h) && h !== 'localhost')).toEqual([]);
    const states = await database.db
      .select()
      .from(monitoringItemState)
      .where(
        sql`${monitoringItemState.itemId} IN (${sql.join(
          items.map((i) => sql`${i.id}::uuid`),
          sql`, `,
        )})`,
      );
    expect(states.map((s) => s.state)).toEqual(['ok', 'ok', 'ok'].map(() => expect.not.stringMatching(/problem/)));
    expect(states.every((s) => s.consecutive === 0 && /outside 127\.0\.0\.0\/8|agent connect/.test(s.lastDetail ?? ''))).toBe(true);
    // Not part of the demo estate any more: the rounds below run the estate only.
    await database.db.update(monitoringTargets).set({ enabled: false }).where(sql`${monitoringTargets.id} IN (${outside.id}::uuid, ${named.id}::uuid)`);
  });

  it('leaves production alone: the open egress passes every address through and refuses nothing', () => {
    expect(openEgress.loopbackOnly).toBe(false);
    expect(openEgress.endpoint('10.10.0.10', 10050)).toEqual({ host: '10.10.0.10', port: 10050 });
    expect(openEgress.refuses('www.pref.example.jp', 80)).toBeUndefined();
    expect(openEgress.stats.refused).toBe(0);
  });
});

describe('a failure in the simulator flows through alerts, incidents and mails into the catcher', () => {
  it('a level-A VM stops answering: 3 failed alive checks → alert, trouble incident, mails caught; it answers again → recovered', async () => {
    const [vm] = await database.db
      .select({ name: monitoringTargets.name, id: monitoringTargets.id })
      .from(monitoringTargets)
      .innerJoin(
        monitoringItems,
        and(eq(monitoringItems.targetId, monitoringTargets.id), eq(monitoringItems.type, 'icmp'), eq(monitoringItems.businessHoursOnly, false)),
      )
      .where(and(eq(monitoringTargets.ciType, 'vm'), eq(monitoringTargets.enabled, true)))
      .orderBy(monitoringTargets.name)
      .limit(1);
    expect(vm).toBeDefined();
    const before = live.catcher.mails().length;
    live.simulator.inject(vm!.name, 'down', 16 * 60_000);
    for (let i = 0; i < 3; i++) await round();
    const alerts = await database.db.select().from(monitoringAlerts).where(eq(monitoringAlerts.targetId, vm!.id));
    const alert = alerts.find((a) => a.severity === 'critical');
    expect(alert).toBeDefined();
    expect(alert?.incidentId).toBeTruthy();
    const [incident] = await database.db.select().from(incidents).where(eq(incidents.id, alert!.incidentId!));
    expect(incident).toBeDefined();
    const caught = live.catcher.mails().slice(0, live.catcher.mails().length - before);
    expect(caught.length).toBeGreaterThan(0);
    expect(caught.some((m) => m.text.includes(vm!.name) || m.subject.includes(vm!.name))).toBe(true);
    expect(caught.every((m) => m.to.length > 0)).toBe(true);
    // The fault ends: the next rounds see the host again and record the recovery.
    for (let i = 0; i < 3; i++) await round();
    const events = await database.db.select({ kind: monitoringEvents.kind }).from(monitoringEvents).where(eq(monitoringEvents.targetId, vm!.id));
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(['problem', 'recovered']));
    expect(seen.connects.filter((h) => !isLoopback(h) && h !== 'localhost')).toEqual([]);
  });
});
