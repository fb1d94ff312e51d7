import { asc, eq } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJstLocal } from '../calendar/index.ts';
import { admin, type TestApp, testApp } from '../http/testing.ts';
import { outbox } from '../notify/index.ts';
import { incidents } from '../incidents/schema.ts';
import { problemDecisions } from './schema.ts';

/** Problem management through the HTTP API (PRB-1..4). */
let t: TestApp;
type Session = { cookie: string; csrf: string };
const s = {} as Record<'op' | 'mgr' | 'sup' | 'owner' | 'ownerB' | 'ict', Session>;
let dept: string;
let deptB: string;

const jst = (x: string) => parseJstLocal(x);
const get = (who: Session, url: string) => t.app.inject({ url, headers: { cookie: who.cookie } });
const send = (who: Session, method: 'POST' | 'PATCH', url: string, payload: unknown) =>
  t.app.inject({ method, url, payload: payload as object, headers: { cookie: who.cookie, 'x-csrf-token': who.csrf } });
const act = async (who: Session, id: string, action: string, body: Record<string, unknown> = {}) => {
  const version = (await get(s.op, `/api/problems/${id}`)).json().version;
  return send(who, 'POST', `/api/problems/${id}/actions/${action}`, { version, ...body });
};
const register = async (extra: Record<string, unknown> = {}) =>
  (await send(s.op, 'POST', '/api/problems', { title: '作業手順の誤り', description: '手順書の記載漏れ', source: 'operating_mistake', ...extra })).json();
const criteria = { missedRecoveryTarget: false, citizensOrManyDepartments: true, financialOrReputation: false };
const decisions = (id: string) => t.database.db.select().from(problemDecisions).where(eq(problemDecisions.problemId, id)).orderBy(asc(problemDecisions.id));

beforeAll(async () => {
  t = await testApp();
  t.clock.set(jst('2026-11-24T10:00'));
  dept = (await t.iam.createDepartment(admin, { code: 'D10', name: '土木部', kind: 'prefecture' })).id;
  deptB = (await t.iam.createDepartment(admin, { code: 'D20', name: '教育庁', kind: 'prefecture' })).id;
  const person = t.person;
  await person('op', ['operator']);
  await person('mgr', ['vendor_manager']);
  await person('sup', ['supervisor'], { email: 'tokatsu@pref.example.lg.jp' });
  await person('owner', ['system_owner'], { departmentId: dept });
  await person('ownerB', ['system_owner'], { departmentId: deptB });
  await person('ict', ['ict_manager']);
  for (const k of ['op', 'mgr', 'sup', 'owner', 'ownerB', 'ict'] as const) s[k] = await t.login(k);
});
afterAll(() => t.close());

describe('受付・登録 (PRB-1)', () => {
  it('numbers problems PRB-YYYY-NNNNNN', async () => {
    expect((await register()).receiptNo).toMatch(/^PRB-2026-\d{6}$/);
  });

  it('a problem raised from an incident must name it', async () => {
    const res = await send(s.op, 'POST', '/api/problems', { title: '根本原因', description: 'x', source: 'incident_root_cause' });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json().error.fields)).toEqual(['incidentIds']);
  });

  it('system owners and supervisors do not register problems', async () => {
    expect((await send(s.owner, 'POST', '/api/problems', { title: 'x', description: 'y', source: 'complaint' })).statusCode).toBe(403);
    expect((await send(s.sup, 'POST', '/api/problems', { title: 'x', description: 'y', source: 'complaint' })).statusCode).toBe(403);
    expect((await get(s.ict, '/api/problems')).statusCode).toBe(403);
  });

  it('critical preventive-maintenance information is reported to the supervisor at once (PRB-4)', async () => {
    const target = await send(s.op, 'POST', '/api/problems/preventive-targets', { category: 'software', kind: 'esxi', name: 'ESXi 8.0', vendor: 'VMware' });
    expect(target.statusCode).toBe(201);
    const p = await register({ title: 'ESXi 重大脆弱性 VMSA-2026-0001', source: 'preventive_os', critical: true, preventiveTargetId: target.json().id });
    const mails = await t.database.db.select().from(outbox).where(eq(outbox.recordId, p.id));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.toAddresses).toEqual(['tokatsu@pref.example.lg.jp']);
    expect(mails[0]!.subject).toContain('【第三期サーバ仮想化統合基盤】重大な予防保守情報'); // KIBAN_PLATFORM_NAME, as N's non-incident mails print it
    expect((await get(s.sup, `/api/problems/${p.id}`)).json().preventiveTarget.name).toBe('ESXi 8.0');
  });
});

