import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJstLocal } from '../calendar/index.ts';
import { cmdbContacts, cmdbHosts, cmdbSites, cmdbSystems, cmdbVms } from '../cmdb/schema.ts';
import { inTx } from '../db/index.ts';
import { configureFiles, DEFAULT_FILE_MAX_BYTES, storedFiles } from '../files/index.ts';
import { multipartBody } from '../files/testing.ts';
import { admin, type TestApp, testApp } from '../http/testing.ts';
import { auditLog } from '../audit/schema.ts';
import { createItem, createSuppressionService, createTarget } from '../monitoring/index.ts';
import { monitoringSuppressions } from '../monitoring/schema.ts';
import { outbox } from '../notify/index.ts';
import { processHistory } from '../process/index.ts';
import { cancelReleasesOfChange, plannedDowntime } from './release-chain.ts';
import { releasePrint } from './release-print.ts';
import { createReleaseService } from './release-service.ts';
import { changeCis, changes, releaseEvidence, releases } from './schema.ts';

/** リリース作業 through the HTTP API (CHG-2/3/7, CAL-4, the suppression chain). */
let t: TestApp;
type Session = { cookie: string; csrf: string };
const s = {} as Record<'op' | 'mgr' | 'sup' | 'both' | 'owner', Session>;
let dept: string;
let hostId: string;
let vmId: string;
let hostTarget: string;
let vmTarget: string;
let n = 0;

const jst = (x: string) => parseJstLocal(x);
const db = () => t.database.db;
const get = (who: Session, url: string) => t.app.inject({ url, headers: { cookie: who.cookie } });
const send = (who: Session, method: 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
  t.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }), headers: { cookie: who.cookie, 'x-csrf-token': who.csrf } });
const rel = async (id: string) => (await get(s.op, `/api/changes/releases/${id}`)).json();
const act = async (who: Session, id: string, action: string, body: Record<string, unknown> = {}) => {
  const version = (await rel(id)).release.version;
  return send(who, 'POST', `/api/changes/releases/${id}/actions/${action}`, { version, ...body });
};

