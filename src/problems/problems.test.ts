import { asc, eq } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJstLocal } from '../calendar/index.ts';
import { admin, TEST_PASSWORD, type TestApp, testApp } from '../http/testing.ts';
import { outbox } from '../notify/index.ts';
import { problemDecisions } from './schema.ts';

/** Problem management through the HTTP API (PRB-1..4). */
let t: TestApp;
type Session = { cookie: string; csrf: string };
const s = {} as Record<'op' | 'mgr' | 'sup' | 'owner', Session>;

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
  const dept = (await t.iam.createDepartment(admin, { code: 'D10', name: '土木部', kind: 'prefecture' })).id;
  const person = (login: string, roles: string[], extra: Record<string, unknown> = {}) =>
    t.iam.createPerson(admin, { login, displayName: login, password: TEST_PASSWORD, roles: roles as never, ...extra });
  await person('op', ['operator']);
  await person('mgr', ['vendor_manager']);
  await person('sup', ['supervisor'], { email: 'tokatsu@pref.example.lg.jp' });
  await person('owner', ['system_owner'], { departmentId: dept });
  for (const k of ['op', 'mgr', 'sup', 'owner'] as const) s[k] = await t.login(k);
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
    expect((await get(s.owner, '/api/problems')).statusCode).toBe(403);
  });

  it('critical preventive-maintenance information is reported to the supervisor at once (PRB-4)', async () => {
    const target = await send(s.op, 'POST', '/api/problems/preventive-targets', { category: 'software', kind: 'esxi', name: 'ESXi 8.0', vendor: 'VMware' });
    expect(target.statusCode).toBe(201);
    const p = await register({ title: 'ESXi 重大脆弱性 VMSA-2026-0001', source: 'preventive_os', critical: true, preventiveTargetId: target.json().id });
    const mails = await t.database.db.select().from(outbox).where(eq(outbox.recordId, p.id));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.toAddresses).toEqual(['tokatsu@pref.example.lg.jp']);
    expect(mails[0]!.subject).toContain('重大な予防保守情報');
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
    expect(rec.timeline.at(-1).action).toBe('approve_resolution');
    expect(rec.allowedActions).toEqual([]);
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
