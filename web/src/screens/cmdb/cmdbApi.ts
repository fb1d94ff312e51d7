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

/** Every ledger with a list screen: the kinds with CI pages plus the ones listed only (no page yet). */
export type LedgerKind = ScreenKind | 'storage' | 'network_device' | 'management_server' | 'contract' | 'contact';
export const LEDGER_SEGMENT: Record<LedgerKind, string> = {
  ...SEGMENT,
  storage: 'storage',
  network_device: 'network-devices',
  management_server: 'management-servers',
  contract: 'contracts',
  contact: 'contacts',
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

export interface StorageRow extends CiBase {
  siteId: string;
  clusterId: string | null;
  model: string | null;
  ip: string | null;
  firmware: string | null;
  capacityGib: number;
  volumes: { name: string; capacityGib: number }[];
  siteName?: string | null;
  clusterName?: string | null;
}
export type NetworkDeviceKind = 'switch' | 'router' | 'firewall' | 'load_balancer' | 'other';
export const NETWORK_DEVICE_KINDS: readonly NetworkDeviceKind[] = ['switch', 'router', 'firewall', 'load_balancer', 'other'];
export interface NetworkDeviceRow extends CiBase {
  kind: NetworkDeviceKind;
  siteId: string;
  model: string | null;
  ip: string | null;
  firmware: string | null;
  config: string | null;
  siteName?: string | null;
}
export type ManagementServerKind = 'vcenter' | 'monitoring' | 'backup' | 'other';
export const MANAGEMENT_SERVER_KINDS: readonly ManagementServerKind[] = ['vcenter', 'monitoring', 'backup', 'other'];
export interface ManagementServerRow extends CiBase {
  kind: ManagementServerKind;
  siteId: string;
  ip: string | null;
  os: string | null;
  middlewareVersion: string | null;
  siteName?: string | null;
}
export type ContractCiType = 'host' | 'storage' | 'network_device' | 'management_server';
export const CONTRACT_CI_TYPES: readonly ContractCiType[] = ['host', 'storage', 'network_device', 'management_server'];
export interface ContractRow extends CiBase {
  ciType: ContractCiType;
  ciId: string;
  vendor: string;
  contractNo: string | null;
  coverage: string | null;
  startsOn: string | null;
  endsOn: string | null;
  phone: string | null;
  email: string | null;
  ciName?: string | null;
}
export interface ContactRow extends Contact {
  systemId: string;
  systemName?: string | null;
  departmentId?: string | null;
}

// ---- checks: retirement candidates and the naming rule (CMDB-8, CMDB-9)

export interface RetirementCandidates {
  stoppedDays: number;
  inactiveDays: number;
  vms: { id: string; name: string; systemId: string | null; systemName: string | null; departmentName: string | null; stoppedSince: string; days: number }[];
  systems: { id: string; name: string; status: CiStatus; departmentName: string | null; ownerConfirmedAt: string | null; createdAt: string; days: number }[];
}
export interface NamingViolation {
  id: string;
  name: string;
  status: CiStatus;
  systemId: string | null;
  systemName: string | null;
  systemCode: string | null;
  environment: Environment | null;
  level: Level | null;
  problem: 'no_system' | 'pattern';
  example: string | null;
}
export interface NameCheck {
  ok: boolean;
  pattern: string;
  example: string;
  level: Level;
}

// ---- RVTools import (CMDB-7)

export type RvSheet = 'vInfo' | 'vHost' | 'vDatastore';
export type RvKind = 'cluster' | 'host' | 'storage' | 'vm';
export interface RvPlanItem {
  sheet: RvSheet | null;
  row: number | null;
  kind: RvKind;
  name: string;
  id: string | null;
  fields: Record<string, unknown>;
  changes: { field: string; before: unknown; after: unknown }[];
}
export interface RvIssue {
  sheet: RvSheet;
  row: number;
  column: string | null;
  header: string | null;
  key: string;
  message: string;
}
export interface RvPreview {
  token: string;
  files: string[];
  expiresAt: string;
  rows: Record<RvSheet, number>;
  creates: RvPlanItem[];
  updates: RvPlanItem[];
  unchanged: number;
  conflicts: RvIssue[];
  skipped: { sheet: RvSheet; row: number; reason: 'template' | 'excluded' }[];
  canCommit: boolean;
}
export interface RvCommitResult {
  created: Record<RvKind, number>;
  updated: Record<RvKind, number>;
  unchanged: number;
  skipped: RvPreview['skipped'];
}

export type ListQuery = Record<string, QueryValue>;

const base = (kind: LedgerKind) => `/api/cmdb/${LEDGER_SEGMENT[kind]}`;

export const listCis = <T>(kind: LedgerKind, q: ListQuery, signal?: AbortSignal) => api.get<Page<T>>(base(kind), q, signal);
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
export const getRetirementCandidates = (q: ListQuery, signal?: AbortSignal) =>
  api.get<RetirementCandidates>('/api/cmdb/retirement-candidates', q, signal);
export const getNamingViolations = (signal?: AbortSignal) =>
  api.get<{ pattern: string; items: NamingViolation[] }>('/api/cmdb/naming/violations', undefined, signal);
export const checkName = (body: { name: string; systemId?: string; serviceLevel?: Level }) => api.post<NameCheck>('/api/cmdb/naming/check', body);

/** Dry run of an RVTools file (multipart); nothing is written. */
export function previewRvtools(file: File, opts: { excludeConflicts?: boolean } = {}) {
  const form = new FormData();
  form.append('file', file, file.name);
  if (opts.excludeConflicts) form.append('excludeConflicts', 'true');
  return api.upload<RvPreview>('/api/cmdb/rvtools/preview', form);
}
export const commitRvtools = (body: { token: string; reason: string; excludeConflicts?: boolean }) =>
  api.post<RvCommitResult>('/api/cmdb/rvtools/commit', body);

/** The export endpoint of a ledger with the list's current filter and sort (no paging). */
export function exportHref(kind: LedgerKind, format: 'xlsx' | 'csv', q: ListQuery): string {
  const { page: _p, pageSize: _s, ...filters } = q;
  return `${base(kind)}.${format}${buildQuery(filters)}`;
}