/** A change in state implementing (变更方针を実施する decided), inserted directly. */
async function change(targets: { ciType: 'host' | 'vm'; ciId: string; name: string }[] = []) {
  const now = t.clock.now();
  const [c] = await db()
    .insert(changes)
    .values({
      receiptNo: `CHG-2026-9${String(++n).padStart(5, '0')}`,
      title: `ESXi パッチ適用 ${n}`,
      description: 'x',
      source: 'direct',
      state: 'implementing',
      registeredAt: now,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  for (const x of targets)
    await db()
      .insert(changeCis)
      .values({ changeId: c!.id, ...x });
  return c!;
}

const plan = (extra: Record<string, unknown> = {}) => ({
  proven: true,
  plannedStart: jst('2026-12-05T20:00').toISOString(),
  plannedEnd: jst('2026-12-05T23:00').toISOString(),
  timeline: [
    { at: '20:00', task: 'バックアップ取得' },
    { at: '20:30', task: 'パッチ適用' },
  ],
  backupTime: '20:00-20:30',
  rollbackCriteria: 'ホストが起動しない場合',
  rollbackDecisionAt: jst('2026-12-05T22:00').toISOString(),
  staffing: [{ name: '運用 太郎', role: '作業者', nextBusinessDay: true }],
  impactScope: 'esxi01 上の仮想マシン',
  risks: [{ risk: '起動失敗', mitigation: '切戻し' }],
  contacts: '管理者 → 統括責任者',
  rollbackProcedure: 'パッチをアンインストールして再起動',
  workContent: 'ESXi パッチ適用',
  businessImpact: '作業中は esxi01 上のシステムが停止します',
  workerLabel: '運用 太郎',
  ...extra,
});
const create = (changeId: string, extra: Record<string, unknown> = {}, who: Session = s.op) =>
  send(who, 'POST', `/api/changes/${changeId}/releases`, plan(extra));

/** Moves the clock and signs everybody in again (a session idles out after 30 minutes). */
async function at(x: string) {
  t.clock.set(jst(x));
  for (const k of ['op', 'mgr', 'sup', 'both', 'owner'] as const) s[k] = await t.login(k);
}

/** submit → review → (approve). */
async function toApproval(id: string) {
  expect((await act(s.op, id, 'submit_plan')).statusCode).toBe(200);
  expect((await act(s.mgr, id, 'review_plan')).statusCode).toBe(200);
}

beforeAll(async () => {
  t = await testApp();
  t.clock.set(jst('2026-11-24T10:00'));
  dept = (await t.iam.createDepartment(admin, { code: 'D10', name: '土木部', kind: 'prefecture' })).id;
  const person = t.person;
  await person('op', ['operator']);
  await person('mgr', ['vendor_manager']);
  await person('sup', ['supervisor'], { email: 'tokatsu@pref.example.lg.jp' });
  await person('both', ['operator', 'supervisor']);
  await person('owner', ['system_owner'], { departmentId: dept });
  await person('ict', ['ict_manager'], { email: 'ict@pref.example.lg.jp' });
  for (const k of ['op', 'mgr', 'sup', 'both', 'owner'] as const) s[k] = await t.login(k);
  const now = t.clock.now();
  const base = { statusChangedAt: now, createdAt: now, updatedAt: now, status: 'active' as const };
  const [site] = await db().insert(cmdbSites).values({ name: '県庁舎', code: 'HQ', statusChangedAt: now, createdAt: now, updatedAt: now }).returning();
  const [h] = await db()
    .insert(cmdbHosts)
    .values({ ...base, name: 'esxi01', siteId: site!.id, cpuCores: 32, cpuGhz: 2.4, memoryGib: 512 })
    .returning();
  const [sys] = await db()
    .insert(cmdbSystems)
    .values({ ...base, name: '道路管理システム', departmentId: dept, serviceLevel: 'A' })
    .returning();
  await db()
    .insert(cmdbContacts)
    .values({ ...base, name: '道路課', systemId: sys!.id, email: 'doro@pref.example.lg.jp' });
  const [vm] = await db()
    .insert(cmdbVms)
    .values({ ...base, name: 'doro-app01', hostId: h!.id, systemId: sys!.id, vcpu: 2, memoryGib: 8, diskGib: 100 })
    .returning();
  hostId = h!.id;
  vmId = vm!.id;
  hostTarget = (await createTarget(db(), t.clock, { ciType: 'host', ciId: hostId, name: 'esxi01', address: '10.1.1.1' })).id;
  await createItem(db(), t.clock, { targetId: hostTarget, type: 'icmp', key: 'icmpping' });
  vmTarget = (await createTarget(db(), t.clock, { ciType: 'vm', ciId: vmId, name: 'doro-app01', address: '10.1.2.1' })).id;
  const md = await send(s.mgr, 'POST', '/api/changes/maintenance-days', {
    day: '2026-12-05',
    startsAt: jst('2026-12-05T18:00').toISOString(),
    endsAt: jst('2026-12-05T23:59').toISOString(),
    decidedAt: '2026年11月 月次報告会',
  });
  expect(md.statusCode).toBe(201);
});
afterAll(() => t.close());

describe('メンテナンス日 (CHG-3)', () => {
  it('the manager keeps the list; others read it; a day is registered once', async () => {
    expect(
      (
        await send(s.op, 'POST', '/api/changes/maintenance-days', {
          day: '2026-12-19',
          startsAt: jst('2026-12-19T18:00').toISOString(),
          endsAt: jst('2026-12-19T23:00').toISOString(),
        })
      ).statusCode,
    ).toBe(403);
    const again = await send(s.mgr, 'POST', '/api/changes/maintenance-days', {
      day: '2026-12-05',
      startsAt: jst('2026-12-05T18:00').toISOString(),
      endsAt: jst('2026-12-05T23:00').toISOString(),
    });
    expect(again.statusCode).toBe(400);
    expect(Object.keys(again.json().error.fields)).toEqual(['day']);
    expect((await get(s.sup, '/api/changes/maintenance-days')).json().items.map((d: { day: string }) => d.day)).toEqual(['2026-12-05']);
  });

  it('a release outside a maintenance day needs 緊急 with a reason (400 naming the field, nothing written)', async () => {
    const c = await change();
    const outside = {
      plannedStart: jst('2026-12-08T20:00').toISOString(),
      plannedEnd: jst('2026-12-08T22:00').toISOString(),
      rollbackDecisionAt: jst('2026-12-08T21:00').toISOString(),
    };
    const res = await create(c.id, outside);
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json().error.fields)).toEqual(['plannedStart']);
    expect(res.json().error.fields.plannedStart).toContain('メンテナンス日');
    const noReason = await create(c.id, { ...outside, emergency: true });
    expect(Object.keys(noReason.json().error.fields)).toEqual(['emergencyReason']);
    expect((await db().select({ n: count() }).from(releases).where(eq(releases.changeId, c.id)))[0]!.n).toBe(0);
    expect((await create(c.id, { ...outside, emergency: true, emergencyReason: '重大な脆弱性への緊急対応' })).statusCode).toBe(201);
  });

  it('only a change decided 実施する (implementing) gets a release', async () => {
    const c = await change();
    await db().update(changes).set({ state: 'preparing' }).where(eq(changes.id, c.id));
    expect((await create(c.id)).statusCode).toBe(409);
  });
});

