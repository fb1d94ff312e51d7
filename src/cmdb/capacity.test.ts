import { describe, expect, it } from 'vitest';
import { computeCapacity, computeN1, type HostRow, type VmRow } from './capacity.ts';
import { canMove, CI_STATUSES, TRANSITIONS } from './lifecycle.ts';
import { followsNamingRule } from './naming.ts';
import { DEFAULT_CMDB_CONFIG } from './config.ts';

const host = (id: string, clusterId: string, cores = 8, mem = 64): HostRow => ({
  id,
  name: id,
  clusterId,
  status: 'active',
  cpuCores: cores,
  cpuGhz: 2.4,
  memoryGib: mem,
  localDiskGib: 0,
});
const vm = (id: string, hostId: string, vcpu: number, memoryGib: number, extra: Partial<VmRow> = {}): VmRow => ({
  id,
  name: id,
  hostId,
  status: 'active',
  powerState: 'on',
  vcpu,
  memoryGib,
  diskGib: 100,
  ha: true,
  ...extra,
});
const cfg = { overcommit: { vcpuPerCore: 2, memory: 1 }, n1HaOnly: false, thresholds: { cpu: 80, memory: 85, disk: 85 } };

describe('the lifecycle table (N §3.5.3.1)', () => {
  it('moves forward through 構築・移行 → 受入 → 稼働 → 停止 → 廃止 and never out of 廃止', () => {
    expect(canMove('building', 'acceptance')).toBe(true);
    expect(canMove('acceptance', 'active')).toBe(true);
    expect(canMove('active', 'stopped')).toBe(true);
    expect(canMove('stopped', 'retired')).toBe(true);
    expect(canMove('active', 'retired')).toBe(false);
    expect(canMove('building', 'active')).toBe(false);
    for (const s of CI_STATUSES) expect(canMove('retired', s)).toBe(false);
    expect(TRANSITIONS.retired).toEqual([]);
  });
});

describe('N-1 (DR-2)', () => {
  // Hosts of 8 cores × 2 vCPU/core = 16 vCPU and 64 GiB each.
  //   cluster C: h1 runs v1 (2 vCPU, 8 GiB)                → free 14 vCPU, 56 GiB
  //              h2 runs v2 (4, 40)                         → free 12, 24
  //              h3 runs v3 (4, 30) + v4 (4, 30)            → free 8, 4
  //   lose h1: 2 vCPU / 8 GiB onto 20 / 28 free             → fits (v1 → h2)
  //   lose h2: 4 / 40 onto 22 / 60                           → fits (v2 → h1)
  //   lose h3: 8 / 60 onto 26 / 80: totals fit, but v3 takes h1 (56 → 26) and v4 (30 GiB) finds
  //            neither h1 (26) nor h2 (24): unplaced, shortfall 0 — fragmentation.
  //   cluster D: h4 runs v5 (8, 48), h5 runs v6 (10, 40); 2 hosts
  //   lose h4: 8 / 48 onto h5's 6 / 24 → short by 2 vCPU and 24 GiB.
  //   lose h5: 10 / 40 onto h4's 8 / 16 → short by 2 vCPU and 24 GiB.
  const clusters = [
    { id: 'C', name: 'C', status: 'active' as const },
    { id: 'D', name: 'D', status: 'active' as const },
  ];
  const hosts = [host('h1', 'C'), host('h2', 'C'), host('h3', 'C'), host('h4', 'D'), host('h5', 'D')];
  const vms = [
    vm('v1', 'h1', 2, 8),
    vm('v2', 'h2', 4, 40),
    vm('v3', 'h3', 4, 30),
    vm('v4', 'h3', 4, 30),
    vm('v5', 'h4', 8, 48),
    vm('v6', 'h5', 10, 40),
    // A stopped VM and a powered-off one hold no CPU or memory and need no restart.
    vm('v7', 'h1', 16, 64, { status: 'stopped' }),
    vm('v8', 'h2', 16, 64, { powerState: 'off' }),
  ];

  it('names the host whose loss would not fit and by how much', () => {
    const [c, d] = computeN1({ clusters, hosts, vms }, cfg);
    expect(c!.ok).toBe(false);
    const byHost = Object.fromEntries(c!.losses.map((l) => [l.hostId, l]));
    expect(byHost.h1).toMatchObject({ fits: true, demand: { vcpu: 2, memoryGib: 8 }, available: { vcpu: 20, memoryGib: 28 } });
    expect(byHost.h2).toMatchObject({ fits: true, demand: { vcpu: 4, memoryGib: 40 } });
    expect(byHost.h3).toMatchObject({ fits: false, shortfall: { vcpu: 0, memoryGib: 0 }, unplaced: [{ id: 'v4' }] });
    expect(d!.ok).toBe(false);
    expect(d!.losses.map((l) => [l.hostId, l.shortfall])).toEqual([
      ['h4', { vcpu: 2, memoryGib: 24 }],
      ['h5', { vcpu: 2, memoryGib: 24 }],
    ]);
  });

  it('a higher overcommit or counting only HA-protected VMs changes the answer', () => {
    const haOff = vms.map((v) => (v.id === 'v4' ? { ...v, ha: false } : v));
    const [c] = computeN1({ clusters, hosts, vms: haOff }, { ...cfg, n1HaOnly: true });
    expect(c!.ok).toBe(true);
    const [, d] = computeN1({ clusters, hosts, vms }, { overcommit: { vcpuPerCore: 4, memory: 2 }, n1HaOnly: false });
    expect(d!.ok).toBe(true);
  });
});

