import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../calendar/index.ts';
import { cmdbHosts, cmdbSites, cmdbVms } from '../cmdb/schema.ts';
import type { Database } from '../db/index.ts';
import { testDatabase } from '../db/testing.ts';
import { FakeClock } from '../kernel/clock.ts';
import { createMonitoringEngine, type EngineDeps, type MonitoringEngine, type Timer } from './engine.ts';
import { nextSlot, slotOffsetMs } from './machine.ts';
import type { Check, CheckItem, Observation } from './model.ts';
import { monitoringEvents, monitoringItemState, monitoringItems, monitoringValues } from './schema.ts';
import { createItem, createTarget, pruneValues } from './store.ts';
import { createSenderServer, sendValues } from './zabbix/sender.ts';

let database: Database;
const clock = new FakeClock('2026-11-24T01:00:00Z'); // Tuesday 10:00 JST
const FIVE_MIN = 300_000;

/** The outside world as the fake checks see it: address → what a check observes. */
const world = new Map<string, Observation>();
const batchCalls: CheckItem[][] = [];
const fakeIcmp: Check = {
  async check(item) {
    return world.get(item.target.address) ?? { outcome: 'value', value: '1' };
  },
  async checkBatch(items) {
    batchCalls.push(items);
    return new Map(items.map((i) => [i.id, world.get(i.target.address) ?? { outcome: 'value', value: '1' }]));
  },
};
/** Resource values per address, read by the "agent". */
const readings = new Map<string, string[]>();
const fakeAgent: Check = {
  async check(item) {
    const q = readings.get(`${item.target.address}|${item.key}`);
    const v = q?.shift();
    return v === undefined ? { outcome: 'unknown', detail: 'agent timeout' } : { outcome: 'value', value: v };
  },
};

function engine(extra: Partial<EngineDeps> = {}): MonitoringEngine {
  return createMonitoringEngine({ db: database.db, clock, checks: { icmp: fakeIcmp, resource: fakeAgent }, ...extra });
}

async function siteId() {
  const now = clock.now();
  const [s] = await database.db
    .insert(cmdbSites)
    .values({ name: `site-${randomUUID().slice(0, 6)}`, code: randomUUID().slice(0, 6), statusChangedAt: now, createdAt: now, updatedAt: now })
    .returning();
  return (s as { id: string }).id;
}
async function esxi(name: string) {
  const now = clock.now();
  const [h] = await database.db
    .insert(cmdbHosts)
    .values({ name, siteId: await siteId(), cpuCores: 32, cpuGhz: 2.4, memoryGib: 512, statusChangedAt: now, createdAt: now, updatedAt: now })
    .returning();
  return (h as { id: string }).id;
}
async function vm(name: string, hostId: string | null) {
  const now = clock.now();
  const [v] = await database.db
    .insert(cmdbVms)
    .values({ name, hostId, vcpu: 2, memoryGib: 4, diskGib: 60, statusChangedAt: now, createdAt: now, updatedAt: now })
    .returning();
  return (v as { id: string }).id;
}
async function aliveTarget(ciType: 'host' | 'vm', ciId: string, name: string, address: string) {
  const t = await createTarget(database.db, clock, { ciType, ciId, name, address });
  const i = await createItem(database.db, clock, { targetId: t.id, type: 'icmp', key: 'icmpping' });
  return { target: t, item: i };
}
async function eventsOf(itemId: string) {
  return database.db.select().from(monitoringEvents).where(eq(monitoringEvents.itemId, itemId)).orderBy(monitoringEvents.id);
}
async function stateOf(itemId: string) {
  const [s] = await database.db.select().from(monitoringItemState).where(eq(monitoringItemState.itemId, itemId));
  return s as typeof monitoringItemState.$inferSelect;
}
/** One 5-minute round: every 5-minute item is due exactly once. */
async function round(e: MonitoringEngine) {
  clock.advance(FIVE_MIN);
  return e.tick();
}
const down: Observation = { outcome: 'down', detail: 'no echo reply (3/3 lost)' };

beforeAll(async () => {
  database = await testDatabase();
});
afterAll(async () => {
  await database?.close();
});
beforeEach(() => {
  world.clear();
  readings.clear();
  batchCalls.length = 0;
});

