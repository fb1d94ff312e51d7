import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog } from '../audit/schema.ts';
import { cmdbContacts, cmdbHosts, cmdbSites, cmdbSystems, cmdbVms } from '../cmdb/schema.ts';
import type { Database } from '../db/index.ts';
import { testDatabase } from '../db/testing.ts';
import type { Actor } from '../iam/actor.ts';
import { departments } from '../iam/schema.ts';
import { incidentCis, incidents } from '../incidents/schema.ts';
import { FakeClock } from '../kernel/clock.ts';
import { ForbiddenError, InputError } from '../kernel/errors.ts';
import { createOutboxWorker, outbox } from '../notify/index.ts';
import { startTestSmtpServer, type TestSmtpServer } from '../notify/testing.ts';
import { processHistory } from '../process/index.ts';
import { startWorkers } from '../worker/index.ts';
import { loadConfig } from '../kernel/config.ts';
import { createAlertLedger } from './alerts.ts';
import type { Check, Observation } from './model.ts';
import { createMonitoringRuntime, type MonitoringRuntime } from './runtime.ts';
import { monitoringAlerts, monitoringEvents, monitoringItemState, monitoringItems } from './schema.ts';
import { createItem, createTarget } from './store.ts';
import { submissionDeadline } from './suppression.ts';
import { BusinessCalendar } from '../calendar/index.ts';
import { sendValues } from './zabbix/sender.ts';

let database: Database;
let smtp: TestSmtpServer;
const clock = new FakeClock('2026-11-24T01:00:00Z'); // Tuesday 10:00 JST
const FIVE_MIN = 300_000;

/** The outside world as the checks see it: address → observation (default: answers). */
const world = new Map<string, Observation>();
const icmp: Check = {
  async check(i) {
    return world.get(i.target.address) ?? { outcome: 'value', value: '1', ms: 1 };
  },
  async checkBatch(items) {
    return new Map(items.map((i) => [i.id, world.get(i.target.address) ?? { outcome: 'value', value: '1', ms: 1 }]));
  },
};
const down: Observation = { outcome: 'down', detail: 'no echo reply (3/3 lost)' };

let rt: MonitoringRuntime;
const ids = { deptA: '', deptB: '', sysA: '', sysB: '', host: '', vmA: '', vmB: '', vmC: '' };
const items = { host: '', vmA: '', vmB: '', vmC: '', cpuC: '' };
const targets = { vmA: '', vmC: '' };

function person(label: string, roles: Actor['roles'], departmentId: string | null = null): Actor {
  return { kind: 'person', personId: randomUUID(), label, roles, departmentId };
}
const operator = person('担当 一郎', ['operator']);
const manager = person('管理 花子', ['vendor_manager']);
let ownerA: Actor;
let ownerB: Actor;

async function round() {
  clock.advance(FIVE_MIN);
  return rt.engine.tick();
}
async function deliver() {
  const w = createOutboxWorker({ db: database.db, clock, transport: smtp.transport(), from: 'kiban@pref.example.jp' });
  await w.runOnce();
}

