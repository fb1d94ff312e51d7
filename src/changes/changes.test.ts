import { eq } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJstLocal } from '../calendar/index.ts';
import { createCmdbService } from '../cmdb/index.ts';
import { admin, type TestApp, testApp } from '../http/testing.ts';
import { changeCis, changes, changeTasks, releases } from './schema.ts';

/** Change management through the HTTP API (CHG-1): the <変更作業> chart with N §3.4.2.1's roles. */
let t: TestApp;
type Session = { cookie: string; csrf: string };
const s = {} as Record<'op' | 'mgr' | 'lead' | 'sup' | 'opsup' | 'owner' | 'ownerB', Session>;
const ci = {} as Record<'host' | 'hostB' | 'storage' | 'net' | 'mon' | 'vmA' | 'vmB' | 'sysA' | 'sysB', string>;

const jst = (x: string) => parseJstLocal(x);
const get = (who: Session, url: string) => t.app.inject({ url, headers: { cookie: who.cookie } });
const send = (who: Session, method: 'POST' | 'PATCH', url: string, payload: unknown) =>
  t.app.inject({ method, url, payload: payload as object, headers: { cookie: who.cookie, 'x-csrf-token': who.csrf } });
const act = async (who: Session, id: string, action: string, body: Record<string, unknown> = {}) => {
  const version = (await get(s.mgr, `/api/changes/${id}`)).json().version;
  return send(who, 'POST', `/api/changes/${id}/actions/${action}`, { version, ...body });
};
const register = (who: Session, body: Record<string, unknown>) => send(who, 'POST', '/api/changes', body);
const direct = async (extra: Record<string, unknown> = {}) =>
  (await register(s.op, { title: 'ESXi ファームウェア更新', description: 'BIOS 更新', source: 'direct', targets: [{ ciType: 'host', ciId: ci.host }], ...extra })).json();
const criteria = { problemHigh: false, citizensOrManyDepartments: true, financialOrReputation: false };
const due = () => jst('2026-12-15T17:00').toISOString();
const count = async () => (await t.database.db.select().from(changes)).length;
/** As if H2's release process had run a release of the change to `state`. */
const release = async (changeId: string, state: string, n = 1) => {
  const now = t.clock.now();
  const [c] = await t.database.db.select().from(changes).where(eq(changes.id, changeId));
  await t.database.db.insert(releases).values({
    changeId, releaseNo: `${c!.receiptNo}-R${n}`, state, proven: true, plannedStart: now, plannedEnd: now, timeline: [], staffing: [], risks: [],
    workContent: 'ファームウェア更新', businessImpact: 'なし', createdAt: now, updatedAt: now,
  });
};
/** Walks a change to `implementing` with the roles of N's table. */
const toImplementing = async (id: string) => {
  expect((await act(s.mgr, id, 'report_priority', { criteria, dueAt: due() })).json().state).toBe('priority_review');
  expect((await act(s.sup, id, 'approve_priority')).json().state).toBe('preparing');
  expect((await act(s.op, id, 'submit_plan', { implementation: '12/10 メンテナンス日に適用' })).json().state).toBe('plan_review');
  expect((await act(s.mgr, id, 'review_plan')).json().state).toBe('policy_review');
  expect((await act(s.sup, id, 'implement', { comment: '影響軽微' })).json().state).toBe('implementing');
};

