import { count, eq } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJstLocal } from '../calendar/index.ts';
import { maintenanceDays } from '../changes/schema.ts';
import { multipartBody, samplePdf } from '../files/testing.ts';
import { admin, TEST_PASSWORD, type TestApp, testApp } from '../http/testing.ts';
import { outbox } from '../notify/index.ts';
import { meetingActions, meetingDecisions, meetings } from './schema.ts';

/** 会議体 (ORG-6, N §2.7.3) through the HTTP API. */
let t: TestApp;
type Session = { cookie: string; csrf: string };
const who = ['op', 'mgr', 'lead', 'sup', 'ict', 'sec', 'owner', 'ownerB'] as const;
const s = {} as Record<(typeof who)[number], Session>;
const ids = {} as Record<(typeof who)[number], string>;
let dept = '';

const jst = (x: string) => parseJstLocal(x).toISOString();
const get = (u: Session, url: string) => t.app.inject({ url, headers: { cookie: u.cookie } });
const send = (u: Session, method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
  t.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }), headers: { cookie: u.cookie, 'x-csrf-token': u.csrf } });
const act = async (u: Session, id: string, action: string, body: Record<string, unknown> = {}) => {
  const version = (await get(s.mgr, `/api/meetings/${id}`)).json().version;
  return send(u, 'POST', `/api/meetings/${id}/actions/${action}`, { version, ...body });
};
const counts = async () => ({
  meetings: (await t.database.db.select({ n: count() }).from(meetings))[0]!.n,
  decisions: (await t.database.db.select({ n: count() }).from(meetingDecisions))[0]!.n,
  actions: (await t.database.db.select({ n: count() }).from(meetingActions))[0]!.n,
  days: (await t.database.db.select({ n: count() }).from(maintenanceDays))[0]!.n,
});
const inboxRefs = async (u: Session) => (await get(u, '/api/inbox')).json().items.map((i: { ref: string; process: string; overdue: boolean }) => i);

async function at(local: string) {
  t.clock.set(parseJstLocal(local));
  for (const k of who) s[k] = await t.login(k);
}

beforeAll(async () => {
  t = await testApp();
  t.clock.set(parseJstLocal('2026-12-01T09:00'));
  dept = (await t.iam.createDepartment(admin, { code: 'D10', name: '土木部', kind: 'prefecture' })).id;
  const deptB = (await t.iam.createDepartment(admin, { code: 'D20', name: '教育庁', kind: 'prefecture' })).id;
  const person = async (login: (typeof who)[number], roles: string[], extra: Record<string, unknown> = {}) => {
    ids[login] = (await t.iam.createPerson(admin, { login, displayName: `${login}さん`, password: TEST_PASSWORD, roles: roles as never, email: `${login}@pref.example.lg.jp`, ...extra })).id;
  };
  await person('op', ['operator']);
  await person('mgr', ['vendor_manager']);
  await person('lead', ['vendor_lead']);
  await person('sup', ['supervisor']);
  await person('ict', ['ict_manager']);
  await person('sec', ['security_officer']);
  await person('owner', ['system_owner'], { departmentId: dept });
  await person('ownerB', ['system_owner'], { departmentId: deptB });
  for (const k of who) s[k] = await t.login(k);
});
afterAll(() => t.close());