beforeAll(async () => {
  database = await testDatabase();
  smtp = await startTestSmtpServer();
  const db = database.db;
  const now = clock.now();
  const stamp = { statusChangedAt: now, createdAt: now, updatedAt: now };
  const [dA] = await db.insert(departments).values({ code: 'A1', name: '土木部', kind: 'prefecture', createdAt: now, updatedAt: now }).returning();
  const [dB] = await db.insert(departments).values({ code: 'B1', name: '健康福祉部', kind: 'prefecture', createdAt: now, updatedAt: now }).returning();
  ids.deptA = dA!.id;
  ids.deptB = dB!.id;
  ownerA = person('所管 A', ['system_owner'], ids.deptA);
  ownerB = person('所管 B', ['system_owner'], ids.deptB);
  const [sA] = await db
    .insert(cmdbSystems)
    .values({ name: '道路管理システム', departmentId: ids.deptA, serviceLevel: 'A', status: 'active', ...stamp })
    .returning();
  const [sB] = await db
    .insert(cmdbSystems)
    .values({ name: '福祉台帳システム', departmentId: ids.deptB, serviceLevel: 'B', status: 'active', ...stamp })
    .returning();
  ids.sysA = sA!.id;
  ids.sysB = sB!.id;
  await db.insert(cmdbContacts).values([
    { name: '道路 監視窓口', systemId: ids.sysA, role: '監視通知先', email: 'doro-kanshi@pref.example.jp', status: 'active', ...stamp },
    { name: '道路 課長', systemId: ids.sysA, role: '課長', email: 'doro-kacho@pref.example.jp', escalationOrder: 2, status: 'active', ...stamp },
    { name: '福祉 担当', systemId: ids.sysB, role: '担当', email: 'fukushi@pref.example.jp', status: 'active', ...stamp },
  ]);
  const [site] = await db
    .insert(cmdbSites)
    .values({ name: '県庁舎', code: 'HQ', ...stamp })
    .returning();
  const [h] = await db
    .insert(cmdbHosts)
    .values({ name: 'esx01', siteId: site!.id, cpuCores: 32, cpuGhz: 2.4, memoryGib: 512, status: 'active', ...stamp })
    .returning();
  ids.host = h!.id;
  const vm = async (name: string, systemId: string, hostId: string | null) =>
    (
      await db
        .insert(cmdbVms)
        .values({ name, systemId, hostId, vcpu: 2, memoryGib: 4, diskGib: 60, status: 'active', ...stamp })
        .returning()
    )[0]!.id;
  ids.vmA = await vm('doro-web01', ids.sysA, ids.host);
  ids.vmB = await vm('fukushi-ap01', ids.sysB, ids.host);
  ids.vmC = await vm('doro-db01', ids.sysA, null);
  const alive = async (ciType: 'host' | 'vm', ciId: string, name: string, address: string) => {
    const t = await createTarget(db, clock, { ciType, ciId, name, address });
    const i = await createItem(db, clock, { targetId: t.id, type: 'icmp', key: 'icmpping', name: '死活監視' });
    return { t: t.id, i: i.id };
  };
  items.host = (await alive('host', ids.host, 'esx01', '10.0.0.1')).i;
  const a = await alive('vm', ids.vmA, 'doro-web01', '10.0.1.1');
  items.vmA = a.i;
  targets.vmA = a.t;
  items.vmB = (await alive('vm', ids.vmB, 'fukushi-ap01', '10.0.1.2')).i;
  const c = await alive('vm', ids.vmC, 'doro-db01', '10.0.1.3');
  items.vmC = c.i;
  targets.vmC = c.t;
  items.cpuC = (
    await createItem(db, clock, { targetId: c.t, type: 'resource', key: 'system.cpu.util', name: 'CPU 使用率', collect: 'push', notify: false })
  ).id;
  rt = createMonitoringRuntime({ db, clock, checks: { icmp }, senderPort: null });
});
afterAll(async () => {
  await rt?.stop();
  await smtp?.stop();
  await database?.close();
});
beforeEach(() => world.clear());

