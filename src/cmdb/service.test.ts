import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { auditLog } from '../audit/schema.ts';
import type { Database } from '../db/index.ts';
import { testDatabase } from '../db/testing.ts';
import type { Actor } from '../iam/actor.ts';
import { createIamService, systemActor } from '../iam/index.ts';
import { FakeClock } from '../kernel/clock.ts';
import { ConflictError, ForbiddenError, InputError, NotFoundError } from '../kernel/errors.ts';
import { cmdbHistory } from './schema.ts';
import { type CmdbService, createCmdbService } from './service.ts';

let database: Database;
let cmdb: CmdbService;
const clock = new FakeClock('2026-11-24T01:00:00Z');
const admin = systemActor('test');
const person = (roles: Actor['roles'], departmentId: string | null = null): Actor => ({
  kind: 'person',
  personId: null,
  label: `test ${roles.join(',')}`,
  roles,
  departmentId,
});
const configManager = person(['config_manager', 'operator']);
const operator = person(['operator']);
let deptA: string;
let deptB: string;
let siteId: string;
let clusterId: string;
const why = { reason: '構成管理台帳への登録' };

beforeAll(async () => {
  database = await testDatabase();
  const iam = createIamService({ db: database.db, clock });
  deptA = (await iam.createDepartment(admin, { code: 'D10', name: '土木部道路建設課', kind: 'prefecture' })).id;
  deptB = (await iam.createDepartment(admin, { code: 'D20', name: '教育庁総務課', kind: 'prefecture' })).id;
  cmdb = createCmdbService({ db: database.db, clock, config: { overcommit: { vcpuPerCore: 2, memory: 1 } } });
  siteId = (await cmdb.create(admin, 'site', { name: '県庁舎サーバルーム', code: 'HQ', status: 'active', ...why })).id;
  clusterId = (await cmdb.create(admin, 'cluster', { name: 'cl-a', siteId, status: 'active', ...why })).id;
});
afterAll(() => database.close());

const historyOf = (ciType: string, id: string) =>
  database.db.select().from(cmdbHistory).where(and(eq(cmdbHistory.ciType, ciType), eq(cmdbHistory.ciId, id)));