beforeAll(async () => {
  t = await testApp();
  t.clock.set(jst('2026-12-01T10:00'));
  const deptA = (await t.iam.createDepartment(admin, { code: 'D10', name: '土木部', kind: 'prefecture' })).id;
  const deptB = (await t.iam.createDepartment(admin, { code: 'D20', name: '教育庁', kind: 'prefecture' })).id;
  const person = t.person;
  await person('op', ['operator']);
  await person('mgr', ['vendor_manager']);
  await person('lead', ['vendor_lead']);
  await person('sup', ['supervisor']);
  await person('opsup', ['operator', 'supervisor']);
  await person('owner', ['system_owner'], { departmentId: deptA });
  await person('ownerB', ['system_owner'], { departmentId: deptB });
  for (const k of Object.keys(s).length ? [] : (['op', 'mgr', 'lead', 'sup', 'opsup', 'owner', 'ownerB'] as const)) s[k] = await t.login(k);
  const cmdb = createCmdbService({ db: t.database.db, clock: t.clock });
  const why = { reason: 'テスト' };
  const site = await cmdb.create(admin, 'site', { name: '県庁舎', code: 'CH', status: 'active', ...why });
  ci.host = (await cmdb.create(admin, 'host', { name: 'ch-esx01', siteId: site.id, cpuCores: 8, cpuGhz: 2, memoryGib: 64, status: 'active', ...why })).id;
  ci.hostB = (await cmdb.create(admin, 'host', { name: 'ch-esx02', siteId: site.id, cpuCores: 8, cpuGhz: 2, memoryGib: 64, status: 'active', ...why })).id;
  ci.storage = (await cmdb.create(admin, 'storage', { name: 'ch-st01', siteId: site.id, capacityGib: 1000, status: 'active', ...why })).id;
  ci.net = (await cmdb.create(admin, 'network_device', { name: 'ch-sw01', kind: 'switch', siteId: site.id, status: 'active', ...why })).id;
  ci.mon = (await cmdb.create(admin, 'management_server', { name: 'ch-zbx01', kind: 'monitoring', siteId: site.id, status: 'active', ...why })).id;
  ci.sysA = (await cmdb.create(admin, 'system', { name: '道路台帳システム', code: 'doro', departmentId: deptA, serviceLevel: 'B', ...why })).id;
  ci.sysB = (await cmdb.create(admin, 'system', { name: '教育ネットワーク', code: 'kyo', departmentId: deptB, serviceLevel: 'A', ...why })).id;
  ci.vmA = (await cmdb.create(admin, 'vm', { name: 'bp-doro-web01', systemId: ci.sysA, hostId: ci.host, vcpu: 2, memoryGib: 8, diskGib: 100, ...why })).id;
  ci.vmB = (await cmdb.create(admin, 'vm', { name: 'ap-kyo-db01', systemId: ci.sysB, hostId: ci.hostB, vcpu: 2, memoryGib: 8, diskGib: 100, ...why })).id;
});
afterAll(() => t.close());

