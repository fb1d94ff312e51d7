import { asc, count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/index.ts';
import { testDatabase } from '../db/testing.ts';
import { createIamService, systemActor } from '../iam/index.ts';
import { FakeClock } from '../kernel/clock.ts';
import { loadDemoEstate } from './demo.ts';
import { cmdbHistory, cmdbVms } from './schema.ts';
import { createCmdbService } from './service.ts';

const clock = new FakeClock('2026-11-24T00:00:00Z');
const admin = systemActor('test');
let a: Database;
let b: Database;

async function departments(db: Database) {
  const iam = createIamService({ db: db.db, clock });
  const out = [];
  for (const [code, name] of [
    ['D01', '総務部総務文書課'],
    ['D02', '土木部道路建設課'],
    ['D03', '福祉保健部福祉保健課'],
    ['D04', '教育庁総務課'],
    ['D05', '危機管理部防災企画課'],
  ] as const) {
    out.push(await iam.createDepartment(admin, { code, name, kind: 'prefecture' }));
  }
  return out;
}

beforeAll(async () => {
  [a, b] = await Promise.all([testDatabase(), testDatabase()]);
});
afterAll(async () => {
  await a.close();
  await b.close();
});

describe('demo estate', () => {
  it('builds two sites, ~10 hosts, ~80 systems and ~250 VMs, the same every time', async () => {
    const s = await loadDemoEstate(a.db, clock, { departments: await departments(a), scale: 1 });
    expect(s).toMatchObject({ sites: 2, hosts: 10, systems: 80 });
    expect(s.vms).toBeGreaterThan(200);
    expect(s.vms).toBeLessThan(300);
    const vmsA = await a.db.select({ id: cmdbVms.id, name: cmdbVms.name, hostId: cmdbVms.hostId }).from(cmdbVms).orderBy(asc(cmdbVms.name));
    // Another database, other department ids: the same estate, the same ids.
    await loadDemoEstate(b.db, clock, { departments: await departments(b), scale: 1 });
    const vmsB = await b.db.select({ id: cmdbVms.id, name: cmdbVms.name, hostId: cmdbVms.hostId }).from(cmdbVms).orderBy(asc(cmdbVms.name));
    expect(vmsB).toEqual(vmsA);
    await expect(loadDemoEstate(a.db, clock, { departments: await departments(b).catch(() => []), scale: 1 })).rejects.toThrow();
  });

  it('is a usable ledger: levels A/B/C and dev/test mixed, names follow the rule, capacity computed', async () => {
    const cmdb = createCmdbService({ db: a.db, clock });
    const levels = await Promise.all(
      (['A', 'B', 'C'] as const).map(async (l) => (await cmdb.list(admin, 'vm', { page: 1, pageSize: 1, serviceLevel: l })).total),
    );
    expect(levels.every((n) => n > 10)).toBe(true);
    expect((await cmdb.list(admin, 'system', { page: 1, pageSize: 1, environment: 'dev_test' })).total).toBeGreaterThan(0);
    expect((await cmdb.namingViolations(admin)).items).toEqual([]);
    const cap = await cmdb.capacity(admin);
    expect(cap.clusters).toHaveLength(3);
    expect(cap.clusters.every((c) => c.memory.percent !== null && c.memory.percent < 100)).toBe(true);
    const n1 = await cmdb.n1(admin);
    expect(n1.clusters).toHaveLength(3);
    const sys = (await cmdb.list(admin, 'system', { page: 1, pageSize: 1 })).items[0]!;
    const full = await cmdb.get(admin, 'system', sys.id);
    expect((full.contacts as unknown[]).length).toBeGreaterThanOrEqual(2);
    // The VM count on the systems ledger is the number of the system's VMs (it once showed 0 everywhere).
    const listed = (await cmdb.list(admin, 'system', { page: 1, pageSize: 500 })).items as unknown as Array<{ id: string; vmCount: number }>;
    const withVms = await a.db.select({ systemId: cmdbVms.systemId, n: count() }).from(cmdbVms).groupBy(cmdbVms.systemId);
    const actual = new Map(withVms.map((r) => [r.systemId, r.n]));
    expect(listed.every((r) => r.vmCount === (actual.get(r.id) ?? 0))).toBe(true);
    expect(listed.some((r) => r.vmCount > 0)).toBe(true);
    const [h] = await a.db.select({ n: count() }).from(cmdbHistory);
    expect(h!.n).toBeGreaterThan(400);
  });

  // Speed is measured in bench/ (bench/cmdb-ledger.ts loads the same ×20 estate), never asserted here.
  it('scales 20×: every system, host and VM multiplied', async () => {
    const c = await testDatabase();
    try {
      const s = await loadDemoEstate(c.db, clock, { departments: await departments(c), scale: 20 });
      expect(s.systems).toBe(1600);
      expect(s.hosts).toBe(200);
      expect(s.vms).toBeGreaterThan(4000);
    } finally {
      await c.close();
    }
  });
});
