import { and, asc, eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJstLocal } from '../calendar/index.ts';
import { type CmdbService, createCmdbService } from '../cmdb/index.ts';
import { admin, type TestApp, testApp } from '../http/testing.ts';
import { createOutboxWorker, outbox } from '../notify/index.ts';
import { startTestSmtpServer, type TestSmtpServer } from '../notify/testing.ts';
import { incidentRouting } from './schema.ts';

/**
 * Incident management end to end through the HTTP API (INC-1..10) on a small estate:
 *
 *   hq-esx01: bp-doro-web01 (道路台帳, level B, 土木部 → doro@)
 *   hq-esx02: ap-kyoiku-db01 (教育システム, level A, 教育庁 → kyoiku@)
 *
 * Supervisors and the ICT-centre manager get every trouble mail; system owners only their systems'.
 */
let t: TestApp;
let smtp: TestSmtpServer;
let cmdb: CmdbService;
let deptA: string;
let deptB: string;
let host1: string;
let host2: string;
let vmA: string;
let vmB: string;
let sup1Id: string;

type Session = { cookie: string; csrf: string };
const s = {} as Record<'op' | 'mgr' | 'sup1' | 'sup2' | 'ownerA' | 'ownerB' | 'kosei', Session>;

const jst = (x: string) => parseJstLocal(x);
/** Moves the fake clock and logs everyone in again (sessions expire as the clock jumps days). */
async function at(x: string) {
  t.clock.set(jst(x));
  for (const k of Object.keys(s) as (keyof typeof s)[]) s[k] = await t.login(k);
}
const get = (who: Session, url: string, lang = 'ja') => t.app.inject({ url, headers: { cookie: who.cookie, 'accept-language': lang } });
const post = (who: Session, url: string, payload: unknown) =>
  t.app.inject({ method: 'POST', url, payload: payload as object, headers: { cookie: who.cookie, 'x-csrf-token': who.csrf } });
const act = async (who: Session, id: string, action: string, body: Record<string, unknown> = {}) => {
  const version = (await get(s.op, `/api/incidents/${id}`)).json().version;
  return post(who, `/api/incidents/${id}/actions/${action}`, { version, ...body });
};
const mailsOf = (id: string) =>
  t.database.db.select().from(outbox).where(eq(outbox.recordId, id)).orderBy(asc(outbox.createdAt), asc(outbox.id));

const noUrgency = { citizenServiceStopped: false, citizenImpact: false, financialOrReputation: false, wideImpact: false };
const high = { ...noUrgency, citizenImpact: true };
const why = { reason: 'テスト用の登録' };

function trouble(affected: { hostIds?: string[]; vmIds?: string[]; platform?: boolean }, extra: Record<string, unknown> = {}) {
  return {
    title: 'ESXiサーバ障害',
    description: 'ホストが応答しない',
    source: 'monitoring',
    class: 'trouble',
    urgency: high,
    platformCaused: true,
    affected,
    ...extra,
  };
}