describe('受付・登録 (CHG-1)', () => {
  it('registers a direct change numbered CHG-YYYY-NNNNNN with several CMDB targets', async () => {
    const res = await register(s.op, {
      title: '基盤機器の保守', description: '複数機器', source: 'direct',
      targets: [{ ciType: 'host', ciId: ci.host }, { ciType: 'storage', ciId: ci.storage }, { ciType: 'network', ciId: ci.net }, { ciType: 'monitoring_server', ciId: ci.mon }, { ciType: 'platform' }],
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ state: 'registered', source: 'direct' });
    expect(res.json().receiptNo).toMatch(/^CHG-2026-\d{6}$/);
    const page = (await get(s.sup, `/api/changes/${res.json().id}`)).json();
    expect(page.targets.map((x: { name: string }) => x.name)).toEqual(['ch-esx01', 'ch-st01', 'ch-sw01', 'ch-zbx01', '基盤全体']);
    expect(page.process.history[0]).toMatchObject({ action: 'register', label: { ja: '受付・登録' } });
  });

  it('preventive maintenance needs its patch; a service-level change reads the current level from the CMDB', async () => {
    const noPatch = await register(s.op, { title: 'ESXi パッチ', description: 'x', source: 'preventive_maintenance', targets: [{ ciType: 'host', ciId: ci.host }] });
    expect(noPatch.statusCode).toBe(400);
    expect(Object.keys(noPatch.json().error.fields)).toEqual(['pmPatch']);
    const pm = await register(s.op, { title: 'ESXi パッチ', description: 'x', source: 'preventive_maintenance', pmPatch: 'ESXi 8.0 U3c', targets: [{ ciType: 'host', ciId: ci.host }, { ciType: 'host', ciId: ci.hostB }] });
    expect(pm.json()).toMatchObject({ source: 'preventive_maintenance', pmPatch: 'ESXi 8.0 U3c' });
    const sl = await register(s.op, { title: '道路台帳 A 昇格', description: 'x', source: 'service_level_change', slSystemId: ci.sysA, slToLevel: 'A', slStartsAt: jst('2027-01-04T09:00').toISOString() });
    expect(sl.statusCode).toBe(201);
    expect(sl.json()).toMatchObject({ slFromLevel: 'B', slToLevel: 'A', slToProduction: false });
    const noop = await register(s.op, { title: '変更なし', description: 'x', source: 'service_level_change', slSystemId: ci.sysA, slToLevel: 'B', slStartsAt: jst('2027-01-04T09:00').toISOString() });
    expect(noop.statusCode).toBe(400);
    expect(noop.json().error.fields.slToLevel).toBe('変更後のサービスレベルが現在（B）と同じです。');
  });

  it('bad input answers 400 naming the field in Japanese, and nothing is written', async () => {
    const before = await count();
    const unknown = await register(s.op, { title: 'x', description: 'y', source: 'direct', targets: [{ ciType: 'host', ciId: ci.host }, { ciType: 'storage', ciId: ci.host }] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.fields.targets).toBe('変更対象の構成アイテムが構成管理台帳にありません（2 件目）。');
    const none = await register(s.op, { title: 'x', description: 'y', source: 'direct' });
    expect(Object.keys(none.json().error.fields)).toEqual(['targets']);
    const missing = await register(s.op, { description: 'y', source: 'direct', targets: [{ ciType: 'platform' }] });
    expect(missing.statusCode).toBe(400);
    expect(Object.keys(missing.json().error.fields)).toContain('title');
    const ctrl = await register(s.op, { title: 'a\u0007b', description: 'y', source: 'direct', targets: [{ ciType: 'platform' }] });
    expect(ctrl.statusCode).toBe(400);
    expect(Object.keys(ctrl.json().error.fields)).toEqual(['title']);
    const noProblem = await register(s.op, { title: 'x', description: 'y', source: 'problem_fix', targets: [{ ciType: 'platform' }] });
    expect(Object.keys(noProblem.json().error.fields)).toEqual(['problemId']);
    expect(await count()).toBe(before);
    expect((await t.database.db.select().from(changeCis)).length).toBe(5 + 2);
  });

  it('only the vendor team registers', async () => {
    expect((await register(s.sup, { title: 'x', description: 'y', source: 'direct', targets: [{ ciType: 'platform' }] })).statusCode).toBe(403);
    expect((await register(s.owner, { title: 'x', description: 'y', source: 'direct', targets: [{ ciType: 'platform' }] })).statusCode).toBe(403);
  });
});

describe('the <変更作業> flow with N’s roles', () => {
  it('priority and due date by the manager, approved by the supervisor; High by N §3.4.3.2', async () => {
    const c = await direct();
    expect((await act(s.op, c.id, 'report_priority', { criteria, dueAt: due() })).statusCode).toBe(403);
    const missing = await act(s.mgr, c.id, 'report_priority', { criteria });
    expect(Object.keys(missing.json().error.fields)).toEqual(['dueAt']);
    expect((await act(s.mgr, c.id, 'report_priority', { criteria, dueAt: due() })).json()).toMatchObject({ priority: 'high', state: 'priority_review' });
    expect((await act(s.mgr, c.id, 'approve_priority')).statusCode).toBe(403);
    const revise = await act(s.sup, c.id, 'revise_priority');
    expect(Object.keys(revise.json().error.fields)).toEqual(['reason']);
    expect((await act(s.sup, c.id, 'revise_priority', { reason: '納期を前倒し' })).json().state).toBe('registered');
    await act(s.mgr, c.id, 'report_priority', { criteria: { ...criteria, citizensOrManyDepartments: false }, dueAt: due() });
    const page = (await get(s.sup, `/api/changes/${c.id}`)).json();
    expect(page.priority).toBe('low');
    expect(page.process.deadlines[0]).toMatchObject({ key: 'due', label: { ja: '納期（リリース予定）' } });
    expect(page.process.history.map((h: { comment: string | null }) => h.comment)).toContain('納期を前倒し');
    expect(page.process.actions.map((a: { action: string }) => a.action)).toEqual(['approve_priority', 'revise_priority', 'cancel']);
  });

  it('refuses self-approval and a stale version', async () => {
    const c = (await register(s.opsup, { title: '自己承認', description: 'x', source: 'direct', targets: [{ ciType: 'platform' }] })).json();
    await act(s.mgr, c.id, 'report_priority', { criteria, dueAt: due() });
    const self = await act(s.opsup, c.id, 'approve_priority');
    expect(self.statusCode).toBe(403);
    expect((await act(s.sup, c.id, 'approve_priority')).statusCode).toBe(200);
    const stale = await send(s.op, 'POST', `/api/changes/${c.id}/actions/submit_plan`, { version: 1, implementation: 'x' });
    expect(stale.statusCode).toBe(409);
  });

  it('returned plan, re-examination and "do not implement" each keep their reason', async () => {
    const c = await direct();
    await act(s.mgr, c.id, 'report_priority', { criteria, dueAt: due() });
    await act(s.sup, c.id, 'approve_priority');
    await act(s.op, c.id, 'submit_plan', { implementation: '手順 v1' });
    expect((await act(s.mgr, c.id, 'return_plan', { reason: '切戻し手順がない' })).json().state).toBe('preparing');
    await act(s.op, c.id, 'submit_plan', { implementation: '手順 v2' });
    await act(s.mgr, c.id, 'review_plan');
    expect((await act(s.sup, c.id, 're_examine')).statusCode).toBe(400);
    expect((await act(s.sup, c.id, 're_examine', { reason: '年度末は避ける' })).json()).toMatchObject({ state: 'preparing', policyDecision: 're_examine', policyReason: '年度末は避ける' });
    await act(s.op, c.id, 'submit_plan', { implementation: '手順 v3' });
    await act(s.mgr, c.id, 'review_plan');
    expect((await act(s.mgr, c.id, 'do_not_implement', { reason: 'x' })).statusCode).toBe(403);
    const no = await act(s.sup, c.id, 'do_not_implement', { reason: '次期更改で対応' });
    expect(no.json()).toMatchObject({ state: 'not_implemented', policyDecision: 'do_not_implement', policyReason: '次期更改で対応' });
    expect((await get(s.sup, `/api/changes/${c.id}`)).json().process).toMatchObject({ final: true, actions: [] });
  });

  it('the supervisor may stop an open change (変更中止) with a reason', async () => {
    const c = await direct();
    await act(s.mgr, c.id, 'report_priority', { criteria, dueAt: due() });
    expect((await act(s.mgr, c.id, 'cancel', { reason: 'x' })).statusCode).toBe(403);
    expect(Object.keys((await act(s.sup, c.id, 'cancel')).json().error.fields)).toEqual(['reason']);
    expect((await act(s.sup, c.id, 'cancel', { reason: '機器更改に統合' })).json()).toMatchObject({ state: 'cancelled', policyDecision: 'cancel', policyReason: '機器更改に統合' });
  });

  it('stopping a change cancels its releases not yet started, and refuses while one is under way', async () => {
    const c = await direct();
    await toImplementing(c.id);
    await release(c.id, 'in_progress', 1);
    const running = await act(s.sup, c.id, 'cancel', { reason: '中止' });
    expect(running.statusCode).toBe(409);
    expect((await get(s.sup, `/api/changes/${c.id}`)).json().state).toBe('implementing');
    await t.database.db.update(releases).set({ state: 'rolled_back' }).where(eq(releases.changeId, c.id));
    await release(c.id, 'approved', 2);
    expect((await act(s.sup, c.id, 'cancel', { reason: '機器更改に統合のため中止' })).json().state).toBe('cancelled');
    const rel = (await get(s.sup, `/api/changes/${c.id}`)).json().releases;
    expect(rel.map((r: { state: string }) => r.state)).toEqual(['rolled_back', 'cancelled']);
  });

  it('completion only after a finished release; close only with the checklist done; then closed', async () => {
    const c = await direct();
    await toImplementing(c.id);
    const none = await act(s.op, c.id, 'report_completion', { completionReport: '適用完了' });
    expect(none.statusCode).toBe(409);
    expect(none.json().error.message).toBe('正常完了または切戻し完了したリリースがないため、リリース完了報告はできません。');
    await release(c.id, 'in_progress');
    const running = await act(s.op, c.id, 'report_completion', { completionReport: '適用完了' });
    expect(running.json().error.message).toBe('終了していないリリースが 1 件あるため、リリース完了報告はできません。');
    await t.database.db.update(releases).set({ state: 'completed' }).where(eq(releases.changeId, c.id));
    expect((await act(s.op, c.id, 'report_completion')).statusCode).toBe(400);
    expect((await act(s.op, c.id, 'report_completion', { completionReport: '適用完了' })).json().state).toBe('completion_review');
    expect((await act(s.op, c.id, 'check_completion')).statusCode).toBe(403);
    expect((await act(s.mgr, c.id, 'check_completion')).json().state).toBe('close_review');
    await t.database.db.insert(changeTasks).values([
      { changeId: c.id, kind: 'backup', key: 'before', label: '作業前バックアップ' },
      { changeId: c.id, kind: 'backup', key: 'after', label: '作業後バックアップ' },
    ]);
    const open = await act(s.sup, c.id, 'approve_close');
    expect(open.statusCode).toBe(409);
    expect(open.json().error.message).toContain('未完了の項目が 2 件');
    await t.database.db.update(changeTasks).set({ status: 'done' }).where(eq(changeTasks.changeId, c.id));
    expect((await act(s.mgr, c.id, 'approve_close')).statusCode).toBe(403);
    const closed = await act(s.sup, c.id, 'approve_close');
    expect(closed.json()).toMatchObject({ state: 'closed' });
    const page = (await get(s.sup, `/api/changes/${c.id}`)).json();
    expect(page.releases.map((r: { releaseNo: string; state: string }) => [r.releaseNo, r.state])).toEqual([[`${c.receiptNo}-R1`, 'completed']]);
    expect(page.tasks).toEqual({ open: 0, done: 2, waived: 0 });
  });

  it('a service-level change needs no release; the supervisor may send it back for re-examination', async () => {
    const c = (await register(s.op, { title: '教育 dev', description: 'x', source: 'service_level_change', slSystemId: ci.sysB, slToLevel: 'B', slStartsAt: jst('2027-01-04T09:00').toISOString() })).json();
    await toImplementing(c.id);
    await t.database.db.update(changeTasks).set({ status: 'done' }).where(eq(changeTasks.changeId, c.id));
    expect((await act(s.op, c.id, 'report_completion', { completionReport: '切替完了' })).json().state).toBe('completion_review');
    await act(s.mgr, c.id, 'check_completion');
    expect((await act(s.sup, c.id, 'reject_close', { reason: 'DRS 設定の確認が未了' })).json().state).toBe('preparing');
  });
});

describe('a problem’s permanent fix (N §3.3 → §3.4)', () => {
  const problemIn = async (state: 'study_reported' | 'investigating') => {
    const p = (await send(s.op, 'POST', '/api/problems', { title: '性能劣化', description: 'x', source: 'improvement' })).json();
    const pact = async (who: Session, action: string, body: Record<string, unknown> = {}) =>
      send(who, 'POST', `/api/problems/${p.id}/actions/${action}`, { version: (await get(s.mgr, `/api/problems/${p.id}`)).json().version, ...body });
    await pact(s.mgr, 'propose_priority', { criteria: { missedRecoveryTarget: false, citizensOrManyDepartments: true, financialOrReputation: false }, dueAt: due() });
    await pact(s.sup, 'agree_priority');
    if (state === 'study_reported') {
      await pact(s.op, 'report_investigation', { cause: '原因', policy: '方針' });
      await pact(s.sup, 'continue_to_fix');
      await pact(s.op, 'report_study', { permanentFix: 'ファームウェア更新' });
    }
    return { p, pact };
  };

  it('only from a problem whose fix is decided; the problem gets the number, the change is High, and both close together', async () => {
    const early = await problemIn('investigating');
    const refused = await register(s.op, { title: 'x', description: 'y', source: 'problem_fix', problemId: early.p.id, targets: [{ ciType: 'host', ciId: ci.host }] });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.fields.problemId).toContain('変更を登録できません');

    const { p, pact } = await problemIn('study_reported');
    const c = (await register(s.op, { title: '恒久対処', description: 'ファームウェア更新', source: 'problem_fix', problemId: p.id, targets: [{ ciType: 'host', ciId: ci.host }] })).json();
    expect(c.criteria).toEqual({ problemHigh: true, citizensOrManyDepartments: false, financialOrReputation: false });
    const prob = (await get(s.mgr, `/api/problems/${p.id}`)).json();
    expect(prob.changeRef).toBe(c.receiptNo);
    expect(prob.process.history.at(-1)).toMatchObject({ action: 'link_change' });
    expect(JSON.stringify((await get(s.sup, `/api/audit?entityId=${p.id}`)).json())).toContain('problem.link_change');
    expect((await get(s.mgr, `/api/changes?problemId=${p.id}`)).json().items.map((x: { id: string }) => x.id)).toEqual([c.id]);
    await pact(s.sup, 'implement');
    // The manager's report keeps N §3.4.3.2 (1) checked.
    expect((await act(s.mgr, c.id, 'report_priority', { criteria: { problemHigh: false, citizensOrManyDepartments: false, financialOrReputation: false }, dueAt: due() })).json().priority).toBe('high');
    await act(s.sup, c.id, 'approve_priority');
    await act(s.op, c.id, 'submit_plan', { implementation: '手順' });
    await act(s.mgr, c.id, 'review_plan');
    await act(s.sup, c.id, 'implement');
    await release(c.id, 'rolled_back', 1);
    await release(c.id, 'completed', 2);
    await act(s.op, c.id, 'report_completion', { completionReport: '2 回目で完了' });
    await act(s.mgr, c.id, 'check_completion');
    // The problem offers no close of its own for this step.
    expect((await get(s.sup, `/api/problems/${p.id}`)).json().process.actions.map((a: { action: string }) => a.action)).not.toContain('close_with_change');
    expect((await act(s.sup, c.id, 'approve_close')).json().state).toBe('closed');
    const closed = (await get(s.sup, `/api/problems/${p.id}`)).json();
    expect(closed.state).toBe('closed');
    expect(closed.process.history.at(-1)).toMatchObject({ action: 'close_with_change', actor: 'sup (sup)', label: { ja: '変更完了に合わせてクローズ' } });
    expect((await get(s.sup, `/api/changes/${c.id}`)).json().problem).toMatchObject({ id: p.id, state: 'closed' });
  });
});