describe('リリース作業 (N §3.4.2.2) and the chain', () => {
  let id: string;
  it('a plan without a rollback procedure or decision time is not submitted (400 naming them, nothing moves)', async () => {
    const c = await change([{ ciType: 'host', ciId: hostId, name: 'esxi01' }]);
    const res = await create(c.id, { rollbackProcedure: undefined, rollbackDecisionAt: undefined });
    expect(res.statusCode).toBe(201);
    id = res.json().id;
    expect(res.json().releaseNo).toBe(`${c.receiptNo}-R1`);
    const sub = await act(s.op, id, 'submit_plan');
    expect(sub.statusCode).toBe(400);
    expect(Object.keys(sub.json().error.fields)).toEqual(['rollbackProcedure', 'rollbackDecisionAt']);
    expect(sub.json().error.fields.rollbackProcedure).toBeTruthy();
    expect((await rel(id)).release.state).toBe('planning');
    const r = (await rel(id)).release;
    expect((await send(s.op, 'PUT', `/api/changes/releases/${id}`, { ...plan(), version: r.version })).statusCode).toBe(200);
    expect((await send(s.op, 'PUT', `/api/changes/releases/${id}`, { ...plan(), version: r.version })).statusCode).toBe(409);
  });

  it('the manager returns with a reason, reviews; a stale version is refused; the supervisor approves → 静観 suppression for the host and its VMs', async () => {
    expect((await act(s.op, id, 'submit_plan')).statusCode).toBe(200);
    expect((await act(s.mgr, id, 'return_plan')).statusCode).toBe(400);
    expect((await act(s.mgr, id, 'return_plan', { reason: '切戻手順が不十分' })).statusCode).toBe(200);
    await toApproval(id);
    expect((await act(s.op, id, 'approve_plan')).statusCode).toBe(403);
    const v = (await rel(id)).release.version;
    expect((await send(s.sup, 'POST', `/api/changes/releases/${id}/actions/approve_plan`, { version: v - 1 })).statusCode).toBe(409);
    const ok = await act(s.sup, id, 'approve_plan');
    expect(ok.statusCode).toBe(200);
    const view = await rel(id);
    expect(view.release.state).toBe('approved');
    expect(view.suppression).toMatchObject({ state: 'approved', method: 'watch', systemNames: ['道路管理システム'] });
    const [sup] = await db().select().from(monitoringSuppressions).where(eq(monitoringSuppressions.id, view.suppression.id));
    expect(new Set(sup!.targetIds)).toEqual(new Set([hostTarget, vmTarget]));
    expect(sup!.startsAt.toISOString()).toBe(jst('2026-12-05T20:00').toISOString());
    const hist = await db().select().from(processHistory).where(eq(processHistory.recordId, sup!.id));
    expect(hist.map((h) => h.comment).join()).toContain(view.release.releaseNo);
  });

  it('an overlapping suppression refuses the approval with a clear Japanese error, nothing written', async () => {
    const c = await change([{ ciType: 'vm', ciId: vmId, name: 'doro-app01' }]);
    const other = (await create(c.id, { plannedStart: jst('2026-12-05T21:00').toISOString() })).json().id;
    await toApproval(other);
    const before = (await db().select({ n: count() }).from(monitoringSuppressions))[0]!.n;
    const res = await act(s.sup, other, 'approve_plan');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields.plannedStart).toContain('期間が重なる一時抑止');
    expect((await db().select({ n: count() }).from(monitoringSuppressions))[0]!.n).toBe(before);
    expect((await rel(other)).release.state).toBe('plan_approval');
  });

  it('start: N’s 開始連絡 to the supervisor, the owners and the ICT centre; the suppression is 抑止中', async () => {
    await at('2026-12-05T19:55');
    expect((await act(s.op, id, 'start')).statusCode).toBe(200);
    const view = await rel(id);
    expect(view.release.state).toBe('in_progress');
    expect(view.suppression.state).toBe('active');
    const items = await get(s.op, `/api/monitoring/items?suppressed=true`);
    expect(items.statusCode).toBe(200);
    expect(JSON.stringify(items.json())).toContain('icmpping');
    const [m] = await db().select().from(outbox).where(eq(outbox.template, 'release.start'));
    expect(m!.subject).toBe('【第三期サーバ仮想化統合基盤】変更作業開始連絡');
    expect(m!.toAddresses).toEqual(['tokatsu@pref.example.lg.jp', 'doro@pref.example.lg.jp', 'ict@pref.example.lg.jp']);
    expect(m!.body).toBe(
      'ただいまより、以下の作業を実施します。\n\n＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝\n\n作業日時 ：2026年12月5日(土) 20:00 ～ 23:00\n\n作業担当者 ：運用 太郎\n\n作業内容 ：ESXi パッチ適用\n\n業務影響 ：作業中は esxi01 上のシステムが停止します\n',
    );
  });

  it('end: 終了連絡 with the actual times; monitoring resumes; 正常完了', async () => {
    await at('2026-12-05T21:40');
    expect((await act(s.op, id, 'complete', { completionNote: '問題なし' })).statusCode).toBe(200);
    const view = await rel(id);
    expect(view.release).toMatchObject({ state: 'completed', result: 'success' });
    expect(view.suppression.state).toBe('completed');
    const [m] = await db().select().from(outbox).where(eq(outbox.template, 'release.end'));
    expect(m!.subject).toBe('【第三期サーバ仮想化統合基盤】変更作業終了連絡');
    expect(m!.body).toContain('作業が完了しましたので、ご報告します。');
    expect(m!.body).toContain('作業日時 ：2026年12月5日(土) 19:55 ～ 21:40');
  });

  it('the rollback path: anomaly → investigation → 切戻し指示 (reason) → 切戻し完了, the end mail says so', async () => {
    await at('2026-11-24T10:00');
    const c = await change();
    const rid = (await create(c.id)).json().id;
    await toApproval(rid);
    expect((await act(s.sup, rid, 'approve_plan')).statusCode).toBe(200);
    await at('2026-12-05T20:00');
    await act(s.op, rid, 'start');
    expect((await act(s.op, rid, 'report_anomaly')).statusCode).toBe(400);
    expect((await act(s.op, rid, 'report_anomaly', { anomalyReport: 'ホストが起動しない' })).statusCode).toBe(200);
    expect((await act(s.mgr, rid, 'report_investigation', { investigation: 'ドライバ不整合' })).statusCode).toBe(200);
    expect((await act(s.sup, rid, 'order_rollback')).statusCode).toBe(400);
    expect((await act(s.sup, rid, 'order_rollback', { reason: '業務影響有' })).statusCode).toBe(200);
    await at('2026-12-05T22:30');
    expect((await act(s.op, rid, 'complete_rollback')).statusCode).toBe(200);
    const v = await rel(rid);
    expect(v.release).toMatchObject({ state: 'rolled_back', result: 'rolled_back', rollbackReason: '業務影響有' });
    const mails = await db().select().from(outbox).where(eq(outbox.recordId, rid));
    expect(mails.find((m) => m.template === 'release.end')!.body).toContain('切戻し');
  });
});

