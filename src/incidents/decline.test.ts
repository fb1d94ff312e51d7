import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJstLocal } from '../calendar/index.ts';
import { createCmdbService } from '../cmdb/index.ts';
import { admin, type TestApp, testApp } from '../http/testing.ts';
import { createOutboxWorker, outbox } from '../notify/index.ts';
import { startTestSmtpServer, type TestSmtpServer } from '../notify/testing.ts';

/**
 * INC-3 (N §3.2.3.2): an out-of-scope work request the supervisor declines — 「実施しない場合は、その旨を
 * 統括責任者からシステム所管に通知する」 — mails the requester and the system owners of the requester's
 * department (its 「システム所管」 people and the escalation-list contacts of its systems), copying the
 * supervisors; another department's owners are not told. Delivered through the real SMTP test server.
 */
let t: TestApp;
let smtp: TestSmtpServer;
let deptA: string;
let requesterId: string;
type Session = { cookie: string; csrf: string };
const s = {} as Record<'op' | 'mgr' | 'sup' | 'ownerA', Session>;

/** Moves the fake clock and logs everyone in again (sessions idle out as the clock jumps). */
async function at(x: string) {
  t.clock.set(parseJstLocal(x));
  for (const k of Object.keys(s) as (keyof typeof s)[]) s[k] = await t.login(k);
}
const get = (who: Session, url: string) => t.app.inject({ url, headers: { cookie: who.cookie } });
const post = (who: Session, url: string, payload: unknown) =>
  t.app.inject({ method: 'POST', url, payload: payload as object, headers: { cookie: who.cookie, 'x-csrf-token': who.csrf } });
const act = async (who: Session, id: string, action: string, body: Record<string, unknown> = {}) => {
  const version = (await get(s.op, `/api/incidents/${id}`)).json().version;
  return post(who, `/api/incidents/${id}/actions/${action}`, { version, ...body });
};
const mailsOf = (id: string) => t.database.db.select().from(outbox).where(eq(outbox.recordId, id)).orderBy(asc(outbox.createdAt));

async function referred(body: Record<string, unknown>) {
  const id = (await post(s.op, '/api/incidents', { title: '業務アプリの改修依頼', description: 'アプリケーションの画面を改修してほしい', source: 'system_owner', class: 'work_request', ...body })).json().id;
  expect((await act(s.op, id, 'escalate', { comment: 'オペレーション一覧にない' })).statusCode).toBe(200);
  expect((await act(s.mgr, id, 'refer', { comment: '保守対象範囲外（アプリケーション）' })).statusCode).toBe(200);
  return id as string;
}

beforeAll(async () => {
  t = await testApp();
  smtp = await startTestSmtpServer();
  t.clock.set(parseJstLocal('2026-11-24T10:00'));
  const why = { reason: 'テスト用の登録' };
  deptA = (await t.iam.createDepartment(admin, { code: 'D10', name: '土木部道路建設課', kind: 'prefecture' })).id;
  const deptB = (await t.iam.createDepartment(admin, { code: 'D20', name: '教育庁総務課', kind: 'prefecture' })).id;
  const person = t.person;
  await person('op', ['operator'], { email: 'op@vendor.example.jp' });
  await person('mgr', ['vendor_manager'], { email: 'mgr@vendor.example.jp' });
  await person('sup', ['supervisor'], { email: 'tokatsu@pref.example.lg.jp' });
  requesterId = (await person('ownerA', ['system_owner'], { departmentId: deptA, email: 'yamada@pref.example.lg.jp' })).id;
  await person('ownerA2', ['system_owner'], { departmentId: deptA, email: 'suzuki@pref.example.lg.jp' });
  await person('ownerB', ['system_owner'], { departmentId: deptB, email: 'kyoiku-owner@pref.example.lg.jp' });
  for (const k of ['op', 'mgr', 'sup', 'ownerA'] as const) s[k] = await t.login(k);
  const cmdb = createCmdbService({ db: t.database.db, clock: t.clock });
  const sysA = await cmdb.create(admin, 'system', { name: '道路台帳管理システム', code: 'doro', departmentId: deptA, serviceLevel: 'B', ...why });
  const sysB = await cmdb.create(admin, 'system', { name: '教育システム', code: 'kyoiku', departmentId: deptB, serviceLevel: 'A', ...why });
  await cmdb.create(admin, 'contact', { name: '道路 太郎', systemId: sysA.id, email: 'doro@pref.example.lg.jp', ...why });
  await cmdb.create(admin, 'contact', { name: '教育 花子', systemId: sysB.id, email: 'kyoiku@pref.example.lg.jp', ...why });
});
afterAll(async () => {
  await smtp.stop();
  await t.close();
});

