import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cmdbContacts, cmdbHosts, cmdbSites, cmdbSystems, cmdbVms } from '../../cmdb/schema.ts';
import type { Database } from '../../db/connection.ts';
import { testDatabase } from '../../db/testing.ts';
import { departments } from '../../iam/schema.ts';
import { incidents } from '../../incidents/schema.ts';
import { FakeClock } from '../../kernel/clock.ts';
import { outbox } from '../../notify/index.ts';
import { createAlertHandling } from '../alerts.ts';
import { monitoringAlerts, monitoringEvents, monitoringItemState, monitoringItems, monitoringSuppressions, monitoringTargets } from '../schema.ts';
import { FakeZabbix } from './fake.ts';
import { createZabbixJobs, createZabbixLedger, maintenanceName, ZabbixClient, type ZabbixJobs } from './index.ts';

/**
 * The production sink and the two jobs against a played-back Zabbix API (FakeZabbix): what a pull
 * records, that it records it once, recoveries, severity changes, problems Zabbix dropped, and the
 * suppression → maintenance reconciliation. The real server is in zabbix.test.ts.
 */

const T0 = new Date('2026-11-27T01:00:00Z'); // Friday 10:00 JST
const clock = new FakeClock(T0);
const unix = (d: Date) => Math.floor(d.getTime() / 1000);
let database: Database;
let zbx: FakeZabbix;
let jobs: ZabbixJobs;
const ids = { host: '', vm: '', system: '', dept: '' };

const alertsOf = (ciId: string) => database.db.select().from(monitoringAlerts).where(eq(monitoringAlerts.ciId, ciId)).orderBy(asc(monitoringAlerts.detectedAt));

beforeAll(async () => {
  database = await testDatabase();
  const db = database.db;
  const stamps = { statusChangedAt: T0, createdAt: T0, updatedAt: T0 };
  const [d] = await db.insert(departments).values({ code: 'A1', name: '土木部', kind: 'prefecture', createdAt: T0, updatedAt: T0 }).returning();
  ids.dept = d!.id;
  const [s] = await db.insert(cmdbSystems).values({ name: '道路管理システム', departmentId: ids.dept, serviceLevel: 'A', status: 'active', ...stamps }).returning();
  ids.system = s!.id;
  await db.insert(cmdbContacts).values({ name: '道路 監視窓口', systemId: ids.system, role: '監視通知先', email: 'doro-kanshi@pref.example.jp', status: 'active', ...stamps });
  const [site] = await db.insert(cmdbSites).values({ name: '県庁舎', code: 'HQ', ...stamps }).returning();
  const [h] = await db.insert(cmdbHosts).values({ name: 'esx01', siteId: site!.id, cpuCores: 32, cpuGhz: 2.4, memoryGib: 512, status: 'active', ...stamps }).returning();
  ids.host = h!.id;
  const [v] = await db.insert(cmdbVms).values({ name: 'doro-web01', systemId: ids.system, hostId: ids.host, vcpu: 2, memoryGib: 4, diskGib: 60, status: 'active', ...stamps }).returning();
  ids.vm = v!.id;

  zbx = new FakeZabbix();
  zbx.hosts = [
    { hostid: '10101', host: 'ESX01' },
    { hostid: '10102', host: 'doro-web01.pref.example.lg.jp', name: 'doro-web01' },
    { hostid: '10103', host: 'unknown-box' },
  ];
  const client = new ZabbixClient({ url: 'http://zabbix.test/', credentials: { apiToken: 'f'.repeat(64) }, fetch: zbx.fetch });
  const alerts = createAlertHandling({ db, clock });
  jobs = createZabbixJobs({ db, clock, client, handle: alerts.handle });
});
afterAll(async () => {
  await database?.close();
});