describe('approval lead time, emergency notice, CAL-4, self-approval, cancel', () => {
  it('the supervisor approves 3 business days before the maintenance day; later only for an emergency', async () => {
    await at('2026-11-24T10:00');
    const c = await change();
    const rid = (await create(c.id)).json().id;
    await toApproval(rid);
    await at('2026-12-04T10:00');
    const late = await act(s.sup, rid, 'approve_plan');
    expect(late.statusCode).toBe(409);
    expect(late.json().error.message).toContain('3 業務日前');
    expect((await rel(rid)).release.state).toBe('plan_approval');
  });

  it('an emergency release is approvable late and the supervisor’s notice goes to the owners', async () => {
    await at('2026-12-07T10:00');
    const c = await change([{ ciType: 'vm', ciId: vmId, name: 'doro-app01' }]);
    const w = {
      emergency: true,
      emergencyReason: '重大な脆弱性',
      plannedStart: jst('2026-12-08T20:00').toISOString(),
      plannedEnd: jst('2026-12-08T22:00').toISOString(),
      rollbackDecisionAt: jst('2026-12-08T21:00').toISOString(),
    };
    const rid = (await create(c.id, w)).json().id;
    await toApproval(rid);
    expect((await act(s.sup, rid, 'approve_plan')).statusCode).toBe(200);
    const [m] = await db().select().from(outbox).where(eq(outbox.template, 'release.emergency_notice'));
    expect(m!.toAddresses).toEqual(['doro@pref.example.lg.jp']);
    expect(m!.subject).toBe('【第三期サーバ仮想化統合基盤】緊急変更作業の周知');
  });

  it('CAL-4: the third non-urgent impactful off-hours release of a month is warned about before approval, and may still be approved', async () => {
    await at('2026-11-20T10:00');
    await send(s.mgr, 'POST', '/api/changes/maintenance-days', {
      day: '2027-01-09',
      startsAt: jst('2027-01-09T18:00').toISOString(),
      endsAt: jst('2027-01-09T23:59').toISOString(),
    });
    const jan = {
      plannedStart: jst('2027-01-09T20:00').toISOString(),
      plannedEnd: jst('2027-01-09T22:00').toISOString(),
      rollbackDecisionAt: jst('2027-01-09T21:00').toISOString(),
    };
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const rid = (await create((await change()).id, jan)).json().id;
      await toApproval(rid);
      ids.push(rid);
    }
    expect((await rel(ids[0]!)).offHours).toMatchObject({ month: '2027-01', counts: true, count: 1, warning: null });
    await act(s.sup, ids[0]!, 'approve_plan');
    await act(s.sup, ids[1]!, 'approve_plan');
    const third = await rel(ids[2]!);
    expect(third.offHours.count).toBe(3);
    expect(third.offHours.warning).toContain('月 2 回まで');
    const ok = await act(s.sup, ids[2]!, 'approve_plan');
    expect(ok.statusCode).toBe(200);
    expect(ok.json().warnings[0]).toContain('3 回目');
  });

  it('nobody approves a plan they prepared', async () => {
    await at('2026-11-24T10:00');
    const c = await change();
    const rid = (await create(c.id, {}, s.both)).json().id;
    expect((await act(s.both, rid, 'submit_plan')).statusCode).toBe(200);
    expect((await act(s.mgr, rid, 'review_plan')).statusCode).toBe(200);
    const res = await act(s.both, rid, 'approve_plan');
    expect(res.statusCode).toBe(403);
    expect((await rel(rid)).release.state).toBe('plan_approval');
  });

  it('cancelReleasesOfChange cancels unfinished releases and withdraws their suppression', async () => {
    await at('2026-11-24T10:00');
    await send(s.mgr, 'POST', '/api/changes/maintenance-days', {
      day: '2026-12-12',
      startsAt: jst('2026-12-12T18:00').toISOString(),
      endsAt: jst('2026-12-12T23:59').toISOString(),
    });
    const c = await change([{ ciType: 'host', ciId: hostId, name: 'esxi01' }]);
    const d = {
      plannedStart: jst('2026-12-12T20:00').toISOString(),
      plannedEnd: jst('2026-12-12T22:00').toISOString(),
      rollbackDecisionAt: jst('2026-12-12T21:00').toISOString(),
    };
    const rid = (await create(c.id, d)).json().id;
    await toApproval(rid);
    expect((await act(s.sup, rid, 'approve_plan')).statusCode).toBe(200);
    const second = (await create(c.id, d)).json().id;
    const supId = (await rel(rid)).suppression.id;
    const actor = { kind: 'person' as const, personId: null, label: 'sup', roles: ['supervisor' as const], departmentId: null };
    const out = await inTx(db(), (tx) => cancelReleasesOfChange(tx, { clock: t.clock, actor: actor as never }, c));
    expect(out.map((r) => r.state)).toEqual(['cancelled', 'cancelled']);
    expect((await rel(second)).release.state).toBe('cancelled');
    const [sup] = await db().select().from(monitoringSuppressions).where(eq(monitoringSuppressions.id, supId));
    expect(sup!.state).toBe('withdrawn');
  });
});

