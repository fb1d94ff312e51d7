import ExcelJS from 'exceljs';
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCmdbService } from '../cmdb/index.ts';
import { multipartBody } from '../files/testing.ts';
import { admin, TEST_PASSWORD, type TestApp, testApp } from '../http/testing.ts';
import { integrationPlanRows } from './schema.ts';
import { approvedPlanRows } from './service.ts';

/** 統合計画書, templates and the OS allow-list (OPS-3/4/7) through the HTTP API. */
let t: TestApp;
type Session = { cookie: string; csrf: string };
const who = ['mgr', 'sup', 'owner', 'ownerB', 'both'] as const;
const s = {} as Record<(typeof who)[number], Session>;
let sysA = '';

const get = (u: Session, url: string) => t.app.inject({ url, headers: { cookie: u.cookie } });
const send = (u: Session, method: 'POST' | 'PUT' | 'PATCH', url: string, payload: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method, url, payload: payload as object, headers: { cookie: u.cookie, 'x-csrf-token': u.csrf, ...headers } });
const version = async (id: string) => (await get(s.mgr, `/api/portal/plans/${id}`)).json().version as number;
const act = async (u: Session, id: string, action: string, body: Record<string, unknown> = {}) => send(u, 'POST', `/api/portal/plans/${id}/actions/${action}`, { version: await version(id), ...body });
const rowCount = async () => (await t.database.db.select({ n: count() }).from(integrationPlanRows))[0]!.n;

const row = (over: Record<string, unknown> = {}) => ({
  hostName: 'doro-ap01',
  ip: '10.1.2.3',
  osCode: 'ws2022',
  edition: 'Standard',
  bits: 64,
  templateCode: 'n-windows',
  cpu: 2,
  memoryGb: 4,
  diskGb: 80,
  site: 'main',
  hostPinning: null,
  srm: false,
  ha: true,
  monitoring: ['ping', 'resource'],
  mailAddresses: ['doro@pref.example.lg.jp'],
  ...over,
});

beforeAll(async () => {
  t = await testApp();
  const dept = (await t.iam.createDepartment(admin, { code: 'D10', name: '土木部', kind: 'prefecture' })).id;
  const deptB = (await t.iam.createDepartment(admin, { code: 'D20', name: '教育庁', kind: 'prefecture' })).id;
  const person = async (login: (typeof who)[number], roles: string[], extra: Record<string, unknown> = {}) =>
    t.iam.createPerson(admin, { login, displayName: `${login}さん`, password: TEST_PASSWORD, roles: roles as never, email: `${login}@pref.example.lg.jp`, ...extra });
  await person('mgr', ['vendor_manager']);
  await person('sup', ['supervisor']);
  await person('owner', ['system_owner'], { departmentId: dept });
  await person('ownerB', ['system_owner'], { departmentId: deptB });
  await person('both', ['system_owner', 'supervisor'], { departmentId: dept });
  const cmdb = createCmdbService({ db: t.database.db, clock: t.clock });
  sysA = (await cmdb.create(admin, 'system', { name: '道路台帳システム', code: 'pldoro', departmentId: dept, serviceLevel: 'B', reason: 'テスト' })).id;
  for (const k of who) s[k] = await t.login(k);
});
afterAll(() => t.close());

