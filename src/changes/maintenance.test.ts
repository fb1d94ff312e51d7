import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../audit/schema.ts';
import { parseJstLocal } from '../calendar/index.ts';
import { cmdbHosts, cmdbSites, cmdbSystems, cmdbVms } from '../cmdb/schema.ts';
import { admin, type TestApp, testApp } from '../http/testing.ts';
import { changeCis, changes, maintenanceDays } from './schema.ts';

/**
 * メンテナンス日 edits and deletes (CHG-3) and the release scope of system owners (ORG-4), through
 * the HTTP API: only the manager keeps the list; bad input is a 400 naming the field and writes
 * nothing; a day with a release planned on it is neither deleted nor shrunk under it; an owner reads
 * the releases of changes on their systems (no actions, no uploads) and gets 404 for the others.
 */
let t: TestApp;
type Session = { cookie: string; csrf: string };
const s = {} as Record<'op' | 'mgr' | 'sup' | 'owner', Session>;
let vmMine = '';
let vmOther = '';
let n = 0;

const jst = (x: string) => parseJstLocal(x).toISOString();
const db = () => t.database.db;
const get = (who: Session, url: string) => t.app.inject({ url, headers: { cookie: who.cookie } });
const send = (who: Session, method: 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
  t.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }), headers: { cookie: who.cookie, 'x-csrf-token': who.csrf } });
const day = (d: string, from = '18:00', to = '23:59', extra: Record<string, unknown> = {}) => ({ day: d, startsAt: jst(`${d}T${from}`), endsAt: jst(`${d}T${to}`), ...extra });
const createDay = async (d: string) => {
  const res = await send(s.mgr, 'POST', '/api/changes/maintenance-days', day(d));
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; day: string; updatedAt: string };
};
const days = async () => (await get(s.sup, '/api/changes/maintenance-days')).json().items as { id: string; day: string; startsAt: string; endsAt: string; note: string | null; updatedAt: string }[];
const audits = async () => (await db().select({ n: count() }).from(auditLog))[0]!.n;

/** A change being implemented (実施する decided), on one VM. */
async function change(vmId: string) {
  const now = t.clock.now();
  const [c] = await db()
    .insert(changes)
    .values({ receiptNo: `CHG-2026-7${String(++n).padStart(5, '0')}`, title: `VM 設定変更 ${n}`, description: 'x', source: 'direct', state: 'implementing', registeredAt: now, createdAt: now, updatedAt: now })
    .returning();
  await db().insert(changeCis).values({ changeId: c!.id, ciType: 'vm', ciId: vmId, name: `vm ${n}` });
  return c!;
}
const plan = (d: string, extra: Record<string, unknown> = {}) => ({
  proven: true,
  plannedStart: jst(`${d}T20:00`),
  plannedEnd: jst(`${d}T22:00`),
  timeline: [{ at: '20:00', task: '設定変更' }],
  rollbackCriteria: '起動しない場合',
  rollbackDecisionAt: jst(`${d}T21:00`),
  staffing: [{ name: '運用 太郎', role: '作業者' }],
  rollbackProcedure: '設定を戻す',
  backupTime: '20:00-20:10',
  impactScope: '対象 VM',
  risks: [{ risk: '起動失敗', mitigation: '切戻し' }],
  contacts: '管理者 → 統括責任者',
  workerLabel: '運用 太郎',
  workContent: 'VM 設定変更',
  businessImpact: '作業中は停止します',
  ...extra,
});
const act = async (who: Session, id: string, action: string, body: Record<string, unknown> = {}) => {
  const version = (await get(s.op, `/api/changes/releases/${id}`)).json().release.version;
  return send(who, 'POST', `/api/changes/releases/${id}/actions/${action}`, { version, ...body });
};