describe('editing the ledger (CMDB-3, CMDB-4)', () => {
  it('only configuration managers edit: 担当者 alone is refused, 構成管理者 may', async () => {
    await expect(cmdb.create(operator, 'site', { name: '予備拠点', code: 'X1', ...why })).rejects.toBeInstanceOf(ForbiddenError);
    const s = await cmdb.create(configManager, 'site', { name: '予備拠点', code: 'X1', ...why });
    expect(s.status).toBe('building');
  });

  it('a reason is required on every change', async () => {
    await expect(cmdb.create(admin, 'site', { name: '理由なし', code: 'X2' } as never)).rejects.toBeInstanceOf(ZodError);
    await expect(cmdb.create(admin, 'site', { name: '理由空', code: 'X2', reason: '  ' })).rejects.toBeInstanceOf(ZodError);
  });

  it('records the full history with reason, cause, source and a diff', async () => {
    const sys = await cmdb.create(admin, 'system', { name: '道路台帳管理システム', code: 'doro', departmentId: deptA, serviceLevel: 'B', ...why });
    const h = await cmdb.create(admin, 'host', { name: 'esx-h0', siteId, clusterId, cpuCores: 32, cpuGhz: 2.6, memoryGib: 512, ...why });
    const vm = await cmdb.create(admin, 'vm', { name: 'bp-doro-web01', systemId: sys.id, hostId: h.id, vcpu: 2, memoryGib: 4, diskGib: 80, ...why });
    clock.advance(60_000);
    const up = await cmdb.update(admin, 'vm', vm.id, { version: 1, memoryGib: 8, reason: 'メモリ増設', cause: 'change:123', source: 'ui' });
    expect(up.version).toBe(2);
    const page = await cmdb.history(admin, 'vm', vm.id, { page: 1, pageSize: 10 });
    expect(page.total).toBe(2);
    expect(page.items[0]).toMatchObject({
      action: 'update',
      reason: 'メモリ増設',
      cause: 'change:123',
      source: 'ui',
      changes: [{ field: 'memoryGib', before: 4, after: 8 }],
    });
    expect(page.items[1]).toMatchObject({ action: 'create', reason: why.reason, source: 'api' });
    // The audit record commits with the change.
    const audits = await database.db.select().from(auditLog).where(eq(auditLog.entityId, vm.id));
    expect(audits.map((a) => a.action).sort()).toEqual(['cmdb.vm.create', 'cmdb.vm.update']);
  });

  it('the history cannot be altered or deleted, even directly in the database', async () => {
    await expect(database.db.delete(cmdbHistory)).rejects.toThrow();
    await expect(database.db.update(cmdbHistory).set({ reason: 'x' })).rejects.toThrow();
  });

  it('an update without any difference writes nothing', async () => {
    const s = await cmdb.create(admin, 'site', { name: '変化なし拠点', code: 'X3', ...why });
    const same = await cmdb.update(admin, 'site', s.id, { version: 1, name: '変化なし拠点', reason: '確認' });
    expect(same.version).toBe(1);
    expect(await historyOf('site', s.id)).toHaveLength(1);
  });

  it('a stale version is a conflict and changes nothing', async () => {
    const s = await cmdb.create(admin, 'site', { name: '競合拠点', code: 'X4', ...why });
    await cmdb.update(admin, 'site', s.id, { version: 1, address: '一番目', reason: '住所登録' });
    const err = await cmdb.update(admin, 'site', s.id, { version: 1, address: '二番目', reason: '住所登録' }).catch((e) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.key).toBe('error.stale_version');
    expect((await cmdb.get(admin, 'site', s.id)).address).toBe('一番目');
  });

  it('duplicate names are refused naming the field, case-insensitively; a retired name is free again', async () => {
    const s = await cmdb.create(admin, 'host', { name: 'ESX-DUP', siteId, cpuCores: 8, cpuGhz: 2, memoryGib: 64, ...why });
    const err = await cmdb.create(admin, 'host', { name: 'esx-dup', siteId, cpuCores: 8, cpuGhz: 2, memoryGib: 64, ...why }).catch((e) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(Object.keys(err.fields)).toEqual(['name']);
    const retired = await cmdb.transition(admin, 'host', s.id, { to: 'retired', version: 1, reason: '構築中止' });
    expect(retired.version).toBe(2);
    const again = await cmdb.create(admin, 'host', { name: 'ESX-DUP', siteId, cpuCores: 8, cpuGhz: 2, memoryGib: 64, ...why });
    expect(again.id).not.toBe(s.id);
  });

  it('refuses absurd resources at the boundary', async () => {
    await expect(
      cmdb.create(admin, 'vm', { name: 'cp-x-web01', vcpu: 10_000, memoryGib: 4, diskGib: 80, ...why }),
    ).rejects.toBeInstanceOf(ZodError);
    await expect(cmdb.create(admin, 'vm', { name: 'cp-x-web02', vcpu: 2, memoryGib: -4, diskGib: 80, ...why })).rejects.toBeInstanceOf(ZodError);
  });

  it('refuses references to missing or retired CIs and hosts in another site’s cluster', async () => {
    const err = await cmdb
      .create(admin, 'cluster', { name: 'cl-ghost', siteId: '00000000-0000-4000-8000-000000000000', ...why })
      .catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.fields.siteId.key).toBe('cmdb.unknown_ref');
    const other = await cmdb.create(admin, 'site', { name: 'NTTデータセンター', code: 'NTT', status: 'active', ...why });
    const e2 = await cmdb
      .create(admin, 'host', { name: 'esx-wrong', siteId: other.id, clusterId, cpuCores: 8, cpuGhz: 2, memoryGib: 64, ...why })
      .catch((e) => e);
    expect(e2.fields.clusterId.key).toBe('cmdb.cluster_other_site');
  });
});

