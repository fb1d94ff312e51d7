/**
 * The inventory read: one ContainerView over the root folder, one RetrievePropertiesEx (paged) for
 * every object type the CMDB keeps, then a pure mapping to typed records. Folders and resource pools
 * are read too, only to find each object's datacenter by walking `parent` links.
 */
import type { ObjectContent, VsphereClient } from './client.ts';
import { containerViewObjectSpec, propertySpec } from './client.ts';
import type {
  VsphereCluster,
  VsphereDatacenter,
  VsphereDatastore,
  VsphereHost,
  VsphereInventory,
  VsphereResourcePool,
  VsphereVm,
} from './types.ts';
import { asArray, el, type MoRef, seq } from './xml.ts';

/** Paths read per type. ComputeResource also matches clusters (a subtype), so both get name/parent/host. */
export const INVENTORY_PATHS = {
  Folder: ['name', 'parent'],
  Datacenter: ['name', 'parent'],
  ComputeResource: ['name', 'parent', 'host'],
  ClusterComputeResource: ['summary'],
  HostSystem: [
    'name',
    'parent',
    'datastore',
    'hardware.cpuInfo',
    'hardware.memorySize',
    'summary.hardware',
    'summary.config.product',
    'config.network.vnic',
    'runtime.connectionState',
    'runtime.powerState',
    'runtime.inMaintenanceMode',
  ],
  Datastore: ['name', 'parent', 'summary'],
  ResourcePool: ['name', 'parent', 'owner'],
  VirtualMachine: [
    'name',
    'parent',
    'resourcePool',
    'datastore',
    'config.uuid',
    'config.instanceUuid',
    'config.template',
    'config.hardware.numCPU',
    'config.hardware.memoryMB',
    'config.guestFullName',
    'config.guestId',
    'config.annotation',
    'guest.ipAddress',
    'guest.hostName',
    'summary.config.numEthernetCards',
    'summary.config.numVirtualDisks',
    'summary.storage',
    'runtime.host',
    'runtime.powerState',
  ],
} as const satisfies Record<string, readonly string[]>;

const VIEW_TYPES = ['Folder', 'Datacenter', 'ComputeResource', 'HostSystem', 'Datastore', 'ResourcePool', 'VirtualMachine'];

export async function collectInventory(client: VsphereClient): Promise<VsphereInventory> {
  const about = client.serviceContent.about;
  const view = await client.createContainerView(VIEW_TYPES);
  let objects: ObjectContent[];
  try {
    const specSet = seq(
      ...Object.entries(INVENTORY_PATHS).map(([type, paths]) => propertySpec(type, paths)),
      containerViewObjectSpec(view),
    );
    objects = await client.retrieveProperties(el('specSet', specSet));
  } finally {
    await client.destroyView(view).catch(() => undefined);
  }
  return { about, retrievedAt: client.clock.now(), ...mapInventory(objects) };
}

type Props = Map<string, unknown>;

