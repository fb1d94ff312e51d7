import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJstLocal } from '../calendar/index.ts';
import { changes, releases } from '../changes/schema.ts';
import { admin, TEST_PASSWORD, type TestApp, testApp } from '../http/testing.ts';
import { incidents } from '../incidents/schema.ts';
import { createReportService } from './service.ts';

let t: TestApp;
type Session = { cookie: string; csrf: string };
const who = ['op', 'mgr', 'sup', 'owner'] as const;
const s = {} as Record<(typeof who)[number], Session>;
const jst = (x: string) => parseJstLocal(x);
const get = (u: Session, url: string) => t.app.inject({ url, headers: { cookie: u.cookie } });
const send = (u: Session, method: 'POST' | 'PUT', url: string, payload?: unknown) =>
  t.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }), headers: { cookie: u.cookie, 'x-csrf-token': u.csrf } });
const ok = (res: { statusCode: number; body: string }, code = 200) => {
  if (res.statusCode !== code) throw new Error(`${res.statusCode} ${res.body}`);
  return JSON.parse(res.body);
};

beforeAll(async () => {
  t = await testApp();
  const person = (login: string, roles: string[], extra: Record<string, unknown> = {}) =>
    t.iam.createPerson(admin, { login, displayName: login, password: TEST_PASSWORD, roles: roles as never, email: `${login}@pref.example.lg.jp`, ...extra });
  const dept = (await t.iam.createDepartment(admin, { code: 'D10', name: '土木部', kind: 'prefecture' })).id;
  await person('op', ['operator']);
  await person('mgr', ['vendor_manager']);
  await person('sup', ['supervisor']);
  await person('owner', ['system_owner'], { departmentId: dept });
  t.clock.set(jst('2026-12-02T10:00'));
  for (const k of who) s[k] = await t.login(k);
  const db = t.database.db;
  const now = t.clock.now();
  let n = 0;
  const inc = (cls: 'work_request' | 'qa' | 'trouble', at: string, priority: 'high' | 'low' | null = null) =>
    db.insert(incidents).values({ receiptNo: `INC-T-${++n}`, title: 'x', description: 'x', source: 'other', class: cls, state: 'closed', priority, registeredAt: jst(at), detectedAt: jst(at), createdAt: now, updatedAt: now });
  await inc('trouble', '2026-11-03T10:00', 'high');
  await inc('trouble', '2026-11-20T10:00', 'low');
  await inc('qa', '2026-11-21T10:00');
  await inc('work_request', '2026-11-30T23:59');
  await inc('qa', '2026-12-01T00:00'); // next month
  await inc('trouble', '2026-08-10T10:00'); // in the trend
  const [chg] = await db.insert(changes).values({ receiptNo: 'CHG-T-1', title: 'パッチ', description: 'x', source: 'direct', state: 'implementing', registeredAt: now, createdAt: now, updatedAt: now }).returning();
  const rel = (no: string, start: string, actual: boolean) =>
    db.insert(releases).values({ changeId: chg!.id, releaseNo: no, state: actual ? 'completed' : 'approved', proven: true, plannedStart: jst(start), plannedEnd: jst(start), timeline: [], staffing: [], risks: [], workContent: 'x', businessImpact: 'なし', actualStart: actual ? jst(start) : null, result: actual ? 'success' : null, createdAt: now, updatedAt: now });
  await rel('REL-T-1', '2026-11-14T20:00', true);
  await rel('REL-T-2', '2026-11-28T20:00', false);
});
afterAll(async () => t?.close());