describe('scheduling', () => {
  it('spreads items over the interval by a deterministic offset per item id', () => {
    const ids = Array.from({ length: 600 }, () => randomUUID());
    const perMinute = new Array(5).fill(0);
    for (const id of ids) perMinute[Math.floor(slotOffsetMs(id, FIVE_MIN) / 60_000)]++;
    for (const n of perMinute) expect(n).toBeGreaterThan(80); // ~120 each, not 600 at :00
    const id = ids[0] as string;
    expect(slotOffsetMs(id, FIVE_MIN)).toBe(slotOffsetMs(id, FIVE_MIN));
    const t = new Date('2026-11-24T01:00:00Z');
    const a = nextSlot(id, 300, t);
    expect(a.getTime()).toBeGreaterThan(t.getTime());
    expect(a.getTime() - t.getTime()).toBeLessThanOrEqual(FIVE_MIN);
    expect(nextSlot(id, 300, a).getTime() - a.getTime()).toBe(FIVE_MIN);
  });

  it('runs each due item once per interval and pings all due hosts in one batch', async () => {
    const e = engine();
    const items = await Promise.all(
      ['10.1.0.1', '10.1.0.2', '10.1.0.3'].map(async (a) => (await aliveTarget('vm', randomUUID(), `batch-${a}`, a)).item),
    );
    await e.tick(); // drain anything due from earlier tests
    batchCalls.length = 0;
    const r = await round(e);
    const mine = batchCalls.flat().filter((c) => items.some((i) => i.id === c.id));
    expect(mine).toHaveLength(3);
    expect(batchCalls).toHaveLength(1);
    expect(r.checked).toBeGreaterThanOrEqual(3);
    const again = await e.tick(); // same instant: nothing is due twice
    expect(again.claimed).toBe(0);
  });

  it('never runs two of the same item at once', async () => {
    let release!: () => void;
    let started!: () => void;
    const running = new Promise<void>((r) => {
      started = r;
    });
    let calls = 0;
    const slow: Check = {
      check: () => {
        calls++;
        started();
        return new Promise((res) => {
          release = () => res({ outcome: 'value', value: '1' });
        });
      },
    };
    const e = createMonitoringEngine({ db: database.db, clock, checks: { http: slow }, workerId: 'w1' });
    const other = createMonitoringEngine({ db: database.db, clock, checks: { http: slow }, workerId: 'w2' });
    const t = await createTarget(database.db, clock, { ciType: 'vm', ciId: randomUUID(), name: 'slow-web', address: '10.2.0.1' });
    const item = await createItem(database.db, clock, { targetId: t.id, type: 'http', key: 'web', params: { url: 'http://10.2.0.1/' } });
    clock.advance(FIVE_MIN);
    const first = e.tick();
    await running; // the first tick has claimed the item and is inside its check
    const second = await e.tick();
    const third = await other.tick();
    expect(second.claimed).toBe(0);
    expect(third.claimed).toBe(0);
    release();
    await first;
    expect(calls).toBe(1);
    expect((await stateOf(item.id)).runningSince).toBeNull();
  });

  it('takes over an item whose worker died mid-check once the lease is stale', async () => {
    const t = await createTarget(database.db, clock, { ciType: 'vm', ciId: randomUUID(), name: 'crashed', address: '10.3.0.1' });
    const item = await createItem(database.db, clock, { targetId: t.id, type: 'icmp', key: 'icmpping' });
    await database.db.update(monitoringItemState).set({ runningSince: clock.now(), runningBy: 'dead-worker' }).where(eq(monitoringItemState.itemId, item.id));
    const e = engine({ leaseMs: 20 * 60_000 });
    await round(e);
    expect((await stateOf(item.id)).lastCheckAt).toBeNull();
    clock.advance(20 * 60_000);
    await e.tick();
    expect((await stateOf(item.id)).lastCheckAt).not.toBeNull();
  });

  it('does not check a target before its start date (MON-7)', async () => {
    const starts = new Date(clock.now().getTime() + 60 * 60_000);
    const t = await createTarget(database.db, clock, { ciType: 'vm', ciId: randomUUID(), name: 'future', address: '10.4.0.1', startsAt: starts });
    const item = await createItem(database.db, clock, { targetId: t.id, type: 'icmp', key: 'icmpping' });
    expect((await stateOf(item.id)).nextDueAt.getTime()).toBeGreaterThan(starts.getTime());
  });

  it('moves a due item that may not run (disabled, push-only) to its next slot instead of reading it every tick; re-enabled, it runs at that slot', async () => {
    const e = engine();
    const t = await createTarget(database.db, clock, { ciType: 'vm', ciId: randomUUID(), name: 'parked', address: '10.6.0.1' });
    const off = await createItem(database.db, clock, { targetId: t.id, type: 'icmp', key: 'icmpping', enabled: false });
    const push = await createItem(database.db, clock, { targetId: t.id, type: 'resource', key: 'system.cpu.util', collect: 'push' });
    clock.advance(FIVE_MIN);
    await e.tick();
    for (const it of [off, push]) {
      const st = await stateOf(it.id);
      expect(st.lastCheckAt).toBeNull();
      expect(st.runningSince).toBeNull();
      expect(st.nextDueAt.getTime()).toBe(nextSlot(it.id, 300, clock.now()).getTime());
    }
    const again = await e.tick(); // same instant: nothing of theirs is due any more
    expect(again.claimed).toBe(0);
    await database.db.update(monitoringItems).set({ enabled: true }).where(eq(monitoringItems.id, off.id));
    clock.set((await stateOf(off.id)).nextDueAt);
    await e.tick();
    expect((await stateOf(off.id)).lastCheckAt?.getTime()).toBe(clock.now().getTime());
  });

  it('start() ticks from the injected timer and stop() waits for the tick in flight', async () => {
    let fire: (() => void) | null = null;
    const timer: Timer = {
      setInterval: (fn) => {
        fire = fn;
        return 1;
      },
      clearInterval: () => {
        fire = null;
      },
    };
    const e = engine({ timer });
    const { item } = await aliveTarget('vm', randomUUID(), 'timer-vm', '10.5.0.1');
    e.start(1000);
    clock.advance(FIVE_MIN);
    (fire as unknown as () => void)();
    await e.stop();
    expect(fire).toBeNull();
    expect((await stateOf(item.id)).lastCheckAt).not.toBeNull();
  });
});