describe('a declined out-of-scope work request tells the owner (INC-3)', () => {
  it('mails the requester and their department’s system owners, copying the supervisor, in the decision’s transaction', async () => {
    const id = await referred({ requesterId, requesterName: '土木部道路建設課 山田', departmentId: deptA });
    expect(await mailsOf(id)).toHaveLength(0); // escalation and referral mail nobody
    const noReason = await act(s.sup, id, 'decline');
    expect(noReason.statusCode).toBe(400);
    expect(Object.keys(noReason.json().error.fields)).toEqual(['comment']);
    expect(await mailsOf(id)).toHaveLength(0);

    await at('2026-11-24T14:30');
    const res = await act(s.sup, id, 'decline', { comment: 'アプリケーションの改修は基盤の保守対象外のため、システム所管で対応してください。' });
    expect(res.json()).toMatchObject({ state: 'closed', routeTo: 'declined' });
    const [m, ...more] = await mailsOf(id);
    expect(more).toHaveLength(0);
    expect(m!.template).toBe('incident.work_request_declined');
    expect(m!.toAddresses).toEqual(['yamada@pref.example.lg.jp', 'suzuki@pref.example.lg.jp', 'doro@pref.example.lg.jp']);
    expect(m!.ccAddresses).toEqual(['tokatsu@pref.example.lg.jp']);
    const receiptNo = res.json().receiptNo as string;
    expect(m!.subject).toBe(`【第三期サーバ仮想基盤】依頼作業の実施見送りのご連絡（${receiptNo}）`);
    expect(m!.body).toContain('土木部道路建設課 山田 様');
    expect(m!.body).toContain(`受付番号 ：${receiptNo}`);
    expect(m!.body).toContain('判断日時 ：2026年11月24日(火) 14:30');
    expect(m!.body).toContain('理由 ：アプリケーションの改修は基盤の保守対象外のため');

    // The mail is on the record, and goes out over SMTP.
    const rec = (await get(s.op, `/api/incidents/${id}`)).json();
    expect(rec.mails.map((x: { subject: string }) => x.subject)).toEqual([m!.subject]);
    const worker = createOutboxWorker({ db: t.database.db, clock: t.clock, transport: smtp.transport(), from: 'kiban@ops.example.jp' });
    await worker.runOnce();
    const got = smtp.received.find((x) => x.subject === m!.subject)!;
    expect(got.envelopeTo.sort()).toEqual(['doro@pref.example.lg.jp', 'suzuki@pref.example.lg.jp', 'tokatsu@pref.example.lg.jp', 'yamada@pref.example.lg.jp']);
    expect(got.text).toContain('統括責任者の判断により実施しないこととなりました');
    expect(smtp.received.flatMap((x) => x.envelopeTo)).not.toContain('kyoiku@pref.example.lg.jp');
    expect(smtp.received.flatMap((x) => x.envelopeTo)).not.toContain('kyoiku-owner@pref.example.lg.jp');
  });

  it('without a requester person, the department named on the inquiry is told', async () => {
    const id = await referred({ requesterName: '土木部 電話での依頼', departmentId: deptA });
    await act(s.sup, id, 'decline', { comment: '対象外' });
    const [m] = await mailsOf(id);
    expect(m!.toAddresses).toEqual(['suzuki@pref.example.lg.jp', 'yamada@pref.example.lg.jp', 'doro@pref.example.lg.jp']);
  });

  it('accepting the request mails nobody; an inquiry with no department and no requester declines without a mail', async () => {
    const accepted = await referred({ departmentId: deptA });
    expect((await act(s.sup, accepted, 'accept')).statusCode).toBe(200);
    expect(await mailsOf(accepted)).toHaveLength(0);
    const anonymous = await referred({ requesterName: '匿名の問合せ' });
    expect((await act(s.sup, anonymous, 'decline', { comment: '対象外' })).json().state).toBe('closed');
    expect(await mailsOf(anonymous)).toHaveLength(0);
  });
});