describe('templates and the OS allow-list (OPS-3/4)', () => {
  it('seeds N’s templates, M’s defaults and the OS list; owners read, the vendor manager corrects (audited)', async () => {
    const cat = (await get(s.owner, '/api/portal/catalog')).json();
    expect(cat.templates.find((x: { code: string }) => x.code === 'n-windows')).toMatchObject({ osCode: 'ws2022', vcpu: 2, memoryGb: 4, diskGb: 80, nics: 2 });
    expect(cat.templates.find((x: { code: string }) => x.code === 'n-rhel')).toMatchObject({ osCode: 'rhel9', vcpu: 2, memoryGb: 4, diskGb: 40, nics: 2 });
    expect(cat.templates.find((x: { code: string }) => x.code === 'n-rhel').partitioning).toContain('/boot：1GB');
    expect(cat.templates.find((x: { code: string }) => x.code === 'm-default')).toMatchObject({ vcpu: 1, memoryGb: 8, diskGb: 100 });
    expect(cat.os.find((o: { code: string }) => o.code === 'ws2016').endOfSupportOn).toBe('2027-01-12');
    const ws16 = cat.os.find((o: { code: string }) => o.code === 'ws2016');
    expect((await send(s.owner, 'PATCH', '/api/portal/os/ws2016', { version: ws16.version, note: 'x' })).statusCode).toBe(403);
    const ok = await send(s.mgr, 'PATCH', '/api/portal/os/ws2016', { version: ws16.version, note: '確認済' });
    expect(ok.statusCode).toBe(200);
    expect((await send(s.mgr, 'PATCH', '/api/portal/os/ws2016', { version: ws16.version, note: 'again' })).statusCode).toBe(409);
  });
});