describe('alive monitoring: OK → suspect → problem → recovered', () => {
  it('alerts on the 3rd consecutive failure, not before, and notifies the recovery', async () => {
    const seen: string[] = [];
    const e = engine({ onEvent: (ev) => void seen.push(ev.kind) });
    const { item } = await aliveTarget('vm', randomUUID(), 'alive-vm', '10.10.0.1');
    world.set('10.10.0.1', down);
    await round(e);
    expect((await stateOf(item.id)).state).toBe('suspect');
    await round(e);
    expect(await eventsOf(item.id)).toHaveLength(0);
    await round(e);
    const [ev] = await eventsOf(item.id);
    expect(ev).toMatchObject({ kind: 'problem', severity: 'critical', consecutive: 3, suppressed: false });
    expect(await stateOf(item.id)).toMatchObject({ state: 'problem', severity: 'critical', consecutive: 3 });
    await round(e); // still down: no second alert
    expect(await eventsOf(item.id)).toHaveLength(1);
    world.delete('10.10.0.1');
    await round(e);
    expect((await eventsOf(item.id)).map((x) => x.kind)).toEqual(['problem', 'recovered']);
    expect(await stateOf(item.id)).toMatchObject({ state: 'ok', consecutive: 0 });
    expect(seen.filter((k) => k === 'problem' || k === 'recovered')).toEqual(['problem', 'recovered']);
  });

  it('two failures and then an answer send nothing', async () => {
    const e = engine();
    const { item } = await aliveTarget('vm', randomUUID(), 'blip-vm', '10.10.0.2');
    world.set('10.10.0.2', down);
    await round(e);
    await round(e);
    world.delete('10.10.0.2');
    await round(e);
    expect(await eventsOf(item.id)).toHaveLength(0);
    expect((await stateOf(item.id)).state).toBe('ok');
  });

  it('an unknown result (fping could not run) counts neither way', async () => {
    const e = engine();
    const { item } = await aliveTarget('vm', randomUUID(), 'unknown-vm', '10.10.0.3');
    world.set('10.10.0.3', down);
    await round(e);
    await round(e);
    world.set('10.10.0.3', { outcome: 'unknown', detail: 'fping exited with 4' });
    await round(e);
    expect(await stateOf(item.id)).toMatchObject({ state: 'suspect', consecutive: 2, lastDetail: 'fping exited with 4' });
  });

  it('keeps the consecutive count across a restart: two failures before, the third after, one alert', async () => {
    const { item } = await aliveTarget('vm', randomUUID(), 'restart-vm', '10.10.0.4');
    world.set('10.10.0.4', down);
    const before = engine();
    await round(before);
    await round(before);
    await before.stop();
    const after = engine(); // a new process: nothing in memory
    await round(after);
    expect((await eventsOf(item.id)).map((x) => x.kind)).toEqual(['problem']);
  });
});

