/**
 * What the connector hands to the CMDB: plain, typed records keyed by managed object reference value
 * (`vm-42`, `host-21`, …). References between records are moref values too, so the ledger can keep
 * vCenter's identity for each CI and match it on the next sync even after a rename.
 * Sizes are bytes unless the field name says otherwise; a field vCenter did not report is null.
 */
import type { MoRef } from './xml.ts';

export type { MoRef };

export interface VsphereAbout {
  name: string;
  fullName: string;
  version: string;
  build: string;
  apiType: string;
  apiVersion: string;
  instanceUuid: string | null;
}

export interface VsphereDatacenter {
  moref: string;
  name: string;
}

export interface VsphereCluster {
  moref: string;
  name: string;
  datacenter: string | null;
  hosts: string[];
  numHosts: number | null;
  numEffectiveHosts: number | null;
  numCpuCores: number | null;
  numCpuThreads: number | null;
  totalCpuMhz: number | null;
  totalMemoryBytes: number | null;
  effectiveCpuMhz: number | null;
  effectiveMemoryMB: number | null;
  overallStatus: string | null;
}

export interface VsphereHost {
  moref: string;
  name: string;
  datacenter: string | null;
  /** The cluster, or null for a standalone host. */
  cluster: string | null;
  /** Management IP (first VMkernel NIC), when vCenter reports it. */
  managementIp: string | null;
  vendor: string | null;
  model: string | null;
  cpuModel: string | null;
  cpuSockets: number | null;
  cpuCores: number | null;
  cpuThreads: number | null;
  cpuMhz: number | null;
  memoryBytes: number | null;
  /** e.g. "VMware ESXi 8.0.2 build-22380479". */
  productFullName: string | null;
  productVersion: string | null;
  connectionState: string | null;
  powerState: string | null;
  inMaintenanceMode: boolean | null;
  datastores: string[];
}

export interface VsphereDatastore {
  moref: string;
  name: string;
  datacenter: string | null;
  type: string | null;
  url: string | null;
  capacityBytes: number | null;
  freeSpaceBytes: number | null;
  accessible: boolean | null;
}

export interface VsphereResourcePool {
  moref: string;
  name: string;
  /** The cluster or standalone compute resource that owns the pool. */
  owner: string | null;
  parent: string | null;
}

export interface VsphereVm {
  moref: string;
  name: string;
  datacenter: string | null;
  /** BIOS UUID (config.uuid). */
  uuid: string | null;
  /** vCenter-unique instance UUID (config.instanceUuid): the stable identity to match on. */
  instanceUuid: string | null;
  template: boolean;
  numCpu: number | null;
  memoryMB: number | null;
  guestFullName: string | null;
  guestId: string | null;
  annotation: string | null;
  ipAddress: string | null;
  guestHostName: string | null;
  numEthernetCards: number | null;
  numVirtualDisks: number | null;
  /** The ESXi host the VM runs on (runtime.host). */
  host: string | null;
  /** The host's cluster, derived from `host`. */
  cluster: string | null;
  powerState: string | null;
  committedBytes: number | null;
  uncommittedBytes: number | null;
  resourcePool: string | null;
  /** The VM folder it sits in. */
  folder: string | null;
  datastores: string[];
}

export interface VsphereInventory {
  about: VsphereAbout;
  retrievedAt: Date;
  datacenters: Record<string, VsphereDatacenter>;
  clusters: Record<string, VsphereCluster>;
  hosts: Record<string, VsphereHost>;
  datastores: Record<string, VsphereDatastore>;
  resourcePools: Record<string, VsphereResourcePool>;
  vms: Record<string, VsphereVm>;
}

/** A VM's placement as the watcher tracks it. */
export interface VmPlacement {
  name: string | null;
  host: string | null;
  powerState: string | null;
}

/** A live change seen through WaitForUpdatesEx. `at` is when Kiban saw it (the injected clock). */
export type VmEvent =
  | { kind: 'vm.added'; vm: string; name: string | null; host: string | null; powerState: string | null; at: Date }
  | { kind: 'vm.removed'; vm: string; name: string | null; lastHost: string | null; at: Date }
  | { kind: 'vm.moved'; vm: string; name: string | null; fromHost: string | null; toHost: string | null; at: Date }
  | { kind: 'vm.powerState'; vm: string; name: string | null; from: string | null; to: string | null; at: Date }
  | { kind: 'vm.renamed'; vm: string; from: string | null; to: string | null; at: Date }
  /** The watcher lost its server-side state (new session) and re-read everything; changes follow. */
  | { kind: 'resync'; reason: string; at: Date };

export interface UserSession {
  key: string;
  userName: string;
  fullName: string | null;
  loginTime: string | null;
}
