import { randomUUID } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../calendar/index.ts';
import { cmdbHosts, cmdbSites, cmdbVms } from '../cmdb/schema.ts';
import type { Database } from '../db/index.ts';
import { testDatabase } from '../db/testing.ts';
import { FakeClock } from '../kernel/clock.ts';
import { createMonitoringEngine, type EngineDeps, type MonitoringEvent } from './engine.ts';
import type { Check, Observation } from './model.ts';
import { monitoringEvents, monitoringItemState, monitoringItems, monitoringSuppressions, monitoringValues } from './schema.ts';
import { createItem, createTarget } from './store.ts';
import type { SenderValue } from './zabbix/sender.ts';

/**
 * Batches of pushed values (sender protocol, JSON endpoint) and batched polled results: one
 * transaction per batch, and the same outcome as applying the values one by one.
 */
let database: Database;
const clock = new FakeClock('2026-11-24T01:00:00Z'); // Tuesday 10:00 JST
const T0 = Math.floor(clock.now().getTime() / 1000);
const FIVE_MIN = 300_000;

const world = new Map<string, Observation>();
const icmp: Check = {
  async check(i) {
    return world.get(i.target.address) ?? { outcome: 'value', value: '1' };
  },
  async checkBatch(items) {
    return new Map(items.map((i) => [i.id, world.get(i.target.address) ?? { outcome: 'value', value: '1' }]));
  },
};
const down: Observation = { outcome: 'down', detail: 'no echo reply (3/3 lost)' };

function engine(extra: Partial<EngineDeps> = {}) {
  const seen: MonitoringEvent[] = [];
  const e = createMonitoringEngine({ db: database.db, clock, checks: { icmp }, onEvent: (ev) => void seen.push(ev), ...extra });
  return Object.assign(e, { seen });
}

let n = 0;
/** A VM target with push items; its host name is `name`. */
async function pushTarget(keys: Array<{ key: string; type?: 'resource' | 'service' | 'process'; businessHoursOnly?: boolean; enabled?: boolean }>, ciId: string = randomUUID()) {
  const name = `push-${++n}-${randomUUID().slice(0, 4)}`;
  const target = await createTarget(database.db, clock, { ciType: 'vm', ciId, name, hostName: name.toUpperCase(), address: `10.70.${n}.1` });
  const items = [];
  for (const k of keys) {
    items.push(
      await createItem(database.db, clock, {
        targetId: target.id,
        type: k.type ?? 'resource',
        key: k.key,
        collect: 'push',
        businessHoursOnly: k.businessHoursOnly,
        enabled: k.enabled,
      }),
    );
  }
  return { name, target, items };
}
async function eventsOf(itemId: string) {
  return database.db.select().from(monitoringEvents).where(eq(monitoringEvents.itemId, itemId)).orderBy(monitoringEvents.id);
}
async function stateOf(itemId: string) {
  const [s] = await database.db.select().from(monitoringItemState).where(eq(monitoringItemState.itemId, itemId));
  return s as typeof monitoringItemState.$inferSelect;
}
async function valuesOf(itemId: string) {
  return database.db.select().from(monitoringValues).where(eq(monitoringValues.itemId, itemId)).orderBy(asc(monitoringValues.at));
}
const v = (host: string, key: string, value: string, at?: number): SenderValue => (at === undefined ? { host, key, value } : { host, key, value, clock: at });

async function esxiWithVm(tag: string) {
  const now = clock.now();
  const [site] = await database.db.insert(cmdbSites).values({ name: `site-${tag}`, code: tag, statusChangedAt: now, createdAt: now, updatedAt: now }).returning();
  const [h] = await database.db
    .insert(cmdbHosts)
    .values({ name: `esxi-${tag}`, siteId: site!.id, cpuCores: 32, cpuGhz: 2.4, memoryGib: 512, statusChangedAt: now, createdAt: now, updatedAt: now })
    .returning();
  const [guest] = await database.db
    .insert(cmdbVms)
    .values({ name: `vm-${tag}`, hostId: h!.id, vcpu: 2, memoryGib: 4, diskGib: 60, statusChangedAt: now, createdAt: now, updatedAt: now })
    .returning();
  const hostTarget = await createTarget(database.db, clock, { ciType: 'host', ciId: h!.id, name: `esxi-${tag}`, address: `10.80.${tag.length}.${++n % 250}` });
  const hostAlive = await createItem(database.db, clock, { targetId: hostTarget.id, type: 'icmp', key: 'icmpping' });
  return { hostAddress: hostTarget.address as string, hostAlive, vmCiId: guest!.id };
}

beforeAll(async () => {
  database = await testDatabase();
});
afterAll(async () => {
  await database?.close();
});