beforeAll(async () => {
  t = await testApp();
  smtp = await startTestSmtpServer();
  cmdb = createCmdbService({ db: t.database.db, clock: t.clock });
  deptA = (await t.iam.createDepartment(admin, { code: 'D10', name: '土木部道路建設課', kind: 'prefecture' })).id;
  deptB = (await t.iam.createDepartment(admin, { code: 'D20', name: '教育庁総務課', kind: 'prefecture' })).id;
  const person = t.person;
  await person('op', ['operator'], { email: 'op@vendor.example.jp' });
  await person('mgr', ['vendor_manager'], { email: 'mgr@vendor.example.jp' });
  sup1Id = (await person('sup1', ['supervisor'], { email: 'tokatsu1@pref.example.lg.jp' })).id;
  await person('sup2', ['supervisor'], { email: 'tokatsu2@pref.example.lg.jp' });
  await person('ict', ['ict_manager'], { email: 'ict@pref.example.lg.jp' });
  await person('ownerA', ['system_owner'], { departmentId: deptA });
  await person('ownerB', ['system_owner'], { departmentId: deptB });
  await person('kosei', ['operator', 'config_manager']);
  for (const k of ['op', 'mgr', 'sup1', 'sup2', 'ownerA', 'ownerB', 'kosei'] as const) s[k] = await t.login(k);

  const site = await cmdb.create(admin, 'site', { name: '県庁舎サーバルーム', code: 'HQ', status: 'active', ...why });
  const cluster = await cmdb.create(admin, 'cluster', { name: 'hq-prod-cl01', siteId: site.id, status: 'active', ...why });
  const host = (name: string) =>
    cmdb.create(admin, 'host', { name, siteId: site.id, clusterId: cluster.id, cpuCores: 48, cpuGhz: 2.8, memoryGib: 1024, status: 'active', ...why });
  host1 = (await host('hq-esx01')).id;
  host2 = (await host('hq-esx02')).id;
  const sysA = await cmdb.create(admin, 'system', { name: '道路台帳管理システム', code: 'doro', departmentId: deptA, serviceLevel: 'B', ...why });
  const sysB = await cmdb.create(admin, 'system', { name: '教育システム', code: 'kyoiku', departmentId: deptB, serviceLevel: 'A', ...why });
  vmA = (await cmdb.create(admin, 'vm', { name: 'bp-doro-web01', systemId: sysA.id, hostId: host1, vcpu: 2, memoryGib: 8, diskGib: 100, ...why })).id;
  vmB = (await cmdb.create(admin, 'vm', { name: 'ap-kyoiku-db01', systemId: sysB.id, hostId: host2, vcpu: 4, memoryGib: 16, diskGib: 200, ...why })).id;
  await cmdb.create(admin, 'contact', { name: '道路 太郎', systemId: sysA.id, email: 'doro@pref.example.lg.jp', ...why });
  await cmdb.create(admin, 'contact', { name: '教育 花子', systemId: sysB.id, email: 'kyoiku@pref.example.lg.jp', ...why });
});
afterAll(async () => {
  await smtp.stop();
  await t.close();
});

describe('受付・登録 (INC-1, INC-2)', () => {
  it('every inquiry gets a receipt number INC-YYYY-NNNNNN, counting up', async () => {
    await at('2026-11-24T10:00');
    const a = await post(s.op, '/api/incidents', { title: '移行の質問', description: '移行手順について', source: 'system_owner', class: 'qa', departmentId: deptA });
    const b = await post(s.op, '/api/incidents', { title: 'ICTから回送', description: '利用方法について', source: 'ict_centre', class: 'qa' });
    expect(a.statusCode).toBe(201);
    expect(a.json().receiptNo).toMatch(/^INC-2026-\d{6}$/);
    expect(Number(b.json().receiptNo.slice(-6))).toBe(Number(a.json().receiptNo.slice(-6)) + 1);
    expect(a.json().state).toBe('registered');
  });

  it('a trouble without urgency, cause or affected items is refused, naming each missing field', async () => {
    const res = await post(s.op, '/api/incidents', { title: '障害', description: '停止', source: 'monitoring', class: 'trouble' });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json().error.fields).sort()).toEqual(['affected', 'platformCaused', 'urgency']);
  });

  it('a system owner cannot register (role refused)', async () => {
    const res = await post(s.ownerA, '/api/incidents', { title: 'x', description: 'y', source: 'system_owner', class: 'qa' });
    expect(res.statusCode).toBe(403);
  });
});

describe('reference data (the process itself is the workbench’s /api/processes/incident)', () => {
  it('gives the report timetable with its labels and the recovery targets', async () => {
    const res = await get(s.ownerA, '/api/incidents/report-rules');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.reportRules).toHaveLength(16);
    expect(body.reportRules[0]).toMatchObject({ key: expect.any(String), continuingLabel: { ja: expect.any(String), en: expect.any(String) } });
    expect(Object.keys(body.recoveryTargets).sort()).toEqual(['A', 'B', 'C']);
    expect(body).not.toHaveProperty('states');
  });
});

