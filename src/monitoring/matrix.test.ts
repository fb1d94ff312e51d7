import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cmdbHosts, cmdbSites, cmdbSystems, cmdbVms } from '../cmdb/schema.ts';
import type { Database } from '../db/index.ts';
import { testDatabase } from '../db/testing.ts';
import { departments } from '../iam/schema.ts';
import { FakeClock } from '../kernel/clock.ts';
import { applyPlan, itemsFor, MONITORING_MATRIX, planFromCmdb, vmKind } from './matrix.ts';
import { monitoringItems, monitoringTargets } from './schema.ts';

describe('the monitoring matrix of N §3.7.3.1', () => {
  it.each([
    ['an ESXi server: alive, message, hardware, resource, round the clock', 'esxi', '24h365d', ['alive', 'message', 'hardware', 'resource']],
    ['a network device: alive only', 'network_device', '24h365d', ['alive']],
    ['a level-A VM: alive, process, message, resource', 'vm_a', '24h365d', ['alive', 'process', 'message', 'resource']],
    ['a level-C production VM: alive and resource, business hours', 'vm_c', 'business', ['alive', 'resource']],
    ['a level-C dev/test VM: no alive check, resource in business hours', 'vm_c_dev', 'business', ['resource']],
  ] as const)('%s', (_name, kind, hours, items) => {
    expect(MONITORING_MATRIX[kind]).toEqual({ hours, items });
  });

  it('maps service level and environment to the column', () => {
    expect(vmKind('A', 'dev_test')).toBe('vm_a');
    expect(vmKind('C', 'production')).toBe('vm_c');
    expect(vmKind('C', 'dev_test')).toBe('vm_c_dev');
  });

  it('gives a level-C VM business-hours-only items, alive mailed and resources not, with M defaults', () => {
    const { items } = itemsFor('vm_c', { os: 'Red Hat Enterprise Linux 9' });
    expect(items.map((i) => [i.type, i.key, i.businessHoursOnly, i.notify])).toEqual([
      ['icmp', 'icmpping', true, true],
      ['resource', 'system.cpu.util', true, false],
      ['resource', 'vm.memory.size[pavailable]', true, false],
      ['resource', 'vfs.fs.size[/,pused]', true, false],
    ]);
    expect(itemsFor('vm_b', { os: 'Windows Server 2022' }).items.map((i) => i.key)).toContain('vfs.fs.size[C:,pused]');
  });

  it('lists what it cannot generate: process names not registered, message and hardware monitoring', () => {
    expect(itemsFor('vm_a', {}).pending.map((p) => p.coverage)).toEqual(['process', 'message']);
    expect(itemsFor('vm_a', { processes: ['httpd'] }).items.map((i) => i.key)).toContain('proc.num[httpd]');
    expect(itemsFor('esxi', {}).items.filter((i) => i.type === 'resource').every((i) => i.collect === 'push')).toBe(true);
  });
});

/** The one row an insert returned. */
function one<T>(rows: T[]): T {
  const [r] = rows;
  if (!r) throw new Error('insert returned nothing');
  return r;
}

