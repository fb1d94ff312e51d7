/**
 * Types and calls of the configuration ledger API (/api/cmdb, server module src/cmdb). The shapes
 * mirror src/cmdb/service.ts (list rows, `get` with its relations, history) and capacity.ts.
 */
import { api, buildQuery, type Page, type QueryValue } from '../../api';

export type CiStatus = 'building' | 'acceptance' | 'active' | 'stopped' | 'retired';
export const CI_STATUSES: readonly CiStatus[] = ['building', 'acceptance', 'active', 'stopped', 'retired'];
export type Level = 'A' | 'B' | 'C';
export type Environment = 'production' | 'dev_test';

/** The kinds that have screens, with their URL segment (same as the API's). */
export type ScreenKind = 'system' | 'vm' | 'host' | 'cluster' | 'site';
export const SEGMENT: Record<ScreenKind, string> = {
  system: 'systems',
  vm: 'vms',
  host: 'hosts',
  cluster: 'clusters',
  site: 'sites',
};

export interface CiBase {
  id: string;
  name: string;
  status: CiStatus;
  statusChangedAt: string;
  notes: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface SystemRow extends CiBase {
  code: string | null;
  departmentId: string;
  serviceLevel: Level;
  environment: Environment;
  lanConnected: boolean;
  closedNetwork: boolean;
  internet: boolean;
  ownerConfirmedAt: string | null;
  departmentName?: string | null;
  vmCount?: number;
}

export interface Nic {
  network: string;
  ip?: string | null;
  mac?: string | null;
  adapter?: string | null;
}

export interface VmRow extends CiBase {
  systemId: string | null;
  hostId: string | null;
  os: string | null;
  vcpu: number;
  memoryGib: number;
  diskGib: number;
  nics: Nic[];
  provisionalProcedure: boolean;
  hostPinned: boolean;
  ha: boolean;
  srm: boolean;
  serviceLevelOverride: Level | null;
  serviceLevelOverrideReason: string | null;
  powerState: 'on' | 'off' | 'suspended' | null;
  moref: string | null;
  uuid: string | null;
  missingSince: string | null;
  effectiveServiceLevel: Level | null;
  systemName?: string | null;
  departmentName?: string | null;
  environment?: Environment | null;
  lanConnected?: boolean | null;
  closedNetwork?: boolean | null;
  internet?: boolean | null;
  hostName?: string | null;
  clusterName?: string | null;
}

export interface HostRow extends CiBase {
  siteId: string;
  clusterId: string | null;
  ip: string | null;
  os: string | null;
  middlewareVersion: string | null;
  model: string | null;
  serialNumber: string | null;
  cpuSockets: number;
  cpuCores: number;
  cpuGhz: number;
  memoryGib: number;
  localDiskGib: number;
  moref: string | null;
  siteName?: string | null;
  clusterName?: string | null;
}

export interface ClusterRow extends CiBase {
  siteId: string;
  haEnabled: boolean;
  drsEnabled: boolean;
  moref: string | null;
  siteName?: string | null;
}

export interface SiteRow extends CiBase {
  code: string;
  role: 'main' | 'sub';
  address: string | null;
}

export interface Ref {
  id: string;
  name: string;
  status: CiStatus;
}
export interface HostRef extends Ref {
  clusterId: string | null;
  clusterName: string | null;
  siteId: string;
  siteName: string | null;
}
export interface VmSummary {
  id: string;
  name: string;
  status: CiStatus;
  os: string | null;
  vcpu: number;
  memoryGib: number;
  diskGib: number;
  powerState: string | null;
  effectiveServiceLevel: Level | null;
  systemId: string | null;
  systemName: string | null;
  hostId: string | null;
  hostName: string | null;
  clusterName: string | null;
}
export interface Contact {
  id: string;
  name: string;
  role: string | null;
  email: string;
  phone: string | null;
  escalationOrder: number;
  distributionList: boolean;
  status: CiStatus;
}

export type VmDetail = VmRow & {
  system: (Ref & { code: string | null; serviceLevel: Level; environment: Environment; department: { id: string; code: string; name: string } }) | null;
  host: HostRef | null;
  contacts: Contact[];
};
export type SystemDetail = SystemRow & {
  department: { id: string; code: string; name: string } | null;
  vms: VmSummary[];
  contacts: Contact[];
  totals: { vmCount: number; vcpu: number; memoryGib: number; diskGib: number };
};
export type HostDetail = HostRow & { site: Ref | null; cluster: Ref | null; vms: VmSummary[] };
export type ClusterDetail = ClusterRow & { site: Ref | null; hosts: HostRef[]; storage: Ref[] };
export type SiteDetail = SiteRow & { clusters: Ref[]; hosts: HostRef[]; storage: Ref[]; networkDevices: Ref[]; managementServers: Ref[] };

export interface DetailOf {
  system: SystemDetail;
  vm: VmDetail;
  host: HostDetail;
  cluster: ClusterDetail;
  site: SiteDetail;
}

export interface HistoryEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  reason: string;
  cause: string | null;
  source: string;
  changes: { field: string; before: unknown; after: unknown }[];
}