describe('report deadlines and recipients of a host failure (INC-5, INC-7, INC-8)', () => {
  let id: string;

  it('a High host failure in business hours on a host carrying a level-B VM: first report within 30 minutes', async () => {
    await at('2026-11-24T10:00');
    const res = await post(s.op, '/api/incidents', trouble({ hostIds: [host1] }));
    expect(res.statusCode).toBe(201);
    id = res.json().id;
    const rec = (await get(s.op, `/api/incidents/${id}`)).json();
    expect(rec).toMatchObject({ priority: 'high', scope: 'vm', serviceLevel: 'B', detectedInBusinessHours: true, reportRule: 'vm:B:high:in' });
    expect(rec.deadlines.firstReport.dueAt).toBe(jst('2026-11-24T10:30').toISOString());
    expect(rec.deadlines.recovery.dueAt).toBe(jst('2026-11-24T14:00').toISOString());
    expect(rec.deadlines.rule.firstChannelLabel.ja).toBe('電話およびメール');
    expect(rec.recipients.to).toEqual(['tokatsu1@pref.example.lg.jp', 'tokatsu2@pref.example.lg.jp', 'doro@pref.example.lg.jp', 'ict@pref.example.lg.jp']);
    expect(rec.process.actions.map((a: { action: string }) => a.action)).toEqual(['escalate', 'dispatch']);
    expect(rec.process.history.map((h: { action: string }) => h.action)).toEqual(['register']);
  });

  it('after a vMotion puts the education VM on the failed host, the first report goes to its owner too', async () => {
    const moved = await post(s.kosei, '/api/cmdb/placements', { vm: { id: vmB }, host: { id: host1 }, source: 'api', event: 'VmMigratedEvent' });
    expect(moved.statusCode).toBe(200);
    await at('2026-11-24T10:20');
    const version = (await get(s.op, `/api/incidents/${id}`)).json().version;
    const res = await post(s.mgr, `/api/incidents/${id}/reports`, { version, kind: 'first' });
    expect(res.statusCode).toBe(200);
    const [m] = await mailsOf(id);
    expect(m!.subject).toBe('【第三期サーバ仮想基盤障害発生】第一報');
    expect(m!.toAddresses).toContain('kyoiku@pref.example.lg.jp');
    // The education department's owner now sees the host trouble too: their VM runs on the failed host (ORG-4).
    expect((await get(s.ownerB, `/api/incidents/${id}`)).statusCode).toBe(200);
    expect(m!.toAddresses).toContain('doro@pref.example.lg.jp');
    expect(m!.body).toContain('影響を受けている仮想マシン ：ap-kyoiku-db01、bp-doro-web01');
    expect(m!.body).toContain('発生日時 ：2026年11月24日(火) 10:00');
    const rec = (await get(s.op, `/api/incidents/${id}`)).json();
    expect(rec.deadlines.firstReport).toMatchObject({ doneAt: jst('2026-11-24T10:20').toISOString(), overdue: false });
    expect(rec.deadlines.nextReport.dueAt).toBe(jst('2026-11-24T11:20').toISOString());
    expect(rec.reports[0]).toMatchObject({ kind: 'first', channel: 'phone_and_mail', late: false });
    expect(rec.mails).toHaveLength(1);
    // Higher service levels are recovered first (N §3.2.3.4).
    expect(rec.affected.recoveryOrder).toEqual([
      { name: 'ap-kyoiku-db01', level: 'A' },
      { name: 'bp-doro-web01', level: 'B' },
    ]);
  });

  it('when the road VM is moved away, the next report no longer goes to its owner', async () => {
    await post(s.kosei, '/api/cmdb/placements', { vm: { id: vmA }, host: { id: host2 }, source: 'api', event: 'DrsVmMigratedEvent' });
    await at('2026-11-24T11:10');
    const version = (await get(s.op, `/api/incidents/${id}`)).json().version;
    const res = await post(s.mgr, `/api/incidents/${id}/reports`, {
      version,
      kind: 'continuing',
      symptom: 'ESXiサーバが応答しない',
      businessImpact: '教育システムが停止',
      expectedRecovery: '12:00 見込み',
      probableCause: 'ハードウェア障害',
      progress: '10:05 HA発動を確認',
    });
    expect(res.statusCode).toBe(200);
    const mails = await mailsOf(id);
    expect(mails).toHaveLength(2);
    expect(mails[1]!.subject).toBe('【第三期サーバ仮想基盤障害発生】継続報');
    expect(mails[1]!.toAddresses).toEqual(['tokatsu1@pref.example.lg.jp', 'tokatsu2@pref.example.lg.jp', 'kyoiku@pref.example.lg.jp', 'ict@pref.example.lg.jp']);
    // Put the road VM back where the other tests expect it.
    await post(s.kosei, '/api/cmdb/placements', { vm: { id: vmA }, host: { id: host1 }, source: 'api', event: 'VmMigratedEvent' });
    await post(s.kosei, '/api/cmdb/placements', { vm: { id: vmB }, host: { id: host2 }, source: 'api', event: 'VmMigratedEvent' });
  });

  it('the mails reach a real SMTP server in N’s format', async () => {
    const worker = createOutboxWorker({ db: t.database.db, clock: t.clock, transport: smtp.transport(), from: 'kiban@ops.example.jp' });
    const r = await worker.runOnce();
    expect(r.sent).toBeGreaterThanOrEqual(2);
    const first = smtp.received.find((m) => m.subject === '【第三期サーバ仮想基盤障害発生】第一報')!;
    expect(first.envelopeTo).toContain('kyoiku@pref.example.lg.jp');
    expect(first.text).toContain('<第一報>');
  });

  it('an hourly continuing report not made in time is flagged overdue and listed by the stocktake', async () => {
    await at('2026-11-24T12:11');
    const rec = (await get(s.op, `/api/incidents/${id}`)).json();
    expect(rec.deadlines.nextReport).toMatchObject({ dueAt: jst('2026-11-24T12:10').toISOString(), overdue: true });
    expect(rec.overdue).toBe(true);
    const st = (await get(s.mgr, '/api/incidents/stocktake')).json();
    const row = st.overdue.find((x: { id: string }) => x.id === id);
    expect(row.reasons).toEqual(['continuing_report']);
    expect(st.undispatched.some((x: { id: string }) => x.id === id)).toBe(true);
    const list = (await get(s.mgr, '/api/incidents?overdue=true&class=trouble')).json();
    expect(list.items.map((x: { id: string }) => x.id)).toContain(id);
    const due = (await get(s.op, '/api/incidents/reports-due')).json();
    expect(due.items.find((x: { id: string }) => x.id === id)).toMatchObject({ overdue: true });
  });

  it('the manager records the stocktake; quality targets at risk are reported to the supervisors by mail', async () => {
    expect((await post(s.op, '/api/incidents/stocktakes', { atRisk: false })).statusCode).toBe(403);
    const noNote = await post(s.mgr, '/api/incidents/stocktakes', { atRisk: true });
    expect(noNote.statusCode).toBe(400);
    expect(Object.keys(noNote.json().error.fields)).toEqual(['note']);
    const res = await post(s.mgr, '/api/incidents/stocktakes', { atRisk: true, note: '継続報の遅延', correctiveAction: '夜間の報告当番を増員' });
    expect(res.statusCode).toBe(201);
    const rec = res.json();
    expect(rec.overdue.length).toBeGreaterThan(0);
    const [m] = await t.database.db.select().from(outbox).where(eq(outbox.id, rec.mailId));
    expect(m!.toAddresses).toEqual(['tokatsu1@pref.example.lg.jp', 'tokatsu2@pref.example.lg.jp']);
    expect(m!.body).toContain('夜間の報告当番を増員');
    expect((await get(s.sup1, '/api/incidents/stocktakes')).json().items[0].id).toBe(rec.id);
    expect((await get(s.ownerA, '/api/incidents/stocktakes')).statusCode).toBe(403);
  });

  it('a trouble detected out of hours (Saturday 03:00) on a level-A VM: first report within 30 minutes by phone, no mail', async () => {
    await at('2026-11-28T03:05');
    const res = await post(s.op, '/api/incidents', trouble({ vmIds: [vmB] }, { detectedAt: jst('2026-11-28T03:00').toISOString() }));
    const rec = (await get(s.op, `/api/incidents/${res.json().id}`)).json();
    expect(rec).toMatchObject({ reportRule: 'vm:A:high:out', detectedInBusinessHours: false, serviceLevel: 'A' });
    expect(rec.deadlines.firstReport.dueAt).toBe(jst('2026-11-28T03:30').toISOString());
    await at('2026-11-28T03:40');
    const late = (await get(s.op, `/api/incidents/${rec.id}`)).json();
    expect(late.deadlines.firstReport.overdue).toBe(true);
    const r = await post(s.mgr, `/api/incidents/${rec.id}/reports`, { version: late.version, kind: 'first' });
    expect(r.statusCode).toBe(200);
    const after = (await get(s.op, `/api/incidents/${rec.id}`)).json();
    expect(after.reports[0]).toMatchObject({ kind: 'first', channel: 'phone', late: true, mailId: null });
    expect(await mailsOf(rec.id)).toHaveLength(0);
  });

  it('a platform-wide trouble mails every system owner', async () => {
    await at('2026-11-24T10:00');
    const res = await post(s.op, '/api/incidents', trouble({ platform: true }));
    const rec = (await get(s.op, `/api/incidents/${res.json().id}`)).json();
    expect(rec.reportRule).toBe('platform:high:in');
    expect(rec.deadlines.firstReport.dueAt).toBe(jst('2026-11-24T10:05').toISOString());
    expect(rec.recipients.systemOwners.sort()).toEqual(['doro@pref.example.lg.jp', 'kyoiku@pref.example.lg.jp']);

    // 優先度の見直し with the supervisor: Low → the Low row of the table, still counted from detection.
    const body = { version: rec.version, urgency: noUrgency, reason: '影響は限定的と判明' };
    expect((await post(s.op, `/api/incidents/${rec.id}/priority`, body)).statusCode).toBe(403);
    const low = (await post(s.mgr, `/api/incidents/${rec.id}/priority`, body)).json();
    expect(low).toMatchObject({ priority: 'low', reportRule: 'platform:low:in' });
    expect(low.firstReportDueAt).toBe(jst('2026-11-24T10:30').toISOString());
  });
});