describe('flow with a reason for every "no" (PRB-2, PRB-3)', () => {
  it('priority and due date: proposed by the manager, agreed by the supervisor; High by N’s criteria', async () => {
    const p = await register();
    const missing = await act(s.mgr, p.id, 'propose_priority', { criteria });
    expect(missing.statusCode).toBe(400);
    expect(Object.keys(missing.json().error.fields)).toEqual(['dueAt']);
    expect((await act(s.op, p.id, 'propose_priority', { criteria, dueAt: jst('2026-12-25T17:00').toISOString() })).statusCode).toBe(403);
    const proposed = await act(s.mgr, p.id, 'propose_priority', { criteria, dueAt: jst('2026-12-25T17:00').toISOString() });
    expect(proposed.json()).toMatchObject({ state: 'priority_review', priority: 'high' });
    expect((await act(s.mgr, p.id, 'agree_priority')).statusCode).toBe(403);
    expect((await act(s.sup, p.id, 'agree_priority')).json().state).toBe('investigating');
  });

  it('"no permanent fix" needs a reason, kept as evidence', async () => {
    const p = await register();
    await act(s.mgr, p.id, 'propose_priority', { criteria: { ...criteria, citizensOrManyDepartments: false }, dueAt: jst('2026-12-25T17:00').toISOString() });
    await act(s.sup, p.id, 'agree_priority');
    expect((await act(s.op, p.id, 'report_investigation', { cause: '手順書の記載漏れ' })).statusCode).toBe(400);
    expect((await act(s.op, p.id, 'report_investigation', { cause: '手順書の記載漏れ', policy: '手順書を修正' })).statusCode).toBe(200);
    const noReason = await act(s.sup, p.id, 'close_without_fix');
    expect(noReason.statusCode).toBe(400);
    expect(Object.keys(noReason.json().error.fields)).toEqual(['reason']);
    const closed = await act(s.sup, p.id, 'close_without_fix', { reason: '暫定対処（手順書修正）で十分' });
    expect(closed.json()).toMatchObject({ state: 'closed', noFixReason: '暫定対処（手順書修正）で十分', priority: 'low' });
    expect((await decisions(p.id)).map((d) => [d.question, d.answer, d.reason])).toEqual([
      ['優先度を承認するか', true, null],
      ['継続して恒久対処を検討するか', false, '暫定対処（手順書修正）で十分'],
    ]);
  });

  it('permanent fix via change management; an unresolved result goes back to study, then resolution is approved', async () => {
    const p = await register();
    await act(s.mgr, p.id, 'propose_priority', { criteria, dueAt: jst('2026-12-25T17:00').toISOString() });
    await act(s.sup, p.id, 'agree_priority');
    await act(s.op, p.id, 'report_investigation', { cause: '原因', policy: '方針' });
    expect((await act(s.sup, p.id, 'continue_to_fix')).json().state).toBe('studying');
    await act(s.op, p.id, 'report_study', { permanentFix: '手順書の全面改訂' });
    expect((await act(s.sup, p.id, 'decline_fix')).statusCode).toBe(400);
    expect((await act(s.sup, p.id, 'implement', { changeRef: 'CHG-2026-000010' })).json()).toMatchObject({ state: 'implementing', changeRef: 'CHG-2026-000010' });
    await act(s.op, p.id, 'report_result', { result: '改訂版を適用' });
    expect((await act(s.sup, p.id, 'reject_resolution')).statusCode).toBe(400);
    expect((await act(s.sup, p.id, 'reject_resolution', { reason: '再発防止が不十分' })).json().state).toBe('studying');
    await act(s.op, p.id, 'report_study', { permanentFix: 'チェックリスト追加' });
    await act(s.sup, p.id, 'implement');
    await act(s.op, p.id, 'report_result', { result: 'チェックリストを運用開始' });
    const done = await act(s.sup, p.id, 'approve_resolution');
    expect(done.json().state).toBe('closed');
    const rec = (await get(s.sup, `/api/problems/${p.id}`)).json();
    expect(rec.decisions.map((d: { answer: boolean; reason: string | null }) => d.answer)).toEqual([true, true, true, false, true, true]);
    expect(rec.decisions.filter((d: { answer: boolean }) => !d.answer).every((d: { reason: string | null }) => d.reason)).toBe(true);
    expect(rec.process.history.at(-1).action).toBe('approve_resolution');
    expect(rec.process.actions).toEqual([]);
  });

  it('a stale version is refused with 409', async () => {
    const p = await register();
    const res = await send(s.mgr, 'POST', `/api/problems/${p.id}/actions/propose_priority`, { version: 7, criteria, dueAt: jst('2026-12-25T17:00').toISOString() });
    expect(res.statusCode).toBe(409);
  });
});

