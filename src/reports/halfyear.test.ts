import { writeFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJstLocal } from '../calendar/index.ts';
import { cmdbClusters, cmdbHistory, cmdbHosts, cmdbSites, cmdbStorage, cmdbSystems, cmdbVms } from '../cmdb/schema.ts';
import { admin, type TestApp, testApp } from '../http/testing.ts';
import { halfOf, halfPeriod } from './halfyear-data.ts';

/**
 * 半期報告 (SLM-7) through the HTTP API. The estate is written with its CMDB history backdated, as the
 * ledger would have recorded it over the year: a cluster from December 2025 whose one host gets a VM
 * (4 vCPU of 64, 16 GiB of 256) every month — a straight rise of 6.25 points a month — a system added
 * and a VM retired inside FY2026 上期, and a VM added before it.
 */
let t: TestApp;
type Session = { cookie: string; csrf: string };
const who = ['op', 'mgr', 'sup', 'opsup', 'owner'] as const;
const s = {} as Record<(typeof who)[number], Session>;
const jst = (x: string) => parseJstLocal(x);
const get = (u: Session, url: string) => t.app.inject({ url, headers: { cookie: u.cookie } });
const send = (u: Session, method: 'POST' | 'PUT', url: string, payload?: unknown) =>
  t.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }), headers: { cookie: u.cookie, 'x-csrf-token': u.csrf } });
const ok = (res: { statusCode: number; body: string }, code = 200) => {
  if (res.statusCode !== code) throw new Error(`${res.statusCode} ${res.body}`);
  return JSON.parse(res.body);
};
const URL = '/api/reports/halfyear/2026-H1';

beforeAll(async () => {
  t = await testApp(); // clock: 2026-11-24 — FY2026 上期 is over, 下期 is not
  const deptId = (await t.iam.createDepartment(admin, { code: 'D10', name: '土木部', kind: 'prefecture' })).id;
  await t.person('op', ['operator']);
  await t.person('mgr', ['vendor_manager']);
  await t.person('sup', ['supervisor']);
  await t.person('opsup', ['operator', 'supervisor']);
  await t.person('owner', ['system_owner'], { departmentId: deptId });
  for (const k of who) s[k] = await t.login(k);
  const db = t.database.db;
  const history = (ciType: string, row: { id: string }, at: Date, action: string, before: unknown, reason: string) =>
    db.insert(cmdbHistory).values({
      ciType,
      ciId: row.id,
      at,
      actor: '構成管理者',
      action,
      reason,
      source: 'api',
      before: before ? JSON.parse(JSON.stringify(before)) : null,
      after: JSON.parse(JSON.stringify(row)),
    });
  const at0 = jst('2025-12-01T09:00');
  const base = (at: Date) => ({ status: 'active' as const, statusChangedAt: at, createdAt: at, updatedAt: at });
  const [site] = await db
    .insert(cmdbSites)
    .values({ name: '県庁舎', code: 'HQ', ...base(at0) })
    .returning();
  const [cl] = await db
    .insert(cmdbClusters)
    .values({ name: 'CL-本番01', siteId: site!.id, ...base(at0) })
    .returning();
  await history('cluster', cl!, at0, 'create', null, '基盤構築');
  const [host] = await db
    .insert(cmdbHosts)
    .values({ name: 'esxi01', siteId: site!.id, clusterId: cl!.id, cpuCores: 16, cpuGhz: 2.4, memoryGib: 256, ...base(at0) })
    .returning();
  await history('host', host!, at0, 'create', null, '基盤構築');
  const [st] = await db
    .insert(cmdbStorage)
    .values({ name: 'st01', siteId: site!.id, clusterId: cl!.id, capacityGib: 10_000, ...base(at0) })
    .returning();
  await history('storage', st!, at0, 'create', null, '基盤構築');
  const sysAt = jst('2026-05-10T10:00');
  const [sys] = await db
    .insert(cmdbSystems)
    .values({ name: '河川管理システム', departmentId: deptId, serviceLevel: 'B', ...base(sysAt) })
    .returning();
  await history('system', sys!, sysAt, 'create', null, '統合計画書による追加');
  for (let i = 1; i <= 9; i++) {
    const at = jst(`2026-${String(i).padStart(2, '0')}-15T10:00`);
    const [vm] = await db
      .insert(cmdbVms)
      .values({ name: `bpr-kasen-ap${i}`, hostId: host!.id, systemId: sys!.id, vcpu: 4, memoryGib: 16, diskGib: 100, ...base(at) })
      .returning();
    await history('vm', vm!, at, 'create', null, '払い出し');
  }
  // A VM off any host (not in the cluster's figures), retired in August: a scope change of the half.
  const [old] = await db
    .insert(cmdbVms)
    .values({ name: 'bpr-kasen-old1', systemId: sys!.id, vcpu: 2, memoryGib: 4, diskGib: 50, ...base(at0) })
    .returning();
  await history('vm', old!, at0, 'create', null, '移行');
  const retiredAt = jst('2026-08-01T10:00');
  const [gone] = await db
    .update(cmdbVms)
    .set({ status: 'retired', statusChangedAt: retiredAt, updatedAt: retiredAt })
    .where(eq(cmdbVms.id, old!.id))
    .returning();
  await history('vm', gone!, retiredAt, 'transition', old, '廃止');
});
afterAll(async () => t?.close());