describe('trouble recovery and close (INC-6, INC-10)', () => {
  let id: string;

  it('recovery needs an approved procedure; the procedure is reviewed by the manager and approved by the supervisor', async () => {
    await at('2026-11-25T10:00');
    id = (await post(s.op, '/api/incidents', trouble({ vmIds: [vmA] }))).json().id;
    expect((await act(s.op, id, 'dispatch')).statusCode).toBe(200);
    const work = { workFrom: jst('2026-11-25T10:30').toISOString(), workTo: jst('2026-11-25T11:00').toISOString(), workers: ['担当 一郎'], description: 'VM再起動', businessImpact: '道路台帳が30分停止' };
    const refused = await act(s.op, id, 'start_recovery', work);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toContain('承認済みの復旧手順');

    const missing = await act(s.op, id, 'submit_procedure', { probableCause: 'メモリ枯渇' });
    expect(missing.statusCode).toBe(400);
    expect(Object.keys(missing.json().error.fields).sort()).toEqual(['fallback', 'risks', 'schedule', 'steps']);
    expect((await act(s.op, id, 'submit_procedure', { probableCause: 'メモリ枯渇', steps: '1. 再起動', schedule: '10:30-11:00', risks: '再起動失敗', fallback: 'スナップショットから復元' })).statusCode).toBe(200);
    expect((await act(s.op, id, 'review_procedure')).statusCode).toBe(403);
    expect((await act(s.mgr, id, 'review_procedure')).statusCode).toBe(200);
    expect((await act(s.mgr, id, 'approve_procedure')).statusCode).toBe(403);
    expect((await act(s.sup1, id, 'approve_procedure')).statusCode).toBe(200);

    const start = await act(s.op, id, 'start_recovery', work);
    expect(start.statusCode).toBe(200);
    const [m] = await mailsOf(id);
    expect(m).toMatchObject({ subject: '【第三期サーバ仮想基盤障害発生】復旧作業開始連絡', template: 'incident.recovery_start', status: 'pending' });
    expect(m!.body).toContain('作業日時 ：2026年11月25日(水) 10:30 ～ 11:00');
    expect(m!.toAddresses).toContain('doro@pref.example.lg.jp');
    await at('2026-11-25T11:05');
    expect((await act(s.op, id, 'complete_recovery', { ...work, vmsMoved: true })).statusCode).toBe(200);
    expect((await mailsOf(id)).map((x) => x.template)).toEqual(['incident.recovery_start', 'incident.recovery_complete']);
  });

  it('provisional close waits for the VMs moved by HA to be returned, and names the missing fields', async () => {
    const closeInput = { requesterApproval: '道路 太郎様 電話で了承', resolution: 'VM再起動で復旧' };
    expect((await act(s.op, id, 'provisional_close', closeInput)).json().error.message).toContain('クラスタ内に戻す');
    expect((await act(s.op, id, 'confirm_vm_return', { comment: 'hq-esx01 に戻した' })).statusCode).toBe(200);
    const missing = await act(s.op, id, 'provisional_close', {});
    expect(missing.statusCode).toBe(400);
    expect(Object.keys(missing.json().error.fields).sort()).toEqual(['requesterApproval', 'resolution']);
    expect((await act(s.op, id, 'provisional_close', closeInput)).statusCode).toBe(200);
  });

  it('a stale version is refused with 409', async () => {
    const res = await post(s.mgr, `/api/incidents/${id}/actions/close`, { version: 1 });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toContain('ほかの利用者が先に更新しました');
  });

  it('an operator cannot close (role refused); the manager cannot close a High trouble without a linked problem', async () => {
    expect((await act(s.op, id, 'close')).statusCode).toBe(403);
    const res = await act(s.mgr, id, 'close');
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toContain('問題管理');
  });

  it('once a problem is opened for it, the manager closes it; the timeline tells the whole story', async () => {
    const p = await post(s.op, '/api/problems', { title: 'メモリ枯渇の根本原因', description: '再発防止', source: 'incident_root_cause', incidentIds: [id] });
    expect(p.statusCode).toBe(201);
    const res = await act(s.mgr, id, 'close');
    expect(res.statusCode).toBe(200);
    const rec = (await get(s.op, `/api/incidents/${id}`)).json();
    expect(rec.state).toBe('closed');
    expect(rec.problemIds).toEqual([p.json().id]);
    expect(rec.process.history.map((h: { action: string }) => h.action)).toEqual([
      'register',
      'dispatch',
      'submit_procedure',
      'review_procedure',
      'approve_procedure',
      'start_recovery',
      'complete_recovery',
      'confirm_vm_return',
      'provisional_close',
      'close',
    ]);
    expect(rec.process.actions).toEqual([]);
  });

  it('the manager returns a provisionally closed QA for correction with a comment', async () => {
    const qa = (await post(s.op, '/api/incidents', { title: '質問', description: '利用方法', source: 'ict_centre', class: 'qa' })).json().id;
    await act(s.op, qa, 'dispatch');
    await act(s.op, qa, 'provisional_close', { requesterApproval: 'メールで了承', resolution: '回答済' });
    expect((await act(s.mgr, qa, 'return')).statusCode).toBe(400);
    expect((await act(s.mgr, qa, 'return', { comment: '回答の根拠を追記' })).json().state).toBe('in_progress');
  });
});

