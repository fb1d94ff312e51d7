import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../kernel/clock.ts';
import { toRef, VsphereClient, type VsphereClientOptions } from './client.ts';
import { TaskFailedError } from './errors.ts';
import { startVcsim, type Vcsim } from './testing.ts';
import type { VmEvent, VsphereInventory, VsphereVm } from './types.ts';
import type { VmWatcher } from './watch.ts';
import { decode, el, type MoRef, refEl, seq } from './xml.ts';

let sim: Vcsim;
let client: VsphereClient;
let admin: VsphereClient;
const clock = new FakeClock('2026-11-27T01:00:00Z');
const watchers: VmWatcher[] = [];

function options(): VsphereClientOptions {
  return { url: sim.sdkUrl, username: sim.username, password: sim.password, ca: sim.certificatePem, keepAlive: false, clock };
}

beforeAll(async () => {
  sim = await startVcsim();
  client = await VsphereClient.connect(options());
  admin = await VsphereClient.connect(options());
}, 240_000); // the first Go build of the simulator takes a minute or more

afterAll(async () => {
  await Promise.all(watchers.map((w) => w.stop()));
  await client?.close();
  await admin?.close();
  if (sim) expect(await sim.stop()).toBe(0); // a clean exit: stdin closed, temp datastores removed
});

async function watch(): Promise<VmWatcher> {
  const w = client.watchVms({ maxWaitSeconds: 1 });
  watchers.push(w);
  await w.start();
  return w;
}

/** Rounds of WaitForUpdatesEx (each at most 1 s on the simulator) until `done` holds, 15 s at most. */
async function eventsUntil(w: VmWatcher, done: (seen: VmEvent[]) => boolean): Promise<VmEvent[]> {
  const seen: VmEvent[] = [];
  const deadline = Date.now() + 15_000;
  while (!done(seen)) {
    if (Date.now() > deadline) throw new Error(`expected event not seen; got ${JSON.stringify(seen)}`);
    seen.push(...(await w.next()));
  }
  return seen;
}

/** A clustered VM and another host of the same cluster to move it to. */
function moveCandidate(inv: VsphereInventory, skip: Set<string> = new Set()): { vm: VsphereVm; target: string } {
  for (const vm of Object.values(inv.vms)) {
    if (!vm.cluster || !vm.host || skip.has(vm.moref)) continue;
    const target = inv.clusters[vm.cluster]?.hosts.find((h) => h !== vm.host);
    if (target) return { vm, target };
  }
  throw new Error('the simulator has no clustered VM with a second host');
}

async function runTask(c: VsphereClient, method: string, self: MoRef, body?: ReturnType<typeof seq>): Promise<unknown> {
  const task = decode(await c.call(method, self, body)) as MoRef;
  return c.waitForTask(task);
}

describe('following VM placement (CMDB-6)', () => {
  it('knows every VM and its host as soon as it starts, without reporting them as new', async () => {
    const w = await watch();
    const inv = await client.inventory();
    expect(w.placements.size).toBe(sim.counts.vm);
    for (const vm of Object.values(inv.vms)) {
      expect(w.placements.get(vm.moref)).toEqual({ name: vm.name, host: vm.host, powerState: vm.powerState });
    }
  });

  it('reports a vMotion to another host as vm.moved within seconds', async () => {
    const w = await watch();
    const { vm, target } = moveCandidate(await client.inventory());
    await admin.relocateVm(vm.moref, target);

    const seen = await eventsUntil(w, (s) => s.some((e) => e.kind === 'vm.moved' && e.vm === vm.moref));
    expect(seen.find((e) => e.kind === 'vm.moved')).toEqual({
      kind: 'vm.moved',
      vm: vm.moref,
      name: vm.name,
      fromHost: vm.host,
      toHost: target,
      at: clock.now(),
    });
    expect(w.placements.get(vm.moref)?.host).toBe(target);
    expect((await client.inventory()).vms[vm.moref]?.host).toBe(target);
  });

  it('reports power changes, additions and removals', async () => {
    const w = await watch();
    const inv = await client.inventory();
    const vm = Object.values(inv.vms).find((v) => v.cluster) as VsphereVm;

    await runTask(admin, 'PowerOffVM_Task', toRef(vm.moref, 'VirtualMachine'));
    let seen = await eventsUntil(w, (s) => s.some((e) => e.kind === 'vm.powerState'));
    expect(seen).toContainEqual({ kind: 'vm.powerState', vm: vm.moref, name: vm.name, from: 'poweredOn', to: 'poweredOff', at: clock.now() });

    const cloneSpec = seq(el('location', ''), el('template', false), el('powerOn', false));
    const clone = (await runTask(
      admin,
      'CloneVM_Task',
      toRef(vm.moref, 'VirtualMachine'),
      seq(refEl('folder', toRef(vm.folder ?? '', 'Folder')), el('name', 'kiban-clone-01'), el('spec', cloneSpec)),
    )) as MoRef;
    seen = await eventsUntil(w, (s) => s.some((e) => e.kind === 'vm.added'));
    expect(seen.find((e) => e.kind === 'vm.added')).toMatchObject({ kind: 'vm.added', vm: clone.value, name: 'kiban-clone-01' });

    await runTask(admin, 'Destroy_Task', clone);
    seen = await eventsUntil(w, (s) => s.some((e) => e.kind === 'vm.removed'));
    expect(seen).toContainEqual({ kind: 'vm.removed', vm: clone.value, name: 'kiban-clone-01', lastHost: vm.host, at: clock.now() });
    expect(w.placements.has(clone.value)).toBe(false);
  });

  it('after its session is terminated, re-reads everything and reports the moves made meanwhile', async () => {
    const w = await watch();
    const inv = await client.inventory();
    await admin.terminateSessions([client.session?.key ?? '']);
    const { vm, target } = moveCandidate(inv);
    await admin.relocateVm(vm.moref, target);

    const seen = await eventsUntil(w, (s) => s.some((e) => e.kind === 'vm.moved'));
    expect(seen[0]).toMatchObject({ kind: 'resync' });
    expect(seen).toContainEqual({ kind: 'vm.moved', vm: vm.moref, name: vm.name, fromHost: vm.host, toHost: target, at: clock.now() });
    expect(seen.filter((e) => e.kind === 'vm.moved')).toHaveLength(1);
    expect(w.placements.size).toBe(Object.keys(inv.vms).length);

    // And it keeps following live changes in the new session.
    const next = moveCandidate(await client.inventory(), new Set([vm.moref]));
    await admin.relocateVm(next.vm.moref, next.target);
    const after = await eventsUntil(w, (s) => s.some((e) => e.kind === 'vm.moved'));
    expect(after).toContainEqual(expect.objectContaining({ kind: 'vm.moved', vm: next.vm.moref, toHost: next.target }));
  });

  it('stops: a pending wait ends and later rounds return nothing', async () => {
    const w = await watch();
    const pending = w.next();
    await w.stop();
    expect(await pending).toEqual([]);
    expect(await w.next()).toEqual([]);
  });
});

describe('tasks', () => {
  it('turn a failed task into a TaskFailedError naming the fault', async () => {
    const inv = await client.inventory();
    const vm = Object.values(inv.vms).find((v) => v.powerState === 'poweredOn') as VsphereVm;
    // Powering on a VM that is already on fails with InvalidPowerState.
    const err = await runTask(admin, 'PowerOnVM_Task', toRef(vm.moref, 'VirtualMachine')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskFailedError);
    expect(err).toMatchObject({ code: 'task_failed', faultType: 'InvalidPowerState' });
  });
});
