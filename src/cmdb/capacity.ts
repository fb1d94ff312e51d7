import type { CmdbConfig } from './config.ts';
import { type CiStatus, RUNNING_STATUSES } from './lifecycle.ts';

/**
 * Resource view (CMDB-5, N §3.5.3.3) and the N-1 check (DR-2). Pure functions over plain rows so the
 * arithmetic is tested without a database; service.ts loads the rows.
 *
 * Allocation counts what the ledger says is handed out, not live usage: vCPU against physical cores ×
 * the vCPU-per-core ratio, memory against physical memory × the overcommit factor, disk against the
 * storage serving the cluster. VMs that are 停止/廃止 hold no CPU or memory; only 廃止 frees disk. Old
 * and new servers running in parallel during an OS replacement are simply two VMs and both count.
 */
export interface HostRow {
  id: string;
  name: string;
  clusterId: string | null;
  status: CiStatus;
  cpuCores: number;
  cpuGhz: number;
  memoryGib: number;
  localDiskGib: number;
}
export interface VmRow {
  id: string;
  name: string;
  hostId: string | null;
  status: CiStatus;
  powerState: 'on' | 'off' | 'suspended' | null;
  vcpu: number;
  memoryGib: number;
  diskGib: number;
  ha: boolean;
}
export interface ClusterRow {
  id: string;
  name: string;
  status: CiStatus;
}
export interface StorageRow {
  clusterId: string | null;
  status: CiStatus;
  capacityGib: number;
}

