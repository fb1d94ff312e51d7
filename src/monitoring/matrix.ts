import { and, eq } from 'drizzle-orm';
import {
  cmdbHosts,
  cmdbManagementServers,
  cmdbNetworkDevices,
  cmdbStorage,
  cmdbSystems,
  cmdbVms,
} from '../cmdb/schema.ts';
import type { Db } from '../db/index.ts';
import type { Clock } from '../kernel/clock.ts';
import type { CollectMode, ItemType } from './model.ts';
import { type MonitoringCiType, monitoringItems, monitoringTargets } from './schema.ts';
import { createMany } from './store.ts';

/**
 * N §3.7.3.1 <監視対象・監視項目案>: which items each kind of target gets, and when it is watched.
 * Read a row as the column of N's table ("実施" = ✓). Dev/test VMs get no alive check, to avoid
 * pointless detections; level-C VMs are watched on business days in business hours only.
 *
 * | kind              | hours    | alive | process | message | hardware | resource |
 * |-------------------|----------|-------|---------|---------|----------|----------|
 * | ESXi server       | 24h365d  |   ✓   |         |    ✓    |    ✓     |    ✓     |
 * | storage           | 24h365d  |   ✓   |         |         |    ✓     |    ✓     |
 * | network device    | 24h365d  |   ✓   |         |         |          |          |
 * | vCenter server    | 24h365d  |   ✓   |         |         |          |          |
 * | monitoring server | 24h365d  |   ✓   |         |         |    ✓     |    ✓     |
 * | VM level A        | 24h365d  |   ✓   |    ✓    |    ✓    |          |    ✓     |
 * | VM level B        | 24h365d  |   ✓   |         |         |          |    ✓     |
 * | VM level C (prod) | business |   ✓   |         |         |          |    ✓     |
 * | VM level C (dev)  | business |       |         |         |          |    ✓     |
 */
export const MATRIX_KINDS = ['esxi', 'storage', 'network_device', 'vcenter', 'monitoring_server', 'vm_a', 'vm_b', 'vm_c', 'vm_c_dev'] as const;
export type MatrixKind = (typeof MATRIX_KINDS)[number];
export type Coverage = 'alive' | 'process' | 'message' | 'hardware' | 'resource';
type Row = { hours: '24h365d' | 'business'; items: readonly Coverage[] };

const row = (hours: Row['hours'], ...items: Coverage[]): Row => ({ hours, items });

export const MONITORING_MATRIX: Readonly<Record<MatrixKind, Row>> = {
  esxi: row('24h365d', 'alive', 'message', 'hardware', 'resource'),
  storage: row('24h365d', 'alive', 'hardware', 'resource'),
  network_device: row('24h365d', 'alive'),
  vcenter: row('24h365d', 'alive'),
  monitoring_server: row('24h365d', 'alive', 'hardware', 'resource'),
  vm_a: row('24h365d', 'alive', 'process', 'message', 'resource'),
  vm_b: row('24h365d', 'alive', 'resource'),
  vm_c: row('business', 'alive', 'resource'),
  vm_c_dev: row('business', 'resource'),
};

export function vmKind(level: 'A' | 'B' | 'C', environment: 'production' | 'dev_test'): MatrixKind {
  if (level === 'A') return 'vm_a';
  if (level === 'B') return 'vm_b';
  return environment === 'dev_test' ? 'vm_c_dev' : 'vm_c';
}

export interface PlannedItem {
  type: ItemType;
  key: string;
  name: string;
  collect: CollectMode;
  businessHoursOnly: boolean;
  /** M §3.3 table 3-5: alive alerts are always mailed; the others on the owner's request. */
  notify: boolean;
  params?: Record<string, unknown>;
  origin: string;
}

export interface PlannedTarget {
  ciType: MonitoringCiType;
  ciId: string;
  name: string;
  address: string | null;
  kind: MatrixKind;
  items: PlannedItem[];
  /** Coverage N asks for that the engine cannot generate by itself (and why). */
  pending: { coverage: Coverage; reason: string }[];
}

export interface PlanOptions {
  /** Process names to watch per VM id (level A process monitoring needs to know which). */
  processes?: Record<string, string[]>;
}

