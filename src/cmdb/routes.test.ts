import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, TEST_PASSWORD, type TestApp, testApp } from '../http/testing.ts';
import { type CmdbService, createCmdbService } from './service.ts';

let t: TestApp;
let cmdb: CmdbService;
let deptA: string;
let deptB: string;
let sysA: { id: string };
let sysB: { id: string };
let vmA: { id: string };
let vmB: { id: string };
let hostId: string;
const why = { reason: 'テスト用の登録' };

type Session = { cookie: string; csrf: string };
let kosei: Session;
let ownerA: Session;

const get = (s: Session, url: string, lang = 'ja') => t.app.inject({ url, headers: { cookie: s.cookie, 'accept-language': lang } });
const send = (s: Session, method: 'POST' | 'PATCH', url: string, payload: unknown) =>
  t.app.inject({ method, url, payload: payload as object, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });

beforeAll(async () => {
  t = await testApp();
  cmdb = createCmdbService({ db: t.database.db, clock: t.clock });
  deptA = (await t.iam.createDepartment(admin, { code: 'D10', name: '土木部道路建設課', kind: 'prefecture' })).id;
  deptB = (await t.iam.createDepartment(admin, { code: 'D20', name: '教育庁総務課', kind: 'prefecture' })).id;
  await t.iam.createPerson(admin, { login: 'kosei', displayName: '構成 管理子', password: TEST_PASSWORD, roles: ['operator', 'config_manager'] });
  await t.iam.createPerson(admin, { login: 'owner-a', displayName: '道路 太郎', departmentId: deptA, password: TEST_PASSWORD, roles: ['system_owner'] });
  kosei = await t.login('kosei');
  ownerA = await t.login('owner-a');

  const site = await cmdb.create(admin, 'site', { name: '県庁舎サーバルーム', code: 'HQ', status: 'active', ...why });
  const cluster = await cmdb.create(admin, 'cluster', { name: 'hq-prod-cl01', siteId: site.id, status: 'active', ...why });
  hostId = (
    await cmdb.create(admin, 'host', { name: 'hq-esx0101', siteId: site.id, clusterId: cluster.id, cpuCores: 48, cpuGhz: 2.8, memoryGib: 1024, moref: 'host-1', status: 'active', ...why })
  ).id;
  await cmdb.create(admin, 'host', { name: 'hq-esx0102', siteId: site.id, clusterId: cluster.id, cpuCores: 48, cpuGhz: 2.8, memoryGib: 1024, moref: 'host-2', status: 'active', ...why });
  sysA = await cmdb.create(admin, 'system', { name: '道路台帳管理システム', code: 'doro', departmentId: deptA, serviceLevel: 'B', ...why });
  sysB = await cmdb.create(admin, 'system', { name: '=HYPERLINK("http://evil.example","教育")', code: 'kyoiku', departmentId: deptB, serviceLevel: 'A', ...why });
  vmA = await cmdb.create(admin, 'vm', { name: 'bp-doro-web01', systemId: sysA.id, hostId, vcpu: 2, memoryGib: 8, diskGib: 100, moref: 'vm-1', notes: '+81-95-000', ...why });
  vmB = await cmdb.create(admin, 'vm', { name: 'ap-kyoiku-db01', systemId: sysB.id, hostId, vcpu: 4, memoryGib: 16, diskGib: 200, ...why });
  await cmdb.create(admin, 'contact', { name: '道路 太郎', systemId: sysA.id, email: 'doro@pref.example.lg.jp', escalationOrder: 1, ...why });
});
afterAll(() => t.close());

describe('system-owner scope through the API (ORG-4)', () => {
  it('an owner sees only their department’s systems and VMs', async () => {
    const systems = (await get(ownerA, '/api/cmdb/systems')).json();
    expect(systems.items.map((s: { id: string }) => s.id)).toEqual([sysA.id]);
    const vms = (await get(ownerA, '/api/cmdb/vms')).json();
    expect(vms.items.map((s: { id: string }) => s.id)).toEqual([vmA.id]);
  });

  it('another department’s CI answers 404 as if it did not exist; platform ledgers 403', async () => {
    expect((await get(ownerA, `/api/cmdb/systems/${sysB.id}`)).statusCode).toBe(404);
    expect((await get(ownerA, `/api/cmdb/vms/${vmB.id}`)).statusCode).toBe(404);
    expect((await get(ownerA, `/api/cmdb/vms/${vmB.id}/history`)).statusCode).toBe(404);
    expect((await get(ownerA, `/api/cmdb/vms/${vmA.id}`)).statusCode).toBe(200);
    expect((await get(ownerA, '/api/cmdb/hosts')).statusCode).toBe(403);
    expect((await get(ownerA, '/api/cmdb/n-1')).statusCode).toBe(403);
  });

  it('an owner cannot edit the ledger', async () => {
    const res = await send(ownerA, 'PATCH', `/api/cmdb/systems/${sysA.id}`, { version: 1, notes: 'x', reason: 'x' });
    expect(res.statusCode).toBe(403);
  });
});

describe('relations', () => {
  it('system → VMs → host → cluster → site, and a VM back to its system and department', async () => {
    const s = (await get(kosei, `/api/cmdb/systems/${sysA.id}`)).json();
    expect(s.department).toMatchObject({ code: 'D10' });
    expect(s.vms).toHaveLength(1);
    expect(s.vms[0]).toMatchObject({ name: 'bp-doro-web01', hostName: 'hq-esx0101', clusterName: 'hq-prod-cl01', effectiveServiceLevel: 'B' });
    expect(s.contacts.map((c: { email: string }) => c.email)).toEqual(['doro@pref.example.lg.jp']);
    const v = (await get(kosei, `/api/cmdb/vms/${vmA.id}`)).json();
    expect(v.host).toMatchObject({ name: 'hq-esx0101', clusterName: 'hq-prod-cl01', siteName: '県庁舎サーバルーム' });
    expect(v.system).toMatchObject({ name: '道路台帳管理システム', department: { name: '土木部道路建設課' } });
    const h = (await get(kosei, `/api/cmdb/hosts/${hostId}`)).json();
    expect(h.vms.map((x: { name: string }) => x.name).sort()).toEqual(['ap-kyoiku-db01', 'bp-doro-web01']);
    expect(h.site.name).toBe('県庁舎サーバルーム');
  });
});