export type Level = 'ok' | 'warning' | 'over';
export interface Measure {
  allocated: number;
  capacity: number;
  /** allocated / capacity in percent, one decimal; null when there is no capacity. */
  percent: number | null;
  threshold: number;
  level: Level;
}
export interface HostCapacity {
  id: string;
  name: string;
  clusterId: string | null;
  status: CiStatus;
  vmCount: number;
  cpu: Measure & { physicalCores: number; ghz: number };
  memory: Measure & { physicalGib: number };
  /** Null when the host has no local disk (its VMs live on shared storage: see the cluster). */
  disk: Measure | null;
}
export interface ClusterCapacity {
  id: string;
  name: string;
  hostCount: number;
  vmCount: number;
  cpu: Measure & { physicalCores: number };
  memory: Measure & { physicalGib: number };
  disk: Measure;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

function measure(allocated: number, capacity: number, threshold: number): Measure {
  const percent = capacity > 0 ? round1((allocated / capacity) * 100) : null;
  const level: Level =
    percent === null ? (allocated > 0 ? 'over' : 'ok') : percent > 100 ? 'over' : percent >= threshold ? 'warning' : 'ok';
  return { allocated: round1(allocated), capacity: round1(capacity), percent, threshold, level };
}

/** A VM holds CPU and memory when it is in a running status and not known to be powered off. */
export function holdsCompute(vm: Pick<VmRow, 'status' | 'powerState'>): boolean {
  return RUNNING_STATUSES.includes(vm.status) && vm.powerState !== 'off';
}
const holdsDisk = (vm: Pick<VmRow, 'status'>) => vm.status !== 'retired';
/** Hosts that give capacity: in service (稼働). Hosts being built, stopped or retired give none. */
const serving = (h: Pick<HostRow, 'status'>) => h.status === 'active';

export function computeCapacity(
  input: { clusters: ClusterRow[]; hosts: HostRow[]; vms: VmRow[]; storage: StorageRow[] },
  config: Pick<CmdbConfig, 'thresholds' | 'overcommit'>,
): { hosts: HostCapacity[]; clusters: ClusterCapacity[] } {
  const { thresholds: th, overcommit: oc } = config;
  const byHost = new Map<string, VmRow[]>();
  for (const vm of input.vms) if (vm.hostId) byHost.set(vm.hostId, [...(byHost.get(vm.hostId) ?? []), vm]);

  const hosts: HostCapacity[] = input.hosts
    .filter((h) => h.status !== 'retired')
    .map((h) => {
      const vms = byHost.get(h.id) ?? [];
      const compute = vms.filter(holdsCompute);
      const cap = serving(h);
      const vcpu = compute.reduce((s, v) => s + v.vcpu, 0);
      const mem = compute.reduce((s, v) => s + v.memoryGib, 0);
      const disk = vms.filter(holdsDisk).reduce((s, v) => s + v.diskGib, 0);
      return {
        id: h.id,
        name: h.name,
        clusterId: h.clusterId,
        status: h.status,
        vmCount: vms.filter(holdsDisk).length,
        cpu: { ...measure(vcpu, cap ? h.cpuCores * oc.vcpuPerCore : 0, th.cpu), physicalCores: h.cpuCores, ghz: h.cpuGhz },
        memory: { ...measure(mem, cap ? h.memoryGib * oc.memory : 0, th.memory), physicalGib: h.memoryGib },
        disk: h.localDiskGib > 0 ? measure(disk, h.localDiskGib, th.disk) : null,
      };
    });

  const clusters: ClusterCapacity[] = input.clusters
    .filter((c) => c.status !== 'retired')
    .map((c) => {
      const members = input.hosts.filter((h) => h.clusterId === c.id && h.status !== 'retired');
      const vms = members.flatMap((h) => byHost.get(h.id) ?? []);
      const compute = vms.filter(holdsCompute);
      const up = members.filter(serving);
      const cores = up.reduce((s, h) => s + h.cpuCores, 0);
      const memGib = up.reduce((s, h) => s + h.memoryGib, 0);
      const diskCap =
        input.storage.filter((s) => s.clusterId === c.id && s.status === 'active').reduce((s, x) => s + x.capacityGib, 0) +
        up.reduce((s, h) => s + h.localDiskGib, 0);
      return {
        id: c.id,
        name: c.name,
        hostCount: up.length,
        vmCount: vms.filter(holdsDisk).length,
        cpu: {
          ...measure(
            compute.reduce((s, v) => s + v.vcpu, 0),
            cores * oc.vcpuPerCore,
            th.cpu,
          ),
          physicalCores: cores,
        },
        memory: {
          ...measure(
            compute.reduce((s, v) => s + v.memoryGib, 0),
            memGib * oc.memory,
            th.memory,
          ),
          physicalGib: memGib,
        },
        disk: measure(
          vms.filter(holdsDisk).reduce((s, v) => s + v.diskGib, 0),
          diskCap,
          th.disk,
        ),
      };
    });
  return { hosts, clusters };
}

export interface HostLoss {
  hostId: string;
  hostName: string;
  /** VMs that would have to restart elsewhere. */
  vmCount: number;
  demand: { vcpu: number; memoryGib: number };
  /** Free allocatable capacity on the surviving hosts (negative free counts as zero). */
  available: { vcpu: number; memoryGib: number };
  fits: boolean;
  /** How much is missing in total; zero when the totals fit. */
  shortfall: { vcpu: number; memoryGib: number };
  /** VMs that find no single surviving host with room (fragmentation), largest first. */
  unplaced: { id: string; name: string; vcpu: number; memoryGib: number }[];
}
export interface ClusterN1 {
  clusterId: string;
  clusterName: string;
  hostCount: number;
  ok: boolean;
  /** One entry per serving host: what happens if that host is lost. */
  losses: HostLoss[];
}

/**
 * N-1 (DR-2, and N §3.10.3.3's "フェールオーバー用のサーバリソースが確保されるように"): for each cluster
 * and each serving host, can the running VMs of that host restart on the remaining hosts? First the
 * totals, then a first-fit-decreasing placement by memory onto the survivors, since a VM cannot be
 * split across hosts.
 */
export function computeN1(
  input: { clusters: ClusterRow[]; hosts: HostRow[]; vms: VmRow[] },
  config: Pick<CmdbConfig, 'overcommit' | 'n1HaOnly'>,
): ClusterN1[] {
  const oc = config.overcommit;
  const out: ClusterN1[] = [];
  for (const c of input.clusters) {
    if (c.status === 'retired') continue;
    const up = input.hosts.filter((h) => h.clusterId === c.id && serving(h));
    const load = new Map(
      up.map((h) => {
        const vms = input.vms.filter((v) => v.hostId === h.id && holdsCompute(v));
        return [h.id, vms] as const;
      }),
    );
    const losses: HostLoss[] = up.map((lost) => {
      const moving = (load.get(lost.id) ?? []).filter((v) => !config.n1HaOnly || v.ha);
      const survivors = up
        .filter((h) => h.id !== lost.id)
        .map((h) => {
          const vms = load.get(h.id) ?? [];
          return {
            vcpu: Math.max(0, h.cpuCores * oc.vcpuPerCore - vms.reduce((s, v) => s + v.vcpu, 0)),
            mem: Math.max(0, h.memoryGib * oc.memory - vms.reduce((s, v) => s + v.memoryGib, 0)),
          };
        });
      const demand = { vcpu: moving.reduce((s, v) => s + v.vcpu, 0), memoryGib: round1(moving.reduce((s, v) => s + v.memoryGib, 0)) };
      const available = {
        vcpu: survivors.reduce((s, h) => s + h.vcpu, 0),
        memoryGib: round1(survivors.reduce((s, h) => s + h.mem, 0)),
      };
      const shortfall = {
        vcpu: Math.max(0, demand.vcpu - available.vcpu),
        memoryGib: round1(Math.max(0, demand.memoryGib - available.memoryGib)),
      };
      const unplaced: HostLoss['unplaced'] = [];
      const sorted = [...moving].sort((a, b) => b.memoryGib - a.memoryGib || b.vcpu - a.vcpu || a.name.localeCompare(b.name));
      for (const vm of sorted) {
        // The survivor with the most free memory that also has the vCPUs.
        const target = survivors
          .filter((h) => h.mem >= vm.memoryGib && h.vcpu >= vm.vcpu)
          .sort((a, b) => b.mem - a.mem)[0];
        if (target) {
          target.mem -= vm.memoryGib;
          target.vcpu -= vm.vcpu;
        } else unplaced.push({ id: vm.id, name: vm.name, vcpu: vm.vcpu, memoryGib: vm.memoryGib });
      }
      return {
        hostId: lost.id,
        hostName: lost.name,
        vmCount: moving.length,
        demand,
        available,
        fits: unplaced.length === 0,
        shortfall,
        unplaced,
      };
    });
    out.push({ clusterId: c.id, clusterName: c.name, hostCount: up.length, ok: losses.every((l) => l.fits), losses });
  }
  return out;
}