describe('Zabbix problems → 監視対応台帳 (pull job)', () => {
  it('records a problem of a known CI once, opens the trouble incident and mails the system; other hosts are reported unmatched', async () => {
    zbx.problems = [
      { eventid: '1001', hostid: '10102', triggerid: '20001', name: 'High CPU utilization on doro-web01', severity: 4, clock: unix(T0) - 120, tags: [{ tag: 'kiban', value: 'resource' }] },
      { eventid: '1002', hostid: '10103', triggerid: '20002', name: 'Disk full on unknown-box', severity: 5, clock: unix(T0) - 60 },
    ];
    const r1 = await jobs.pull();
    expect(r1).toEqual({ pulled: 2, recorded: 1, closed: 0, unmatched: ['unknown-box'] });
    const [a] = await alertsOf(ids.vm);
    expect(a).toMatchObject({
      ciType: 'vm',
      ciName: 'doro-web01',
      itemType: 'resource',
      itemKey: 'zabbix.trigger[20001]',
      itemName: 'High CPU utilization on doro-web01',
      severity: 'critical',
      detectedAt: new Date((unix(T0) - 120) * 1000),
      departmentId: ids.dept,
      systemIds: [ids.system],
      mailedTo: ['doro-kanshi@pref.example.jp'],
      state: 'open',
    });
    expect(a!.guidance).toContain('仮想マシンのリソース監視');
    const [inc] = await database.db.select().from(incidents).where(eq(incidents.id, a!.incidentId!));
    expect(inc).toMatchObject({ class: 'trouble', source: 'monitoring', departmentId: ids.dept });
    const mails = await database.db.select().from(outbox).where(eq(outbox.recordId, a!.id));
    expect(mails).toHaveLength(1);

    // Every pull returns every open problem again: nothing new.
    expect(await jobs.pull()).toEqual({ pulled: 2, recorded: 0, closed: 0, unmatched: ['unknown-box'] });
    expect(await alertsOf(ids.vm)).toHaveLength(1);
    expect(await database.db.select().from(monitoringEvents)).toHaveLength(1);
    // The trigger is an item of the CI's target in 監視設定一覧, pushed (never polled).
    const [target] = await database.db.select().from(monitoringTargets).where(eq(monitoringTargets.ciId, ids.vm));
    const [item] = await database.db.select().from(monitoringItems).where(eq(monitoringItems.targetId, target!.id));
    expect(item).toMatchObject({ origin: 'zabbix', collect: 'push', key: 'zabbix.trigger[20001]' });
  });

  it('a problem the webhook reported first (its time read in another zone) is not recorded again by the pull; its recovery is', async () => {
    const ledger = createZabbixLedger({ db: database.db, clock, handle: createAlertHandling({ db: database.db, clock }).handle });
    const started = unix(T0) - 100;
    const problem = { eventid: '1005', hostid: '10102', triggerid: '20005', name: 'Process sshd is not running', severity: 4, clock: started, tags: [{ tag: 'kiban', value: 'process' }] };
    const events = async () => (await database.db.select().from(monitoringEvents)).length;
    const before = await events();
    await ledger.sink({
      source: 'zabbix',
      eventId: '1005',
      status: 'problem',
      hostName: 'doro-web01.pref.example.lg.jp',
      triggerName: problem.name,
      triggerId: '20005',
      zabbixSeverity: 4,
      severity: 'critical',
      clock: new Date((started + 9 * 3600) * 1000), // {EVENT.TIME} of a UTC Zabbix read as JST
      resolvedAt: null,
      acknowledged: false,
      tags: problem.tags,
      ci: { kind: 'vm', id: ids.vm, name: 'doro-web01' },
    });
    expect(await events()).toBe(before + 1);
    zbx.problems.push(problem);
    expect((await jobs.pull()).recorded).toBe(0);
    zbx.problems.find((p) => p.eventid === '1005')!.resolvedAt = unix(T0);
    expect((await jobs.pull()).recorded).toBe(1);
    const [a] = await database.db
      .select()
      .from(monitoringAlerts)
      .where(and(eq(monitoringAlerts.ciId, ids.vm), eq(monitoringAlerts.itemKey, 'zabbix.trigger[20005]')));
    expect(a).toMatchObject({ itemType: 'process', state: 'done', recoveredAt: T0 });
    expect((await jobs.pull()).recorded).toBe(0);
    expect(await events()).toBe(before + 2);
  });

  it('a problem the webhook brings in while a pull is answering stays open (the pull\'s list predates it)', async () => {
    const ledger = createZabbixLedger({ db: database.db, clock, handle: createAlertHandling({ db: database.db, clock }).handle });
    zbx.duringProblemGet = async () => {
      zbx.duringProblemGet = null;
      await ledger.sink({
        source: 'zabbix',
        eventId: '1007',
        status: 'problem',
        hostName: 'ESX01',
        triggerName: 'Disk I/O is overloaded on ESX01',
        triggerId: '20007',
        zabbixSeverity: 4,
        severity: 'critical',
        clock: new Date(T0.getTime() - 20_000),
        resolvedAt: null,
        acknowledged: false,
        tags: [],
        ci: { kind: 'host', id: ids.host, name: 'esx01' },
      });
    };
    await jobs.pull();
    const [st] = await database.db
      .select({ state: monitoringItemState.state })
      .from(monitoringItemState)
      .innerJoin(monitoringItems, eq(monitoringItems.id, monitoringItemState.itemId))
      .where(eq(monitoringItems.key, 'zabbix.trigger[20007]'));
    expect(st?.state).toBe('problem');
    const [a] = await database.db.select().from(monitoringAlerts).where(eq(monitoringAlerts.itemKey, 'zabbix.trigger[20007]'));
    expect(a?.recoveredAt).toBeNull();
    // Zabbix lists it from the next pull on: still open, recorded once.
    zbx.problems.push({ eventid: '1007', hostid: '10101', triggerid: '20007', name: 'Disk I/O is overloaded on ESX01', severity: 4, clock: unix(T0) - 20 });
    expect((await jobs.pull()).recorded).toBe(0);
    // Once Zabbix no longer lists it, the next complete pull closes it.
    zbx.problems = zbx.problems.filter((p) => p.eventid !== '1007');
    expect((await jobs.pull()).closed).toBe(1);
  });

  it('follows a severity change of the open problem (warning → critical opens the incident)', async () => {
    zbx.problems.push({ eventid: '1010', hostid: '10101', triggerid: '20010', name: 'Memory usage high on ESX01', severity: 2, clock: unix(T0) - 30 });
    expect((await jobs.pull()).recorded).toBe(1);
    let [a] = await alertsOf(ids.host);
    expect(a).toMatchObject({ ciName: 'esx01', severity: 'warning', incidentId: null });
    zbx.problems.find((p) => p.eventid === '1010')!.severity = 4;
    clock.advance(60_000);
    expect((await jobs.pull()).recorded).toBe(1);
    [a] = await alertsOf(ids.host);
    expect(a).toMatchObject({ severity: 'critical' });
    expect(a!.incidentId).toBeTruthy();
  });

  it('a resolved problem completes its entry once', async () => {
    clock.advance(60_000);
    zbx.problems.find((p) => p.eventid === '1001')!.resolvedAt = unix(clock.now());
    expect((await jobs.pull()).recorded).toBe(1);
    const [a] = await alertsOf(ids.vm);
    expect(a).toMatchObject({ state: 'done', recoveredAt: clock.now() });
    expect((await jobs.pull()).recorded).toBe(0);
    const [st] = await database.db.select().from(monitoringItemState).where(eq(monitoringItemState.itemId, a!.itemId));
    expect(st).toMatchObject({ state: 'ok', problemEventId: null });
  });

  it('a problem that started and ended while Kiban was not looking is still recorded, as done', async () => {
    zbx.problems.push({ eventid: '1020', hostid: '10102', triggerid: '20020', name: 'Service httpd is down', severity: 3, clock: unix(T0) - 3600, resolvedAt: unix(T0) - 3000, tags: [{ tag: 'kiban', value: 'service' }] });
    expect((await jobs.pull()).recorded).toBe(2);
    const [a] = await database.db
      .select()
      .from(monitoringAlerts)
      .where(and(eq(monitoringAlerts.ciId, ids.vm), eq(monitoringAlerts.itemKey, 'zabbix.trigger[20020]')));
    expect(a).toMatchObject({ itemType: 'service', severity: 'warning', state: 'done', recoveredAt: new Date((unix(T0) - 3000) * 1000) });
    expect((await jobs.pull()).recorded).toBe(0);
  });

  it('an open problem Zabbix no longer lists (closed while Kiban was away) is recovered', async () => {
    zbx.problems = zbx.problems.filter((p) => p.eventid !== '1010');
    const r = await jobs.pull();
    expect(r.closed).toBe(1);
    const [a] = await alertsOf(ids.host);
    expect(a).toMatchObject({ state: 'done', recoveredAt: clock.now() });
    expect((await jobs.pull()).closed).toBe(0);
  });

  it('a trigger whose item was removed in 監視設定一覧 records no new problems', async () => {
    const [target] = await database.db.select().from(monitoringTargets).where(eq(monitoringTargets.ciId, ids.vm));
    await database.db.update(monitoringItems).set({ enabled: false }).where(and(eq(monitoringItems.targetId, target!.id), eq(monitoringItems.key, 'zabbix.trigger[20001]')));
    zbx.problems.push({ eventid: '1030', hostid: '10102', triggerid: '20001', name: 'High CPU utilization on doro-web01', severity: 4, clock: unix(clock.now()) });
    expect((await jobs.pull()).recorded).toBe(0);
    zbx.problems = zbx.problems.filter((p) => p.eventid !== '1030');
  });

  it('a failing Zabbix makes the run throw (the worker reports and retries) without recording anything', async () => {
    const before = await database.db.select().from(monitoringEvents);
    zbx.down = true;
    await expect(jobs.pull()).rejects.toThrow(/cannot reach/);
    await expect(jobs.maintenances()).rejects.toThrow(/cannot reach/);
    zbx.down = false;
    expect(await database.db.select().from(monitoringEvents)).toEqual(before);
  });
});