describe("the requester's confirmation before a provisional close (N §3.2.3.7 クローズ承認)", () => {
  it("the operator answers; only the requester's department confirms or reopens it; the manager then closes", async () => {
    const qa = (await post(s.op, '/api/incidents', { title: '土木部の質問（承認）', description: '利用方法', source: 'system_owner', class: 'qa', departmentId: deptA })).json().id;
    await act(s.op, qa, 'dispatch');
    expect((await act(s.op, qa, 'request_confirmation', {})).statusCode).toBe(400);
    expect((await act(s.op, qa, 'request_confirmation', { resolution: '手順書の3章をご参照ください' })).json().state).toBe('awaiting_confirmation');
    const offered = (await get(s.ownerA, `/api/incidents/${qa}`)).json().process.actions.map((a: { action: string }) => a.action);
    expect(offered).toEqual(['confirm', 'reopen']);
    expect((await act(s.ownerB, qa, 'confirm')).statusCode).toBe(404);
    expect((await act(s.ownerA, qa, 'reopen', { comment: 'まだ解決していません' })).json().state).toBe('in_progress');
    await act(s.op, qa, 'request_confirmation', { resolution: '設定を修正しました' });
    const confirmed = (await act(s.ownerA, qa, 'confirm')).json();
    expect(confirmed).toMatchObject({ state: 'provisionally_closed' });
    expect((await act(s.mgr, qa, 'close')).json().state).toBe('closed');
    const rec = (await get(s.op, `/api/incidents/${qa}`)).json();
    expect(rec.process.history.map((h: { action: string; actor: string }) => `${h.action}:${h.actor}`)).toEqual([
      'register:op (op)',
      'dispatch:op (op)',
      'request_confirmation:op (op)',
      'reopen:ownerA (ownerA)',
      'request_confirmation:op (op)',
      'confirm:ownerA (ownerA)',
      'close:mgr (mgr)',
    ]);
  });
});