describe('status lifecycle', () => {
  it('allows the moves of the table and refuses the others, naming both statuses', async () => {
    const s = await cmdb.create(admin, 'system', { name: '電子申請システム', code: 'shinsei', departmentId: deptA, serviceLevel: 'A', ...why });
    const a = await cmdb.transition(admin, 'system', s.id, { to: 'acceptance', version: 1, reason: '受入開始', cause: 'acceptance:7' });
    const err = await cmdb.transition(admin, 'system', s.id, { to: 'retired', version: a.version, reason: 'x' }).catch((e) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.key).toBe('cmdb.transition_not_allowed');
    expect(err.params).toEqual({ from: '受入', to: '廃止' });
    const b = await cmdb.transition(admin, 'system', s.id, { to: 'active', version: a.version, reason: '受入完了' });
    expect(b.status).toBe('active');
    expect(b.statusChangedAt).toEqual(clock.now());
  });

  it('a system with live VMs cannot be retired; a retired CI cannot be edited', async () => {
    const s = await cmdb.create(admin, 'system', { name: '統計データ管理システム', code: 'toukei', departmentId: deptB, serviceLevel: 'C', status: 'stopped', ...why });
    const vm = await cmdb.create(admin, 'vm', { name: 'cp-toukei-db01', systemId: s.id, vcpu: 1, memoryGib: 2, diskGib: 40, status: 'stopped', ...why });
    const err = await cmdb.transition(admin, 'system', s.id, { to: 'retired', version: 1, reason: '廃止' }).catch((e) => e);
    expect(err.key).toBe('cmdb.has_live_children');
    await cmdb.transition(admin, 'vm', vm.id, { to: 'retired', version: 1, reason: 'VM削除' });
    const r = await cmdb.transition(admin, 'system', s.id, { to: 'retired', version: 1, reason: '廃止' });
    const e2 = await cmdb.update(admin, 'system', s.id, { version: r.version, notes: 'x', reason: 'x' }).catch((e) => e);
    expect(e2.key).toBe('cmdb.retired');
  });
});