describe('generating targets and items from the CMDB', () => {
  let database: Database;
  const clock = new FakeClock('2026-11-24T01:00:00Z');
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    database = await testDatabase();
    const db = database.db;
    const now = clock.now();
    const stamp = { statusChangedAt: now, createdAt: now, updatedAt: now };
    const dept = one(await db.insert(departments).values({ code: 'M01', name: '総務部情報政策課', kind: 'prefecture', createdAt: now, updatedAt: now }).returning());
    const site = one(await db.insert(cmdbSites).values({ name: '県庁舎サーバルーム', code: 'HQ', status: 'active', ...stamp }).returning());
    const host = one(
      await db
        .insert(cmdbHosts)
        .values({ name: 'esxi-01', siteId: site.id, ip: '192.168.10.1', cpuCores: 32, cpuGhz: 2.4, memoryGib: 512, status: 'active', ...stamp })
        .returning(),
    );
    ids.host = host.id;
    const system = async (name: string, serviceLevel: 'A' | 'B' | 'C', environment: 'production' | 'dev_test') =>
      one(await db.insert(cmdbSystems).values({ name, departmentId: dept.id, serviceLevel, environment, status: 'active', ...stamp }).returning()).id;
    const a = await system('税務システム', 'A', 'production');
    const cDev = await system('研修システム検証', 'C', 'dev_test');
    const vm = async (name: string, systemId: string, extra: Partial<typeof cmdbVms.$inferInsert> = {}) =>
      one(
        await db
          .insert(cmdbVms)
          .values({ name, systemId, hostId: host.id, vcpu: 2, memoryGib: 8, diskGib: 100, status: 'active', nics: [{ network: 'lan', ip: `10.0.0.${Object.keys(ids).length + 10}` }], ...stamp, ...extra })
          .returning(),
      ).id;
    ids.a = await vm('tax-ap-01', a, { os: 'Windows Server 2022' });
    ids.dev = await vm('edu-dev-01', cDev);
    ids.retired = await vm('tax-old-01', a, { status: 'retired' });
  });
  afterAll(async () => database?.close());

  it('plans every active CI by its column, skips retired ones, and applies idempotently', async () => {
    const plan = await planFromCmdb(database.db, { processes: { [ids.a as string]: ['w3wp.exe'] } });
    const by = (id: string) => plan.find((p) => p.ciId === id);
    expect(by(ids.host as string)?.kind).toBe('esxi');
    expect(by(ids.a as string)?.items.map((i) => i.key)).toEqual([
      'icmpping',
      'proc.num[w3wp.exe]',
      'system.cpu.util',
      'vm.memory.size[pavailable]',
      'vfs.fs.size[C:,pused]',
    ]);
    expect(by(ids.dev as string)?.items.some((i) => i.type === 'icmp')).toBe(false);
    expect(by(ids.retired as string)).toBeUndefined();

    const first = await applyPlan(database.db, clock, plan);
    expect(first.targets).toBe(3);
    expect(first.items).toBe(4 + 5 + 3); // esxi alive+3 pushed resources, VM A 5, dev VM 3 resources
    expect(await applyPlan(database.db, clock, plan)).toEqual({ targets: 0, items: 0 });

    const devTarget = one(await database.db.select().from(monitoringTargets).where(eq(monitoringTargets.ciId, ids.dev as string)));
    const devItems = await database.db.select().from(monitoringItems).where(eq(monitoringItems.targetId, devTarget.id));
    expect(devItems.every((i) => i.businessHoursOnly && i.consecutive === 2 && i.warningThreshold === 85 && i.criticalThreshold === 90)).toBe(true);
    expect(devTarget.address).toMatch(/^10\.0\.0\./);
  });

  it('monitors a VM named like an ESXi host (names differ in case only), under a qualified host name', async () => {
    const db = database.db;
    const now = clock.now();
    const [tax] = await db.select().from(cmdbVms).where(eq(cmdbVms.id, ids.a as string));
    const twin = one(
      await db
        .insert(cmdbVms)
        .values({ name: 'ESXI-01', systemId: tax?.systemId, hostId: ids.host, vcpu: 2, memoryGib: 8, diskGib: 100, status: 'active', statusChangedAt: now, createdAt: now, updatedAt: now })
        .returning(),
    );
    const made = await applyPlan(database.db, clock, await planFromCmdb(database.db));
    expect(made.targets).toBe(1);
    expect(made.items).toBeGreaterThan(0);
    const t = one(await db.select().from(monitoringTargets).where(eq(monitoringTargets.ciId, twin.id)));
    expect(t.name).toBe('ESXI-01');
    expect(t.hostName).toBe(`ESXI-01 (vm ${twin.id.slice(0, 8)})`);
  });
});
