import { describe, expect, it } from 'vitest';
import { checkHost, type Estate, type EstateVm, type Level, type PlacementVm, proposePlacement } from './placement.ts';
import { resourceReport } from './report.ts';

/** Placement (OPS-5) and the resource report on small estates: N-1, level spread, DRS, pinning, sites. */
const config = { overcommit: { vcpuPerCore: 4, memory: 1 }, n1HaOnly: false };
const thresholds = { cpu: 80, memory: 85, disk: 85 };

/** Three 16-core / 256 GiB hosts in one cluster at the main site, a two-host cluster at the sub site. */
function estate(vms: [host: string, level: Level, memoryGib: number][] = [], opts: { drs?: boolean } = {}): Estate {
  const host = (id: string, clusterId: string, siteId: string) => ({
    id,
    name: id,
    clusterId,
    siteId,
    status: 'active' as const,
    cpuCores: 16,
    cpuGhz: 2.4,
    memoryGib: 256,
    localDiskGib: 0,
  });
  return {
    sites: [
      { id: 'main', name: '県庁舎サーバルーム', role: 'main', status: 'active' },
      { id: 'sub', name: 'NTTデータセンター', role: 'sub', status: 'active' },
    ],
    clusters: [
      { id: 'c1', name: 'cl-main', status: 'active', siteId: 'main', drsEnabled: opts.drs ?? false },
      { id: 'c2', name: 'cl-sub', status: 'active', siteId: 'sub', drsEnabled: false },
    ],
    hosts: [host('esx01', 'c1', 'main'), host('esx02', 'c1', 'main'), host('esx03', 'c1', 'main'), host('esx11', 'c2', 'sub'), host('esx12', 'c2', 'sub')],
    vms: vms.map(
      ([h, level, memoryGib], i): EstateVm => ({
        id: `vm${i}`,
        name: `vm${i}`,
        hostId: h,
        status: 'active',
        powerState: 'on',
        vcpu: 2,
        memoryGib,
        diskGib: 40,
        ha: true,
        level,
      }),
    ),
    storage: [{ clusterId: 'c1', status: 'active', capacityGib: 10_000 }],
  };
}
const vm = (over: Partial<PlacementVm> = {}): PlacementVm => ({
  name: 'new',
  level: 'B',
  vcpu: 2,
  memoryGib: 8,
  diskGib: 80,
  site: 'main',
  pinnedHost: null,
  ha: true,
  ...over,
});

