import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCmdbService } from '../cmdb/index.ts';
import { admin, type TestApp, testApp } from '../http/testing.ts';

/** The system owner's home (GET /api/portal/home): their department only, anyone else 403. */
let t: TestApp;
type Session = { cookie: string; csrf: string };
const s = {} as Record<'owner' | 'ownerB' | 'mgr', Session>;
let sysA = '';
const get = (u: Session, url: string) => t.app.inject({ url, headers: { cookie: u.cookie } });
const send = (u: Session, url: string, payload: unknown) =>
  t.app.inject({ method: 'POST', url, payload: payload as object, headers: { cookie: u.cookie, 'x-csrf-token': u.csrf } });

beforeAll(async () => {
  t = await testApp();
  const dept = (await t.iam.createDepartment(admin, { code: 'D10', name: '土木部', kind: 'prefecture' })).id;
  const deptB = (await t.iam.createDepartment(admin, { code: 'D20', name: '教育庁', kind: 'prefecture' })).id;
  await t.person('mgr', ['vendor_manager']);
  await t.person('owner', ['system_owner'], { departmentId: dept });
  await t.person('ownerB', ['system_owner'], { departmentId: deptB });
  const cmdb = createCmdbService({ db: t.database.db, clock: t.clock });
  const meta = { reason: 'テスト', status: 'active' as const };
  const main = (await cmdb.create(admin, 'site', { name: '県庁舎サーバルーム', code: 'main', role: 'main', ...meta } as never)).id;
  const cl = (await cmdb.create(admin, 'cluster', { name: 'cl-main', siteId: main, drsEnabled: false, ...meta } as never)).id;
  const hosts: string[] = [];
  for (const h of ['esx01', 'esx02', 'esx03'])
    hosts.push((await cmdb.create(admin, 'host', { name: h, siteId: main, clusterId: cl, cpuCores: 16, cpuGhz: 2.4, memoryGib: 128, ...meta } as never)).id);
  sysA = (await cmdb.create(admin, 'system', { name: '道路台帳システム', code: 'pldoro', departmentId: dept, serviceLevel: 'B', ...meta } as never)).id;
  const sysB = (await cmdb.create(admin, 'system', { name: '教職員システム', code: 'kyoin', departmentId: deptB, serviceLevel: 'C', ...meta } as never)).id;
  await cmdb.create(admin, 'vm', { name: 'bp-pldoro-old01', systemId: sysA, hostId: hosts[0], vcpu: 4, memoryGib: 16, diskGib: 100, ...meta } as never);
  await cmdb.create(admin, 'vm', { name: 'cp-kyoin-web01', systemId: sysB, hostId: hosts[1], vcpu: 2, memoryGib: 8, diskGib: 50, ...meta } as never);
  for (const k of ['owner', 'ownerB', 'mgr'] as const) s[k] = await t.login(k);
}, 120_000);
afterAll(() => t.close());

describe('owner home', () => {
  it("shows the owner's systems, VMs and open requests with who each waits on, nothing of another department", async () => {
    const req = await send(s.owner, '/api/portal/requests/provision', {
      systemId: sysA,
      dueOn: '2026-12-04',
      hostName: 'doro-ap01',
      osCode: 'ws2022',
      templateCode: 'n-windows',
      cpu: 2,
      memoryGb: 4,
      diskGb: 80,
      nics: 2,
      site: 'main',
      provisionUntil: '2030-03-31',
    });
    expect(req.statusCode, req.body).toBe(201);
    const res = await get(s.owner, '/api/portal/home');
    expect(res.statusCode).toBe(200);
    const h = res.json();
    expect(h.systems.map((x: { name: string }) => x.name)).toEqual(['道路台帳システム']);
    expect(h.systems[0]).toMatchObject({ vmCount: 1, approvedPlan: false, serviceLevel: 'B' });
    expect(h.vms).toEqual([
      expect.objectContaining({ name: 'bp-pldoro-old01', level: 'B', hostName: 'esx01', vcpu: 4, memoryGib: 16, diskGib: 100, monitoring: 'none' }),
    ]);
    expect(h.openRequests).toEqual([
      expect.objectContaining({ requestNo: req.json().requestNo, state: 'submitted', waitsOn: { ja: '運用管理者', en: 'Vendor manager' } }),
    ]);
    const b = (await get(s.ownerB, '/api/portal/home')).json();
    expect(b.vms.map((v: { name: string }) => v.name)).toEqual(['cp-kyoin-web01']);
    expect(b.openRequests).toEqual([]);
    expect((await get(s.ownerB, `/api/portal/requests/${req.json().id}`)).statusCode).toBe(404);
  });

  it('is for system owners only', async () => {
    const res = await get(s.mgr, '/api/portal/home');
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toBe('この操作を行う権限がありません。');
  });
});