describe('VMs', () => {
  let sysId: string;
  beforeAll(async () => {
    sysId = (await cmdb.create(admin, 'system', { name: '県税システム', code: 'kenzei', departmentId: deptA, serviceLevel: 'B', ...why })).id;
  });

  it('the effective service level is the system’s unless overridden, and an override needs its reason', async () => {
    const vm = await cmdb.create(admin, 'vm', { name: 'bp-kenzei-ap01', systemId: sysId, vcpu: 2, memoryGib: 4, diskGib: 80, ...why });
    expect(await cmdb.effectiveServiceLevel(vm.id)).toBe('B');
    const err = await cmdb.update(admin, 'vm', vm.id, { version: 1, serviceLevelOverride: 'A', reason: '昇格' }).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(Object.keys(err.fields)).toEqual(['serviceLevelOverrideReason']);
    // The name no longer says the level: renamed in the same change.
    await cmdb.update(admin, 'vm', vm.id, {
      version: 1,
      name: 'ap-kenzei-ap01',
      serviceLevelOverride: 'A',
      serviceLevelOverrideReason: '課税処理の中核のため',
      reason: 'サービスレベル変更 (N §3.4.3.4)',
    });
    expect(await cmdb.effectiveServiceLevel(vm.id)).toBe('A');
    const got = await cmdb.get(admin, 'vm', vm.id);
    expect(got).toMatchObject({ effectiveServiceLevel: 'A', system: { name: '県税システム', department: { code: 'D10' } } });
  });

  it('typed names must follow the naming rule; names from vCenter are taken as they are', async () => {
    const err = await cmdb.create(admin, 'vm', { name: 'kenzei-web01', systemId: sysId, vcpu: 2, memoryGib: 4, diskGib: 80, ...why }).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.fields.name).toEqual({ key: 'cmdb.naming_violation', params: { level: 'B', example: 'bp-kenzei-web01' } });
    const synced = await cmdb.create(admin, 'vm', { name: 'KENZEI-OLD', systemId: sysId, vcpu: 2, memoryGib: 4, diskGib: 80, ...why }, { source: 'vcenter' });
    const v = await cmdb.namingViolations(admin);
    expect(v.items.map((i) => i.name)).toContain(synced.name);
    expect((await cmdb.checkName(admin, { name: 'bp-kenzei-batch01', systemId: sysId })).ok).toBe(true);
  });

  it('a vMotion moves the VM’s host with a history entry naming the source and event', async () => {
    const h1 = await cmdb.create(admin, 'host', { name: 'esx-m1', siteId, clusterId, cpuCores: 16, cpuGhz: 2.6, memoryGib: 256, moref: 'host-11', ...why });
    const h2 = await cmdb.create(admin, 'host', { name: 'esx-m2', siteId, clusterId, cpuCores: 16, cpuGhz: 2.6, memoryGib: 256, moref: 'host-12', ...why });
    const vm = await cmdb.create(admin, 'vm', { name: 'bp-kenzei-db01', systemId: sysId, hostId: h1.id, vcpu: 4, memoryGib: 16, diskGib: 200, moref: 'vm-77', ...why });
    const r = await cmdb.recordPlacement(undefined, { moref: 'vm-77' }, { moref: 'host-12' }, { source: 'vcenter', event: 'DrsVmMigratedEvent' });
    expect(r).toMatchObject({ changed: true, fromHostId: h1.id, toHostId: h2.id, version: 2 });
    const again = await cmdb.recordPlacement(undefined, { moref: 'vm-77' }, { name: 'esx-m2' }, { source: 'vcenter', event: 'DrsVmMigratedEvent' });
    expect(again.changed).toBe(false);
    const h = await cmdb.history(admin, 'vm', vm.id, { page: 1, pageSize: 5 });
    expect(h.total).toBe(2);
    expect(h.items[0]).toMatchObject({
      action: 'placement',
      source: 'vcenter',
      cause: 'vcenter:DrsVmMigratedEvent',
      reason: 'DrsVmMigratedEvent: esx-m1 → esx-m2',
      actor: 'vcenter',
      changes: [{ field: 'hostId', before: h1.id, after: h2.id }],
    });
    await expect(
      cmdb.recordPlacement(undefined, { moref: 'vm-404' }, { moref: 'host-12' }, { source: 'vcenter', event: 'VmMigratedEvent' }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('a VM that disappears from vCenter is flagged, not deleted', async () => {
    const vm = await cmdb.create(admin, 'vm', { name: 'bp-kenzei-file01', systemId: sysId, vcpu: 1, memoryGib: 2, diskGib: 40, moref: 'vm-88', ...why });
    await cmdb.markVmMissing(undefined, { moref: 'vm-88' }, { missing: true, source: 'vcenter', event: 'VmRemovedEvent' });
    const page = await cmdb.list(admin, 'vm', { page: 1, pageSize: 50, missing: 'true' });
    expect(page.items.map((i) => i.id)).toEqual([vm.id]);
  });
});

describe('department scope (ORG-4)', () => {
  it('a system owner lists only their own department’s systems and gets 404 for others', async () => {
    const mine = await cmdb.create(admin, 'system', { name: '河川情報システム', code: 'kasen', departmentId: deptA, serviceLevel: 'C', ...why });
    const theirs = await cmdb.create(admin, 'system', { name: '教職員人事給与システム', code: 'kyoshoku', departmentId: deptB, serviceLevel: 'B', ...why });
    const owner = person(['system_owner'], deptA);
    const page = await cmdb.list(owner, 'system', { page: 1, pageSize: 500 });
    const ids = page.items.map((i) => i.id);
    expect(ids).toContain(mine.id);
    expect(ids).not.toContain(theirs.id);
    expect(page.items.every((i) => i.departmentId === deptA)).toBe(true);
    await expect(cmdb.get(owner, 'system', theirs.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(cmdb.list(owner, 'host', { page: 1, pageSize: 10 })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(cmdb.update(owner, 'system', mine.id, { version: 1, notes: 'x', reason: 'x' })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('an owner may confirm their system is still in use, which takes it off the candidates', async () => {
    const s = await cmdb.create(admin, 'system', { name: '観光情報発信システム', code: 'kanko', departmentId: deptA, serviceLevel: 'C', status: 'active', ...why });
    const owner = person(['system_owner'], deptA);
    const other = person(['system_owner'], deptB);
    clock.advance(400 * 86_400_000);
    let c = await cmdb.retirementCandidates(owner);
    expect(c.systems.map((x) => x.id)).toContain(s.id);
    await expect(cmdb.confirmInUse(other, s.id)).rejects.toBeInstanceOf(NotFoundError);
    await cmdb.confirmInUse(owner, s.id);
    c = await cmdb.retirementCandidates(owner);
    expect(c.systems.map((x) => x.id)).not.toContain(s.id);
  });
});

describe('capacity and N-1 on a hand-built cluster', () => {
  it('answers what the arithmetic in capacity.test.ts says, from the ledger', async () => {
    // Cluster "n1-c": three hosts of 8 cores (× 2 vCPU/core = 16 vCPU) and 64 GiB.
    //   n1-h1 runs 2 vCPU/8 GiB, n1-h2 4/40, n1-h3 4/30 + 4/30.
    //   Losing n1-h3: totals fit (8/60 onto 26/80) but the second 30 GiB VM finds no host with room.
    const c = await cmdb.create(admin, 'cluster', { name: 'n1-c', siteId, status: 'active', ...why });
    const sys = await cmdb.create(admin, 'system', { name: 'N1検証システム', code: 'nichk', departmentId: deptA, serviceLevel: 'C', ...why });
    const hosts = [];
    for (const n of [1, 2, 3]) {
      hosts.push(await cmdb.create(admin, 'host', { name: `n1-h${n}`, siteId, clusterId: c.id, cpuCores: 8, cpuGhz: 2.4, memoryGib: 64, status: 'active', ...why }));
    }
    const place = [
      [0, 2, 8],
      [1, 4, 40],
      [2, 4, 30],
      [2, 4, 30],
    ] as const;
    let i = 0;
    for (const [h, vcpu, mem] of place) {
      i++;
      await cmdb.create(admin, 'vm', { name: `cp-nichk-ap0${i}`, systemId: sys.id, hostId: hosts[h]!.id, vcpu, memoryGib: mem, diskGib: 100, status: 'active', ...why });
    }
    await cmdb.create(admin, 'storage', { name: 'n1-st', siteId, clusterId: c.id, capacityGib: 500, status: 'active', ...why });
    const n1 = await cmdb.n1(admin, { clusterId: c.id });
    expect(n1.ok).toBe(false);
    const loss = n1.clusters[0]!.losses.find((l) => l.hostName === 'n1-h3')!;
    expect(loss).toMatchObject({ fits: false, demand: { vcpu: 8, memoryGib: 60 }, available: { vcpu: 26, memoryGib: 80 } });
    expect(loss.unplaced.map((u) => u.name)).toEqual(['cp-nichk-ap04']);
    const cap = await cmdb.capacity(admin, { clusterId: c.id });
    // 14 of 48 vCPU; 108 of 192 GiB; 400 of 500 GiB disk = 80 % (< 85 %, ok); n1-h3 at 60/64 GiB = 93.8 %.
    expect(cap.clusters[0]).toMatchObject({ cpu: { allocated: 14, capacity: 48 }, memory: { allocated: 108, capacity: 192 }, disk: { percent: 80, level: 'ok' } });
    expect(cap.hosts.find((h) => h.name === 'n1-h3')!.memory).toMatchObject({ percent: 93.8, level: 'warning' });
    // A system owner may not look at the platform's capacity.
    await expect(cmdb.n1(person(['system_owner'], deptA))).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe('lists', () => {
  it('filter, sort and page on the server', async () => {
    const p1 = await cmdb.list(admin, 'system', { page: 1, pageSize: 2, sort: '-name', departmentId: deptA });
    const p2 = await cmdb.list(admin, 'system', { page: 2, pageSize: 2, sort: '-name', departmentId: deptA });
    expect(p1.total).toBeGreaterThan(2);
    expect(p1.items).toHaveLength(2);
    const names = [...p1.items, ...p2.items].map((i) => i.name);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? 1 : -1)));
    const vms = await cmdb.list(admin, 'vm', { page: 1, pageSize: 50, serviceLevel: 'A', q: 'kenzei' });
    expect(vms.items.map((v) => v.name)).toEqual(['ap-kenzei-ap01']);
  });
});