beforeAll(async () => {
  t = await testApp();
  t.clock.set(parseJstLocal('2026-11-24T10:00'));
  const mine = (await t.iam.createDepartment(admin, { code: 'D10', name: '土木部', kind: 'prefecture' })).id;
  const other = (await t.iam.createDepartment(admin, { code: 'D20', name: '教育庁', kind: 'prefecture' })).id;
  const person = t.person;
  await person('op', ['operator']);
  await person('mgr', ['vendor_manager']);
  await person('sup', ['supervisor']);
  await person('owner', ['system_owner'], { departmentId: mine });
  for (const k of ['op', 'mgr', 'sup', 'owner'] as const) s[k] = await t.login(k);
  const now = t.clock.now();
  const base = { statusChangedAt: now, createdAt: now, updatedAt: now, status: 'active' as const };
  const [site] = await db().insert(cmdbSites).values({ name: '県庁舎', code: 'HQ', statusChangedAt: now, createdAt: now, updatedAt: now }).returning();
  const [h1] = await db().insert(cmdbHosts).values({ ...base, name: 'esxi01', siteId: site!.id, cpuCores: 32, cpuGhz: 2.4, memoryGib: 512 }).returning();
  const [h2] = await db().insert(cmdbHosts).values({ ...base, name: 'esxi02', siteId: site!.id, cpuCores: 32, cpuGhz: 2.4, memoryGib: 512 }).returning();
  const [sys1] = await db().insert(cmdbSystems).values({ ...base, name: '道路管理システム', departmentId: mine, serviceLevel: 'A' }).returning();
  const [sys2] = await db().insert(cmdbSystems).values({ ...base, name: '教育ネットワーク', departmentId: other, serviceLevel: 'B' }).returning();
  vmMine = (await db().insert(cmdbVms).values({ ...base, name: 'doro-app01', hostId: h1!.id, systemId: sys1!.id, vcpu: 2, memoryGib: 8, diskGib: 100 }).returning())[0]!.id;
  vmOther = (await db().insert(cmdbVms).values({ ...base, name: 'kyo-db01', hostId: h2!.id, systemId: sys2!.id, vcpu: 2, memoryGib: 8, diskGib: 100 }).returning())[0]!.id;
});
afterAll(() => t.close());