describe('作業証跡 and the print', () => {
  let rid: string;
  const upload = (file: { fileName: string; data: Buffer; mediaType?: string }) => {
    const body = multipartBody([file], { note: 'スクリーンショット' });
    return t.app.inject({
      method: 'POST',
      url: `/api/changes/releases/${rid}/evidence`,
      payload: body.payload,
      headers: { ...body.headers, cookie: s.op.cookie, 'x-csrf-token': s.op.csrf },
    });
  };
  const counts = async () => [(await db().select({ n: count() }).from(storedFiles))[0]!.n, (await db().select({ n: count() }).from(releaseEvidence))[0]!.n];

  it('a refused type or a file too big answers 400 naming the file, nothing written; a good one comes back the same', async () => {
    await at('2026-11-24T10:00');
    rid = (await create((await change()).id)).json().id;
    const before = await counts();
    const exe = await upload({ fileName: 'tool.exe', data: Buffer.from('MZ\x90\x00binary'), mediaType: 'application/octet-stream' });
    expect(exe.statusCode).toBe(400);
    expect(Object.keys(exe.json().error.fields)).toEqual(['file']);
    configureFiles({ maxBytes: 1024 });
    try {
      const big = await upload({ fileName: '作業ログ.txt', data: Buffer.alloc(4096, 'a'), mediaType: 'text/plain' });
      expect(big.statusCode).toBe(400);
      expect(Object.keys(big.json().error.fields)).toEqual(['file']);
    } finally {
      configureFiles({ maxBytes: DEFAULT_FILE_MAX_BYTES });
    }
    expect(await counts()).toEqual(before);
    const ok = await upload({ fileName: '作業ログ.txt', data: Buffer.from('20:00 開始\n'), mediaType: 'text/plain' });
    expect(ok.statusCode).toBe(201);
    const list = (await get(s.op, `/api/changes/releases/${rid}/evidence`)).json().items;
    expect(list.map((e: { fileName: string }) => e.fileName)).toEqual(['作業ログ.txt']);
    const dl = await get(s.op, `/api/changes/releases/${rid}/evidence/${list[0].id}`);
    expect(dl.body).toBe('20:00 開始\n');
  });

  it('prints リリース計画書兼完了報告書 as XLSX and as PDF with the Japanese font embedded', async () => {
    const xlsx = await get(s.op, `/api/changes/releases/${rid}/print.xlsx`);
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
    const pdf = await get(s.op, `/api/changes/releases/${rid}/print.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const svc = createReleaseService({ db: db(), clock: t.clock });
    const actor = { kind: 'person' as const, personId: null, label: 'op', roles: ['operator' as const], departmentId: null };
    const raw = (await releasePrint(await svc.printData(actor as never, rid), 'pdf', { compress: false })).data.toString('latin1');
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+IPAexGothic/);
    // The ToUnicode map of the embedded subset carries the field names' characters: 切 (5207) 戻 (623B) 手 (624B) 順 (9806).
    for (const cp of ['5207', '623b', '624b', '9806']) expect(raw.toLowerCase()).toContain(`<${cp}>`);
  });
});

describe('変更スケジュール and planned downtime', () => {
  it('one month feed: releases with planned and actual windows, suppressions, maintenance days, holidays; by target', async () => {
    await at('2026-12-07T10:00');
    const res = await get(s.sup, '/api/changes/schedule?month=2026-12');
    expect(res.statusCode).toBe(200);
    const m = res.json();
    expect(m.days).toHaveLength(31);
    expect(m.days.find((d: { day: string }) => d.day === '2026-12-29').closed).toBe('year_end');
    expect(m.days.find((d: { day: string }) => d.day === '2026-12-05').maintenance).toBe(true);
    const kinds = new Set(m.entries.map((e: { kind: string }) => e.kind));
    expect([...kinds].sort()).toEqual(['maintenance_day', 'release', 'suppression']);
    const done = m.entries.find((e: { kind: string; state: string }) => e.kind === 'release' && e.state === 'completed');
    expect(done.actualFrom).toBe(jst('2026-12-05T19:55').toISOString());
    const byHost = (await get(s.sup, `/api/changes/schedule?month=2026-12&ciId=${hostId}`)).json();
    expect(byHost.entries.filter((e: { kind: string }) => e.kind === 'release').every((e: { ref: string }) => e.ref)).toBe(true);
    expect(byHost.entries.filter((e: { kind: string }) => e.kind === 'release').length).toBeLessThan(
      m.entries.filter((e: { kind: string }) => e.kind === 'release').length,
    );
    expect((await get(s.sup, '/api/changes/schedule?month=2026-13')).statusCode).toBe(400);
  });

  it('plannedDowntime: the approved or done windows per target CI (actual where the work ran), cancelled ones left out', async () => {
    const rows = await plannedDowntime(db(), jst('2026-12-01T00:00'), jst('2027-01-01T00:00'));
    const host = rows.filter((r) => r.ciId === hostId);
    expect(host).toHaveLength(1);
    expect(host[0]!.from.toISOString()).toBe(jst('2026-12-05T19:55').toISOString());
    expect(host[0]!.to.toISOString()).toBe(jst('2026-12-05T21:40').toISOString());
    expect(rows.some((r) => r.ciId === vmId)).toBe(true);
  });
});

describe('a release past its planned end (overrun)', () => {
  const supOf = async (rid: string) => {
    const id = (await rel(rid)).suppression.id as string;
    return (await db().select().from(monitoringSuppressions).where(eq(monitoringSuppressions.id, id)))[0]!;
  };
  const historyOf = async (recordId: string) => (await db().select().from(processHistory).where(eq(processHistory.recordId, recordId))).map((h) => h.action);
  /** An approved release on `day` 20:00–22:00 for the host (its VMs follow), started at 19:58. */
  async function started(day: string) {
    await at('2026-11-24T10:00');
    await send(s.mgr, 'POST', '/api/changes/maintenance-days', { day, startsAt: jst(`${day}T18:00`).toISOString(), endsAt: jst(`${day}T23:59`).toISOString() });
    const c = await change([{ ciType: 'host', ciId: hostId, name: 'esxi01' }]);
    const w = {
      plannedStart: jst(`${day}T20:00`).toISOString(),
      plannedEnd: jst(`${day}T22:00`).toISOString(),
      rollbackDecisionAt: jst(`${day}T21:00`).toISOString(),
    };
    const rid = (await create(c.id, w)).json().id;
    await toApproval(rid);
    expect((await act(s.sup, rid, 'approve_plan')).statusCode).toBe(200);
    await at(`${day}T19:58`);
    expect((await act(s.op, rid, 'start')).statusCode).toBe(200);
    return rid;
  }

  it('the suppression stays while the work runs over, with a warning on the page, in the inbox and in history; it ends with the release', async () => {
    const rid = await started('2026-12-19');
    const svc = createSuppressionService({ db: db(), clock: t.clock });
    expect((await rel(rid)).overrun).toBeNull();
    await svc.runSchedule(); // earlier tests' windows move; from here on only this one is due
    await at('2026-12-19T22:10');
    expect(await svc.runSchedule()).toMatchObject({ started: 0, resumed: 0, held: 1 });
    expect((await supOf(rid)).state).toBe('active');
    const view = await rel(rid);
    expect(view.overrun).toMatchObject({ minutes: 10, suppressed: true, ceilingAt: jst('2026-12-20T04:00').toISOString() });
    expect(view.overrun.message).toContain('10 分超過');
    expect(view.process.deadlines.find((d: { key: string }) => d.key === 'end')).toMatchObject({ overdue: true });
    const inbox = (await get(s.op, '/api/inbox')).json().items.find((i: { path: string }) => i.path === `/changes/releases/${rid}`);
    expect(inbox).toMatchObject({ overdue: true, dueAt: jst('2026-12-19T22:00').toISOString() });
    // History and audit say it once, however often the job runs.
    await at('2026-12-19T22:30');
    await svc.runSchedule();
    expect((await historyOf(rid)).filter((a) => a === 'overrun')).toHaveLength(1);
    expect((await historyOf((await supOf(rid)).id)).filter((a) => a === 'overrun')).toHaveLength(1);
    const logged = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'release.overrun'), eq(auditLog.entityId, rid)));
    expect(logged).toHaveLength(1);
    await at('2026-12-19T22:40');
    expect((await act(s.op, rid, 'complete')).statusCode).toBe(200);
    expect((await supOf(rid)).state).toBe('completed');
    expect((await rel(rid)).overrun).toBeNull();
    const [resume] = await db()
      .select()
      .from(outbox)
      .where(and(eq(outbox.template, 'monitoring.suppression_resume'), eq(outbox.recordId, (await supOf(rid)).id)));
    expect(resume!.body).toContain('22:40 より、監視を再開します');
  });

  it('past the ceiling (planned end + the configured hours) monitoring resumes anyway; the release, still running, says so', async () => {
    const rid = await started('2026-12-26');
    const svc = createSuppressionService({ db: db(), clock: t.clock, rules: { overrunCeilingHours: 2 } });
    await svc.runSchedule();
    await at('2026-12-26T23:59');
    expect(await svc.runSchedule()).toMatchObject({ started: 0, resumed: 0, held: 1 });
    await at('2026-12-27T00:00');
    expect(await svc.runSchedule()).toMatchObject({ resumed: 1, held: 0 });
    expect((await supOf(rid)).state).toBe('completed');
    const view = await rel(rid);
    expect(view.release.state).toBe('in_progress');
    expect(view.overrun).toMatchObject({ suppressed: false });
    expect(await historyOf(rid)).toEqual(expect.arrayContaining(['overrun', 'overrun_ceiling']));
    expect((await historyOf((await supOf(rid)).id)).at(-1)).toBe('resume');
    // Ending the release later sends its end mail; the suppression, already resumed, is left alone.
    await at('2026-12-27T00:30');
    expect((await act(s.op, rid, 'complete')).statusCode).toBe(200);
    expect((await supOf(rid)).state).toBe('completed');
  });

  it('a suppression whose release has not started (or is done) ends at its end as before', async () => {
    await at('2026-11-24T10:00');
    await send(s.mgr, 'POST', '/api/changes/maintenance-days', {
      day: '2027-01-16',
      startsAt: jst('2027-01-16T18:00').toISOString(),
      endsAt: jst('2027-01-16T23:59').toISOString(),
    });
    const c = await change([{ ciType: 'vm', ciId: vmId, name: 'doro-app01' }]);
    const rid = (
      await create(c.id, {
        plannedStart: jst('2027-01-16T20:00').toISOString(),
        plannedEnd: jst('2027-01-16T22:00').toISOString(),
        rollbackDecisionAt: jst('2027-01-16T21:00').toISOString(),
      })
    ).json().id;
    await toApproval(rid);
    expect((await act(s.sup, rid, 'approve_plan')).statusCode).toBe(200);
    const svc = createSuppressionService({ db: db(), clock: t.clock });
    await svc.runSchedule();
    await at('2027-01-16T20:00');
    expect(await svc.runSchedule()).toMatchObject({ started: 1 });
    await at('2027-01-16T22:00');
    expect(await svc.runSchedule()).toMatchObject({ resumed: 1, held: 0 });
    expect((await supOf(rid)).state).toBe('completed');
  });
});
