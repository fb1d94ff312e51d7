import { type CmdbConfig, computeCapacity, computeN1, type ClusterN1 } from '../cmdb/index.ts';

/**
 * Placement (OPS-5, N §3.10.3.3): for a new or moved VM, propose the site and the ESXi host.
 *  - Site: by the location design — the VM's environment メイン → the main site (県庁舎サーバルーム),
 *    サブ → the sub site (NTT データセンター).
 *  - Failover: the host's cluster must keep N-1 with the VM on it (computeN1: every host's VMs can
 *    restart on the others), and the host itself must have room.
 *  - Balance: levels A/B/C spread evenly over the hosts (a host without level C cannot make room for A/B
 *    in an HA failover) — unless the cluster runs DRS, which balances by itself.
 *  - Host pinning (稼働ホストの固定化): the pinned host, if it keeps N-1; never another one.
 * Pure: the caller loads the estate from the CMDB (requests.estate.ts). Every decision returns its reasons.
 */
type N1Input = Parameters<typeof computeN1>[0];
export type Level = 'A' | 'B' | 'C';
export type Bi = { ja: string; en: string };

export interface EstateSite {
  id: string;
  name: string;
  role: 'main' | 'sub';
  status: string;
}
export type EstateCluster = N1Input['clusters'][number] & { siteId: string; drsEnabled: boolean };
export type EstateHost = N1Input['hosts'][number] & { siteId: string };
export type EstateVm = N1Input['vms'][number] & { level: Level | null };
export interface Estate {
  sites: EstateSite[];
  clusters: EstateCluster[];
  hosts: EstateHost[];
  vms: EstateVm[];
  storage?: { clusterId: string | null; status: EstateVm['status']; capacityGib: number }[];
}

/** The VM to place: a new one (no id) or an existing one being moved or resized (its id). */
export interface PlacementVm {
  id?: string;
  name: string;
  level: Level;
  vcpu: number;
  memoryGib: number;
  diskGib: number;
  site: 'main' | 'sub';
  /** The host name it is pinned to, or null. */
  pinnedHost: string | null;
  ha: boolean;
}

export type PlacementConfig = Pick<CmdbConfig, 'overcommit' | 'n1HaOnly'>;

export interface Candidate {
  hostId: string;
  hostName: string;
  clusterName: string;
  levels: Record<Level, number>;
  vmCount: number;
  freeVcpu: number;
  freeMemoryGib: number;
  fits: boolean;
  n1Ok: boolean;
  chosen: boolean;
}

export interface Placement {
  ok: boolean;
  siteId: string | null;
  siteName: string | null;
  clusterId: string | null;
  clusterName: string | null;
  hostId: string | null;
  hostName: string | null;
  drs: boolean;
  reasons: Bi[];
  candidates: Candidate[];
}

export type HostCheck = { ok: true; n1: ClusterN1 } | { ok: false; key: string; params: Record<string, unknown> };

const SITE_LABEL = { main: { ja: 'メイン', en: 'main' }, sub: { ja: 'サブ', en: 'sub' } } as const;
const serving = (h: { status: string }) => h.status === 'active';
const round1 = (n: number) => Math.round(n * 10) / 10;

/** The estate's VMs with `vm` on `hostId` (an existing VM leaves its current host). */
export function withVm(estate: Estate, vm: PlacementVm, hostId: string): EstateVm[] {
  const others = estate.vms.filter((v) => !vm.id || v.id !== vm.id);
  return [
    ...others,
    {
      id: vm.id ?? 'new-vm',
      name: vm.name,
      hostId,
      status: 'building',
      powerState: 'on',
      vcpu: vm.vcpu,
      memoryGib: vm.memoryGib,
      diskGib: vm.diskGib,
      ha: vm.ha,
      level: vm.level,
    },
  ];
}

function levelsOn(vms: EstateVm[], hostId: string): Record<Level, number> {
  const out: Record<Level, number> = { A: 0, B: 0, C: 0 };
  for (const v of vms) if (v.hostId === hostId && v.status !== 'retired' && v.level) out[v.level]++;
  return out;
}