describe('errors in the user’s language', () => {
  it('absurd resources: 400 naming the field, in Japanese', async () => {
    const res = await send(kosei, 'POST', '/api/cmdb/vms', { name: 'bp-doro-ap01', systemId: sysA.id, vcpu: 10_000, memoryGib: -1, diskGib: 80, ...why });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.message).toBe('入力内容に誤りがあります。');
    expect(body.error.fields).toMatchObject({ vcpu: '768 以下を指定してください。', memoryGib: '0.25 以上を指定してください。' });
  });

  it('a missing reason: 400 on the reason field', async () => {
    const res = await send(kosei, 'POST', '/api/cmdb/sites', { name: '予備', code: 'X1' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields).toEqual({ reason: '必須項目です。' });
  });

  it('a stale version: 409 with the stale-version message', async () => {
    const ok = await send(kosei, 'PATCH', `/api/cmdb/vms/${vmA.id}`, { version: 1, diskGib: 150, reason: 'ディスク追加', cause: 'request:12' });
    expect(ok.statusCode).toBe(200);
    const stale = await send(kosei, 'PATCH', `/api/cmdb/vms/${vmA.id}`, { version: 1, diskGib: 300, reason: 'ディスク追加' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.message).toBe('ほかの利用者が先に更新しました。最新の内容を確認してから、もう一度操作してください。');
  });

  it('a duplicate name: 409 naming the field', async () => {
    const res = await send(kosei, 'POST', '/api/cmdb/systems', { name: '道路台帳管理システム', departmentId: deptA, serviceLevel: 'C', ...why });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.fields).toEqual({ name: 'この名前は既に使われています（業務システム）。' });
  });

  it('a move the lifecycle does not allow: 409 naming both statuses', async () => {
    const res = await send(kosei, 'POST', `/api/cmdb/systems/${sysA.id}/transition`, { to: 'stopped', version: 1, reason: '停止' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toBe('ステータスを「構築・移行」から「停止」へ変更することはできません。');
  });
});

describe('placements pushed by vCenter (CMDB-6)', () => {
  it('updates the host and writes a history entry naming the event', async () => {
    const res = await send(kosei, 'POST', '/api/cmdb/placements', {
      vm: { moref: 'vm-1' },
      host: { moref: 'host-2' },
      source: 'vcenter',
      event: 'VmMigratedEvent',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ changed: true });
    const h = (await get(kosei, `/api/cmdb/vms/${vmA.id}/history`)).json();
    expect(h.items[0]).toMatchObject({ action: 'placement', source: 'vcenter', cause: 'vcenter:VmMigratedEvent', reason: 'VmMigratedEvent: hq-esx0101 → hq-esx0102' });
    expect((await get(kosei, `/api/cmdb/vms/${vmA.id}`)).json().host.name).toBe('hq-esx0102');
  });
});

describe('export (CMDB-7, X-3)', () => {
  it('CSV has Japanese headers, a BOM, and neutralises cells that would run as formulas', async () => {
    const res = await get(kosei, '/api/cmdb/systems.csv?sort=name');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('構成管理台帳_業務システム_')}`);
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const rows: string[][] = parse(res.rawPayload.subarray(3).toString('utf8'));
    expect(rows[0]!.slice(0, 4)).toEqual(['システム名', 'システムコード', 'システム所管', 'システムサービスレベル']);
    const names = rows.slice(1).map((r) => r[0]);
    expect(names).toContain(`'=HYPERLINK("http://evil.example","教育")`);
    expect(names).toContain('道路台帳管理システム');
    const vms: string[][] = parse((await get(kosei, '/api/cmdb/vms.csv')).rawPayload.subarray(3).toString('utf8'));
    const notes = vms[0]!.indexOf('備考');
    expect(vms.find((r) => r[0] === 'bp-doro-web01')![notes]).toBe("'+81-95-000");
  });

  it('an owner’s export holds only their department', async () => {
    const res = await get(ownerA, '/api/cmdb/vms.csv');
    const rows: string[][] = parse(res.rawPayload.subarray(3).toString('utf8'));
    expect(rows.slice(1).map((r) => r[0])).toEqual(['bp-doro-web01']);
  });

  it('XLSX has a Japanese sheet and headers (read back with exceljs)', async () => {
    const res = await get(kosei, '/api/cmdb/vms.xlsx');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('仮想マシン')!;
    expect(ws).toBeDefined();
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 4)).toEqual(['インスタンス名', '業務システム', 'システム所管', 'システムサービスレベル']);
    expect(header).toContain('暫定対応手順書');
    expect(ws.rowCount).toBe(3);
    const names = [ws.getRow(2).getCell(1).value, ws.getRow(3).getCell(1).value].sort();
    expect(names).toEqual(['ap-kyoiku-db01', 'bp-doro-web01']);
  });
});

describe('OpenAPI', () => {
  it('documents the ledger routes', async () => {
    const paths = Object.keys((await t.app.inject('/api/docs/json')).json().paths);
    expect(paths).toEqual(expect.arrayContaining(['/api/cmdb/vms', '/api/cmdb/vms/{id}', '/api/cmdb/n-1', '/api/cmdb/placements']));
  });
});