/** Pure: RetrievePropertiesEx objects → typed records. Exported for tests on hand-made input. */
export function mapInventory(objects: ObjectContent[]): Omit<VsphereInventory, 'about' | 'retrievedAt'> {
  const byId = new Map<string, { type: string; props: Props }>();
  for (const o of objects) byId.set(o.obj.value, { type: o.obj.type, props: o.props });

  const datacenterOf = (start: string | null): string | null => {
    let id = start;
    for (let hops = 0; id && hops < 64; hops++) {
      const node = byId.get(id);
      if (!node) return null;
      if (node.type === 'Datacenter') return id;
      id = ref(node.props.get('parent')) ?? ref(node.props.get('owner'));
    }
    return null;
  };

  const out: Omit<VsphereInventory, 'about' | 'retrievedAt'> = {
    datacenters: {},
    clusters: {},
    hosts: {},
    datastores: {},
    resourcePools: {},
    vms: {},
  };

  for (const [id, { type, props: p }] of byId) {
    const name = str(p.get('name')) ?? id;
    switch (type) {
      case 'Datacenter':
        out.datacenters[id] = { moref: id, name } satisfies VsphereDatacenter;
        break;
      case 'ClusterComputeResource': {
        const s = obj(p.get('summary'));
        out.clusters[id] = {
          moref: id,
          name,
          datacenter: datacenterOf(id),
          hosts: refs(p.get('host')),
          numHosts: num(s.numHosts),
          numEffectiveHosts: num(s.numEffectiveHosts),
          numCpuCores: num(s.numCpuCores),
          numCpuThreads: num(s.numCpuThreads),
          totalCpuMhz: num(s.totalCpu),
          totalMemoryBytes: num(s.totalMemory),
          effectiveCpuMhz: num(s.effectiveCpu),
          effectiveMemoryMB: num(s.effectiveMemory),
          overallStatus: str(s.overallStatus),
        } satisfies VsphereCluster;
        break;
      }
      case 'HostSystem': {
        const parent = ref(p.get('parent'));
        const cpu = obj(p.get('hardware.cpuInfo'));
        const hw = obj(p.get('summary.hardware'));
        const product = obj(p.get('summary.config.product'));
        const vnic = obj(asArray(p.get('config.network.vnic') as unknown)[0]);
        const ip = obj(obj(obj(vnic.spec).ip)).ipAddress;
        const hz = num(cpu.hz);
        out.hosts[id] = {
          moref: id,
          name,
          datacenter: datacenterOf(id),
          cluster: parent && byId.get(parent)?.type === 'ClusterComputeResource' ? parent : null,
          managementIp: str(ip),
          vendor: str(hw.vendor),
          model: str(hw.model),
          cpuModel: str(hw.cpuModel),
          cpuSockets: num(cpu.numCpuPackages) ?? num(hw.numCpuPkgs),
          cpuCores: num(cpu.numCpuCores) ?? num(hw.numCpuCores),
          cpuThreads: num(cpu.numCpuThreads) ?? num(hw.numCpuThreads),
          cpuMhz: num(hw.cpuMhz) ?? (hz === null ? null : Math.round(hz / 1e6)),
          memoryBytes: num(p.get('hardware.memorySize')) ?? num(hw.memorySize),
          productFullName: str(product.fullName),
          productVersion: str(product.version),
          connectionState: str(p.get('runtime.connectionState')),
          powerState: str(p.get('runtime.powerState')),
          inMaintenanceMode: bool(p.get('runtime.inMaintenanceMode')),
          datastores: refs(p.get('datastore')),
        } satisfies VsphereHost;
        break;
      }
      case 'Datastore': {
        const s = obj(p.get('summary'));
        out.datastores[id] = {
          moref: id,
          name: str(s.name) ?? name,
          datacenter: datacenterOf(id),
          type: str(s.type),
          url: str(s.url),
          capacityBytes: num(s.capacity),
          freeSpaceBytes: num(s.freeSpace),
          accessible: bool(s.accessible),
        } satisfies VsphereDatastore;
        break;
      }
      case 'ResourcePool':
      case 'VirtualApp':
        out.resourcePools[id] = {
          moref: id,
          name,
          owner: ref(p.get('owner')),
          parent: ref(p.get('parent')),
        } satisfies VsphereResourcePool;
        break;
      case 'VirtualMachine': {
        const storage = obj(p.get('summary.storage'));
        const host = ref(p.get('runtime.host'));
        const hostParent = host ? ref(byId.get(host)?.props.get('parent')) : null;
        const folder = ref(p.get('parent'));
        const pool = ref(p.get('resourcePool'));
        out.vms[id] = {
          moref: id,
          name,
          datacenter: datacenterOf(folder) ?? datacenterOf(pool) ?? datacenterOf(host),
          uuid: str(p.get('config.uuid')),
          instanceUuid: str(p.get('config.instanceUuid')),
          template: bool(p.get('config.template')) ?? false,
          numCpu: num(p.get('config.hardware.numCPU')),
          memoryMB: num(p.get('config.hardware.memoryMB')),
          guestFullName: str(p.get('config.guestFullName')),
          guestId: str(p.get('config.guestId')),
          annotation: str(p.get('config.annotation')),
          ipAddress: str(p.get('guest.ipAddress')),
          guestHostName: str(p.get('guest.hostName')),
          numEthernetCards: num(p.get('summary.config.numEthernetCards')),
          numVirtualDisks: num(p.get('summary.config.numVirtualDisks')),
          host,
          cluster: hostParent && byId.get(hostParent)?.type === 'ClusterComputeResource' ? hostParent : null,
          powerState: str(p.get('runtime.powerState')),
          committedBytes: num(storage.committed),
          uncommittedBytes: num(storage.uncommitted),
          resourcePool: pool,
          folder,
          datastores: refs(p.get('datastore')),
        } satisfies VsphereVm;
        break;
      }
    }
  }
  return out;
}

// Typed readers for decoded values: nested leaves without xsi:type arrive as strings.

function str(v: unknown): string | null {
  if (typeof v === 'string') return v === '' ? null : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

function num(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

function bool(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  return null;
}

function obj(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function isRef(v: unknown): v is MoRef {
  return !!v && typeof v === 'object' && typeof (v as MoRef).type === 'string' && typeof (v as MoRef).value === 'string';
}

function ref(v: unknown): string | null {
  return isRef(v) && v.value !== '' ? v.value : null;
}

function refs(v: unknown): string[] {
  return asArray(v as unknown).filter(isRef).map((r) => r.value);
}