describe('監視対応台帳: alert → entry → incident → mail (MON-4, MON-8)', () => {
  it('a host going down opens one entry and one trouble incident; its VMs join it silenced; mails go to the monitoring addresses', async () => {
    world.set('10.0.0.1', down);
    world.set('10.0.1.1', down);
    world.set('10.0.1.2', down);
    for (let i = 0; i < 4; i++) await round();
    const db = database.db;
    const alerts = await db.select().from(monitoringAlerts).orderBy(monitoringAlerts.eventId);
    const host = alerts.find((a) => a.itemId === items.host)!;
    expect(host).toMatchObject({ state: 'open', silenced: false, ciType: 'host', severity: 'critical' });
    expect(host.procedure).toContain('ESXi');
    expect(host.incidentId).not.toBeNull();
    const vms = alerts.filter((a) => a.itemId === items.vmA || a.itemId === items.vmB);
    expect(vms).toHaveLength(2);
    for (const v of vms) expect(v).toMatchObject({ silenced: true, silenceReason: 'host_down', incidentId: host.incidentId, mailedTo: [] });
    // One incident for the host-down, with the host as its affected CI.
    const inc = await db.select().from(incidents);
    expect(inc).toHaveLength(1);
    expect(inc[0]).toMatchObject({ source: 'monitoring', class: 'trouble', platformCaused: true, scope: 'vm' });
    expect(await db.select({ ciType: incidentCis.ciType, ciId: incidentCis.ciId }).from(incidentCis)).toEqual([{ ciType: 'host', ciId: ids.host }]);
    // Mail: both systems on the host; system A's contact marked 監視 only, system B's only contact.
    expect([...host.mailedTo].sort()).toEqual(['doro-kanshi@pref.example.jp', 'fukushi@pref.example.jp']);
    // Everything of the event committed with its audit and its handled mark.
    expect(
      (
        await db
          .select()
          .from(auditLog)
          .where(and(eq(auditLog.action, 'monitoring_alert.detect'), eq(auditLog.entityId, host.id)))
      ).length,
    ).toBe(1);
    expect((await db.select().from(monitoringEvents)).every((e) => e.handledAt !== null)).toBe(true);
    await deliver();
    expect(smtp.received.map((m) => m.subject)).toEqual(['【第三期サーバ仮想化統合基盤】監視検知通知（重度障害）esx01']);
    expect(smtp.received[0]!.text).toContain('監視項目 ：死活監視');

    // Recovery: entries complete (system step), a recovery mail, a note on the incident.
    world.clear();
    await round();
    const after = await db.select().from(monitoringAlerts);
    for (const a of after.filter((x) => [items.host, items.vmA, items.vmB].includes(x.itemId))) {
      expect(a.state).toBe('done');
      expect(a.recoveredAt).not.toBeNull();
    }
    const hist = await db.select().from(processHistory).where(eq(processHistory.recordId, host.id));
    expect(hist.map((h) => h.action)).toEqual(['detect', 'recover']);
    expect((await db.select().from(processHistory).where(eq(processHistory.recordId, host.incidentId!))).some((h) => h.action === 'monitoring_recovered')).toBe(
      true,
    );
    await deliver();
    expect(smtp.received.map((m) => m.subject)).toContain('【第三期サーバ仮想化統合基盤】監視復旧通知 esx01');
    expect(smtp.received).toHaveLength(2);
  });

  it('a resource warning is an entry with N §3.7.3.2 guidance, no incident, and no mail for an item without notify', async () => {
    const before = (await database.db.select().from(incidents)).length;
    const t0 = Math.floor(clock.now().getTime() / 1000);
    await rt.engine.ingest([
      { host: 'doro-db01', key: 'system.cpu.util', value: '87', clock: t0 },
      { host: 'doro-db01', key: 'system.cpu.util', value: '88', clock: t0 + 300 },
    ]);
    const [a] = await database.db.select().from(monitoringAlerts).where(eq(monitoringAlerts.itemId, items.cpuC));
    expect(a).toMatchObject({ severity: 'warning', silenced: false, incidentId: null, mailedTo: [], pattern: 'single', departmentId: ids.deptA });
    expect(a!.guidance).toContain('仮想マシンのリソース監視のしきい値超過に対する対応指針');
    expect(a!.guidance).toContain('▶単発発生: 即時復旧ならば様子見');
    expect((await database.db.select().from(incidents)).length).toBe(before);
  });

  it('operators move entries through 未対応 → 対応中 → 完了; system owners see their department only', async () => {
    const ledger = createAlertLedger({ db: database.db, clock });
    const [a] = await database.db.select().from(monitoringAlerts).where(eq(monitoringAlerts.itemId, items.cpuC));
    const detail = await ledger.get(operator, a!.id);
    expect(detail.process.actions.map((x) => x.action)).toEqual(['respond', 'escalate', 'complete']);
    const r = await ledger.act(operator, a!.id, 'respond', { version: a!.version });
    expect(r.state).toBe('in_progress');
    await expect(ledger.act(operator, a!.id, 'complete', { version: r.version })).rejects.toBeInstanceOf(InputError);
    const done = await ledger.act(operator, a!.id, 'complete', { version: r.version, resolution: '一時的な負荷。様子見' });
    expect(done).toMatchObject({ state: 'done', resolution: '一時的な負荷。様子見' });
    await expect(ledger.act(ownerA, a!.id, 'respond', { version: done.version })).rejects.toBeInstanceOf(ForbiddenError);
    expect((await ledger.list(ownerA, { page: 1, pageSize: 50 })).items.map((x) => x.ciName)).toEqual(['doro-db01', 'doro-web01']);
    expect((await ledger.list(ownerB, { page: 1, pageSize: 50 })).items.map((x) => x.ciName)).toEqual(['fukushi-ap01']);
    expect((await ledger.list(operator, { page: 1, pageSize: 2, sort: 'ciName' })).total).toBe(4);
  });
});

