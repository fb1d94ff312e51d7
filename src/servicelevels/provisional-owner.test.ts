import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJstLocal } from '../calendar/index.ts';
import { cmdbHosts, cmdbSites, cmdbSystems, cmdbVms } from '../cmdb/schema.ts';
import { admin, type TestApp, testApp } from '../http/testing.ts';
import { incidentCis, incidents } from '../incidents/schema.ts';

/**
 * 暫定対応の成功率 as a system owner sees it (issue 12): a platform-caused trouble is registered without a
 * department (it is the platform's), so the owner's cases are found through the VM it hit — the VM
 * whose provisional procedure the owner wrote. Before, the owner's card showed "—" for every month.
 */
let t: TestApp;
type Session = { cookie: string; csrf: string };
const s = {} as Record<'op' | 'owner' | 'ownerB', Session>;
const jst = (x: string) => parseJstLocal(x);
const get = (u: Session, url: string) => t.app.inject({ url, headers: { cookie: u.cookie } });
const ok = (res: { statusCode: number; body: string }) => {
  if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`);
  return JSON.parse(res.body);
};
const provisional = async (u: Session, url: string) => ok(await get(u, url)).kpis.find((k: { key: string }) => k.key === 'provisional_response');

beforeAll(async () => {
  t = await testApp();
  const deptA = (await t.iam.createDepartment(admin, { code: 'D10', name: '土木部', kind: 'prefecture' })).id;
  const deptB = (await t.iam.createDepartment(admin, { code: 'D20', name: '教育庁', kind: 'prefecture' })).id;
  await t.person('op', ['operator']);
  await t.person('owner', ['system_owner'], { departmentId: deptA });
  await t.person('ownerB', ['system_owner'], { departmentId: deptB });
  t.clock.set(jst('2026-12-02T10:00'));
  for (const k of ['op', 'owner', 'ownerB'] as const) s[k] = await t.login(k);
  const db = t.database.db;
  const now = t.clock.now();
  const base = { statusChangedAt: now, createdAt: now, updatedAt: now, status: 'active' as const };
  const [site] = await db.insert(cmdbSites).values({ name: '県庁舎', code: 'HQ', statusChangedAt: now, createdAt: now, updatedAt: now }).returning();
  const [h] = await db
    .insert(cmdbHosts)
    .values({ ...base, name: 'esxi01', siteId: site!.id, cpuCores: 32, cpuGhz: 2.4, memoryGib: 512 })
    .returning();
  const [sys] = await db
    .insert(cmdbSystems)
    .values({ ...base, name: '道路管理システム', departmentId: deptA, serviceLevel: 'A' })
    .returning();
  const [vm] = await db
    .insert(cmdbVms)
    .values({
      ...base,
      name: 'doro-app01',
      hostId: h!.id,
      systemId: sys!.id,
      vcpu: 2,
      memoryGib: 8,
      diskGib: 100,
      ha: true,
      srm: true,
      provisionalProcedure: true,
    })
    .returning();
  // The trouble as the incident process registers a platform-caused one: no department, the VM as affected CI.
  const [inc] = await db
    .insert(incidents)
    .values({
      receiptNo: 'INC-T-1',
      title: '仮想マシンの停止',
      description: 'x',
      source: 'monitoring',
      class: 'trouble',
      state: 'closed',
      registeredAt: jst('2026-11-20T10:00'),
      detectedAt: jst('2026-11-20T10:00'),
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  await db.insert(incidentCis).values({ incidentId: inc!.id, ciType: 'vm', ciId: vm!.id, name: 'doro-app01' });
  const res = await t.app.inject({
    method: 'PUT',
    url: `/api/servicelevels/kpis/provisional_response/cases/${inc!.id}`,
    payload: { outcome: 'succeeded' },
    headers: { cookie: s.op.cookie, 'x-csrf-token': s.op.csrf },
  });
  if (res.statusCode !== 200) throw new Error(res.body);
});
afterAll(async () => t?.close());

describe('暫定対応の成功率, owner scope', () => {
  it("the owner of the VM's department sees the case and the figure; another department's owner sees no case", async () => {
    expect(await provisional(s.owner, '/api/servicelevels/kpis?month=2026-11')).toMatchObject({ numerator: 1, denominator: 1, value: 100 });
    expect((await provisional(s.owner, '/api/servicelevels/kpis?month=2026-11')).cases.map((c: { ref: string }) => c.ref)).toEqual(['INC-T-1']);
    expect(await provisional(s.ownerB, '/api/servicelevels/kpis?month=2026-11')).toMatchObject({ numerator: 0, denominator: 0, value: null, cases: [] });
  });

  it("the owner's dashboard card has last month's figure (the web shows 対象なし for 0 cases)", async () => {
    const mine = ok(await get(s.owner, '/api/servicelevels/dashboard'));
    expect(mine.scope).toBe('department');
    expect(mine.months.at(-2)).toMatchObject({ month: '2026-11', kpis: { provisional_response: { value: 100, numerator: 1, denominator: 1 } } });
    const other = ok(await get(s.ownerB, '/api/servicelevels/dashboard'));
    expect(other.months.at(-2).kpis.provisional_response).toMatchObject({ value: null, denominator: 0 });
  });
});