describe('a batch of pushed values', () => {
  it('applies several values of the same item in clock order, whatever the order they came in', async () => {
    const e = engine();
    const { name, items } = await pushTarget([{ key: 'system.cpu.util' }]);
    const cpu = items[0]!;
    // Sent out of order: 86 %, 91 %, 92 %, 50 % by their clocks.
    const r = await e.ingest([v(name, 'system.cpu.util', '92', T0 + 600), v(name, 'system.cpu.util', '86', T0), v(name, 'system.cpu.util', '50', T0 + 900), v(name, 'system.cpu.util', '91', T0 + 300)]);
    expect(r).toEqual({ processed: 4, failed: 0 });
    expect((await eventsOf(cpu.id)).map((x) => [x.kind, x.severity, x.value])).toEqual([
      ['problem', 'warning', '91'],
      ['severity_changed', 'critical', '92'],
      ['recovered', 'critical', '50'],
    ]);
    expect((await valuesOf(cpu.id)).map((x) => x.num)).toEqual([86, 91, 92, 50]);
    const st = await stateOf(cpu.id);
    expect(st).toMatchObject({ state: 'ok', consecutive: 0, lastValue: '50', problemEventId: null, problemSuppressed: false });
    expect(st.lastCheckAt?.getTime()).toBe((T0 + 900) * 1000);
    // onEvent hears every transition once, after the commit, in order and with the stored ids.
    const mine = e.seen.filter((x) => x.itemId === cpu.id);
    expect(mine.map((x) => x.kind)).toEqual(['problem', 'severity_changed', 'recovered']);
    expect(mine.map((x) => x.id)).toEqual((await eventsOf(cpu.id)).map((x) => x.id));
  });

  it('counts unknown hosts, unknown keys and disabled items as failed, and matches host names case-insensitively', async () => {
    const e = engine();
    const { name, items } = await pushTarget([{ key: 'system.cpu.util' }, { key: 'vfs.fs.size[/,pused]', enabled: false }]);
    const r = await e.ingest([
      v(name.toLowerCase(), 'system.cpu.util', '10', T0),
      v(name.toUpperCase(), 'system.cpu.util', '11', T0 + 60),
      v('nobody.example.lg.jp', 'system.cpu.util', '99', T0),
      v(name, 'no.such.key', '1', T0),
      v(name, 'vfs.fs.size[/,pused]', '99', T0),
    ]);
    expect(r).toEqual({ processed: 2, failed: 3 });
    expect((await valuesOf(items[0]!.id)).map((x) => x.num)).toEqual([10, 11]);
    expect(await valuesOf(items[1]!.id)).toHaveLength(0);
    expect(await e.ingest([])).toEqual({ processed: 0, failed: 0 });
  });

  it('judges mixed items of several hosts in one batch, an event for each transition and none for the rest', async () => {
    const e = engine();
    const a = await pushTarget([{ key: 'system.cpu.util' }, { key: 'proc.num[httpd]', type: 'process' }, { key: 'service.info[W32Time,state]', type: 'service' }]);
    const b = await pushTarget([{ key: 'vm.memory.size[pavailable]' }, { key: 'system.cpu.util' }]);
    const [cpuA, procA, svcA] = a.items as [(typeof a.items)[0], (typeof a.items)[0], (typeof a.items)[0]];
    const [memB, cpuB] = b.items as [(typeof b.items)[0], (typeof b.items)[0]];
    const r = await e.ingest([
      v(a.name, 'system.cpu.util', '95', T0),
      v(b.name, 'vm.memory.size[pavailable]', '5', T0), // 95 % used
      v(a.name, 'proc.num[httpd]', '0', T0), // none running: alert at once (n = 1)
      v(a.name, 'service.info[W32Time,state]', '0', T0), // running
      v(b.name, 'system.cpu.util', '20', T0),
      v(b.name, 'vm.memory.size[pavailable]', '4', T0 + 60),
      v(a.name, 'system.cpu.util', 'not a number', T0 + 60), // not understood: counts neither way
    ]);
    expect(r).toEqual({ processed: 7, failed: 0 });
    expect(await eventsOf(procA.id)).toMatchObject([{ kind: 'problem', severity: 'critical', value: '0', consecutive: 1 }]);
    expect(await eventsOf(memB.id)).toMatchObject([{ kind: 'problem', severity: 'critical', value: '4', consecutive: 2 }]);
    expect(await eventsOf(cpuA.id)).toHaveLength(0);
    expect(await eventsOf(svcA.id)).toHaveLength(0);
    expect(await eventsOf(cpuB.id)).toHaveLength(0);
    expect(await stateOf(cpuA.id)).toMatchObject({ state: 'suspect', consecutive: 1, lastValue: '95', lastDetail: 'value not understood' });
    expect((await stateOf(memB.id)).problemEventId).toBe((await eventsOf(memB.id))[0]!.id);
    expect((await valuesOf(memB.id)).map((x) => x.num)).toEqual([95, 96]);
    expect(e.seen.filter((x) => ([procA.id, memB.id] as string[]).includes(x.itemId))).toHaveLength(2);
  });

  it('keeps the order across chunks when a batch is larger than one transaction', async () => {
    const e = engine({ batchSize: 3 });
    const { name, items } = await pushTarget([{ key: 'system.cpu.util' }]);
    const seq = ['91', '92', '10', '91', '92', '93', '10', '50', '86', '87'];
    const r = await e.ingest(seq.map((x, k) => v(name, 'system.cpu.util', x, T0 + k * 60)).reverse());
    expect(r.processed).toBe(10);
    expect((await eventsOf(items[0]!.id)).map((x) => [x.kind, x.severity])).toEqual([
      ['problem', 'critical'],
      ['recovered', 'critical'],
      ['problem', 'critical'],
      ['recovered', 'critical'],
      ['problem', 'warning'],
    ]);
    expect((await valuesOf(items[0]!.id)).map((x) => x.text ?? String(x.num))).toEqual(seq);
  });

  it('applies concurrent batches over the same items completely (no lost update, no deadlock)', async () => {
    const e = engine();
    const hosts = await Promise.all(Array.from({ length: 4 }, () => pushTarget([{ key: 'system.cpu.util' }, { key: 'vfs.fs.size[/,pused]' }])));
    const batch = (k: number) => {
      const vals = hosts.flatMap((h) => [v(h.name, 'system.cpu.util', String(10 + k), T0 + k), v(h.name, 'vfs.fs.size[/,pused]', String(20 + k), T0 + k)]);
      return k % 2 ? vals.reverse() : vals;
    };
    const results = await Promise.all(Array.from({ length: 8 }, (_, k) => e.ingest(batch(k))));
    expect(results.reduce((s, r) => s + r.processed, 0)).toBe(64);
    for (const h of hosts) {
      for (const it of h.items) expect(await valuesOf(it.id)).toHaveLength(8);
    }
  });

  it('records without judging a level-C value outside business hours and a value inside a 停止 window', async () => {
    const e = engine({ calendar: new BusinessCalendar() });
    const c = await pushTarget([{ key: 'system.cpu.util', businessHoursOnly: true }]);
    const s = await pushTarget([{ key: 'system.cpu.util' }]);
    const saturday = Math.floor(new Date('2026-11-28T03:00:00Z').getTime() / 1000);
    const now = clock.now();
    await database.db.insert(monitoringSuppressions).values({
      state: 'active',
      reason: 'known_maintenance',
      method: 'stop',
      startsAt: new Date((T0 + 3600) * 1000),
      endsAt: new Date((T0 + 7200) * 1000),
      targetIds: [s.target.id],
      requestedByLabel: 'test',
      submittedAt: now,
      createdAt: now,
      updatedAt: now,
    });
    const r = await e.ingest([
      v(c.name, 'system.cpu.util', '99', saturday),
      v(c.name, 'system.cpu.util', '99', saturday + 300),
      v(s.name, 'system.cpu.util', '99', T0 + 3600), // in the window
      v(s.name, 'system.cpu.util', '99', T0 + 3900),
      v(s.name, 'system.cpu.util', '98', T0 + 7200), // the window has ended: judged
    ]);
    expect(r).toEqual({ processed: 5, failed: 0 });
    expect(await stateOf(c.items[0]!.id)).toMatchObject({ state: 'ok', consecutive: 0, lastCheckAt: null });
    expect((await valuesOf(c.items[0]!.id)).map((x) => [x.num, x.text])).toEqual([
      [null, '99'],
      [null, '99'],
    ]);
    expect(await stateOf(s.items[0]!.id)).toMatchObject({ state: 'suspect', consecutive: 1, lastValue: '98' });
    expect((await valuesOf(s.items[0]!.id)).map((x) => x.num ?? x.text)).toEqual(['99', '99', 98]);
    expect(await eventsOf(s.items[0]!.id)).toHaveLength(0);
  });

  it('holds a VM alert while its host is suspect and suppresses it while its host is in problem, as polled results are', async () => {
    const e = engine();
    const env = await esxiWithVm('ing1');
    const vmPush = await pushTarget([{ key: 'system.cpu.util' }], env.vmCiId);
    const cpu = vmPush.items[0]!;
    world.set(env.hostAddress, down);
    clock.advance(FIVE_MIN);
    await e.tick(); // host 1: suspect
    await e.ingest([v(vmPush.name, 'system.cpu.util', '95', T0), v(vmPush.name, 'system.cpu.util', '96', T0 + 300)]);
    expect(await eventsOf(cpu.id)).toHaveLength(0);
    expect(await stateOf(cpu.id)).toMatchObject({ state: 'suspect', severity: null, consecutive: 2 });
    clock.advance(FIVE_MIN);
    await e.tick();
    clock.advance(FIVE_MIN);
    await e.tick(); // host 3: problem
    expect((await eventsOf(env.hostAlive.id)).map((x) => x.kind)).toEqual(['problem']);
    await e.ingest([v(vmPush.name, 'system.cpu.util', '97', T0 + 600)]);
    expect(await eventsOf(cpu.id)).toMatchObject([{ kind: 'problem', severity: 'critical', suppressed: true, suppressedBy: env.hostAlive.id }]);
    await e.ingest([v(vmPush.name, 'system.cpu.util', '20', T0 + 900)]);
    expect((await eventsOf(cpu.id)).at(-1)).toMatchObject({ kind: 'recovered', suppressed: true });
    world.clear();
  });
  it('a host that recovers earlier in the same batch no longer suppresses its VM', async () => {
    const e = engine();
    const env = await esxiWithVm('ing2');
    const vmPush = await pushTarget([{ key: 'system.cpu.util' }], env.vmCiId);
    world.set(env.hostAddress, down);
    for (let i = 0; i < 3; i++) {
      clock.advance(FIVE_MIN);
      await e.tick();
    }
    world.clear();
    expect((await stateOf(env.hostAlive.id)).state).toBe('problem');
    const t = Math.floor(clock.now().getTime() / 1000);
    await e.ingest([v(vmPush.name, 'system.cpu.util', '96', t + 2), v('esxi-ing2', 'icmpping', '1', t), v(vmPush.name, 'system.cpu.util', '95', t + 1)]);
    expect((await eventsOf(env.hostAlive.id)).map((x) => x.kind)).toEqual(['problem', 'recovered']);
    expect(await eventsOf(vmPush.items[0]!.id)).toMatchObject([{ kind: 'problem', suppressed: false, suppressedBy: null }]);
  });
});