describe('work-request routing (INC-3)', () => {
  it('routes a monitoring suppression to MON and records the decision', async () => {
    const id = (await post(s.op, '/api/incidents', { title: '監視抑止依頼', description: '作業中の監視抑止', source: 'system_owner', class: 'work_request', departmentId: deptA })).json().id;
    const res = await act(s.op, id, 'route', { route: 'monitoring_suppression', routeRef: 'MON-12' });
    expect(res.json()).toMatchObject({ state: 'in_progress', routeTo: 'monitoring_suppression' });
    const rows = await t.database.db.select().from(incidentRouting).where(eq(incidentRouting.incidentId, id));
    expect(rows).toMatchObject([{ decision: 'monitoring_suppression', ref: 'MON-12', decidedByLabel: 'op (op)' }]);
  });

  it('dispatch is for QA and troubles, not work requests', async () => {
    const id = (await post(s.op, '/api/incidents', { title: '作業依頼', description: '設定変更', source: 'system_owner', class: 'work_request' })).json().id;
    const res = await act(s.op, id, 'dispatch');
    expect(res.statusCode).toBe(409);
  });

  it('out of scope: manager refers to the supervisor; the supervisor who asked cannot decide her own request', async () => {
    const id = (
      await post(s.op, '/api/incidents', { title: '統括責任者からの依頼', description: '範囲外の作業', source: 'supervisor', class: 'work_request', requesterId: sup1Id })
    ).json().id;
    expect((await act(s.op, id, 'escalate', { comment: 'オペレーション一覧にない' })).statusCode).toBe(200);
    expect((await act(s.mgr, id, 'refer', { comment: '保守対象範囲外' })).statusCode).toBe(200);
    const self = await act(s.sup1, id, 'accept');
    expect(self.statusCode).toBe(403);
    expect(self.json().error.message).toBe('自分が依頼した案件を自分で承認することはできません。');
    const ok = await act(s.sup2, id, 'accept');
    expect(ok.json()).toMatchObject({ state: 'in_progress', routeTo: 'supervisor_accepted' });
    const rec = (await get(s.op, `/api/incidents/${id}`)).json();
    expect(rec.routing.map((r: { decision: string }) => r.decision)).toEqual(['escalated_to_manager', 'referred_to_supervisor', 'supervisor_accepted']);
  });
});