describe('proposePlacement', () => {
  it('chooses the site by the environment and the host with the fewest VMs of the same level', () => {
    const e = estate([
      ['esx01', 'B', 8],
      ['esx02', 'B', 8],
      ['esx02', 'A', 8],
      ['esx03', 'A', 8],
      ['esx03', 'C', 8],
    ]);
    const p = proposePlacement(e, vm({ level: 'B' }), config);
    expect(p.ok).toBe(true);
    expect(p.siteName).toBe('県庁舎サーバルーム');
    expect(p.hostName).toBe('esx03');
    expect(p.reasons.map((r) => r.ja).join('\n')).toContain('レベル B の仮想マシンが最も少ない esx03（A1 B0 C1）');
    expect(proposePlacement(e, vm({ level: 'A' }), config).hostName).toBe('esx01');
    expect(proposePlacement(e, vm({ site: 'sub' }), config).hostName).toMatch(/^esx1[12]$/);
  });

  it('skips hosts where the cluster would lose N-1 (even the emptiest) and says so when none is left', () => {
    const e = estate([
      ['esx01', 'C', 120],
      ['esx01', 'C', 100],
      ['esx02', 'C', 60],
      ['esx03', 'C', 20],
    ]);
    // esx03 has the most room, but with the new VM there, losing esx01 leaves its 120 GiB VM nowhere to restart.
    const p = proposePlacement(e, vm({ level: 'C', memoryGib: 140 }), config);
    expect(p.ok).toBe(true);
    expect(p.hostName).toBe('esx02');
    expect(p.candidates.map((c) => [c.hostName, c.fits, c.n1Ok])).toEqual([
      ['esx01', false, false],
      ['esx02', true, true],
      ['esx03', true, false],
    ]);
    const c = checkHost(e, vm({ memoryGib: 140 }), 'esx03', config);
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c).toMatchObject({ key: 'portal.host_breaks_n1', params: { host: 'esx03', lost: 'esx01' } });
    const none = proposePlacement(e, vm({ memoryGib: 180 }), config);
    expect(none.ok).toBe(false);
    expect(none.reasons.at(-1)!.ja).toBe('県庁舎サーバルーム のどの ESXi サーバに置いても N-1（フェールオーバー用リソース）を保てません。');
  });

  it('with DRS on, leaves balancing to DRS and takes the host with the most free memory', () => {
    const e = estate(
      [
        ['esx01', 'C', 8],
        ['esx02', 'B', 100],
        ['esx03', 'C', 60],
      ],
      { drs: true },
    );
    const p = proposePlacement(e, vm({ level: 'C' }), config);
    expect(p.hostName).toBe('esx01');
    expect(p.drs).toBe(true);
    expect(p.reasons.at(-1)!.ja).toContain('DRS 有効');
  });

  it('follows host pinning, and refuses a pinned host that would break N-1', () => {
    const e = estate([['esx01', 'A', 8]]);
    const p = proposePlacement(e, vm({ pinnedHost: 'ESX01' }), config);
    expect(p.hostName).toBe('esx01');
    expect(p.reasons.at(-1)!.ja).toContain('固定化');
    const tight = estate([
      ['esx01', 'C', 120],
      ['esx01', 'C', 100],
      ['esx02', 'C', 60],
      ['esx03', 'C', 20],
    ]);
    const refused = proposePlacement(tight, vm({ pinnedHost: 'esx03', memoryGib: 140 }), config);
    expect(refused.ok).toBe(false);
    expect(refused.reasons.at(-1)!.ja).toContain('N-1');
    expect(proposePlacement(e, vm({ pinnedHost: 'esx11' }), config).ok).toBe(false);
  });

  it('moves an existing VM without counting it twice', () => {
    const e = estate([
      ['esx01', 'B', 120],
      ['esx02', 'B', 120],
      ['esx03', 'C', 8],
    ]);
    const moved = { ...vm({ memoryGib: 120 }), id: 'vm0' };
    expect(checkHost(e, moved, 'esx01', config).ok).toBe(true);
    const c = checkHost(e, moved, 'esx11', config);
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.key).toBe('portal.host_wrong_site');
  });
});

describe('resourceReport', () => {
  it('shows the cluster before and after with N-1 and the threshold warnings', () => {
    const e = estate([
      ['esx01', 'C', 120],
      ['esx01', 'C', 100],
      ['esx02', 'C', 60],
      ['esx03', 'C', 20],
    ]);
    const r = resourceReport(e, vm({ memoryGib: 140 }), 'esx03', { ...config, thresholds })!;
    expect(r.clusterName).toBe('cl-main');
    expect(r.hostName).toBe('esx03');
    expect(r.delta.memoryGib).toBe(140);
    expect(r.before.memoryPercent).toBe(39.1);
    expect(r.after.memoryPercent).toBe(57.3);
    expect(r.before.n1Ok).toBe(true);
    expect(r.after.n1Ok).toBe(false);
    expect(r.after.worst?.hostName).toBe('esx01');
    expect(r.warnings.map((w) => w.ja)).toEqual(['この申請で cl-main の N-1 が保てなくなります。']);
    const high = resourceReport(e, vm({ memoryGib: 140, vcpu: 60 }), 'esx02', { ...config, thresholds: { cpu: 30, memory: 85, disk: 85 } })!;
    expect(high.after.n1Ok).toBe(true);
    expect(high.warnings.map((w) => w.ja)).toEqual(['CPUの割当が 35.4%（しきい値 30%）になります。']);
  });
});