describe('半期 (fiscal halves)', () => {
  it('H1 is April–September, H2 October–March of the next year; a month belongs to its half', () => {
    const h1 = halfPeriod('2026-H1');
    expect(h1.months).toEqual(['2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09']);
    expect(h1.from).toEqual(jst('2026-04-01T00:00'));
    expect(h1.to).toEqual(jst('2026-10-01T00:00'));
    expect(halfPeriod('2026-H2').months.at(-1)).toBe('2027-03');
    expect(halfOf('2027-02')).toBe('2026-H2');
    expect(halfOf('2026-04')).toBe('2026-H1');
  });
});

describe('半期報告書', () => {
  it('a future half is 400 naming the field, a bad one too; the owner is 403; nothing is written', async () => {
    const future = await send(s.op, 'POST', '/api/reports/halfyear/2026-H2');
    expect(future.statusCode).toBe(400);
    expect(future.body).toContain('half');
    expect(future.body).toContain('まだ終わっていません');
    expect((await send(s.op, 'POST', '/api/reports/halfyear/2026-H3')).statusCode).toBe(400);
    expect((await send(s.owner, 'POST', URL)).statusCode).toBe(403);
    expect((await get(s.owner, '/api/reports/halfyear')).statusCode).toBe(403);
    expect(ok(await get(s.sup, '/api/reports/halfyear')).items).toEqual([]);
  });

  it('the operator drafts once per half (again: the same report); KPI months, scope changes and the forecast come from the ledgers', async () => {
    const r = ok(await send(s.op, 'POST', URL), 201);
    const again = ok(await send(s.op, 'POST', URL), 200);
    expect(again.id).toBe(r.id);
    expect(ok(await get(s.sup, `/api/reports/halfyear/${r.id}`)).half).toBe('2026-H1'); // the inbox links the id
    expect(ok(await get(s.sup, '/api/reports/halfyear')).items).toHaveLength(1);
    const d = r.snapshot;
    expect(d.label).toBe('2026年度 上期（4月〜9月）');
    expect(d.kpis).toHaveLength(7);
    for (const k of d.kpis) expect(k.months).toHaveLength(6);
    // Scope: the system (May) and the VMs of April–September added; the old VM retired in August. January–March are before the half.
    expect(d.scope.counts).toEqual({ systemsAdded: 1, systemsRemoved: 0, vmsAdded: 6, vmsRemoved: 1 });
    expect(d.scope.removed[0]).toMatchObject({ name: 'bpr-kasen-old1', reason: '廃止' });
    // Forecast: the cluster was not there in October/November 2025; then +4 vCPU of 64 a month.
    expect(d.forecast.months[0]).toBe('2025-10');
    const c = d.forecast.clusters.find((x: { name: string }) => x.name === 'CL-本番01');
    expect(c.points.slice(0, 2)).toEqual([null, null]);
    expect(c.points[2].cpu).toEqual({ allocated: 0, capacity: 64, percent: 0 });
    expect(c.points[11].cpu).toEqual({ allocated: 36, capacity: 64, percent: 56.3 });
    expect(c.points[11].memory.percent).toBe(56.3);
    expect(c.trend.cpu.slope).toBeCloseTo(6.25, 1);
    expect(c.trend.cpu.monthsToThreshold).toBe(4); // (80 − 56.3) ÷ 6.25 = 3.8
    expect(c.trend.memory.monthsToThreshold).toBe(5); // (85 − 56.3) ÷ 6.25 = 4.6
    expect(c.trend.disk.slope).toBeGreaterThan(0);
  });

  it('texts with version: a target outside 0–100 % is 400 and writes nothing; a stale version is 409', async () => {
    let r = ok(await get(s.op, URL));
    const bad = await send(s.op, 'PUT', URL, { version: r.version, nextTargets: { availability_a: { percent: 120, note: 'x' } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('nextTargets');
    expect(ok(await get(s.op, URL)).version).toBe(r.version);
    r = ok(
      await send(s.op, 'PUT', URL, {
        version: r.version,
        itPlans: '次年度: 教育庁システムの更改（2027年7月）',
        migrationResults: '本年度 12 システムを移行',
        nextTargets: { availability_a: { percent: 99.95, note: '二重化の完了による' } },
        kpiNotes: { monitoring_first_response: '夜間の一次対応が遅延' },
      }),
    );
    expect(r.texts.itPlans).toContain('教育庁');
    expect(r.texts.nextTargets.availability_a.percent).toBe(99.95);
    expect((await send(s.op, 'PUT', URL, { version: r.version - 1, itPlans: 'x' })).statusCode).toBe(409);
    expect((await send(s.op, 'POST', `${URL}/resnapshot`, { version: r.version - 1 })).statusCode).toBe(409);
    expect(ok(await get(s.op, URL)).texts.itPlans).toContain('教育庁');
  });

  it('operator drafts → manager reviews → supervisor approves; the drafter never approves; stale version 409', async () => {
    let r = ok(await get(s.opsup, URL));
    r = ok(await send(s.opsup, 'POST', `${URL}/actions/submit`, { version: r.version }));
    expect(r.state).toBe('review');
    expect((await send(s.mgr, 'POST', `${URL}/actions/review`, { version: r.version - 1 })).statusCode).toBe(409);
    r = ok(await send(s.mgr, 'POST', `${URL}/actions/review`, { version: r.version }));
    expect(r.state).toBe('approval');
    const self = await send(s.opsup, 'POST', `${URL}/actions/approve`, { version: r.version });
    expect(self.statusCode).toBe(403);
    expect((await send(s.op, 'POST', `${URL}/actions/approve`, { version: r.version })).statusCode).toBe(403);
    r = ok(await send(s.sup, 'POST', `${URL}/actions/approve`, { version: r.version }));
    expect(r.state).toBe('approved');
    expect((await send(s.op, 'PUT', URL, { version: r.version, itPlans: 'x' })).statusCode).toBe(409);
  });

  it('PDF (Japanese font, several pages) and XLSX (one sheet per section, numbers as numbers)', async () => {
    const pdf = await get(s.sup, `${URL}/report.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.rawPayload.subarray(0, 4).toString()).toBe('%PDF');
    const raw = pdf.rawPayload.toString('latin1');
    expect(raw).toMatch(/IPAex|NotoSans/);
    // To look at it: HALFYEAR_PDF_OUT=/tmp/h.pdf, then pdftoppm -r 60 -png /tmp/h.pdf /tmp/h
    if (process.env.HALFYEAR_PDF_OUT) writeFileSync(process.env.HALFYEAR_PDF_OUT, pdf.rawPayload);
    expect(raw.match(/\/Type \/Page\b/g)?.length).toBeGreaterThanOrEqual(2);
    const xlsx = await get(s.mgr, `${URL}/report.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as never);
    expect(wb.worksheets).toHaveLength(9);
    const trend = wb.worksheets[7]!;
    expect(trend.getRow(1).getCell(1).value).toBe('クラスタ');
    expect(typeof trend.getRow(2).getCell(3).value).toBe('number');
    expect(String(wb.worksheets[8]!.getRow(2).getCell(1).value)).toContain('教育庁');
    expect((await get(s.owner, `${URL}/report.pdf`)).statusCode).toBe(403);
  });
});