export interface Lifecycle {
  statuses: { status: CiStatus; label: { ja: string; en: string }; next: CiStatus[] }[];
}

export type MeasureLevel = 'ok' | 'warning' | 'over';
export interface Measure {
  allocated: number;
  capacity: number;
  percent: number | null;
  threshold: number;
  level: MeasureLevel;
}
export interface HostCapacity {
  id: string;
  name: string;
  clusterId: string | null;
  status: CiStatus;
  vmCount: number;
  cpu: Measure & { physicalCores: number; ghz: number };
  memory: Measure & { physicalGib: number };
  disk: Measure | null;
}
export interface ClusterCapacity {
  id: string;
  name: string;
  hostCount: number;
  vmCount: number;
  siteId?: string;
  siteName?: string | null;
  cpu: Measure & { physicalCores: number };
  memory: Measure & { physicalGib: number };
  disk: Measure;
}
export interface CapacityResult {
  thresholds: { cpu: number; memory: number; disk: number };
  overcommit: { vcpuPerCore: number; memory: number };
  clusters: ClusterCapacity[];
  hosts: HostCapacity[];
}
export interface HostLoss {
  hostId: string;
  hostName: string;
  vmCount: number;
  demand: { vcpu: number; memoryGib: number };
  available: { vcpu: number; memoryGib: number };
  fits: boolean;
  shortfall: { vcpu: number; memoryGib: number };
  unplaced: { id: string; name: string; vcpu: number; memoryGib: number }[];
}
export interface ClusterN1 {
  clusterId: string;
  clusterName: string;
  hostCount: number;
  ok: boolean;
  losses: HostLoss[];
}
export interface N1Result {
  overcommit: { vcpuPerCore: number; memory: number };
  haOnly: boolean;
  ok: boolean;
  clusters: ClusterN1[];
}

export type ListQuery = Record<string, QueryValue>;

const base = (kind: ScreenKind) => `/api/cmdb/${SEGMENT[kind]}`;

export const listCis = <T>(kind: ScreenKind, q: ListQuery, signal?: AbortSignal) => api.get<Page<T>>(base(kind), q, signal);
export const getCi = <K extends ScreenKind>(kind: K, id: string, signal?: AbortSignal) =>
  api.get<DetailOf[K]>(`${base(kind)}/${id}`, undefined, signal);
export const getHistory = (kind: ScreenKind, id: string, page: number, signal?: AbortSignal) =>
  api.get<Page<HistoryEntry>>(`${base(kind)}/${id}/history`, { page, pageSize: 20 }, signal);
export const patchCi = (kind: ScreenKind, id: string, body: Record<string, unknown>) => api.patch<CiBase>(`${base(kind)}/${id}`, body);
export const transitionCi = (kind: ScreenKind, id: string, body: { to: CiStatus; version: number; reason: string; source: 'ui' }) =>
  api.post<CiBase>(`${base(kind)}/${id}/transition`, body);
export const getLifecycle = () => api.get<Lifecycle>('/api/cmdb/lifecycle');
export const getCapacity = (q: ListQuery, signal?: AbortSignal) => api.get<CapacityResult>('/api/cmdb/capacity', q, signal);
export const getN1 = (q: ListQuery, signal?: AbortSignal) => api.get<N1Result>('/api/cmdb/n-1', q, signal);

/** The export endpoint of a ledger with the list's current filter and sort (no paging). */
export function exportHref(kind: ScreenKind, format: 'xlsx' | 'csv', q: ListQuery): string {
  const { page: _p, pageSize: _s, ...filters } = q;
  return `${base(kind)}.${format}${buildQuery(filters)}`;
}