describe('resource monitoring: warning 85 %, critical 90 %, 2 in a row', () => {
  async function cpuItem(address: string) {
    const t = await createTarget(database.db, clock, { ciType: 'vm', ciId: randomUUID(), name: `res-${address}`, address });
    return createItem(database.db, clock, { targetId: t.id, type: 'resource', key: 'system.cpu.util' });
  }

  it('alerts a warning after two breaches, raises it to critical, and recovers when back under', async () => {
    const e = engine();
    const item = await cpuItem('10.20.0.1');
    readings.set('10.20.0.1|system.cpu.util', ['86', '91', '92', '50']);
    await round(e);
    expect(await eventsOf(item.id)).toHaveLength(0);
    await round(e);
    await round(e);
    await round(e);
    expect((await eventsOf(item.id)).map((x) => [x.kind, x.severity])).toEqual([
      ['problem', 'warning'],
      ['severity_changed', 'critical'],
      ['recovered', 'critical'],
    ]);
    const values = await database.db.select().from(monitoringValues).where(eq(monitoringValues.itemId, item.id)).orderBy(monitoringValues.at);
    expect(values.map((v) => v.num)).toEqual([86, 91, 92, 50]);
    // History is pruned by age; the state row keeps the last value.
    await pruneValues(database.db, values[2]?.at as Date);
    const left = await database.db.select().from(monitoringValues).where(eq(monitoringValues.itemId, item.id));
    expect(left.map((v) => v.num).sort()).toEqual([50, 92]);
    expect((await stateOf(item.id)).lastValue).toBe('50');
  });

  it('a single breach between normal values sends nothing', async () => {
    const e = engine();
    const item = await cpuItem('10.20.0.2');
    readings.set('10.20.0.2|system.cpu.util', ['95', '40', '95', '40']);
    for (let i = 0; i < 4; i++) await round(e);
    expect(await eventsOf(item.id)).toHaveLength(0);
  });

  it('an unreachable agent is no breach and resets nothing', async () => {
    const e = engine();
    const item = await cpuItem('10.20.0.3');
    readings.set('10.20.0.3|system.cpu.util', ['95']);
    await round(e);
    await round(e); // no reading: unknown
    expect(await stateOf(item.id)).toMatchObject({ state: 'suspect', consecutive: 1 });
  });
});

describe('a host that is down suppresses the alerts of its VMs', () => {
  it('records the VM alert as suppressed (by the host alive item) when the host went down in the same round', async () => {
    const hostId = await esxi('esxi-sup-01');
    const host = await aliveTarget('host', hostId, 'esxi-sup-01', '10.30.0.1');
    const guest = await aliveTarget('vm', await vm('vm-sup-01', hostId), 'vm-sup-01', '10.30.0.11');
    const e = engine();
    world.set('10.30.0.1', down);
    world.set('10.30.0.11', down);
    for (let i = 0; i < 3; i++) await round(e);
    const [hostAlert] = await eventsOf(host.item.id);
    expect(hostAlert).toMatchObject({ kind: 'problem', suppressed: false });
    const [vmAlert] = await eventsOf(guest.item.id);
    expect(vmAlert).toMatchObject({ kind: 'problem', suppressed: true, suppressedBy: host.item.id });
    world.clear();
    await round(e);
    const vmEvents = await eventsOf(guest.item.id);
    expect(vmEvents.at(-1)).toMatchObject({ kind: 'recovered', suppressed: true });
    expect((await eventsOf(host.item.id)).at(-1)).toMatchObject({ kind: 'recovered', suppressed: false });
  });

  it('holds a VM alert while its host is still being counted, then suppresses it', async () => {
    const hostId = await esxi('esxi-sup-02');
    const host = await aliveTarget('host', hostId, 'esxi-sup-02', '10.30.0.2');
    const guest = await aliveTarget('vm', await vm('vm-sup-02', hostId), 'vm-sup-02', '10.30.0.21');
    const e = engine();
    world.set('10.30.0.21', down);
    await round(e); // VM 1
    world.set('10.30.0.2', down);
    await round(e); // VM 2, host 1
    await round(e); // VM 3 (host suspect: held), host 2
    expect(await eventsOf(guest.item.id)).toHaveLength(0);
    expect((await stateOf(guest.item.id)).state).toBe('suspect');
    await round(e); // host 3 → problem; VM 4 → suppressed
    expect((await eventsOf(host.item.id)).map((x) => x.kind)).toEqual(['problem']);
    expect(await eventsOf(guest.item.id)).toMatchObject([{ kind: 'problem', suppressed: true }]);
  });

  it('a VM on a healthy host alerts normally', async () => {
    const hostId = await esxi('esxi-ok-03');
    await aliveTarget('host', hostId, 'esxi-ok-03', '10.30.0.3');
    const guest = await aliveTarget('vm', await vm('vm-ok-03', hostId), 'vm-ok-03', '10.30.0.31');
    const e = engine();
    world.set('10.30.0.31', down);
    for (let i = 0; i < 3; i++) await round(e);
    expect(await eventsOf(guest.item.id)).toMatchObject([{ kind: 'problem', suppressed: false, suppressedBy: null }]);
  });
});