describe('会議体 (N §2.7.3)', () => {
  it('lists N’s eight kinds with purpose, agenda, cadence and required attendees', async () => {
    const res = await get(s.owner, '/api/meetings/kinds');
    expect(res.statusCode).toBe(200);
    const kinds = res.json().items;
    expect(kinds.map((k: { name: string }) => k.name)).toEqual([
      '月次報告会',
      '半期報告会',
      '稼働状況報告会',
      'セキュリティ報告会（臨時）',
      '緊急検討会',
      '災害復旧対策会議',
      '共有会',
      '移行・受入会議',
    ]);
    expect(kinds[0]).toMatchObject({ no: 1, cadence: 'monthly', cadenceLabel: '月一回', requiredRoles: ['supervisor', 'vendor_manager', 'ict_manager'], minutesApprover: 'supervisor' });
    expect(kinds[0].agenda).toContain('品質遵守状況報告');
    expect(kinds[3]).toMatchObject({ cadence: 'ad_hoc', cadenceLabel: '重大なセキュリティ事故発生時', requiredRoles: ['supervisor', 'vendor_manager', 'security_officer', 'ict_manager'] });
    expect(kinds[6]).toMatchObject({ name: '共有会', cadence: 'weekly', requiredRoles: ['vendor_manager', 'ict_manager'], minutesApprover: 'vendor_manager' });
    expect(kinds[7].requiredRoles).toContain('system_owner');
    expect(kinds[0].nextDueOn).toBeNull();
  });

  it('a kind is revised when its purpose changes (N: 目的が変更になった場合は…見直し), by the manager only, audited', async () => {
    const k = (await get(s.mgr, '/api/meetings/kinds')).json().items[2];
    expect((await send(s.op, 'PATCH', '/api/meetings/kinds/operation_status', { cadenceLabel: '隔週', updatedAt: k.updatedAt })).statusCode).toBe(403);
    const bad = await send(s.mgr, 'PATCH', '/api/meetings/kinds/operation_status', { requiredRoles: ['boss'], updatedAt: k.updatedAt });
    expect(Object.keys(bad.json().error.fields)).toEqual(['requiredRoles.0']);
    t.clock.advance(60_000);
    const ok = await send(s.mgr, 'PATCH', '/api/meetings/kinds/operation_status', { cadenceLabel: '隔週（安定化確認まで）', updatedAt: k.updatedAt });
    expect(ok.statusCode).toBe(200);
    expect((await send(s.mgr, 'PATCH', '/api/meetings/kinds/operation_status', { cadenceLabel: 'x', updatedAt: k.updatedAt })).statusCode).toBe(409);
    expect((await get(s.sup, '/api/meetings/kinds')).json().items[2].cadenceLabel).toBe('隔週（安定化確認まで）');
  });
});

