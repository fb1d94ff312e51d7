import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJstLocal } from '../calendar/index.ts';
import { cmdbHistory, createCmdbService } from '../cmdb/index.ts';
import { admin, TEST_PASSWORD, type TestApp, testApp } from '../http/testing.ts';
import { loadConfig } from '../kernel/config.ts';
import { applyPlan, planFromCmdb } from '../monitoring/index.ts';
import { monitoringItems, monitoringSettingChanges, monitoringTargets } from '../monitoring/schema.ts';
import { outbox } from '../notify/index.ts';
import { processHistory } from '../process/index.ts';
import { startWorkers } from '../worker/index.ts';
import { changes, changeTasks } from './schema.ts';

/** CHG-5's start-date job, fired by hand as the worker schedules it, with the injected clock. */
let t: TestApp;
let dept: string;
let host: string;
let job: () => Promise<void>;
const cmdb = () => createCmdbService({ db: t.database.db, clock: t.clock });
const why = { reason: 'テスト構成' };
const jst = (x: string) => parseJstLocal(x);

async function systemWithVm(name: string, level: 'A' | 'B' | 'C', environment: 'production' | 'dev_test' = 'production') {
  const sys = await cmdb().create(admin, 'system', { name, departmentId: dept, serviceLevel: level, environment, status: 'active', ...why });
  const vm = await cmdb().create(admin, 'vm', { name: `${name}-vm01`, systemId: sys.id, hostId: host, os: 'Red Hat Enterprise Linux 9', vcpu: 2, memoryGib: 4, diskGib: 40, status: 'active', ...why }, { source: 'demo' });
  await cmdb().create(admin, 'contact', { name: `${name} 担当`, systemId: sys.id, email: `${name}@pref.example.lg.jp`, escalationOrder: 1, ...why });
  return { sys, vm };
}

type Session = { cookie: string; csrf: string };
const who = {} as Record<'op' | 'mgr' | 'sup', Session>;
const get = (x: Session, url: string) => t.app.inject({ url, headers: { cookie: x.cookie } });
const post = (x: Session, url: string, payload: unknown) =>
  t.app.inject({ method: 'POST', url, payload: payload as object, headers: { cookie: x.cookie, 'x-csrf-token': x.csrf } });