describe('capacity (CMDB-5)', () => {
  it('compares allocation with physical capacity × ratio against thresholds', () => {
    const r = computeCapacity(
      {
        clusters: [{ id: 'C', name: 'C', status: 'active' }],
        hosts: [host('h1', 'C'), host('h2', 'C')],
        vms: [vm('v1', 'h1', 4, 56), vm('v2', 'h2', 8, 16), vm('v3', 'h2', 8, 16, { status: 'stopped', diskGib: 700 })],
        storage: [{ clusterId: 'C', status: 'active', capacityGib: 1000 }],
      },
      cfg,
    );
    // h1: 56/64 GiB = 87.5 % ≥ 85 → warning; 4/16 vCPU = 25 %.
    const h1 = r.hosts.find((h) => h.id === 'h1')!;
    expect(h1.memory).toMatchObject({ allocated: 56, capacity: 64, percent: 87.5, level: 'warning' });
    expect(h1.cpu).toMatchObject({ allocated: 4, capacity: 16, percent: 25, level: 'ok' });
    expect(h1.disk).toBeNull();
    // Cluster: 12/32 vCPU = 37.5 %, 72/128 GiB = 56.3 %; disk counts the stopped VM: 900/1000 = 90 %.
    const c = r.clusters[0]!;
    expect(c.cpu).toMatchObject({ allocated: 12, capacity: 32, percent: 37.5, level: 'ok' });
    expect(c.memory.percent).toBe(56.3);
    expect(c.disk).toMatchObject({ allocated: 900, capacity: 1000, percent: 90, level: 'warning' });
  });

  it('a host out of service gives no capacity, so its VMs show as over', () => {
    const r = computeCapacity(
      { clusters: [], hosts: [{ ...host('h1', 'C'), status: 'stopped' }], vms: [vm('v1', 'h1', 2, 4)], storage: [] },
      cfg,
    );
    expect(r.hosts[0]!.cpu.level).toBe('over');
  });
});

describe('naming rule (CMDB-9)', () => {
  const p = DEFAULT_CMDB_CONFIG.naming.pattern;
  it('requires the level and environment in the name', () => {
    const ctx = { level: 'A' as const, environment: 'production' as const, systemCode: 'zaimu' };
    expect(followsNamingRule('ap-zaimu-web01', p, ctx)).toBe(true);
    expect(followsNamingRule('AP-ZAIMU-WEB01', p, ctx)).toBe(true);
    expect(followsNamingRule('bp-zaimu-web01', p, ctx)).toBe(false);
    expect(followsNamingRule('at-zaimu-web01', p, ctx)).toBe(false);
    expect(followsNamingRule('zaimu-web01', p, ctx)).toBe(false);
    expect(followsNamingRule('ap-doro-web01', p, ctx)).toBe(false);
  });
});