describe('a meeting and its minutes (ORG-6)', () => {
  let id = '';

  it('pre-fills the required attendees; a missing required one is warned', async () => {
    const res = await send(s.mgr, 'POST', '/api/meetings', { kind: 'monthly_report', startsAt: jst('2026-12-10T14:00'), endsAt: jst('2026-12-10T15:30'), place: '県庁 5F 会議室' });
    expect(res.statusCode).toBe(201);
    const m = res.json();
    id = m.id;
    expect(m.meetingNo).toBe('MTG-2026-0001');
    expect(m.state).toBe('scheduled');
    expect(m.agenda[0]).toBe('運用実施状況の報告');
    expect(m.attendees.map((a: { id: string }) => a.id).sort()).toEqual([ids.sup, ids.mgr, ids.ict].sort());
    expect(m.warnings.missingRequired).toEqual([]);

    const partial = await send(s.mgr, 'POST', '/api/meetings', { kind: 'security', startsAt: jst('2026-12-03T10:00'), place: '県庁', attendeeIds: [ids.sup, ids.mgr] });
    expect(partial.statusCode).toBe(201);
    expect(partial.json().warnings.missingRequired.map((w: { label: { ja: string } }) => w.label.ja)).toEqual(['セキュリティ管理者', 'ICTサービスセンター管理者']);
    // The warning stays on the page until the attendee is added.
    const p = partial.json();
    const fixed = await send(s.mgr, 'PATCH', `/api/meetings/${p.id}`, { version: p.version, attendeeIds: [ids.sup, ids.mgr, ids.sec, ids.ict] });
    expect(fixed.json().warnings.missingRequired).toEqual([]);

    const migration = await send(s.lead, 'POST', '/api/meetings', { kind: 'migration_acceptance', startsAt: jst('2026-12-04T10:00'), place: '県庁', departmentId: dept });
    expect(migration.json().attendees.map((a: { id: string }) => a.id)).toContain(ids.owner);
    expect(migration.json().attendees.map((a: { id: string }) => a.id)).not.toContain(ids.ownerB);
  });

  it('bad input → 400 naming the field, nothing written; only the manager or lead registers', async () => {
    const before = await counts();
    const noPlace = await send(s.mgr, 'POST', '/api/meetings', { kind: 'monthly_report', startsAt: jst('2026-12-10T14:00') });
    expect(noPlace.statusCode).toBe(400);
    expect(Object.keys(noPlace.json().error.fields)).toEqual(['place']);
    const badKind = await send(s.mgr, 'POST', '/api/meetings', { kind: 'party', startsAt: jst('2026-12-10T14:00'), place: 'x' });
    expect(Object.keys(badKind.json().error.fields)).toEqual(['kind']);
    const backwards = await send(s.mgr, 'POST', '/api/meetings', { kind: 'monthly_report', startsAt: jst('2026-12-10T14:00'), endsAt: jst('2026-12-10T13:00'), place: 'x' });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().error.fields.endsAt).toContain('終了日時');
    const ghost = await send(s.mgr, 'POST', '/api/meetings', { kind: 'monthly_report', startsAt: jst('2026-12-10T14:00'), place: 'x', attendeeIds: ['00000000-0000-4000-8000-000000000000'] });
    expect(Object.keys(ghost.json().error.fields)).toEqual(['attendeeIds']);
    const badAction = await send(s.mgr, 'POST', `/api/meetings/${id}/action-items`, { title: '報告', ownerId: ids.op, dueOn: '2026-13-01' });
    expect(Object.keys(badAction.json().error.fields)).toEqual(['dueOn']);
    const noDay = await send(s.mgr, 'POST', `/api/meetings/${id}/decisions`, { kind: 'maintenance_day', text: '次回メンテナンス日' });
    expect(Object.keys(noDay.json().error.fields)).toEqual(['maintenanceDay']);
    expect((await send(s.op, 'POST', '/api/meetings', { kind: 'monthly_report', startsAt: jst('2026-12-10T14:00'), place: 'x' })).statusCode).toBe(403);
    expect((await send(s.sup, 'POST', `/api/meetings/${id}/decisions`, { text: 'x' })).statusCode).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it('a next-maintenance-day decision puts the day in the change schedule, naming the meeting', async () => {
    const res = await send(s.mgr, 'POST', `/api/meetings/${id}/decisions`, {
      kind: 'maintenance_day',
      text: '次回メンテナンス日を 2027-01-16 とする',
      maintenanceDay: { day: '2027-01-16', startsAt: jst('2027-01-16T09:00'), endsAt: jst('2027-01-16T18:00') },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().maintenanceDayId).toBeTruthy();
    const schedule = (await get(s.op, '/api/changes/schedule?month=2027-01')).json();
    expect(schedule.days.find((d: { day: string }) => d.day === '2027-01-16').maintenance).toBe(true);
    const days = (await get(s.op, '/api/changes/maintenance-days?from=2027-01-01&to=2027-01-31')).json().items;
    expect(days).toHaveLength(1);
    expect(days[0].decidedAt).toContain('MTG-2026-0001 月次報告会');
    // The same day again: the changes module's refusal, named as this form's field; nothing written.
    const before = await counts();
    const again = await send(s.mgr, 'POST', `/api/meetings/${id}/decisions`, {
      kind: 'maintenance_day',
      text: '重複',
      maintenanceDay: { day: '2027-01-16', startsAt: jst('2027-01-16T09:00'), endsAt: jst('2027-01-16T18:00') },
    });
    expect(again.statusCode).toBe(400);
    expect(Object.keys(again.json().error.fields)).toEqual(['maintenanceDay.day']);
    expect(await counts()).toEqual(before);
    const page = (await get(s.mgr, `/api/meetings/${id}`)).json();
    expect(page.decisions).toHaveLength(1);
    expect(page.process.history.map((h: { action: string }) => h.action)).toContain('maintenance_day');
  });

  it('an overdue action item is in its owner’s inbox; done → gone', async () => {
    const res = await send(s.mgr, 'POST', `/api/meetings/${id}/action-items`, { title: 'リソース増設計画の提出', ownerId: ids.op, dueOn: '2026-12-15' });
    expect(res.statusCode).toBe(201);
    const item = res.json();
    const mine = async () => (await inboxRefs(s.op)).filter((i: { process: string }) => i.process === 'meeting_action');
    expect(await mine()).toEqual([]);
    await at('2026-12-15T17:00');
    expect(await mine()).toEqual([]);
    await at('2026-12-16T09:00');
    const overdue = await mine();
    expect(overdue).toHaveLength(1);
    expect(overdue[0]).toMatchObject({ ref: 'MTG-2026-0001-1', title: 'リソース増設計画の提出', overdue: true, path: `/meetings/actions/${item.id}` });
    // Only in the owner's inbox.
    expect((await inboxRefs(s.mgr)).filter((i: { process: string }) => i.process === 'meeting_action')).toEqual([]);
    // Someone else cannot mark it done.
    expect((await send(s.ict, 'POST', `/api/meetings/actions/${item.id}/actions/complete`, { version: 1 })).statusCode).toBe(403);
    expect((await send(s.ownerB, 'POST', `/api/meetings/actions/${item.id}/actions/complete`, { version: 1 })).statusCode).toBe(404);
    const done = await send(s.op, 'POST', `/api/meetings/actions/${item.id}/actions/complete`, { version: 1 });
    expect(done.statusCode).toBe(200);
    expect(done.json().state).toBe('done');
    expect(await mine()).toEqual([]);
    const csv = await get(s.mgr, '/api/meetings/actions.csv');
    const rows = parse(csv.body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
    expect(rows[0]).toMatchObject({ 会議番号: 'MTG-2026-0001', 宿題: 'リソース増設計画の提出', 担当者: 'opさん', 期限: '2026-12-15', 状態: '完了' });
  });

  it('minutes: submitted by the manager, approved by the supervisor (never by the submitter), shared by mail to the attendees', async () => {
    expect((await act(s.mgr, id, 'hold')).statusCode).toBe(200);
    const empty = await act(s.mgr, id, 'submit');
    expect(empty.statusCode).toBe(400);
    expect(Object.keys(empty.json().error.fields)).toEqual(['minutes']);
    const v = (await get(s.mgr, `/api/meetings/${id}`)).json().version;
    expect((await send(s.mgr, 'PATCH', `/api/meetings/${id}`, { version: v, minutes: '品質目標はすべて達成。' })).statusCode).toBe(200);
    const upload = multipartBody([{ fileName: '議事録.pdf', data: samplePdf('議事録') }], {});
    const up = await t.app.inject({ method: 'POST', url: `/api/meetings/${id}/minutes-file`, payload: upload.payload, headers: { ...upload.headers, cookie: s.mgr.cookie, 'x-csrf-token': s.mgr.csrf } });
    expect(up.statusCode).toBe(200);
    expect(up.json().minutesFile.fileName).toBe('議事録.pdf');
    expect((await act(s.mgr, id, 'submit')).statusCode).toBe(200);
    // The supervisor's approval is in their inbox as one.
    expect((await inboxRefs(s.sup)).find((i: { ref: string }) => i.ref === 'MTG-2026-0001')).toMatchObject({ approval: true });
    expect((await act(s.mgr, id, 'approve_by_supervisor')).statusCode).toBe(403);
    expect((await act(s.sup, id, 'approve_by_supervisor')).statusCode).toBe(200);
    expect((await send(s.mgr, 'PATCH', `/api/meetings/${id}`, { version: (await get(s.mgr, `/api/meetings/${id}`)).json().version, minutes: '改ざん' })).statusCode).toBe(409);
    expect((await act(s.mgr, id, 'share')).statusCode).toBe(200);
    const mails = await t.database.db.select().from(outbox).where(eq(outbox.recordId, id));
    expect(mails).toHaveLength(1);
    expect([...mails[0]!.toAddresses].sort()).toEqual(['ict@pref.example.lg.jp', 'mgr@pref.example.lg.jp', 'sup@pref.example.lg.jp']);
    expect(mails[0]!.subject).toContain('議事録の共有（月次報告会');
    expect(mails[0]!.body).toContain('品質目標はすべて達成。');
    expect(mails[0]!.body).toContain('次回メンテナンス日を 2027-01-16 とする');
    expect((await get(s.mgr, `/api/meetings/${id}`)).json().state).toBe('shared');
  });

  it('共有会 minutes are approved by the manager or lead — not the one who submitted them', async () => {
    const m = (await send(s.mgr, 'POST', '/api/meetings', { kind: 'ict_sharing', startsAt: jst('2026-12-16T10:00'), place: 'ICTセンター' })).json();
    await act(s.mgr, m.id, 'hold');
    const v = (await get(s.mgr, `/api/meetings/${m.id}`)).json().version;
    await send(s.mgr, 'PATCH', `/api/meetings/${m.id}`, { version: v, minutes: 'ナレッジ 3 件を共有' });
    await act(s.mgr, m.id, 'submit');
    const self = await act(s.mgr, m.id, 'approve_by_manager');
    expect(self.statusCode).toBe(403);
    expect(self.json().error.message).toContain('自分');
    expect((await act(s.sup, m.id, 'approve_by_supervisor')).statusCode).toBe(409);
    expect((await act(s.lead, m.id, 'approve_by_manager')).statusCode).toBe(200);
  });

  it('attendees read the meetings they attend; system owners only those; exports as CSV/XLSX', async () => {
    const ownerList = (await get(s.owner, '/api/meetings')).json().items;
    expect(ownerList.map((m: { kind: string }) => m.kind)).toEqual(['migration_acceptance']);
    expect((await get(s.ownerB, '/api/meetings')).json().items).toEqual([]);
    expect((await get(s.ownerB, `/api/meetings/${ownerList[0].id}`)).statusCode).toBe(404);
    expect((await get(s.owner, `/api/meetings/${ownerList[0].id}`)).statusCode).toBe(200);
    const all = (await get(s.op, '/api/meetings')).json().items;
    expect(all.length).toBe(4);
    const ictIds = (await get(s.ict, '/api/meetings')).json().items.map((m: { id: string }) => m.id);
    expect(ictIds.length).toBe(4);
    expect((await get(s.owner, `/api/meetings/${all.find((m: { kind: string }) => m.kind === 'monthly_report').id}`)).statusCode).toBe(404);
    // An action item's owner reads its meeting (the inbox links there) without attending it.
    const sec = all.find((m: { kind: string }) => m.kind === 'security');
    expect((await get(s.ownerB, `/api/meetings/${sec.id}`)).statusCode).toBe(404);
    expect((await send(s.mgr, 'POST', `/api/meetings/${sec.id}/action-items`, { title: '影響調査', ownerId: ids.ownerB, dueOn: '2026-12-20' })).statusCode).toBe(201);
    expect((await get(s.ownerB, `/api/meetings/${sec.id}`)).statusCode).toBe(200);
    expect((await get(s.ownerB, '/api/meetings')).json().items.map((m: { id: string }) => m.id)).toEqual([sec.id]);
    const csv = await get(s.sup, '/api/meetings.csv?kind=monthly_report');
    const rows = parse(csv.body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
    expect(rows).toEqual([expect.objectContaining({ 会議番号: 'MTG-2026-0001', 会議体: '月次報告会', 状態: '議事録共有済', 議事録承認者: 'supさん (sup)' })]);
    expect((await get(s.sup, '/api/meetings.xlsx')).headers['content-type']).toContain('spreadsheetml');
    // The kinds list now shows when the next 月次報告会 is due.
    const kinds = (await get(s.mgr, '/api/meetings/kinds')).json().items;
    expect(kinds[0]).toMatchObject({ lastHeldOn: '2026-12-10', nextDueOn: '2027-01-10' });
  });

  it('a meeting refers to records of other modules by kind and id (the monthly report of a 月次報告会)', async () => {
    const m = (await send(s.mgr, 'POST', '/api/meetings', { kind: 'monthly_report', startsAt: jst('2027-01-12T14:00'), place: '県庁' })).json();
    const ref = await send(s.mgr, 'POST', `/api/meetings/${m.id}/references`, { refKind: 'monthly_report', refId: '2026-12', label: '2026年12月 月次報告書' });
    expect(ref.statusCode).toBe(201);
    expect((await send(s.mgr, 'POST', `/api/meetings/${m.id}/references`, { refKind: 'monthly_report', refId: '2026-12', label: 'again' })).statusCode).toBe(400);
    expect((await get(s.mgr, `/api/meetings/${m.id}`)).json().references).toEqual([expect.objectContaining({ refKind: 'monthly_report', refId: '2026-12' })]);
  });
});