describe('メンテナンス日の変更・削除 (CHG-3)', () => {
  it('only the manager edits and deletes; the operator, the supervisor and an owner get 403, nothing changes', async () => {
    const d = await createDay('2026-12-19');
    const edit = { ...day('2026-12-19', '19:00', '23:00'), updatedAt: d.updatedAt };
    const before = await audits();
    for (const who of [s.op, s.sup, s.owner]) {
      expect((await send(who, 'PUT', `/api/changes/maintenance-days/${d.id}`, edit)).statusCode).toBe(403);
      expect((await send(who, 'DELETE', `/api/changes/maintenance-days/${d.id}`)).statusCode).toBe(403);
    }
    expect(await audits()).toBe(before);
    expect((await days()).find((x) => x.id === d.id)!.startsAt).toBe(jst('2026-12-19T18:00'));
    // Everybody with change.read reads the list.
    expect((await get(s.owner, '/api/changes/maintenance-days')).statusCode).toBe(200);
  });

  it('the manager edits the window and the note; a stale page is refused (409)', async () => {
    const d = (await days()).find((x) => x.day === '2026-12-19')!;
    const res = await send(s.mgr, 'PUT', `/api/changes/maintenance-days/${d.id}`, { ...day('2026-12-19', '19:00', '23:00', { note: '月次報告会で時間変更' }), updatedAt: d.updatedAt });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ day: '2026-12-19', startsAt: jst('2026-12-19T19:00'), endsAt: jst('2026-12-19T23:00'), note: '月次報告会で時間変更' });
    const stale = await send(s.mgr, 'PUT', `/api/changes/maintenance-days/${d.id}`, { ...day('2026-12-19', '17:00', '23:00'), updatedAt: d.updatedAt });
    expect(stale.statusCode).toBe(409);
    expect((await days()).find((x) => x.id === d.id)!.startsAt).toBe(jst('2026-12-19T19:00'));
  });

  it('bad input is a 400 naming the field, in Japanese, writing nothing', async () => {
    const d = (await days()).find((x) => x.day === '2026-12-19')!;
    const other = await createDay('2026-12-26');
    const url = `/api/changes/maintenance-days/${d.id}`;
    const before = await audits();
    const cases: [Record<string, unknown>, string][] = [
      [{ ...day('2026-12-19', '23:00', '19:00') }, 'startsAt'], // ends before it starts
      [{ ...day('2026-12-19'), startsAt: jst('2026-12-20T18:00') }, 'startsAt'], // not on that day
      [{ ...day('2026-12-19'), endsAt: jst('2026-12-21T18:00') }, 'endsAt'], // longer than a day and a half
      [{ ...day('2026-12-19'), day: '2026-12-26', startsAt: jst('2026-12-26T18:00'), endsAt: jst('2026-12-26T23:00') }, 'day'], // taken by another day
      [{ ...day('2026-12-19'), day: '2026/12/19' }, 'day'],
      [{ ...day('2026-12-19'), startsAt: 'tomorrow' }, 'startsAt'],
    ];
    for (const [body, field] of cases) {
      const res = await send(s.mgr, 'PUT', url, { ...body, updatedAt: d.updatedAt });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(Object.keys(res.json().error.fields), JSON.stringify(body)).toContain(field);
      expect(res.json().error.fields[field]).toMatch(/[ぁ-んァ-ン一-龥]/);
    }
    const created = await send(s.mgr, 'POST', '/api/changes/maintenance-days', day('2027-01-09', '23:00', '19:00'));
    expect(created.statusCode).toBe(400);
    expect(Object.keys(created.json().error.fields)).toEqual(['startsAt']);
    expect(await audits()).toBe(before);
    expect((await days()).find((x) => x.id === d.id)).toEqual(d);
    expect((await days()).some((x) => x.day === '2027-01-09')).toBe(false);
    expect((await send(s.mgr, 'DELETE', `/api/changes/maintenance-days/${other.id}`)).statusCode).toBe(200);
  });

  it('an unknown day is a 404; an unused day is deleted and leaves the list (audited)', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await send(s.mgr, 'DELETE', `/api/changes/maintenance-days/${unknown}`)).statusCode).toBe(404);
    const d = await createDay('2027-01-16');
    const before = await audits();
    const res = await send(s.mgr, 'DELETE', `/api/changes/maintenance-days/${d.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ deleted: true });
    expect((await days()).some((x) => x.id === d.id)).toBe(false);
    expect(await audits()).toBe(before + 1);
    expect((await db().select().from(maintenanceDays).where(eq(maintenanceDays.id, d.id))).length).toBe(0);
  });

  it('a day with an approved release on it is not deleted (409 naming the release), nor shrunk under it; a cancelled release does not hold it', async () => {
    const d = await createDay('2026-12-12');
    const rid = (await send(s.op, 'POST', `/api/changes/${(await change(vmMine)).id}/releases`, plan('2026-12-12'))).json().id as string;
    expect((await act(s.op, rid, 'submit_plan')).statusCode).toBe(200);
    expect((await act(s.mgr, rid, 'review_plan')).statusCode).toBe(200);
    expect((await act(s.sup, rid, 'approve_plan')).statusCode).toBe(200);
    const releaseNo = (await get(s.op, `/api/changes/releases/${rid}`)).json().release.releaseNo as string;

    const del = await send(s.mgr, 'DELETE', `/api/changes/maintenance-days/${d.id}`);
    expect(del.statusCode).toBe(409);
    expect(del.json().error.message).toContain(releaseNo);
    expect(del.json().error.message).toContain('削除できません');
    // Shrinking the window so the release (20:00–22:00) no longer fits: refused on the field that cuts it.
    const cut = await send(s.mgr, 'PUT', `/api/changes/maintenance-days/${d.id}`, { ...day('2026-12-12', '18:00', '21:00'), updatedAt: d.updatedAt });
    expect(cut.statusCode).toBe(400);
    expect(Object.keys(cut.json().error.fields)).toEqual(['endsAt']);
    expect(cut.json().error.fields.endsAt).toContain(releaseNo);
    const late = await send(s.mgr, 'PUT', `/api/changes/maintenance-days/${d.id}`, { ...day('2026-12-12', '20:30', '23:59'), updatedAt: d.updatedAt });
    expect(Object.keys(late.json().error.fields)).toEqual(['startsAt']);
    // A change that keeps it inside is fine.
    const ok = await send(s.mgr, 'PUT', `/api/changes/maintenance-days/${d.id}`, { ...day('2026-12-12', '19:00', '23:00', { note: '開始を 19:00 に' }), updatedAt: d.updatedAt });
    expect(ok.statusCode).toBe(200);
    expect((await get(s.op, `/api/changes/releases/${rid}`)).json().maintenanceDay.id).toBe(d.id);
    // Once the release is cancelled the day may go.
    expect((await act(s.op, rid, 'cancel', { reason: '延期' })).statusCode).toBe(200);
    expect((await send(s.mgr, 'DELETE', `/api/changes/maintenance-days/${d.id}`)).statusCode).toBe(200);
  });
});

describe('release scope for system owners (ORG-4)', () => {
  let mine = '';
  let mineChange = '';
  let theirs = '';
  let theirsChange = '';
  it('an owner reads the releases of changes on their systems, with no actions; another department’s is a 404 everywhere', async () => {
    await createDay('2027-01-23');
    mineChange = (await change(vmMine)).id;
    theirsChange = (await change(vmOther)).id;
    mine = (await send(s.op, 'POST', `/api/changes/${mineChange}/releases`, plan('2027-01-23'))).json().id;
    theirs = (await send(s.op, 'POST', `/api/changes/${theirsChange}/releases`, plan('2027-01-23', { plannedStart: jst('2027-01-23T22:00'), plannedEnd: jst('2027-01-23T23:00'), rollbackDecisionAt: jst('2027-01-23T22:30') }))).json().id;
    expect(mine && theirs).toBeTruthy();
    expect((await act(s.op, mine, 'submit_plan')).statusCode).toBe(200);

    const view = await get(s.owner, `/api/changes/releases/${mine}`);
    expect(view.statusCode).toBe(200);
    expect(view.json().release.state).toBe('plan_review');
    expect(view.json().process.actions).toEqual([]);
    expect(view.json().mails).toEqual([]); // owners have no mail.read
    const list = await get(s.owner, `/api/changes/${mineChange}/releases`);
    expect(list.json().items.map((r: { id: string }) => r.id)).toEqual([mine]);
    expect((await get(s.owner, `/api/changes/releases/${mine}/evidence`)).statusCode).toBe(200);
    expect((await get(s.owner, `/api/changes/releases/${mine}/print.xlsx`)).statusCode).toBe(200);
    // No step, no edit, no upload, no new plan on their own system's change.
    expect((await act(s.owner, mine, 'review_plan')).statusCode).toBe(403);
    const r = (await get(s.op, `/api/changes/releases/${mine}`)).json().release;
    expect((await send(s.owner, 'PUT', `/api/changes/releases/${mine}`, { ...plan('2027-01-23'), version: r.version })).statusCode).toBe(403);
    expect((await send(s.owner, 'POST', `/api/changes/${mineChange}/releases`, plan('2027-01-23'))).statusCode).toBe(403);
    expect((await get(s.op, `/api/changes/releases/${mine}`)).json().release.state).toBe('plan_review');

    // Another department's release: not found, whatever is asked.
    for (const url of [`/api/changes/releases/${theirs}`, `/api/changes/releases/${theirs}/evidence`, `/api/changes/releases/${theirs}/print.pdf`, `/api/changes/${theirsChange}/releases`]) {
      expect((await get(s.owner, url)).statusCode, url).toBe(404);
    }
    expect((await send(s.owner, 'POST', `/api/changes/releases/${theirs}/actions/submit_plan`, { version: 1 })).statusCode).toBe(404);
    // The schedule shows the owner only their release.
    const sched = (await get(s.owner, '/api/changes/schedule?month=2027-01')).json();
    const refs = sched.entries.filter((e: { kind: string }) => e.kind === 'release').map((e: { id?: string; ref?: string; releaseId?: string }) => JSON.stringify(e));
    expect(refs.some((x: string) => x.includes(mine))).toBe(true);
    expect(refs.some((x: string) => x.includes(theirs))).toBe(false);
  });

  it('the owner’s inbox has none of the releases (owners hold no step of リリース作業)', async () => {
    const inbox = (await get(s.owner, '/api/inbox')).json();
    expect(inbox.items.map((x: { recordId: string }) => x.recordId)).not.toContain(mine);
    expect(inbox.items.map((x: { recordId: string }) => x.recordId)).not.toContain(theirs);
  });
});