describe('scope (ORG-4) and the ledger', () => {
  it('an owner sees the changes on their systems and VMs only; another department’s is a 404', async () => {
    const onVmA = (await register(s.op, { title: '道路台帳 VM', description: 'x', source: 'direct', targets: [{ ciType: 'vm', ciId: ci.vmA }] })).json();
    const onVmB = (await register(s.op, { title: '教育 VM', description: 'x', source: 'direct', targets: [{ ciType: 'vm', ciId: ci.vmB }] })).json();
    const onStorage = (await register(s.op, { title: 'ストレージのみ', description: 'x', source: 'direct', targets: [{ ciType: 'storage', ciId: ci.storage }] })).json();
    const mine = (await get(s.owner, '/api/changes?pageSize=500')).json().items.map((x: { id: string }) => x.id);
    expect(mine).toContain(onVmA.id);
    expect(mine).not.toContain(onVmB.id);
    expect(mine).not.toContain(onStorage.id);
    // ch-esx01 runs the owner's VM, and the SL change of their system is theirs.
    const titles = (await get(s.owner, '/api/changes?pageSize=500')).json().items.map((x: { title: string }) => x.title);
    expect(titles).toEqual(expect.arrayContaining(['ESXi ファームウェア更新', '道路台帳 A 昇格']));
    expect(titles).not.toContain('教育 dev');
    expect((await get(s.owner, `/api/changes/${onVmB.id}`)).statusCode).toBe(404);
    expect((await get(s.ownerB, `/api/changes/${onVmA.id}`)).statusCode).toBe(404);
    const page = (await get(s.owner, `/api/changes/${onVmA.id}`)).json();
    expect(page.process.actions).toEqual([]);
    expect(page.mails).toEqual([]);
    expect((await act(s.owner, onVmA.id, 'cancel', { reason: 'x' })).statusCode).toBe(403);
  });

  it('filters, sorts, pages and exports 変更管理台帳', async () => {
    const open = (await get(s.mgr, '/api/changes?open=true&sort=receiptNo&pageSize=2')).json();
    expect(open.items).toHaveLength(2);
    expect(open.total).toBeGreaterThan(2);
    expect(open.items[0].receiptNo < open.items[1].receiptNo).toBe(true);
    const pm = (await get(s.mgr, '/api/changes?source=preventive_maintenance')).json();
    expect(pm.items.map((x: { title: string }) => x.title)).toEqual(['ESXi パッチ']);
    expect(pm.items[0].targetNames).toEqual(['ch-esx01', 'ch-esx02']);
    expect((await get(s.mgr, '/api/changes?state=cancelled')).json().total).toBe(2);
    expect((await get(s.mgr, '/api/changes?q=ch-st01')).json().total).toBe(2);
    const csv = await get(s.sup, '/api/changes.csv?source=preventive_maintenance');
    expect(csv.statusCode).toBe(200);
    const rows = parse(csv.rawPayload.subarray(3).toString('utf8')) as string[][];
    expect(rows[0]!.slice(0, 7)).toEqual(['変更番号', '登録日時', '起因', '問題番号', '件名', '内容', '変更対象']);
    expect(rows[1]!.slice(2, 8)).toEqual(['予防保守', '', 'ESXi パッチ', 'x', 'ch-esx01、ch-esx02', 'ESXi 8.0 U3c']);
    const cancelled = parse((await get(s.sup, '/api/changes.csv?state=cancelled&sort=receiptNo')).rawPayload.subarray(3).toString('utf8')) as string[][];
    const col = (name: string) => cancelled[0]!.indexOf(name);
    expect(cancelled[1]![col('状態')]).toBe('変更中止');
    expect(cancelled[1]![col('変更方針')]).toBe('変更中止');
    expect(cancelled[1]![col('変更方針の理由')]).toBe('機器更改に統合');
    expect((await get(s.owner, '/api/changes.xlsx')).statusCode).toBe(200);
  });
});