describe('preventive-maintenance target list (PRB-4) and the ledger (X-3)', () => {
  it('lists targets by category and updates with optimistic concurrency', async () => {
    const hw = (await send(s.op, 'POST', '/api/problems/preventive-targets', { category: 'hardware', kind: 'storage', name: 'ストレージ装置' })).json();
    const list = (await get(s.sup, '/api/problems/preventive-targets?category=hardware')).json();
    expect(list.items.map((x: { name: string }) => x.name)).toEqual(['ストレージ装置']);
    expect((await send(s.op, 'PATCH', `/api/problems/preventive-targets/${hw.id}`, { version: 1, collectionMethod: '保守ベンダーからのメール' })).statusCode).toBe(200);
    expect((await send(s.op, 'PATCH', `/api/problems/preventive-targets/${hw.id}`, { version: 1, active: false })).statusCode).toBe(409);
  });

  it('lists, filters and exports the problem ledger', async () => {
    const open = (await get(s.mgr, '/api/problems?open=true&sort=receiptNo&pageSize=2')).json();
    expect(open.items).toHaveLength(2);
    expect(open.total).toBeGreaterThan(2);
    const csv = await get(s.mgr, '/api/problems.csv');
    const rows = parse(csv.rawPayload.subarray(3).toString('utf8')) as string[][];
    expect(rows[0]!.slice(0, 4)).toEqual(['問題番号', '登録日時', '起因', '件名']);
    expect(rows.length).toBeGreaterThan(4);
  });
});

