import { type CmdbConfig, computeCapacity, computeN1 } from '../cmdb/index.ts';
import { type Bi, type Estate, type PlacementVm, withVm } from './placement.ts';

/**
 * リソース使用状況報告 (N §3.10.2.2, OPS-2/OPS-6): what a request does to its cluster — allocation of CPU,
 * memory and disk before and after, and N-1 (can every host's VMs still restart on the others). Made
 * from the CMDB's capacity arithmetic when the request is submitted; the supervisor decides with it.
 */
export interface ReportSide {
  cpuPercent: number | null;
  memoryPercent: number | null;
  diskPercent: number | null;
  n1Ok: boolean;
  /** The host whose loss leaves the most missing, if any does. */
  worst: { hostName: string; vcpu: number; memoryGib: number; unplaced: number } | null;
}
export interface ResourceReport {
  clusterName: string;
  hostName: string;
  siteName: string;
  hostCount: number;
  delta: { vcpu: number; memoryGib: number; diskGib: number };
  thresholds: CmdbConfig['thresholds'];
  before: ReportSide;
  after: ReportSide;
  warnings: Bi[];
}

type Config = Pick<CmdbConfig, 'overcommit' | 'n1HaOnly' | 'thresholds'>;

function side(estate: Estate, clusterId: string, vms: Estate['vms'], config: Config): ReportSide {
  const clusters = estate.clusters.filter((c) => c.id === clusterId);
  const hosts = estate.hosts.filter((h) => h.clusterId === clusterId);
  const cap = computeCapacity({ clusters, hosts, vms, storage: estate.storage ?? [] }, config).clusters[0];
  const n1 = computeN1({ clusters, hosts, vms }, config)[0];
  const bad = (n1?.losses ?? [])
    .filter((l) => !l.fits)
    .sort((a, b) => b.shortfall.memoryGib - a.shortfall.memoryGib || b.unplaced.length - a.unplaced.length)[0];
  return {
    cpuPercent: cap?.cpu.percent ?? null,
    memoryPercent: cap?.memory.percent ?? null,
    diskPercent: cap?.disk.percent ?? null,
    n1Ok: n1?.ok ?? false,
    worst: bad ? { hostName: bad.hostName, vcpu: bad.shortfall.vcpu, memoryGib: bad.shortfall.memoryGib, unplaced: bad.unplaced.length } : null,
  };
}

/**
 * The report for `vm` placed on `hostId` (a new VM, or an existing one with its new resources).
 * Null when there is no host to report on (the placement found none: the page says why).
 */
export function resourceReport(estate: Estate, vm: PlacementVm, hostId: string | null, config: Config): ResourceReport | null {
  const host = hostId ? estate.hosts.find((h) => h.id === hostId) : undefined;
  const cluster = host?.clusterId ? estate.clusters.find((c) => c.id === host.clusterId) : undefined;
  if (!host || !cluster) return null;
  const old = vm.id ? estate.vms.find((v) => v.id === vm.id) : undefined;
  const before = side(estate, cluster.id, estate.vms, config);
  const after = side(estate, cluster.id, withVm(estate, vm, host.id), config);
  const th = config.thresholds;
  const warnings: Bi[] = [];
  if (!after.n1Ok && before.n1Ok)
    warnings.push({ ja: `この申請で ${cluster.name} の N-1 が保てなくなります。`, en: `This request breaks N-1 in ${cluster.name}.` });
  if (!before.n1Ok) warnings.push({ ja: `${cluster.name} は申請前から N-1 を保てていません。`, en: `${cluster.name} already lacks N-1.` });
  for (const [k, label, t] of [
    ['cpuPercent', 'CPU', th.cpu],
    ['memoryPercent', 'メモリ', th.memory],
    ['diskPercent', 'ディスク', th.disk],
  ] as const) {
    const v = after[k];
    if (v !== null && v >= t)
      warnings.push({
        ja: `${label}の割当が ${v}%（しきい値 ${t}%）になります。`,
        en: `${label === 'メモリ' ? 'Memory' : label === 'ディスク' ? 'Disk' : 'CPU'} allocation reaches ${v}% (threshold ${t}%).`,
      });
  }
  return {
    clusterName: cluster.name,
    hostName: host.name,
    siteName: estate.sites.find((s) => s.id === cluster.siteId)?.name ?? '',
    hostCount: estate.hosts.filter((h) => h.clusterId === cluster.id && h.status === 'active').length,
    delta: { vcpu: vm.vcpu - (old?.vcpu ?? 0), memoryGib: vm.memoryGib - (old?.memoryGib ?? 0), diskGib: vm.diskGib - (old?.diskGib ?? 0) },
    thresholds: th,
    before,
    after,
    warnings,
  };
}