/** The items of one target, from its matrix row. Agent items for VMs and the monitoring server. */
export function itemsFor(
  kind: MatrixKind,
  ctx: { os?: string | null; processes?: string[] },
): { items: PlannedItem[]; pending: PlannedTarget['pending'] } {
  const r = MONITORING_MATRIX[kind];
  const business = r.hours === 'business';
  const items: PlannedItem[] = [];
  const pending: PlannedTarget['pending'] = [];
  const origin = (c: Coverage) => `matrix:${kind}.${c}`;
  const windows = /windows/i.test(ctx.os ?? '');
  const agent = kind.startsWith('vm_') || kind === 'monitoring_server';
  for (const c of r.items) {
    if (c === 'alive') {
      items.push({ type: 'icmp', key: 'icmpping', name: '死活監視', collect: 'poll', businessHoursOnly: business, notify: true, origin: origin(c) });
    } else if (c === 'resource') {
      const collect: CollectMode = agent ? 'poll' : 'push'; // ESXi / storage figures come from vCenter or the array: pushed
      const disk = windows ? 'vfs.fs.size[C:,pused]' : 'vfs.fs.size[/,pused]';
      for (const [key, name] of [
        ['system.cpu.util', 'CPU 使用率'],
        ['vm.memory.size[pavailable]', 'メモリ使用率'],
        [disk, 'ディスク使用率'],
      ] as const) {
        items.push({ type: 'resource', key, name, collect, businessHoursOnly: business, notify: false, origin: origin(c) });
      }
    } else if (c === 'process') {
      const names = ctx.processes ?? [];
      if (names.length === 0) pending.push({ coverage: c, reason: 'process names to watch are not registered' });
      for (const p of names) {
        items.push({ type: 'process', key: `proc.num[${p}]`, name: `プロセス監視 ${p}`, collect: 'poll', businessHoursOnly: business, notify: false, origin: origin(c) });
      }
    } else {
      pending.push({ coverage: c, reason: c === 'message' ? 'message (syslog) monitoring is not part of this engine yet' : 'hardware monitoring (SNMP/vendor) is not part of this engine yet' });
    }
  }
  return { items, pending };
}

/** Only CIs in service (稼働) are monitored; building, acceptance, stopped and retired ones are not. */
/** What the CMDB's active CIs should be monitored by, per the matrix. Reads only. */
export async function planFromCmdb(db: Db, opts: PlanOptions = {}): Promise<PlannedTarget[]> {
  const plan: PlannedTarget[] = [];
  const add = (ciType: MonitoringCiType, ci: { id: string; name: string }, address: string | null, kind: MatrixKind, os?: string | null) => {
    const { items, pending } = itemsFor(kind, { os: os ?? null, processes: opts.processes?.[ci.id] ?? [] });
    plan.push({ ciType, ciId: ci.id, name: ci.name, address, kind, items, pending });
  };
  for (const h of await db.select().from(cmdbHosts).where(eq(cmdbHosts.status, 'active'))) add('host', h, h.ip, 'esxi', h.os);
  for (const s of await db.select().from(cmdbStorage).where(eq(cmdbStorage.status, 'active'))) add('storage', s, s.ip, 'storage');
  for (const n of await db.select().from(cmdbNetworkDevices).where(eq(cmdbNetworkDevices.status, 'active'))) add('network_device', n, n.ip, 'network_device');
  for (const m of await db.select().from(cmdbManagementServers).where(eq(cmdbManagementServers.status, 'active'))) {
    if (m.kind === 'vcenter') add('management_server', m, m.ip, 'vcenter', m.os);
    else if (m.kind === 'monitoring') add('management_server', m, m.ip, 'monitoring_server', m.os);
  }
  const vms = await db
    .select({ vm: cmdbVms, level: cmdbSystems.serviceLevel, environment: cmdbSystems.environment })
    .from(cmdbVms)
    .innerJoin(cmdbSystems, eq(cmdbSystems.id, cmdbVms.systemId))
    .where(eq(cmdbVms.status, 'active'));
  for (const { vm, level, environment } of vms) {
    const ip = vm.nics.find((n) => n.ip)?.ip ?? null;
    add('vm', vm, ip, vmKind(vm.serviceLevelOverride ?? level, environment), vm.os);
  }
  return plan;
}

/** Creates the planned targets and items that do not exist yet; never changes or removes any. */
export async function applyPlan(db: Db, clock: Clock, plan: PlannedTarget[]): Promise<{ targets: number; items: number }> {
  return createMany(
    db,
    clock,
    plan.map((p) => ({ target: { ciType: p.ciType, ciId: p.ciId, name: p.name, address: p.address }, items: p.items })),
  );
}