describe('suppression windows → Zabbix maintenances (maintenance job)', () => {
  async function suppression(state: string, method: 'watch' | 'stop', hours: [number, number]) {
    const targets = await database.db.select({ id: monitoringTargets.id }).from(monitoringTargets);
    const now = clock.now();
    const [s] = await database.db
      .insert(monitoringSuppressions)
      .values({
        state,
        reason: 'planned_stop',
        method,
        startsAt: new Date(now.getTime() + hours[0] * 3600_000),
        endsAt: new Date(now.getTime() + hours[1] * 3600_000),
        targetIds: targets.map((t) => t.id),
        systemIds: [ids.system],
        systemNames: ['道路管理システム'],
        departmentId: ids.dept,
        requestedByLabel: '道路 太郎',
        submittedAt: now,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    return s!;
  }
  const setState = (id: string, state: string, extra: Partial<typeof monitoringSuppressions.$inferInsert> = {}) =>
    database.db.update(monitoringSuppressions).set({ state, ...extra }).where(eq(monitoringSuppressions.id, id));

  it('an approved window becomes a maintenance over the Zabbix hosts of its CIs; unchanged, it is left alone', async () => {
    const submitted = await suppression('submitted', 'watch', [24, 28]);
    expect(await jobs.maintenances()).toEqual({ applied: [], removed: [], noHosts: [] });
    await setState(submitted.id, 'approved');
    expect(await jobs.maintenances()).toEqual({ applied: [submitted.id], removed: [], noHosts: [] });
    expect(zbx.maintenances).toHaveLength(1);
    const [m] = zbx.maintenances;
    expect(m).toMatchObject({
      name: maintenanceName(submitted.id),
      maintenance_type: '0',
      active_since: String(unix(submitted.startsAt)),
      active_till: String(unix(submitted.endsAt)),
    });
    expect(m!.hosts!.map((h) => h.host).sort()).toEqual(['ESX01', 'doro-web01.pref.example.lg.jp']);
    expect(m!.description).toContain('道路管理システム');
    zbx.calls = [];
    expect(await jobs.maintenances()).toEqual({ applied: [], removed: [], noHosts: [] });
    expect(zbx.calls).not.toContain('maintenance.create');

    // The manager changed the method at approval: replaced.
    await setState(submitted.id, 'approved', { method: 'stop' });
    expect((await jobs.maintenances()).applied).toEqual([submitted.id]);
    expect(zbx.maintenances.map((x) => x.maintenance_type)).toEqual(['1']);

    // Started by the clock: still wanted, unchanged.
    await setState(submitted.id, 'active');
    expect(await jobs.maintenances()).toEqual({ applied: [], removed: [], noHosts: [] });

    // Resumed: deleted.
    await setState(submitted.id, 'completed');
    expect(await jobs.maintenances()).toEqual({ applied: [], removed: [submitted.id], noHosts: [] });
    expect(zbx.maintenances).toEqual([]);
  });

  it('a withdrawn window loses its maintenance; a window that is over, too; other maintenances are not touched', async () => {
    zbx.maintenances.push({ maintenanceid: '77', name: 'Firmware update (by hand)', maintenance_type: '0', description: '', active_since: '0', active_till: '1' });
    const a = await suppression('approved', 'watch', [30, 32]);
    const b = await suppression('approved', 'watch', [1, 2]);
    expect((await jobs.maintenances()).applied.sort()).toEqual([a.id, b.id].sort());
    await setState(a.id, 'withdrawn');
    clock.advance(3 * 3600_000); // b's window is over (the schedule job has not resumed it yet)
    expect((await jobs.maintenances()).removed.sort()).toEqual([a.id, b.id].sort());
    expect(zbx.maintenances.map((m) => m.name)).toEqual(['Firmware update (by hand)']);
  });
});