describe('監視の一時抑止 (MON-6)', () => {
  it('computes the submission deadline from the lead time in business days', () => {
    const cal = new BusinessCalendar();
    // Start Monday 2026-11-30 09:00 JST; 2 business days before = Thu 11/26, closing 17:45 JST.
    expect(submissionDeadline(cal, new Date('2026-11-30T00:00:00Z'), 2).toISOString()).toBe('2026-11-26T08:45:00.000Z');
  });

  it("owner requests for own systems; the manager approves (not their own); the clock starts and resumes with N's mails; 静観 records without incident or mail", async () => {
    const s = rt.suppressions;
    const window = { startsAt: '2026-11-30T01:00:00Z', endsAt: '2026-11-30T03:00:00Z' };
    await expect(s.create(ownerB, { reason: 'planned_stop', method: 'watch', ...window, systemIds: [ids.sysA] })).rejects.toMatchObject({
      fields: { systemIds: { key: 'monitoring.system_not_found' } },
    });
    const req = await s.create(ownerA, { reason: 'legal_inspection', method: 'stop', ...window, systemIds: [ids.sysA] });
    expect(req).toMatchObject({ state: 'submitted', late: false, departmentId: ids.deptA, systemNames: ['道路管理システム'] });
    expect(new Set(req.targetIds)).toEqual(new Set([targets.vmA, targets.vmC]));
    await expect(s.act(ownerB, req.id, 'withdraw', { version: req.version })).rejects.toBeInstanceOf(Error);
    await expect(s.act(operator, req.id, 'approve', { version: req.version })).rejects.toBeInstanceOf(ForbiddenError);
    const approved = await s.act(manager, req.id, 'approve', { version: req.version, method: 'watch' });
    expect(approved).toMatchObject({ state: 'approved', method: 'watch', approvedBy: manager.personId });
    // A manager's own request cannot be approved by themselves.
    const own = await s.create(manager, { reason: 'known_maintenance', method: 'stop', ...window, targetIds: [targets.vmC] });
    await expect(s.act(manager, own.id, 'approve', { version: own.version })).rejects.toMatchObject({ key: 'process.self_approval' });
    // Late: within the lead time a reason is required.
    await expect(
      s.create(ownerA, { reason: 'other', method: 'watch', startsAt: '2026-11-24T05:00:00Z', endsAt: '2026-11-24T06:00:00Z', systemIds: [ids.sysA] }),
    ).rejects.toMatchObject({
      fields: { lateReason: { key: 'monitoring.suppression_late' } },
    });

    // The window starts: start mail (N's format), then a detection is only recorded (静観).
    clock.set(new Date('2026-11-30T01:00:30Z'));
    expect(await rt.jobs.suppressions()).toEqual({ started: 1, resumed: 0, held: 0 });
    const incidentsBefore = (await database.db.select().from(incidents)).length;
    world.set('10.0.1.1', down);
    for (let i = 0; i < 3; i++) await round();
    const [silenced] = await database.db
      .select()
      .from(monitoringAlerts)
      .where(and(eq(monitoringAlerts.itemId, items.vmA), eq(monitoringAlerts.silenceReason, 'watch_only')));
    expect(silenced).toMatchObject({ silenced: true, suppressionId: req.id, incidentId: null, mailedTo: [] });
    expect((await database.db.select().from(incidents)).length).toBe(incidentsBefore);
    world.clear();
    clock.set(new Date('2026-11-30T03:00:10Z'));
    expect(await rt.jobs.suppressions()).toEqual({ started: 0, resumed: 1, held: 0 });
    const mails = await database.db.select().from(outbox).where(eq(outbox.recordId, req.id)).orderBy(outbox.createdAt);
    expect(mails.map((m) => m.subject)).toEqual(['【第三期サーバ仮想化統合基盤】監視一時抑止開始連絡', '【第三期サーバ仮想化統合基盤】監視再開連絡']);
    expect(mails[0]!.toAddresses).toEqual(['doro-kanshi@pref.example.jp', 'doro-kacho@pref.example.jp']);
    expect(mails[0]!.body).toBe(
      '2026年11月30日(月) 10:00 より、監視一時抑止を開始します。\n\n＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝\n\n監視抑止期間 ：2026年11月30日(月) 10:00～2026年11月30日(月) 12:00\n\n対象システム名 ：道路管理システム\n',
    );
    expect(mails[1]!.body.startsWith('2026年11月30日(月) 12:00 より、監視を再開します。')).toBe(true);
    const done = await s.get(ownerA, req.id);
    expect(done.suppression.state).toBe('completed');
    expect(done.process.history.map((h) => h.action)).toEqual(['submit', 'approve', 'start', 'resume']);
  });

  it('停止: targets under an approved stop are not checked in the window', async () => {
    const s = rt.suppressions;
    clock.set(new Date('2026-12-01T01:00:00Z'));
    const req = await s.create(operator, {
      reason: 'known_maintenance',
      method: 'stop',
      startsAt: '2026-12-04T01:00:00Z',
      endsAt: '2026-12-04T02:00:00Z',
      targetIds: [targets.vmC],
    });
    await s.act(manager, req.id, 'approve', { version: req.version });
    clock.set(new Date('2026-12-04T01:00:00Z'));
    await rt.jobs.suppressions();
    const [before] = await database.db.select().from(monitoringItemState).where(eq(monitoringItemState.itemId, items.vmC));
    await round();
    await round();
    const [during] = await database.db.select().from(monitoringItemState).where(eq(monitoringItemState.itemId, items.vmC));
    expect(during!.lastCheckAt).toEqual(before!.lastCheckAt);
    const [other] = await database.db.select().from(monitoringItemState).where(eq(monitoringItemState.itemId, items.vmA));
    expect(other!.lastCheckAt!.getTime()).toBeGreaterThan(before!.lastCheckAt!.getTime());
    clock.set(new Date('2026-12-04T02:00:01Z'));
    await rt.jobs.suppressions();
    await round();
    const [afterResume] = await database.db.select().from(monitoringItemState).where(eq(monitoringItemState.itemId, items.vmC));
    expect(afterResume!.lastCheckAt!.getTime()).toBeGreaterThan(during!.lastCheckAt!.getTime());
  });

  it('refuses 計画停止 requests when planned stops keep monitoring (M)', async () => {
    const m = createMonitoringRuntime({ db: database.db, clock, checks: {}, suppressionRules: { plannedStopKeepsMonitoring: true } });
    await expect(
      m.suppressions.create(ownerA, {
        reason: 'planned_stop',
        method: 'watch',
        startsAt: '2026-12-20T01:00:00Z',
        endsAt: '2026-12-20T02:00:00Z',
        systemIds: [ids.sysA],
      }),
    ).rejects.toMatchObject({ fields: { reason: { key: 'monitoring.planned_stop_monitored' } } });
  });
});

