import { and, asc, count, eq, isNotNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/index.ts';
import { testDatabase } from '../../db/testing.ts';
import { createIamService, systemActor } from '../../iam/index.ts';
import { FakeClock } from '../../kernel/clock.ts';
import { cmdbClusters, cmdbHistory, cmdbHosts, cmdbSites, cmdbStorage, cmdbVms } from '../schema.ts';
import { type CmdbService, createCmdbService } from '../service.ts';
import { toRef, VsphereClient, type VsphereClientOptions } from '../vsphere/client.ts';
import { startVcsim, type Vcsim } from '../vsphere/testing.ts';
import type { VsphereInventory } from '../vsphere/types.ts';
import { decode, el, type MoRef, refEl, seq } from '../vsphere/xml.ts';
import { loadVcenterConfig } from './config.ts';
import { createVcenterSync, type FollowHandle, type VcenterConnection, type VcenterSync } from './vcenter.ts';

let sim: Vcsim;
let admin: VsphereClient;
let database: Database;
let cmdb: CmdbService;
let sync: VcenterSync;
let syncClient: VsphereClient | null = null;
const clock = new FakeClock('2026-11-27T01:00:00Z');
const root = systemActor('test');
let manualVmId: string;
let systemId: string;
const errors: unknown[] = [];

function options(): VsphereClientOptions {
  return { url: sim.sdkUrl, username: sim.username, password: sim.password, ca: sim.certificatePem, keepAlive: false, clock };
}

async function runTask(method: string, self: MoRef, body?: ReturnType<typeof seq>): Promise<unknown> {
  const task = decode(await admin.call(method, self, body)) as MoRef;
  return admin.waitForTask(task);
}

/** Polls until `check` returns a value (no fixed sleeps): 15 s at most. */
async function until<T>(check: () => Promise<T | null | undefined | false>, what: string, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const n = async (table: typeof cmdbVms | typeof cmdbHosts | typeof cmdbClusters | typeof cmdbStorage | typeof cmdbSites) =>
  Number((await database.db.select({ n: count() }).from(table))[0]?.n ?? 0);
const historyCount = async () => Number((await database.db.select({ n: count() }).from(cmdbHistory))[0]?.n ?? 0);
const vmByMoref = async (moref: string) => (await database.db.select().from(cmdbVms).where(eq(cmdbVms.moref, moref)))[0];

beforeAll(async () => {
  sim = await startVcsim();
  admin = await VsphereClient.connect(options());
  // vcsim's VMs have 32 MB of memory, below the ledger's lower bound (0.25 GiB): give them realistic sizes.
  const inv = await admin.inventory();
  for (const vm of Object.values(inv.vms)) {
    await runTask('ReconfigVM_Task', toRef(vm.moref, 'VirtualMachine'), seq(el('spec', seq(el('numCPUs', 2), el('memoryMB', 4096)))));
  }
  const first = Object.values(inv.vms).find((v) => v.name === 'DC0_H0_VM0')!;
  await runTask('Rename_Task', toRef(first.moref, 'VirtualMachine'), seq(el('newName', 'bp-doro-web01')));
  database = await testDatabase();
  cmdb = createCmdbService({ db: database.db, clock });
  const iam = createIamService({ db: database.db, clock });
  const dept = await iam.createDepartment(root, { code: 'D10', name: '土木部道路建設課', kind: 'prefecture' });
  systemId = (await cmdb.create(root, 'system', { name: '道路台帳管理システム', code: 'doro', departmentId: dept.id, serviceLevel: 'B', reason: 'テスト' })).id;
  // A VM registered by hand before the sync existed: linked by name, its system kept.
  manualVmId = (await cmdb.create(root, 'vm', { name: 'bp-doro-web01', systemId, vcpu: 1, memoryGib: 1, diskGib: 10, reason: '手入力', source: 'ui' } as never)).id;
  sync = createVcenterSync({
    db: database.db,
    clock,
    cmdb,
    connect: async () => {
      syncClient = await VsphereClient.connect(options());
      return syncClient;
    },
    watch: { maxWaitSeconds: 1 },
    retryMs: 200,
    onError: (e) => {
      console.error('sync error', e);
      errors.push(e);
    },
  });
}, 240_000);

afterAll(async () => {
  await sync?.close();
  await admin?.close();
  await database?.close();
  if (sim) await sim.stop();
});

describe('full sync (CMDB-7)', () => {
  it('maps the whole inventory to CIs: counts match the simulator', async () => {
    const report = await sync.fullSync();
    expect(report.issues).toEqual([]);
    expect(await n(cmdbClusters)).toBe(sim.counts.cluster);
    expect(await n(cmdbHosts)).toBe(sim.counts.host);
    expect(await n(cmdbStorage)).toBe(sim.counts.datastore);
    expect(await n(cmdbVms)).toBe(sim.counts.vm);
    // One site per datacenter, named after it (no site was configured).
    expect((await database.db.select().from(cmdbSites).orderBy(asc(cmdbSites.name))).map((s) => s.name)).toEqual(['DC0', 'DC1']);
    expect(report.counts.vm).toMatchObject({ created: sim.counts.vm - 1, updated: 1 });
  });

  it('records vCenter’s values: sizes, OS, power state, host; VMs without a system stay unassigned', async () => {
    const inv = await admin.inventory();
    const vm = Object.values(inv.vms).find((v) => v.cluster && v.name !== 'bp-doro-web01')!;
    const row = await vmByMoref(vm.moref);
    const host = (await database.db.select().from(cmdbHosts).where(eq(cmdbHosts.moref, vm.host!)))[0]!;
    expect(row).toMatchObject({ name: vm.name, status: 'active', systemId: null, hostId: host.id, vcpu: 2, memoryGib: 4, powerState: 'on', uuid: vm.instanceUuid, os: vm.guestFullName });
    const h = inv.hosts[vm.host!]!;
    expect(host).toMatchObject({ cpuCores: h.cpuCores, cpuSockets: h.cpuSockets, cpuGhz: Math.round(h.cpuMhz!) / 1000, status: 'active' });
    expect(host.clusterId).not.toBeNull();
    const [created] = await database.db.select().from(cmdbHistory).where(and(eq(cmdbHistory.ciId, row!.id), eq(cmdbHistory.action, 'create')));
    expect(created).toMatchObject({ source: 'vcenter', reason: 'vCenter同期', cause: 'vcenter:sync' });
  });

  it('links a hand-registered VM by name and keeps what people decided (its system)', async () => {
    const [row] = await database.db.select().from(cmdbVms).where(eq(cmdbVms.id, manualVmId));
    expect(row).toMatchObject({ systemId, vcpu: 2, memoryGib: 4 });
    expect(row?.moref).toMatch(/^vm-/);
    const h = await database.db.select().from(cmdbHistory).where(eq(cmdbHistory.ciId, manualVmId));
    expect(h.map((x) => [x.action, x.source])).toEqual(expect.arrayContaining([['update', 'vcenter']]));
  });

  it('a second sync is idempotent: no writes, no history', async () => {
    const before = await historyCount();
    const report = await sync.fullSync();
    expect(await historyCount()).toBe(before);
    for (const k of ['cluster', 'host', 'storage', 'vm'] as const) expect(report.counts[k]).toMatchObject({ created: 0, updated: 0, missing: 0 });
    expect(report.counts.vm.unchanged).toBe(sim.counts.vm);
  });

  it('a sync that fails half-way leaves the ledger exactly as it was', async () => {
    const real = await admin.inventory();
    // Every VM "grew": 24 updates to write; the ledger fails on the 6th.
    const grown: VsphereInventory = {
      ...real,
      vms: Object.fromEntries(Object.entries(real.vms).map(([k, v]) => [k, { ...v, memoryMB: (v.memoryMB ?? 0) + 1024 }])),
    };
    let calls = 0;
    const failing: CmdbService = {
      ...cmdb,
      update: (async (...args: Parameters<CmdbService['update']>) => {
        if (++calls === 6) throw new Error('injected failure');
        return cmdb.update(...args);
      }) as CmdbService['update'],
    };
    const conn: VcenterConnection = { inventory: async () => grown, watchVms: () => admin.watchVms(), close: async () => undefined };
    const broken = createVcenterSync({ db: database.db, clock, cmdb: failing, connect: async () => conn });
    const snapshot = async () => ({ vms: await database.db.select().from(cmdbVms).orderBy(asc(cmdbVms.id)), history: await historyCount() });
    const before = await snapshot();
    await expect(broken.fullSync()).rejects.toThrow('injected failure');
    expect(calls).toBe(6);
    expect(await snapshot()).toEqual(before);
  });

  it('reports values outside the ledger’s bounds, syncs the rest, and does not take the VM for gone', async () => {
    const real = await admin.inventory();
    const [a, b] = Object.values(real.vms).filter((v) => v.cluster);
    const odd: VsphereInventory = { ...real, vms: { ...real.vms, [a!.moref]: { ...a!, numCpu: 0 }, [b!.moref]: { ...b!, memoryMB: 8192 } } };
    const conn: VcenterConnection = { inventory: async () => odd, watchVms: () => admin.watchVms(), close: async () => undefined };
    const s = createVcenterSync({ db: database.db, clock, cmdb, connect: async () => conn });
    const report = await s.fullSync();
    expect(report.issues).toEqual([expect.objectContaining({ kind: 'vm', ref: a!.moref, key: 'vcenter.invalid_value', params: expect.objectContaining({ field: 'vcpu' }) })]);
    expect(report.counts.vm.missing).toBe(0); // a VM that cannot be written is still there, not gone
    expect((await vmByMoref(b!.moref))?.memoryGib).toBe(8);
    // Put it back as vCenter has it.
    await sync.fullSync();
    expect((await vmByMoref(b!.moref))?.memoryGib).toBe(4);
  });
});

describe('following vCenter (CMDB-6)', () => {
  let follower: FollowHandle;

  beforeAll(async () => {
    follower = sync.follow();
    await follower.ready;
  });
  afterAll(async () => {
    await follower?.stop();
  });

  async function moveCandidate() {
    const inv = await admin.inventory();
    for (const vm of Object.values(inv.vms)) {
      if (!vm.cluster || !vm.host || vm.template) continue;
      const target = inv.clusters[vm.cluster]?.hosts.find((h) => h !== vm.host);
      if (target) return { vm, target };
    }
    throw new Error('no clustered VM with a second host');
  }

  async function expectMoveRecorded(vmMoref: string, targetMoref: string) {
    const target = (await database.db.select().from(cmdbHosts).where(eq(cmdbHosts.moref, targetMoref)))[0]!;
    const row = await until(async () => {
      const r = await vmByMoref(vmMoref);
      return r?.hostId === target.id ? r : null;
    }, 'the ledger to follow the vMotion');
    const [h] = await database.db
      .select()
      .from(cmdbHistory)
      .where(and(eq(cmdbHistory.ciId, row.id), eq(cmdbHistory.action, 'placement')))
      .orderBy(asc(cmdbHistory.id));
    expect(h).toMatchObject({ source: 'vcenter', cause: 'vcenter:vm.moved' });
    expect(h?.reason).toContain('vm.moved');
    expect(h?.reason).toContain(target.name);
  }

  it('a VM relocated in vCenter moves in the ledger within seconds, with a history entry naming vcenter and the event', async () => {
    const { vm, target } = await moveCandidate();
    await admin.relocateVm(vm.moref, target);
    await expectMoveRecorded(vm.moref, target);
  });

  it('a destroyed VM is flagged missing, not deleted', async () => {
    const inv = await admin.inventory();
    const vm = Object.values(inv.vms).find((v) => v.cluster && v.powerState === 'poweredOn')!;
    await runTask('PowerOffVM_Task', toRef(vm.moref, 'VirtualMachine'));
    await runTask('Destroy_Task', toRef(vm.moref, 'VirtualMachine'));
    const row = await until(async () => {
      const r = await vmByMoref(vm.moref);
      return r?.missingSince ? r : null;
    }, 'the missing flag');
    expect(row.status).toBe('active');
    const h = (await database.db.select().from(cmdbHistory).where(and(eq(cmdbHistory.ciId, row.id), eq(cmdbHistory.action, 'missing')))).at(-1);
    expect(h).toMatchObject({ source: 'vcenter', cause: 'vcenter:vm.removed' });
    expect(await n(cmdbVms)).toBe(sim.counts.vm);
  });

  it('a new VM (clone) is created in the ledger, unassigned', async () => {
    const inv = await admin.inventory();
    const src = Object.values(inv.vms).find((v) => v.cluster)!;
    const spec = seq(el('location', ''), el('template', false), el('powerOn', false));
    const clone = (await runTask(
      'CloneVM_Task',
      toRef(src.moref, 'VirtualMachine'),
      seq(refEl('folder', toRef(src.folder ?? '', 'Folder')), el('name', 'kiban-sync-clone'), el('spec', spec)),
    )) as MoRef;
    const row = await until(() => vmByMoref(clone.value), 'the clone in the ledger');
    expect(row).toMatchObject({ name: 'kiban-sync-clone', systemId: null, status: 'active', powerState: 'off' });
  });

  it('keeps following after its vCenter session is terminated', async () => {
    const key = syncClient?.session?.key;
    expect(key).toBeTruthy();
    await admin.terminateSessions([key as string]);
    const { vm, target } = await moveCandidate();
    await admin.relocateVm(vm.moref, target);
    await expectMoveRecorded(vm.moref, target);
    expect(errors).toEqual([]);
  });

  it('flags nothing twice and deletes nothing: every VM ever seen is still in the ledger', async () => {
    const missing = await database.db.select().from(cmdbVms).where(isNotNull(cmdbVms.missingSince));
    expect(missing).toHaveLength(1);
    expect(await n(cmdbVms)).toBe(sim.counts.vm + 1);
  });
});

describe('configuration (KIBAN_VCENTER_*)', () => {
  it('is off without a URL, reads the rest, refuses an incomplete setting', () => {
    expect(loadVcenterConfig({})).toBeNull();
    expect(
      loadVcenterConfig({ KIBAN_VCENTER_URL: 'https://vc.example.lg.jp/sdk', KIBAN_VCENTER_USER: 'ro@vsphere.local', KIBAN_VCENTER_PASSWORD: 'x', KIBAN_VCENTER_INSECURE: 'true' }),
    ).toMatchObject({ url: 'https://vc.example.lg.jp/sdk', username: 'ro@vsphere.local', insecure: true });
    expect(() => loadVcenterConfig({ KIBAN_VCENTER_URL: 'https://vc.example.lg.jp/sdk' })).toThrow();
    expect(() => loadVcenterConfig({ KIBAN_VCENTER_URL: 'not a url' })).toThrow();
  });
});