describe('a batch of polled results', () => {
  it('suppresses a VM whose host went down in the same round even when they land in different transactions', async () => {
    const e = engine({ batchSize: 1 });
    const env = await esxiWithVm('poll1');
    const guest = await createTarget(database.db, clock, { ciType: 'vm', ciId: env.vmCiId, name: 'vm-poll1', address: '10.90.0.11' });
    const alive = await createItem(database.db, clock, { targetId: guest.id, type: 'icmp', key: 'icmpping' });
    world.set(env.hostAddress, down);
    world.set('10.90.0.11', down);
    for (let i = 0; i < 3; i++) {
      clock.advance(FIVE_MIN);
      await e.tick();
    }
    expect(await eventsOf(env.hostAlive.id)).toMatchObject([{ kind: 'problem', suppressed: false }]);
    expect(await eventsOf(alive.id)).toMatchObject([{ kind: 'problem', suppressed: true, suppressedBy: env.hostAlive.id }]);
    // The host's event reached onEvent before its VM's (alert handling joins the VM to the host's incident).
    const order = e.seen.filter((x) => x.kind === 'problem' && ([env.hostAlive.id, alive.id] as string[]).includes(x.itemId)).map((x) => x.itemId);
    expect(order).toEqual([env.hostAlive.id, alive.id]);
    world.clear();
  });

  it('applies a round of many items in a few transactions and releases every lease', async () => {
    const e = engine({ batchSize: 7 });
    const made = [];
    for (let k = 0; k < 20; k++) {
      const t = await createTarget(database.db, clock, { ciType: 'vm', ciId: randomUUID(), name: `many-${k}`, address: `10.91.0.${k}` });
      made.push(await createItem(database.db, clock, { targetId: t.id, type: 'icmp', key: 'icmpping' }));
    }
    world.set('10.91.0.3', down);
    clock.advance(FIVE_MIN);
    const r = await e.tick();
    expect(r.checked).toBeGreaterThanOrEqual(20);
    for (const it of made) {
      const st = await stateOf(it.id);
      expect(st.runningSince).toBeNull();
      expect(st.lastCheckAt?.getTime()).toBe(clock.now().getTime());
      expect(st.nextDueAt.getTime()).toBeGreaterThan(clock.now().getTime());
    }
    expect((await stateOf(made[3]!.id)).state).toBe('suspect');
    const items = await database.db.select({ id: monitoringItems.id }).from(monitoringItems);
    expect(items.length).toBeGreaterThanOrEqual(20);
    world.clear();
  });
});