const act = async (x: Session, id: string, action: string, body: Record<string, unknown> = {}) => {
  const version = (await get(who.op, `/api/changes/${id}`)).json().version;
  const res = await post(x, `/api/changes/${id}/actions/${action}`, { version, ...body });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
type Change = { id: string; receiptNo: string; version: number };
async function registered(systemId: string, to: 'A' | 'B' | 'C', startsAt: Date, extra: Record<string, unknown> = {}): Promise<Change> {
  for (const k of ['op', 'mgr', 'sup'] as const) who[k] = await t.login(k); // the test clock moves by days: fresh sessions
  const res = await post(who.op, '/api/changes', {
    title: 'システムサービスレベルの変更',
    description: '所管課からの申請',
    source: 'service_level_change',
    slSystemId: systemId,
    slToLevel: to,
    slStartsAt: startsAt.toISOString(),
    ...extra,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}
/** A service-level change up to the policy review (優先度・納期の承認, plan written and reviewed), through the change API. */
async function inPolicyReview(systemId: string, to: 'A' | 'B' | 'C', startsAt: Date, extra: Record<string, unknown> = {}): Promise<Change> {
  const c = await registered(systemId, to, startsAt, extra);
  await act(who.mgr, c.id, 'report_priority', { criteria: { problemHigh: false, citizensOrManyDepartments: false, financialOrReputation: false }, dueAt: startsAt.toISOString() });
  await act(who.sup, c.id, 'approve_priority');
  await act(who.op, c.id, 'submit_plan', { implementation: '変更開始日に構成管理台帳と監視設定を変更する' });
  return act(who.mgr, c.id, 'review_plan');
}
/** A service-level change the supervisor approved and decided 実施する (the work approved), through the change API. */
async function approvedChange(systemId: string, _from: 'A' | 'B' | 'C', to: 'A' | 'B' | 'C', startsAt: Date, extra: Record<string, unknown> = {}): Promise<Change> {
  const c = await inPolicyReview(systemId, to, startsAt, extra);
  return act(who.sup, c.id, 'implement');
}

const itemsOf = async (vmId: string) =>
  (
    await t.database.db
      .select({ type: monitoringItems.type, key: monitoringItems.key, enabled: monitoringItems.enabled, businessHoursOnly: monitoringItems.businessHoursOnly, origin: monitoringItems.origin })
      .from(monitoringItems)
      .innerJoin(monitoringTargets, eq(monitoringTargets.id, monitoringItems.targetId))
      .where(and(eq(monitoringTargets.ciType, 'vm'), eq(monitoringTargets.ciId, vmId)))
      .orderBy(asc(monitoringItems.type), asc(monitoringItems.key))
  ).map((i) => `${i.type} ${i.key} ${i.enabled ? 'on' : 'off'} ${i.businessHoursOnly ? 'business' : '24h'}`);
const mailsOf = (id: string) => t.database.db.select().from(outbox).where(eq(outbox.recordId, id));

beforeAll(async () => {
  t = await testApp();
  t.clock.set(jst('2026-12-07T10:00'));
  dept = (await t.iam.createDepartment(admin, { code: 'D10', name: '土木部', kind: 'prefecture' })).id;
  await t.iam.createPerson(admin, { login: 'sup', displayName: '統括 一郎', password: TEST_PASSWORD, roles: ['supervisor'], email: 'tokatsu@pref.example.lg.jp' });
  await t.iam.createPerson(admin, { login: 'op', displayName: '担当 次郎', password: TEST_PASSWORD, roles: ['operator'] });
  await t.iam.createPerson(admin, { login: 'mgr', displayName: '管理 三郎', password: TEST_PASSWORD, roles: ['vendor_manager'] });
  for (const k of ['op', 'mgr', 'sup'] as const) who[k] = await t.login(k);
  const site = (await cmdb().create(admin, 'site', { name: '県庁舎サーバルーム', code: 'HQ', role: 'main', status: 'active', ...why })).id;
  host = (await cmdb().create(admin, 'host', { name: 'esx-hq01', siteId: site, cpuCores: 32, cpuGhz: 2.4, memoryGib: 512, status: 'active', ...why })).id;
  const jobs: { fn: () => Promise<void>; name: string }[] = [];
  startWorkers({
    db: t.database.db,
    clock: t.clock,
    config: loadConfig({}),
    transport: { sendMail: async () => ({}) },
    every: (fn, _ms, name) => {
      jobs.push({ fn, name });
      return () => {};
    },
    onError: (name, e) => {
      throw new Error(`${name}: ${String(e)}`);
    },
  });
  job = jobs.find((j) => j.name === 'changes.service_level')!.fn;
});
afterAll(() => t.close());

describe('service-level change on its start date (CHG-5, N §3.4.3.4)', () => {
  it('B → C: nothing before the start date; on it the CMDB level (history names the change), monitoring per the matrix, the mail; a second run changes nothing', async () => {
    const { sys, vm } = await systemWithVm('doboku', 'B');
    await applyPlan(t.database.db, t.clock, await planFromCmdb(t.database.db));
    expect(await itemsOf(vm.id)).toEqual([
      'icmp icmpping on 24h',
      'resource system.cpu.util on 24h',
      'resource vfs.fs.size[/,pused] on 24h',
      'resource vm.memory.size[pavailable] on 24h',
    ]);
    const c = await approvedChange(sys.id, 'B', 'C', jst('2026-12-14T09:00'));

    t.clock.set(jst('2026-12-14T08:59'));
    await job();
    expect((await cmdb().get(admin, 'system', sys.id)).serviceLevel).toBe('B');
    expect(await mailsOf(c.id)).toEqual([]);

    t.clock.set(jst('2026-12-14T09:00'));
    await job();
    expect((await cmdb().get(admin, 'system', sys.id)).serviceLevel).toBe('C');
    const hist = await t.database.db.select().from(cmdbHistory).where(eq(cmdbHistory.ciId, sys.id)).orderBy(asc(cmdbHistory.id));
    expect(hist.at(-1)).toMatchObject({ action: 'update', cause: `change:${c.receiptNo}`, reason: `${c.receiptNo} システムサービスレベルの変更（B → C）` });
    // Level C: watched on business days in business hours only (N §3.7.3.1).
    expect(await itemsOf(vm.id)).toEqual([
      'icmp icmpping on business',
      'resource system.cpu.util on business',
      'resource vfs.fs.size[/,pused] on business',
      'resource vm.memory.size[pavailable] on business',
    ]);
    const settingChanges = await t.database.db.select().from(monitoringSettingChanges).where(eq(monitoringSettingChanges.reason, `${c.receiptNo} システムサービスレベルの変更（B → C）`));
    expect(settingChanges.map((x) => [x.kind, !!x.appliedAt])).toEqual(Array(4).fill(['change', true]));

    const [after] = await t.database.db.select().from(changes).where(eq(changes.id, c.id));
    expect(after!.slAppliedAt).toEqual(jst('2026-12-14T09:00'));
    const mails = await mailsOf(c.id);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('【第三期サーバ仮想化統合基盤】システムサービスレベル変更連絡');
    expect(mails[0]!.toAddresses).toEqual(['doboku@pref.example.lg.jp', 'tokatsu@pref.example.lg.jp']);
    expect(mails[0]!.body).toBe(
      '以下のとおりシステムサービスレベルを変更いたします。\n\n＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝\n\n' +
        '変更開始日 ：261214 09:00\n' +
        '対象システム名 ：doboku\n' +
        '変更後のシステムレベル ：C\n' +
        '運用の変更点 ：\n・監視・運用対象時間：24時間365日 → 開庁日の業務時間\n',
    );
    const history = await t.database.db.select().from(processHistory).where(and(eq(processHistory.recordId, c.id), eq(processHistory.action, 'sl_applied')));
    expect(history.map((h) => h.comment)).toEqual(['doboku：B → C（監視設定の変更 4 件）']);
    // The checklist's 構成管理台帳の変更 is ticked by the job; the others stay for the people who do them.
    const tasks = await t.database.db.select().from(changeTasks).where(eq(changeTasks.changeId, c.id)).orderBy(asc(changeTasks.sortOrder));
    expect(tasks.map((x) => [x.key, x.status])).toEqual([
      ['rename_instance', 'open'],
      ['chargeback', 'open'],
      ['cmdb', 'done'],
      ['monitoring_bc', 'open'],
    ]);
    expect(tasks[2]!.doneByLabel).toBe(`サービスレベル変更（${c.receiptNo}）`);

    t.clock.set(jst('2026-12-14T09:01'));
    await job();
    expect(await mailsOf(c.id)).toHaveLength(1);
    expect((await t.database.db.select().from(cmdbHistory).where(eq(cmdbHistory.ciId, sys.id))).length).toBe(hist.length);
    expect((await t.database.db.select().from(changes).where(eq(changes.id, c.id)))[0]!.version).toBe(after!.version);
  });

  it('A → B: process and message monitoring end, DR removal, replication and DRS in the mail', async () => {
    t.clock.set(jst('2026-12-15T10:00'));
    const { sys, vm } = await systemWithVm('kyoiku', 'A');
    await applyPlan(t.database.db, t.clock, await planFromCmdb(t.database.db, { processes: { [vm.id]: ['httpd'] } }));
    expect(await itemsOf(vm.id)).toContain('process proc.num[httpd] on 24h');
    const c = await approvedChange(sys.id, 'A', 'B', jst('2026-12-21T09:00'));
    t.clock.set(jst('2026-12-21T09:30'));
    await job();
    expect(await itemsOf(vm.id)).toEqual([
      'icmp icmpping on 24h',
      'process proc.num[httpd] off 24h',
      'resource system.cpu.util on 24h',
      'resource vfs.fs.size[/,pused] on 24h',
      'resource vm.memory.size[pavailable] on 24h',
    ]);
    const body = (await mailsOf(c.id))[0]!.body;
    expect(body).toContain('変更開始日 ：261221 09:00\n');
    expect(body).toContain('変更後のシステムレベル ：B\n');
    expect(body).toContain('・監視項目の削除：プロセス監視、メッセージ監視\n・災害対策設定の削除\n・ストレージ設計（レプリケーション設計）の変更\n・DRS 機能の変更\n');
  });

  it('development/test → production: the environment changes too; a change not approved is not applied', async () => {
    t.clock.set(jst('2026-12-15T10:00'));
    const { sys } = await systemWithVm('kensho', 'C', 'dev_test');
    const c = await approvedChange(sys.id, 'C', 'C', jst('2026-12-16T09:00'), { slToProduction: true });
    const other = await systemWithVm('mishonin', 'B');
    const pending = await registered(other.sys.id, 'A', jst('2026-12-16T09:00')); // not approved yet
    t.clock.set(jst('2026-12-16T09:00'));
    await job();
    expect(await cmdb().get(admin, 'system', sys.id)).toMatchObject({ serviceLevel: 'C', environment: 'production' });
    expect((await mailsOf(c.id))[0]!.body).toContain('変更後のシステムレベル ：C（本番機）\n');
    expect((await cmdb().get(admin, 'system', other.sys.id)).serviceLevel).toBe('B');
    expect(await mailsOf(pending!.id)).toEqual([]);
  });

  it('only a change decided 実施する is applied: not while the policy is under review, never when 実施しない or cancelled; approved after its start date → the next run', async () => {
    t.clock.set(jst('2026-12-22T10:00'));
    const late = await systemWithVm('osoi', 'B');
    const refused = await systemWithVm('kyohi', 'B');
    const stopped = await systemWithVm('chushi', 'B');
    const cLate = await inPolicyReview(late.sys.id, 'C', jst('2026-12-23T09:00'));
    const cRefused = await inPolicyReview(refused.sys.id, 'C', jst('2026-12-23T09:00'));
    await act(who.sup, cRefused.id, 'do_not_implement', { reason: '所管課の申請取り下げ' });
    const cStopped = await inPolicyReview(stopped.sys.id, 'C', jst('2026-12-23T09:00'));
    await act(who.sup, cStopped.id, 'cancel', { reason: '予算措置なし' });

    t.clock.set(jst('2026-12-23T09:00'));
    await job();
    for (const x of [late, refused, stopped]) expect((await cmdb().get(admin, 'system', x.sys.id)).serviceLevel).toBe('B');
    for (const x of [cLate, cRefused, cStopped]) expect(await mailsOf(x.id)).toEqual([]);

    // 実施する on the 24th, after the start date: the next run applies it.
    t.clock.set(jst('2026-12-24T10:00'));
    for (const k of ['op', 'mgr', 'sup'] as const) who[k] = await t.login(k);
    await act(who.sup, cLate.id, 'implement');
    await job();
    expect((await cmdb().get(admin, 'system', late.sys.id)).serviceLevel).toBe('C');
    expect((await t.database.db.select().from(changes).where(eq(changes.id, cLate.id)))[0]!.slAppliedAt).toEqual(jst('2026-12-24T10:00'));
    expect((await mailsOf(cLate.id))[0]!.body).toContain('変更開始日 ：261223 09:00\n');
    expect((await cmdb().get(admin, 'system', refused.sys.id)).serviceLevel).toBe('B');
    expect((await cmdb().get(admin, 'system', stopped.sys.id)).serviceLevel).toBe('B');
  });
});