describe('system owners see the problems linked to their incidents (ORG-4), read-only', () => {
  const inquiry = async (departmentId: string, title: string) =>
    (await send(s.op, 'POST', '/api/incidents', { title, description: '障害の問合せ', source: 'system_owner', class: 'qa', departmentId })).json();
  let a: { id: string; receiptNo: string };
  let b: { id: string; receiptNo: string };
  let pA: { id: string };
  let pB: { id: string };
  let pAB: { id: string };
  const ids = (res: { json(): { items: { id: string }[] } }) => res.json().items.map((x) => x.id).sort();

  beforeAll(async () => {
    a = await inquiry(dept, '土木部の問合せ');
    b = await inquiry(deptB, '教育庁の問合せ');
    pA = await register({ title: '土木部の根本原因', source: 'incident_root_cause', incidentIds: [a.id] });
    pB = await register({ title: '教育庁の根本原因', source: 'incident_root_cause', incidentIds: [b.id] });
    pAB = await register({ title: '共通の根本原因', source: 'incident_rollout', incidentIds: [a.id, b.id] });
  });

  it('an owner lists and opens only the problems linked to incidents they can see, with only their incidents', async () => {
    expect(ids(await get(s.owner, '/api/problems?pageSize=100'))).toEqual([pA.id, pAB.id].sort());
    expect(ids(await get(s.ownerB, '/api/problems?pageSize=100'))).toEqual([pB.id, pAB.id].sort());
    const shared = (await get(s.owner, `/api/problems/${pAB.id}`)).json();
    expect(shared.incidents.map((i: { id: string }) => i.id)).toEqual([a.id]);
    expect(shared.process.actions).toEqual([]);
    expect(shared.mails).toEqual([]);
    expect((await get(s.mgr, `/api/problems/${pAB.id}`)).json().incidents).toHaveLength(2);
    const csv = await get(s.owner, '/api/problems.csv');
    const rows = parse(csv.rawPayload.subarray(3).toString('utf8')) as string[][];
    expect(rows.slice(1).map((r) => r[3]).sort()).toEqual(['共通の根本原因', '土木部の根本原因']);
  });

  it('never another department’s problem, and nothing to change', async () => {
    expect((await get(s.owner, `/api/problems/${pB.id}`)).statusCode).toBe(404);
    expect((await get(s.ownerB, `/api/problems/${pA.id}`)).statusCode).toBe(404);
    expect((await act(s.owner, pA.id, 'propose_priority', { criteria, dueAt: jst('2026-12-25T17:00').toISOString() })).statusCode).toBe(403);
    expect((await send(s.owner, 'POST', `/api/problems/${pA.id}/incidents`, { incidentId: a.id })).statusCode).toBe(403);
    expect((await send(s.owner, 'POST', `/api/problems/${pAB.id}/incidents/${b.id}/unlink`, { reason: '無関係' })).statusCode).toBe(403);
    // The vendor's own 予防保守対象機器一覧 is not a department's view.
    expect((await get(s.owner, '/api/problems/preventive-targets')).statusCode).toBe(403);
    // A person with all-departments incident reading but no problem role (ICT centre manager) sees none.
    expect((await get(s.ict, `/api/problems/${pA.id}`)).statusCode).toBe(403);
  });

  it('unlinking an incident needs a reason; it is kept in both histories and the audit log, and scope follows', async () => {
    const url = `/api/problems/${pAB.id}/incidents/${b.id}/unlink`;
    for (const body of [{}, { reason: '' }, { reason: '   ' }]) {
      const res = await send(s.op, 'POST', url, body);
      expect(res.statusCode).toBe(400);
      expect(Object.keys(res.json().error.fields)).toEqual(['reason']);
    }
    const res = await send(s.op, 'POST', url, { reason: '教育庁の事象は別原因（ネットワーク）と判明' });
    expect(res.statusCode).toBe(200);
    expect(res.json().incidents.map((i: { id: string }) => i.id)).toEqual([a.id]);
    // The second click from a stale page changes nothing.
    expect((await send(s.op, 'POST', url, { reason: '再実行' })).statusCode).toBe(404);
    const p = (await get(s.mgr, `/api/problems/${pAB.id}`)).json();
    expect(p.process.history.at(-1)).toMatchObject({ action: 'unlink_incident', actor: 'op (op)', comment: `${b.receiptNo} の紐付けを解除：教育庁の事象は別原因（ネットワーク）と判明` });
    const inc = (await get(s.mgr, `/api/incidents/${b.id}`)).json();
    expect(inc.problemIds).not.toContain(pAB.id);
    expect(inc.process.history.at(-1)).toMatchObject({ action: 'unlink_problem', comment: expect.stringContaining('教育庁の事象は別原因') });
    const audit = (await get(s.sup, `/api/audit?entityId=${pAB.id}`)).json();
    expect(JSON.stringify(audit)).toContain('problem.unlink_incident');
    // The other department's owner no longer sees the problem.
    expect((await get(s.ownerB, `/api/problems/${pAB.id}`)).statusCode).toBe(404);
    expect(ids(await get(s.ownerB, '/api/problems?pageSize=100'))).toEqual([pB.id]);
  });

  it('a problem raised from an incident keeps its last incident; a closed problem keeps its links', async () => {
    const last = await send(s.op, 'POST', `/api/problems/${pA.id}/incidents/${a.id}/unlink`, { reason: '誤登録' });
    expect(last.statusCode).toBe(409);
    expect(last.json().error.message).toBe('インシデントを起因とする問題から、最後のインシデントの紐付けは解除できません。');
    const p = await register({ title: '改善', source: 'improvement', incidentIds: [a.id] });
    await act(s.mgr, p.id, 'propose_priority', { criteria: { ...criteria, citizensOrManyDepartments: false }, dueAt: jst('2026-12-25T17:00').toISOString() });
    await act(s.sup, p.id, 'agree_priority');
    await act(s.op, p.id, 'report_investigation', { cause: '原因', policy: '方針' });
    await act(s.sup, p.id, 'close_without_fix', { reason: '対処不要' });
    expect((await send(s.op, 'POST', `/api/problems/${p.id}/incidents/${a.id}/unlink`, { reason: '誤登録' })).statusCode).toBe(409);
  });

  it('a closed High-priority trouble keeps its only problem (INC-10)', async () => {
    const c = await inquiry(dept, '重大障害');
    const p = await register({ title: '重大障害の再発防止', source: 'improvement', incidentIds: [c.id, a.id] });
    // As if the trouble had run its course: High priority, closed with this problem as its root-cause record.
    await t.database.db.update(incidents).set({ class: 'trouble', priority: 'high', state: 'closed' }).where(eq(incidents.id, c.id));
    const res = await send(s.op, 'POST', `/api/problems/${p.id}/incidents/${c.id}/unlink`, { reason: '誤登録' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toBe(`${c.receiptNo} は優先度「高」のクローズ済みトラブルで、問題の紐付けが必要なため解除できません。`);
    expect((await send(s.op, 'POST', `/api/problems/${p.id}/incidents/${a.id}/unlink`, { reason: '別事象' })).statusCode).toBe(200);
  });
});