/** Allocatable vCPU and memory left on `host` given `vms` (the CMDB's capacity arithmetic). */
export function freeOn(vms: EstateVm[], host: EstateHost, config: PlacementConfig) {
  const cap = computeCapacity(
    { clusters: [], hosts: [host], vms: vms.filter((v) => v.hostId === host.id), storage: [] },
    { overcommit: config.overcommit, thresholds: { cpu: 100, memory: 100, disk: 100 } },
  ).hosts[0]!;
  return { vcpu: round1(cap.cpu.capacity - cap.cpu.allocated), memoryGib: round1(cap.memory.capacity - cap.memory.allocated) };
}

/** Whether `vm` may run on `hostId`: a serving host at the VM's site with room, its cluster keeping N-1. */
export function checkHost(estate: Estate, vm: PlacementVm, hostId: string, config: PlacementConfig): HostCheck {
  const host = estate.hosts.find((h) => h.id === hostId);
  if (!host || !serving(host)) return { ok: false, key: 'portal.host_not_serving', params: { host: host?.name ?? hostId } };
  const site = estate.sites.find((s) => s.id === host.siteId);
  if (!site || site.role !== vm.site) return { ok: false, key: 'portal.host_wrong_site', params: { host: host.name, site: SITE_LABEL[vm.site].ja } };
  const cluster = estate.clusters.find((c) => c.id === host.clusterId);
  if (!cluster) return { ok: false, key: 'portal.host_no_cluster', params: { host: host.name } };
  const before = estate.vms.filter((v) => !vm.id || v.id !== vm.id);
  const room = freeOn(before, host, config);
  if (room.vcpu < vm.vcpu || room.memoryGib < vm.memoryGib) {
    return { ok: false, key: 'portal.host_full', params: { host: host.name, vcpu: Math.max(0, room.vcpu), memoryGib: Math.max(0, room.memoryGib) } };
  }
  const vms = withVm(estate, vm, hostId);
  const members = estate.hosts.filter((h) => h.clusterId === cluster.id);
  const n1 = computeN1({ clusters: [cluster], hosts: members, vms }, config)[0]!;
  if (!n1.ok) {
    const worst = n1.losses.find((l) => !l.fits)!;
    return {
      ok: false,
      key: 'portal.host_breaks_n1',
      params: { host: host.name, lost: worst.hostName, vcpu: worst.shortfall.vcpu, memoryGib: worst.shortfall.memoryGib, count: worst.unplaced.length },
    };
  }
  return { ok: true, n1 };
}