describe('system-owner scope (ORG-4)', () => {
  it('an owner sees the incidents of their department and those affecting their VMs, nothing else', async () => {
    await at('2026-11-26T10:00');
    const mine = (await post(s.op, '/api/incidents', { title: '土木部の質問', description: 'x', source: 'system_owner', class: 'qa', departmentId: deptA })).json().id;
    const onMyVm = (await post(s.op, '/api/incidents', trouble({ vmIds: [vmA] }))).json().id;
    const theirs = (await post(s.op, '/api/incidents', trouble({ vmIds: [vmB] }))).json().id;
    const list = (await get(s.ownerA, '/api/incidents?pageSize=500')).json();
    const ids = list.items.map((x: { id: string }) => x.id);
    expect(ids).toContain(mine);
    expect(ids).toContain(onMyVm);
    expect(ids).not.toContain(theirs);
    expect((await get(s.ownerA, `/api/incidents/${theirs}`)).statusCode).toBe(404);
    expect((await get(s.ownerB, `/api/incidents/${theirs}`)).statusCode).toBe(200);
    expect((await get(s.ownerA, `/api/incidents/${mine}`)).json().mails).toEqual([]);
    expect((await post(s.ownerA, `/api/incidents/${mine}/actions/dispatch`, { version: 1 })).statusCode).toBe(403);
  });
});

