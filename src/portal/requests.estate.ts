import { eq, ne } from 'drizzle-orm';
import { cmdbClusters, cmdbHosts, cmdbSites, cmdbStorage, cmdbSystems, cmdbVms } from '../cmdb/index.ts';
import type { Db } from '../db/connection.ts';
import type { Estate, Level } from './placement.ts';

/** The CMDB as placement and the resource report read it: every CI that is not retired (reads only). */
export async function loadEstate(db: Db): Promise<Estate> {
  const sites = await db
    .select({ id: cmdbSites.id, name: cmdbSites.name, role: cmdbSites.role, status: cmdbSites.status })
    .from(cmdbSites)
    .where(ne(cmdbSites.status, 'retired'));
  const clusters = await db
    .select({ id: cmdbClusters.id, name: cmdbClusters.name, status: cmdbClusters.status, siteId: cmdbClusters.siteId, drsEnabled: cmdbClusters.drsEnabled })
    .from(cmdbClusters)
    .where(ne(cmdbClusters.status, 'retired'));
  const hosts = await db
    .select({
      id: cmdbHosts.id,
      name: cmdbHosts.name,
      clusterId: cmdbHosts.clusterId,
      siteId: cmdbHosts.siteId,
      status: cmdbHosts.status,
      cpuCores: cmdbHosts.cpuCores,
      cpuGhz: cmdbHosts.cpuGhz,
      memoryGib: cmdbHosts.memoryGib,
      localDiskGib: cmdbHosts.localDiskGib,
    })
    .from(cmdbHosts)
    .where(ne(cmdbHosts.status, 'retired'))
    .orderBy(cmdbHosts.name);
  const vms = await db
    .select({
      id: cmdbVms.id,
      name: cmdbVms.name,
      hostId: cmdbVms.hostId,
      status: cmdbVms.status,
      powerState: cmdbVms.powerState,
      vcpu: cmdbVms.vcpu,
      memoryGib: cmdbVms.memoryGib,
      diskGib: cmdbVms.diskGib,
      ha: cmdbVms.ha,
      override: cmdbVms.serviceLevelOverride,
      level: cmdbSystems.serviceLevel,
    })
    .from(cmdbVms)
    .leftJoin(cmdbSystems, eq(cmdbSystems.id, cmdbVms.systemId))
    .where(ne(cmdbVms.status, 'retired'));
  const storage = await db
    .select({ clusterId: cmdbStorage.clusterId, status: cmdbStorage.status, capacityGib: cmdbStorage.capacityGib })
    .from(cmdbStorage)
    .where(ne(cmdbStorage.status, 'retired'));
  return { sites, clusters, hosts, vms: vms.map(({ override, level, ...v }) => ({ ...v, level: (override ?? level ?? null) as Level | null })), storage };
}