describe('level C: counted only on business days during business hours', () => {
  it('skips checks at the weekend and resumes on Monday morning with the count kept', async () => {
    const calendar = new BusinessCalendar();
    const e = engine({ calendar });
    const t = await createTarget(database.db, clock, { ciType: 'vm', ciId: randomUUID(), name: 'level-c', address: '10.40.0.1' });
    const item = await createItem(database.db, clock, { targetId: t.id, type: 'icmp', key: 'icmpping', businessHoursOnly: true });
    world.set('10.40.0.1', down);
    clock.set('2026-11-27T08:30:00Z'); // Friday 17:30 JST
    await e.tick();
    await round(e); // 17:35
    expect((await stateOf(item.id)).consecutive).toBe(2);
    clock.set('2026-11-28T03:00:00Z'); // Saturday 12:00 JST
    const sat = await e.tick();
    expect(sat.skipped).toBeGreaterThanOrEqual(1);
    const st = await stateOf(item.id);
    expect(st.consecutive).toBe(2);
    expect(st.nextDueAt.getTime()).toBeGreaterThanOrEqual(new Date('2026-11-30T00:00:00Z').getTime()); // Monday 09:00 JST
    clock.set(st.nextDueAt);
    await e.tick();
    expect((await eventsOf(item.id)).map((x) => x.kind)).toEqual(['problem']);
  });
});

describe('pushed values (sender protocol and JSON)', () => {
  it('judges pushed values like polled ones; unknown host or key fails', async () => {
    const e = engine();
    const t = await createTarget(database.db, clock, { ciType: 'vm', ciId: randomUUID(), name: 'push-vm', hostName: 'PUSH-VM.example.lg.jp' });
    const item = await createItem(database.db, clock, { targetId: t.id, type: 'resource', key: 'vfs.fs.size[/,pused]', collect: 'push' });
    const server = createSenderServer({ ingest: (v) => e.ingest(v) });
    const { port } = await server.listen(0);
    try {
      const now = Math.floor(clock.now().getTime() / 1000);
      const r = await sendValues('127.0.0.1', port, [
        { host: 'push-vm.example.lg.jp', key: 'vfs.fs.size[/,pused]', value: '93', clock: now },
        { host: 'push-vm.example.lg.jp', key: 'vfs.fs.size[/,pused]', value: '94', clock: now + 300 },
        { host: 'nobody', key: 'vfs.fs.size[/,pused]', value: '99' },
        { host: 'push-vm.example.lg.jp', key: 'no.such.key', value: '1' },
      ]);
      expect([r.processed, r.failed, r.total]).toEqual([2, 2, 4]);
    } finally {
      await server.close();
    }
    expect(await eventsOf(item.id)).toMatchObject([{ kind: 'problem', severity: 'critical', value: '94' }]);
    // A push-only item is never polled.
    const polled = await round(e);
    expect(polled.events.some((x) => x.itemId === item.id)).toBe(false);
  });
});