describe('QA knowledge reuse (INC-4)', () => {
  it('finds an earlier inquiry worded differently through shared bigrams', async () => {
    const backup = (
      await post(s.op, '/api/incidents', { title: '仮想マシンのバックアップ取得方法', description: 'バックアップの取得はどのように依頼すればよいですか', source: 'system_owner', class: 'qa' })
    ).json().id;
    await post(s.op, '/api/incidents', { title: 'ネットワーク申請', description: 'VLAN追加の申請書はどこにありますか', source: 'system_owner', class: 'qa' });
    const res = await get(s.op, `/api/incidents/similar?q=${encodeURIComponent('VMのバックアップを取るにはどう申し込む？')}&class=qa`);
    expect(res.statusCode).toBe(200);
    expect(res.json().items[0]).toMatchObject({ id: backup, class: 'qa' });
    expect(res.json().items[0].overlap).toBeGreaterThanOrEqual(3);

    const asked = (await post(s.op, '/api/incidents', { title: 'バックアップを取得したい', description: '仮想マシンのバックアップ方法を教えて', source: 'ict_centre', class: 'qa' })).json().id;
    const rec = (await get(s.op, `/api/incidents/${asked}`)).json();
    expect(rec.similar[0].id).toBe(backup);
    expect(rec.similar.map((x: { id: string }) => x.id)).not.toContain(asked);
  });
});

describe('ledger export (X-3)', () => {
  it('exports CSV with formula-like text neutralised, and XLSX', async () => {
    await post(s.op, '/api/incidents', { title: '=HYPERLINK("http://evil.example","x")', description: '+1', source: 'other', class: 'qa' });
    const csv = await get(s.mgr, '/api/incidents.csv?class=qa');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const rows = parse(csv.rawPayload.subarray(3).toString('utf8')) as string[][];
    expect(rows[0]!.slice(0, 5)).toEqual(['受付番号', '受付日時', '受付元', '分類', '件名']);
    expect(rows.some((r) => r[4] === `'=HYPERLINK("http://evil.example","x")`)).toBe(true);
    const xlsx = await get(s.mgr, '/api/incidents.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(wb.getWorksheet('インシデント管理台帳')!.rowCount).toBeGreaterThan(5);
  });

  it('lists sort and page on the server', async () => {
    const page = (await get(s.mgr, '/api/incidents?sort=receiptNo&page=2&pageSize=3')).json();
    expect(page.items).toHaveLength(3);
    expect(page.total).toBeGreaterThan(6);
    const all = (await get(s.mgr, '/api/incidents?sort=receiptNo&pageSize=500')).json();
    expect(page.items.map((x: { receiptNo: string }) => x.receiptNo)).toEqual(all.items.slice(3, 6).map((x: { receiptNo: string }) => x.receiptNo));
  });
});

describe('outbox atomicity (X-4)', () => {
  it('a refused step leaves no mail behind', async () => {
    await at('2026-11-27T10:00');
    const id = (await post(s.op, '/api/incidents', trouble({ vmIds: [vmA] }, { platformCaused: true }))).json().id;
    await act(s.op, id, 'dispatch');
    // Missing fields: the kernel refuses before any side effect.
    await act(s.op, id, 'start_recovery', { procedureRef: '<仮想マシン>暫定対応手順' });
    expect(await mailsOf(id)).toHaveLength(0);
    const rows = await t.database.db.select().from(outbox).where(and(eq(outbox.recordType, 'incident'), eq(outbox.recordId, id)));
    expect(rows).toHaveLength(0);
  });
});