describe('監視設定一覧 (MON-7)', () => {
  it('an added item is disabled until its start date, then enabled by the job; changes are audited; the list filters and exports', async () => {
    const st = rt.settings;
    clock.set(new Date('2026-12-07T01:00:00Z'));
    await expect(st.scheduleChange(ownerA, { kind: 'remove', itemId: items.vmC, effectiveAt: '2026-12-08T00:00:00Z', reason: 'x' })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    const add = await st.scheduleChange(operator, {
      kind: 'add',
      item: { targetId: targets.vmA, type: 'http', key: 'web.page.get[http://10.0.1.1/]', name: 'HTTP 監視', params: { url: 'http://10.0.1.1/' } },
      effectiveAt: '2026-12-08T00:00:00Z',
      reason: '監視追加申請 #12',
    });
    expect(add.appliedAt).toBeNull();
    const [disabled] = await database.db.select().from(monitoringItems).where(eq(monitoringItems.id, add.itemId!));
    expect(disabled!.enabled).toBe(false);
    const listed = await st.list(operator, { page: 1, pageSize: 50, type: 'http' });
    expect(listed.items).toHaveLength(1);
    expect(listed.items[0]).toMatchObject({ enabled: false, pendingChanges: 1 });
    const change = await st.scheduleChange(operator, {
      kind: 'change',
      itemId: items.vmC,
      patch: { notify: false },
      effectiveAt: '2026-12-07T00:00:00Z',
      reason: '通知不要',
    });
    expect(change.appliedAt).not.toBeNull(); // start date already reached: applied at once
    clock.set(new Date('2026-12-08T00:00:01Z'));
    expect(await rt.jobs.settings()).toBe(1);
    const [enabled] = await database.db.select().from(monitoringItems).where(eq(monitoringItems.id, add.itemId!));
    expect(enabled!.enabled).toBe(true);
    const audits = await database.db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.entityType, 'monitoring_item'));
    expect(audits.map((a) => a.action).sort()).toEqual([
      'monitoring_setting.add',
      'monitoring_setting.add.apply',
      'monitoring_setting.change',
      'monitoring_setting.change.apply',
    ]);
    expect((await st.list(ownerB, { page: 1, pageSize: 50 })).items.map((r) => r.target)).toEqual(['fukushi-ap01']);
    const csv = await st.exportLedger(operator, 'csv', { sort: '-key' });
    const text = csv.body.toString('utf8');
    expect(text.startsWith('\uFEFF監視対象,種別,アドレス,監視種類')).toBe(true);
    expect(csv.rows).toBe(6);
    const xlsx = await st.exportLedger(operator, 'xlsx');
    expect(xlsx.body.subarray(0, 2).toString()).toBe('PK');
  });
});