/** Proposes where `vm` should run, with the reasons shown on the request page. */
export function proposePlacement(estate: Estate, vm: PlacementVm, config: PlacementConfig): Placement {
  const reasons: Bi[] = [];
  const none = (r: Bi): Placement => ({
    ok: false,
    siteId: null,
    siteName: null,
    clusterId: null,
    clusterName: null,
    hostId: null,
    hostName: null,
    drs: false,
    reasons: [...reasons, r],
    candidates: [],
  });
  const site = estate.sites.find((s) => s.role === vm.site && s.status !== 'retired');
  if (!site)
    return none({ ja: `環境「${SITE_LABEL[vm.site].ja}」の設置場所が構成管理台帳にありません。`, en: `No ${SITE_LABEL[vm.site].en} site in the CMDB.` });
  reasons.push({
    ja: `環境「${SITE_LABEL[vm.site].ja}」のため ${site.name} を選定（ロケーション設計）。`,
    en: `${SITE_LABEL[vm.site].en} environment: ${site.name} (location design).`,
  });
  const hosts = estate.hosts.filter((h) => h.siteId === site.id && serving(h) && h.clusterId);
  if (hosts.length === 0)
    return {
      ...none({ ja: `${site.name} に稼働中の ESXi サーバがありません。`, en: `No ESXi host in service at ${site.name}.` }),
      siteId: site.id,
      siteName: site.name,
    };
  const base = estate.vms.filter((v) => !vm.id || v.id !== vm.id);
  const candidates: Candidate[] = hosts.map((h) => {
    const check = checkHost(estate, vm, h.id, config);
    const room = freeOn(base, h, config);
    return {
      hostId: h.id,
      hostName: h.name,
      clusterName: estate.clusters.find((c) => c.id === h.clusterId)?.name ?? '',
      levels: levelsOn(base, h.id),
      vmCount: base.filter((v) => v.hostId === h.id && v.status !== 'retired').length,
      freeVcpu: room.vcpu,
      freeMemoryGib: room.memoryGib,
      fits: room.vcpu >= vm.vcpu && room.memoryGib >= vm.memoryGib,
      n1Ok: check.ok,
      chosen: false,
    };
  });
  const pick = (c: Candidate, why: Bi): Placement => {
    c.chosen = true;
    const host = hosts.find((h) => h.id === c.hostId)!;
    const cluster = estate.clusters.find((x) => x.id === host.clusterId)!;
    return {
      ok: true,
      siteId: site.id,
      siteName: site.name,
      clusterId: cluster.id,
      clusterName: cluster.name,
      hostId: host.id,
      hostName: host.name,
      drs: cluster.drsEnabled,
      reasons: [...reasons, why],
      candidates,
    };
  };

  if (vm.pinnedHost) {
    const c = candidates.find((x) => x.hostName.toLowerCase() === vm.pinnedHost!.toLowerCase());
    if (!c)
      return {
        ...none({
          ja: `ホスト固定の指定「${vm.pinnedHost}」は ${site.name} の稼働中の ESXi サーバではありません。`,
          en: `Pinned host ${vm.pinnedHost} is not a serving host at ${site.name}.`,
        }),
        siteId: site.id,
        siteName: site.name,
        candidates,
      };
    if (!c.n1Ok)
      return {
        ...none({
          ja: `ホスト固定の指定 ${c.hostName} に置くと N-1（フェールオーバー用リソース）を保てません。`,
          en: `Pinned to ${c.hostName}, the cluster would lose N-1.`,
        }),
        siteId: site.id,
        siteName: site.name,
        candidates,
      };
    return pick(c, { ja: `稼働ホストの固定化の指定に従い ${c.hostName}（N-1 を保てることを確認）。`, en: `Host pinning: ${c.hostName} (N-1 kept).` });
  }

  const ok = candidates.filter((c) => c.n1Ok);
  if (ok.length === 0) {
    const full = candidates.every((c) => !c.fits);
    return {
      ...none(
        full
          ? { ja: `${site.name} のどの ESXi サーバにも空きリソースがありません。`, en: `No host at ${site.name} has room.` }
          : {
              ja: `${site.name} のどの ESXi サーバに置いても N-1（フェールオーバー用リソース）を保てません。`,
              en: `No host at ${site.name} keeps N-1 with this VM.`,
            },
      ),
      siteId: site.id,
      siteName: site.name,
      candidates,
    };
  }
  const drsHost = (c: Candidate) => estate.clusters.find((x) => x.name === c.clusterName)?.drsEnabled ?? false;
  const allDrs = ok.every(drsHost);
  if (allDrs) {
    const best = [...ok].sort((a, b) => b.freeMemoryGib - a.freeMemoryGib || a.hostName.localeCompare(b.hostName))[0]!;
    return pick(best, {
      ja: `DRS 有効のためレベル配分は DRS に任せ、空きメモリが最も多い ${best.hostName}（空き ${best.freeMemoryGib} GB、N-1 維持）。`,
      en: `DRS on: balancing left to DRS; ${best.hostName} has the most free memory (${best.freeMemoryGib} GB, N-1 kept).`,
    });
  }
  const l = vm.level;
  const best = [...ok].sort(
    (a, b) => a.levels[l] - b.levels[l] || a.vmCount - b.vmCount || b.freeMemoryGib - a.freeMemoryGib || a.hostName.localeCompare(b.hostName),
  )[0]!;
  const spread = (c: Candidate) => `A${c.levels.A} B${c.levels.B} C${c.levels.C}`;
  return pick(best, {
    ja: `レベル ${l} の仮想マシンが最も少ない ${best.hostName}（${spread(best)}）に置き、A/B/C を各ホストに均等に配置（N-1 維持）。`,
    en: `${best.hostName} has the fewest level-${l} VMs (${spread(best)}): levels spread evenly (N-1 kept).`,
  });
}