describe('統合計画書 (OPS-7)', () => {
  let plan = '';
  it('the owner creates a draft and saves rows; a stale version is 409', async () => {
    const res = await send(s.owner, 'POST', '/api/portal/plans', { systemId: sysA, title: '道路台帳 更改', provisionUntil: '2030-03-31' });
    expect(res.statusCode).toBe(201);
    plan = res.json().id;
    const v = res.json().version;
    const saved = await send(s.owner, 'PUT', `/api/portal/plans/${plan}`, { version: v, rows: [row(), row({ hostName: 'doro-db01', ip: '10.1.2.4', osCode: 'rhel9', templateCode: 'n-rhel', cpu: 16, memoryGb: 8, diskGb: 40 })] });
    expect(saved.statusCode).toBe(200);
    const page = (await get(s.owner, `/api/portal/plans/${plan}`)).json();
    expect(page.rows).toHaveLength(2);
    expect(page.rows[1]).toMatchObject({ hostName: 'doro-db01', overLimit: true });
    const stale = await send(s.owner, 'PUT', `/api/portal/plans/${plan}`, { version: v, rows: [row()] });
    expect(stale.statusCode).toBe(409);
    expect((await get(s.owner, `/api/portal/plans/${plan}`)).json().rows).toHaveLength(2);
  });

  it('validates every row, naming the row and the column in Japanese, writing nothing', async () => {
    const before = await rowCount();
    const res = await send(s.owner, 'PUT', `/api/portal/plans/${plan}`, { version: await version(plan), rows: [row(), row({ hostName: 'doro-ap02', ip: '10.1.2.300', cpu: 0 })] });
    expect(res.statusCode).toBe(400);
    const f = res.json().error.fields;
    expect(f['rows.2.ip']).toBe('2行目の「IPアドレス」：IPアドレスの形式（例 10.1.2.3）ではありません。');
    expect(f['rows.2.cpu']).toContain('2行目の「CPU（vCPU）」');
    expect(await rowCount()).toBe(before);
  });

  it('refuses an OS whose support ends within the provision period, with the date', async () => {
    const res = await send(s.owner, 'PUT', `/api/portal/plans/${plan}`, { version: await version(plan), rows: [row({ osCode: 'ws2016' })] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields['rows.1.osCode']).toBe('1行目の「OS」：Windows Server 2016 Standard 64bit はメーカーのサポートが 2027-01-12 に終了するため、提供期間（2030-03-31 まで）には使用できません。');
  });

  it('exports the XLSX layout and imports it back as the same rows; a bad file writes nothing and lists every error', async () => {
    const exp = await get(s.owner, `/api/portal/plans/${plan}/xlsx`);
    expect(exp.statusCode).toBe(200);
    const before = (await get(s.owner, `/api/portal/plans/${plan}`)).json().rows;
    const body = multipartBody([{ fileName: 'plan.xlsx', data: exp.rawPayload }], {});
    const vImport = await version(plan);
    const imp = await t.app.inject({ method: 'POST', url: `/api/portal/plans/${plan}/xlsx`, payload: body.payload, headers: { ...body.headers, cookie: s.owner.cookie, 'x-csrf-token': s.owner.csrf } });
    expect(imp.statusCode, imp.body).toBe(200);
    // A preview: the rows as read, nothing written until the owner confirms with a save.
    expect(imp.json().rows.map((r: { hostName: string }) => r.hostName)).toEqual(before.map((r: { hostName: string }) => r.hostName));
    expect(await version(plan)).toBe(vImport);
    const confirmed = await send(s.owner, 'PUT', `/api/portal/plans/${plan}`, { version: vImport, rows: imp.json().rows, imported: true });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect((await get(s.owner, `/api/portal/plans/${plan}`)).json().rows).toEqual(before);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(exp.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('統合計画書')!;
    ws.getCell('C6').value = '999.1.1.1';
    ws.getCell('D7').value = 'Windows 95';
    const bad = multipartBody([{ fileName: 'bad.xlsx', data: Buffer.from(await wb.xlsx.writeBuffer()) }], {});
    const v0 = await version(plan);
    const res = await t.app.inject({ method: 'POST', url: `/api/portal/plans/${plan}/xlsx`, payload: bad.payload, headers: { ...bad.headers, cookie: s.owner.cookie, 'x-csrf-token': s.owner.csrf } });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json().error.fields)).toEqual(['rows.1.ip', 'rows.2.osCode']);
    expect(await version(plan)).toBe(v0);
    expect((await get(s.owner, `/api/portal/plans/${plan}`)).json().rows).toEqual(before);
  });

  it('owners of another department get 404; the vendor and the supervisor see it', async () => {
    expect((await get(s.ownerB, `/api/portal/plans/${plan}`)).statusCode).toBe(404);
    expect((await send(s.ownerB, 'PUT', `/api/portal/plans/${plan}`, { version: await version(plan), rows: [row()] })).statusCode).toBe(404);
    expect((await get(s.ownerB, '/api/portal/plans')).json().items).toHaveLength(0);
    expect((await get(s.sup, `/api/portal/plans/${plan}`)).statusCode).toBe(200);
    expect((await get(s.mgr, '/api/portal/plans')).json().items).toHaveLength(1);
  });

  it('submitted by the owner, returned with a reason, reviewed by the manager, approved by the supervisor', async () => {
    expect((await act(s.mgr, plan, 'submit')).statusCode).toBe(403);
    expect((await act(s.owner, plan, 'submit')).statusCode).toBe(200);
    expect((await act(s.mgr, plan, 'return')).statusCode).toBe(400);
    expect((await act(s.mgr, plan, 'return', { reason: 'IP を確認してください' })).json().state).toBe('draft');
    expect((await get(s.owner, `/api/portal/plans/${plan}`)).json().returnReason).toBe('IP を確認してください');
    await act(s.owner, plan, 'submit');
    expect((await act(s.mgr, plan, 'review')).json().state).toBe('reviewed');
    expect((await send(s.owner, 'PUT', `/api/portal/plans/${plan}`, { version: await version(plan), rows: [row()] })).statusCode).toBe(409);
    expect((await act(s.sup, plan, 'approve')).json().state).toBe('approved');
    const approved = await approvedPlanRows(t.database.db, sysA);
    expect(approved?.rows.map((r) => r.hostName)).toEqual(['doro-ap01', 'doro-db01']);
  });

  it('the requester never approves their own plan', async () => {
    const created = await send(s.both, 'POST', '/api/portal/plans', { systemId: sysA, title: '追加', provisionUntil: '2030-03-31' });
    const id = created.json().id;
    await send(s.both, 'PUT', `/api/portal/plans/${id}`, { version: created.json().version, rows: [row({ hostName: 'doro-ap09' })] });
    expect((await act(s.both, id, 'submit')).statusCode).toBe(200);
    expect((await act(s.mgr, id, 'review')).statusCode).toBe(200);
    const res = await act(s.both, id, 'approve');
    expect(res.statusCode).toBe(403);
    expect((await get(s.mgr, `/api/portal/plans/${id}`)).json().state).toBe('reviewed');
  });
});