describe('running in a server process (KIBAN_MONITORING=on)', () => {
  it('the workers run the checks and listen for sender-protocol values', async () => {
    const jobs: Array<{ fn: () => Promise<void>; ms: number }> = [];
    const workers = startWorkers({
      db: database.db,
      clock,
      config: loadConfig({ KIBAN_MONITORING: 'on', KIBAN_SENDER_PORT: '0', KIBAN_SMTP_PORT: String(smtp.port) }),
      transport: smtp.transport(),
      monitoringChecks: { icmp },
      every: (fn, ms) => {
        jobs.push({ fn, ms });
        return () => {};
      },
    });
    const port = await workers.monitoring!.senderPort;
    expect(port).toBeGreaterThan(0);
    expect(jobs.map((j) => j.ms)).toEqual([10_000, 60_000, 60_000, 60_000, 900_000, 900_000, 500, 60_000, 30_000, 60_000]);
    const t0 = Math.floor(clock.now().getTime() / 1000);
    const reply = await sendValues('127.0.0.1', port!, [{ host: 'doro-db01', key: 'system.cpu.util', value: '10', clock: t0 }]);
    expect(reply.info).toMatch(/processed: 1; failed: 0/);
    clock.advance(FIVE_MIN);
    await jobs[1]!.fn(); // checks
    await workers.stop();
  });
});