describe('月次報告', () => {
  it('the month-end job drafts the previous month once, with the right numbers; two workers on one DB create one', async () => {
    const a = createReportService({ db: t.database.db, clock: t.clock });
    const b = createReportService({ db: t.database.db, clock: t.clock });
    const [r1, r2] = await Promise.all([a.runMonthEnd(), b.runMonthEnd()]);
    expect([r1.created, r2.created].filter(Boolean)).toHaveLength(1);
    expect((await a.runMonthEnd()).created).toBe(false);
    const list = ok(await get(s.op, '/api/reports/monthly'));
    expect(list.items.map((i: { month: string }) => i.month)).toEqual(['2026-11']);
    const rep = ok(await get(s.op, '/api/reports/monthly/2026-11'));
    const d = rep.snapshot;
    expect(d.incidents.total).toBe(4);
    expect(d.incidents.byClass).toEqual({ trouble: 2, qa: 1, work_request: 1 });
    expect(d.incidents.byPriority.high).toBe(1);
    expect(d.incidents.trend).toHaveLength(6);
    expect(d.incidents.trend.find((x: { month: string }) => x.month === '2026-08').trouble).toBe(1);
    expect(d.changes.planned).toBe(2);
    expect(d.changes.done).toBe(1);
    expect(d.migration.noSource).toBe(true);
  });

  it('future month 400 naming the field; owner 403', async () => {
    const res = await send(s.op, 'POST', '/api/reports/monthly/2026-12');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('month');
    expect((await get(s.owner, '/api/reports/monthly')).statusCode).toBe(403);
    expect((await get(s.owner, '/api/reports/monthly/2026-11')).statusCode).toBe(403);
  });

  it('texts with version, stale 409, drafter cannot approve, supervisor approves', async () => {
    let r = ok(await get(s.op, '/api/reports/monthly/2026-11'));
    r = ok(await send(s.op, 'PUT', '/api/reports/monthly/2026-11', { version: r.version, fixInfo: 'ESXi 8.0U3 パッチ', kpis: { availability_a: { cause: '障害', countermeasure: '監視強化' } } }));
    expect(r.texts.fixInfo).toBe('ESXi 8.0U3 パッチ');
    expect((await send(s.op, 'PUT', '/api/reports/monthly/2026-11', { version: r.version - 1, fixInfo: 'x' })).statusCode).toBe(409);
    r = ok(await send(s.op, 'POST', '/api/reports/monthly/2026-11/actions/submit', { version: r.version }));
    r = ok(await send(s.mgr, 'POST', '/api/reports/monthly/2026-11/actions/review', { version: r.version }));
    expect((await send(s.op, 'POST', '/api/reports/monthly/2026-11/actions/approve', { version: r.version })).statusCode).toBe(403);
    r = ok(await send(s.sup, 'POST', '/api/reports/monthly/2026-11/actions/rereport', { version: r.version, reason: '原因の記載が不足' }));
    expect(r.state).toBe('draft');
    r = ok(await send(s.op, 'POST', '/api/reports/monthly/2026-11/actions/submit', { version: r.version }));
    r = ok(await send(s.mgr, 'POST', '/api/reports/monthly/2026-11/actions/review', { version: r.version }));
    r = ok(await send(s.sup, 'POST', '/api/reports/monthly/2026-11/actions/approve', { version: r.version }));
    expect(r.state).toBe('approved');
    expect((await send(s.mgr, 'POST', '/api/reports/monthly/2026-11/actions/minutes', { version: r.version })).statusCode).toBe(409);
  });

  it('PDF and XLSX', async () => {
    const pdf = await get(s.sup, '/api/reports/monthly/2026-11/report.pdf');
    expect(pdf.statusCode).toBe(200);
    expect(pdf.rawPayload.subarray(0, 4).toString()).toBe('%PDF');
    const raw = pdf.rawPayload.toString('latin1');
    expect(raw).toMatch(/IPAex|NotoSans/);
    expect(raw.match(/\/Type \/Page\b/g)?.length).toBeGreaterThanOrEqual(2);
    const xlsx = await get(s.sup, '/api/reports/monthly/2026-11/report.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as never);
    expect(wb.worksheets).toHaveLength(12);
    const trend = wb.worksheets[2]!;
    expect(typeof trend.getRow(2).getCell(2).value).toBe('number');
  });
});
