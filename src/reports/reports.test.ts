import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJstLocal } from '../calendar/index.ts';
import { changes, releases } from '../changes/schema.ts';
import { admin, TEST_PASSWORD, type TestApp, testApp } from '../http/testing.ts';
import { incidents } from '../incidents/schema.ts';
import { problems } from '../problems/schema.ts';
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

/** The monthly report's entries in a person's inbox (自分の作業): their month and the actions offered. */
const inbox = async (u: Session) =>
  (ok(await get(u, '/api/inbox')).items as { process: string; ref: string; path: string; actions: { action: string }[] }[])
    .filter((i) => i.process === 'monthly_report')
    .map((i) => ({ ref: i.ref, path: i.path, actions: i.actions.map((a) => a.action) }));

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
    db
      .insert(incidents)
      .values({
        receiptNo: `INC-T-${++n}`,
        title: 'x',
        description: 'x',
        source: 'other',
        class: cls,
        state: 'closed',
        priority,
        registeredAt: jst(at),
        detectedAt: jst(at),
        createdAt: now,
        updatedAt: now,
      });
  await inc('trouble', '2026-11-03T10:00', 'high');
  await inc('trouble', '2026-11-20T10:00', 'low');
  await inc('qa', '2026-11-21T10:00');
  await inc('work_request', '2026-11-30T23:59');
  await inc('qa', '2026-12-01T00:00'); // next month
  await inc('trouble', '2026-08-10T10:00'); // in the trend
  const [chg] = await db
    .insert(changes)
    .values({
      receiptNo: 'CHG-T-1',
      title: 'パッチ',
      description: 'x',
      source: 'direct',
      state: 'implementing',
      registeredAt: now,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  const rel = (no: string, start: string, actual: boolean) =>
    db
      .insert(releases)
      .values({
        changeId: chg!.id,
        releaseNo: no,
        state: actual ? 'completed' : 'approved',
        proven: true,
        plannedStart: jst(start),
        plannedEnd: jst(start),
        timeline: [],
        staffing: [],
        risks: [],
        workContent: 'x',
        businessImpact: 'なし',
        actualStart: actual ? jst(start) : null,
        result: actual ? 'success' : null,
        createdAt: now,
        updatedAt: now,
      });
  await rel('REL-T-1', '2026-11-14T20:00', true);
  await rel('REL-T-2', '2026-11-28T20:00', false);
  await db
    .insert(problems)
    .values({
      receiptNo: 'PRB-T-1',
      title: 'ストレージ遅延の根本原因',
      description: 'x',
      source: 'incident_root_cause',
      state: 'investigating',
      priority: 'high',
      dueAt: jst('2026-12-15T17:00'),
      registeredAt: jst('2026-11-05T09:00'),
      createdAt: now,
      updatedAt: now,
    });
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
    r = ok(
      await send(s.op, 'PUT', '/api/reports/monthly/2026-11', {
        version: r.version,
        fixInfo: 'ESXi 8.0U3 パッチ',
        kpis: { availability_a: { cause: '障害', countermeasure: '監視強化' } },
      }),
    );
    expect(r.texts.fixInfo).toBe('ESXi 8.0U3 パッチ');
    expect((await send(s.op, 'PUT', '/api/reports/monthly/2026-11', { version: r.version - 1, fixInfo: 'x' })).statusCode).toBe(409);
    // Each step waits in the inbox of whoever must act: the operator drafting, the manager reviewing, the supervisor approving.
    expect(await inbox(s.op)).toEqual([{ ref: '2026-11', path: `/reports/monthly/${r.id}`, actions: ['submit'] }]);
    expect(await inbox(s.mgr)).toEqual([]);
    expect(await inbox(s.sup)).toEqual([]);
    expect(await inbox(s.owner)).toEqual([]);
    r = ok(await send(s.op, 'POST', '/api/reports/monthly/2026-11/actions/submit', { version: r.version }));
    expect(await inbox(s.op)).toEqual([]);
    expect((await inbox(s.mgr)).map((i) => i.actions)).toEqual([['review', 'return']]);
    expect(await inbox(s.sup)).toEqual([]);
    r = ok(await send(s.mgr, 'POST', '/api/reports/monthly/2026-11/actions/review', { version: r.version }));
    expect(await inbox(s.mgr)).toEqual([]);
    expect((await inbox(s.sup)).map((i) => i.actions)).toEqual([['approve', 'rereport', 'carry_over', 'separate']]);
    expect(await inbox(s.owner)).toEqual([]);
    // The inbox links the record by id: the same report answers there.
    expect(ok(await get(s.sup, `/api/reports/monthly/${r.id}`)).month).toBe('2026-11');
    expect(ok(await get(s.sup, '/api/reports/monthly')).items[0].waitingFor).toEqual(['supervisor']);
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
    // N's words and JST minutes, never the codes or ISO instants.
    const dir = mkdtempSync(join(tmpdir(), 'kiban-report-'));
    writeFileSync(join(dir, 'r.pdf'), pdf.rawPayload);
    const text = execFileSync('pdftotext', ['-layout', join(dir, 'r.pdf'), '-'], { encoding: 'utf8' });
    for (const want of [
      '月次報告書（2026年11月）',
      'トラブル',
      'QA（問合せ）',
      '依頼作業',
      '優先度 高',
      'PRB-T-1',
      '原因調査・対処方針の検討中',
      '2026/12/15 17:00',
      '2026/11/14 20:00',
      '正常完了',
      '承認済・リリース準備',
      '2026年8月',
    ])
      expect(text).toContain(want);
    expect(text).toMatch(/1 ?\/ ?2/); // the page numbers
    for (const code of ['investigating', 'approved', 'success', 'work_request', 'trouble', 'high', 'T20:00', '+09:00', 'Z'])
      expect(text).not.toMatch(new RegExp(`\\b${code.replace('+', '\\+')}\\b`));
    const xlsx = await get(s.sup, '/api/reports/monthly/2026-11/report.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as never);
    expect(wb.worksheets).toHaveLength(12);
    const trend = wb.worksheets[2]!;
    expect(typeof trend.getRow(2).getCell(2).value).toBe('number');
    expect(trend.getRow(1).values).toEqual([undefined, '月', '依頼作業', 'QA（問合せ）', 'トラブル', '合計']);
    const rel = wb.worksheets[5]!;
    expect(rel.getRow(2).values).toEqual([undefined, 'REL-T-1', '2026/11/14 20:00', '2026/11/14 20:00', '正常完了', '']);
  });
});
