import { describe, expect, it } from 'vitest';
import { estimateLicences, type LicenceHost, type LicenceVm } from './licences.ts';

/** ライセンス (OPS-8, M §2.5): processor licences follow every host a VM may run on unless it is pinned. */
const host = (name: string, cpuSockets = 2, cpuCores = 32): LicenceHost => ({ name, cpuSockets, cpuCores });
const cluster = { name: 'CL-MAIN', haEnabled: true, drsEnabled: true, hosts: [host('esx03'), host('esx01'), host('esx02', 2, 24)] };
const vm = (over: Partial<LicenceVm> = {}): LicenceVm => ({
  name: 'A-ZAIMU-AP01',
  vcpu: 4,
  hostPinned: false,
  ha: true,
  srm: false,
  host: cluster.hosts[1]!,
  cluster,
  ...over,
});
const count = (e: ReturnType<typeof estimateLicences>, unit: string) => e.lines.find((l) => l.unit === unit)!.count;

describe('estimateLicences', () => {
  it('counts every host of the cluster for a processor licence (vMotion/HA/DRS): 3 hosts × 2 CPUs = 6', () => {
    const e = estimateLicences(vm());
    expect(e.mayRunOn).toEqual(['esx01', 'esx02', 'esx03']);
    expect(count(e, 'processor')).toBe(6);
    expect(count(e, 'physical_core')).toBe(32 + 24 + 32);
    expect(e.reason).toContain('vMotion・HA・DRS');
    expect(e.notes[0]).toContain('固定');
  });

  it('counts only its own host when pinned: 2 CPUs (M: 1台あたり2個の CPU → 2 ライセンス)', () => {
    const e = estimateLicences(vm({ hostPinned: true }));
    expect(e.mayRunOn).toEqual(['esx01']);
    expect(count(e, 'processor')).toBe(2);
    expect(count(e, 'physical_core')).toBe(32);
    expect(e.reason).toContain('固定');
  });

  it('counts the VM’s own cores for a core licence, wherever it runs', () => {
    expect(count(estimateLicences(vm()), 'core')).toBe(4);
    expect(count(estimateLicences(vm({ hostPinned: true })), 'core')).toBe(4);
  });

  it('lists user, device and server licences from the counts given (none given: asks for them)', () => {
    const blank = estimateLicences(vm());
    expect(count(blank, 'user')).toBeNull();
    expect(blank.lines.find((l) => l.unit === 'user')!.basis).toContain('入力');
    expect(count(blank, 'server')).toBe(1);
    const e = estimateLicences(vm(), { users: 25, devices: 40, servers: 2 });
    expect([count(e, 'user'), count(e, 'device'), count(e, 'server')]).toEqual([25, 40, 2]);
  });

  it('without HA still counts the cluster (vMotion/DRS), names only the features in use; SRM adds a note', () => {
    const e = estimateLicences(vm({ ha: false, srm: true, cluster: { ...cluster, drsEnabled: false } }));
    expect(count(e, 'processor')).toBe(6);
    expect(e.reason).toContain('vMotion により');
    expect(e.notes.some((x) => x.includes('SRM'))).toBe(true);
  });

  it('a VM not placed on a host has no processor count, and says why', () => {
    const e = estimateLicences(vm({ host: null }));
    expect(count(e, 'processor')).toBeNull();
    expect(e.reason).toContain('未登録');
  });
});
