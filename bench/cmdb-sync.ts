/**
 * Bench: vCenter full sync and RVTools import into the configuration ledger (CMDB-6/7).
 *
 *   npx tsx bench/cmdb-sync.ts                 # embedded PGlite (in memory)
 *   DATABASE_URL=postgres://… npx tsx bench/cmdb-sync.ts   # a PostgreSQL database (it is written to!)
 *
 * 1. Starts vcsim with a bigger model (launcher flags, scripts/vcsim/main.go): 2 datacenters ×
 *    (4 clusters × 8 hosts + 1 standalone host), 300 VMs per resource pool → 3,000 VMs, 66 hosts.
 *    vcsim gives every VM 32 MB of memory, below the ledger's lower bound (0.25 GiB), so the bench's
 *    connection reports 4 GiB for those (the sync would otherwise skip them all as out of range).
 *    Measures: inventory read, first full sync (everything created), second full sync (no change).
 * 2. Builds an RVTools XLSX with 5,000 vInfo rows on 20 vHost rows and measures parse+preview and
 *    commit.
 * Prints the figures; record them in bench/RESULTS.md by hand.
 */
import { performance } from 'node:perf_hooks';
import ExcelJS from 'exceljs';
import { createCmdbService } from '../src/cmdb/service.ts';
import { createRvtoolsImport } from '../src/cmdb/rvtools/import.ts';
import { createVcenterSync, type VcenterConnection } from '../src/cmdb/sync/vcenter.ts';
import { VsphereClient } from '../src/cmdb/vsphere/client.ts';
import { startVcsim } from '../src/cmdb/vsphere/testing.ts';
import type { VsphereInventory } from '../src/cmdb/vsphere/types.ts';
import { openDatabase } from '../src/db/connection.ts';
import { systemActor } from '../src/iam/actor.ts';
import { systemClock } from '../src/kernel/clock.ts';

const FLAGS = ['-dc', '2', '-cluster', '4', '-host', '8', '-standalone-host', '1', '-vm', '300', '-ds', '4'];
const RV_VMS = 5000;
const RV_HOSTS = 20;

const ms = (t0: number) => `${Math.round(performance.now() - t0)} ms`;
const figures: [string, string][] = [];
const record = (k: string, v: string) => {
  figures.push([k, v]);
  console.log(`${k.padEnd(44)} ${v}`);
};

async function main() {
  const database = await openDatabase({ url: process.env.DATABASE_URL });
  await database.migrate();
  const clock = systemClock;
  const cmdb = createCmdbService({ db: database.db, clock });
  const actor = systemActor('bench');
  const site = await cmdb.create(actor, 'site', { name: 'ベンチ拠点', code: `B${Date.now() % 100000}`, status: 'active', reason: 'bench' });

  // ---------------------------------------------------------------- vCenter full sync
  let t0 = performance.now();
  const sim = await startVcsim(FLAGS);
  record('vcsim start', ms(t0));
  record('vcsim model', `${sim.counts.datacenter} DC, ${sim.counts.cluster} clusters, ${sim.counts.host} hosts, ${sim.counts.datastore} datastores, ${sim.counts.vm} VMs`);
  const client = await VsphereClient.connect({ url: sim.sdkUrl, username: sim.username, password: sim.password, ca: sim.certificatePem, keepAlive: false });
  const sized = (inv: VsphereInventory): VsphereInventory => ({
    ...inv,
    vms: Object.fromEntries(Object.entries(inv.vms).map(([k, v]) => [k, (v.memoryMB ?? 0) < 256 ? { ...v, memoryMB: 4096 } : v])),
  });
  const conn: VcenterConnection = { inventory: async () => sized(await client.inventory()), watchVms: (o) => client.watchVms(o), close: async () => undefined };
  const sync = createVcenterSync({ db: database.db, clock, cmdb, connect: async () => conn, siteId: site.id });
  try {
    t0 = performance.now();
    await client.inventory();
    record('vCenter inventory read', ms(t0));
    t0 = performance.now();
    const first = await sync.fullSync();
    record('full sync #1 (creates everything)', ms(t0));
    record('  created clusters/hosts/storage/VMs', `${first.counts.cluster.created}/${first.counts.host.created}/${first.counts.storage.created}/${first.counts.vm.created}`);
    record('  issues', String(first.issues.length));
    t0 = performance.now();
    const second = await sync.fullSync();
    record('full sync #2 (no change)', ms(t0));
    record('  VMs unchanged', String(second.counts.vm.unchanged));
  } finally {
    await client.close();
    await sim.stop();
  }

  // ---------------------------------------------------------------- RVTools import
  const wb = new ExcelJS.Workbook();
  const vHost = wb.addWorksheet('vHost');
  vHost.addRow(['Host', 'Datacenter', 'Cluster', 'CPU Model', 'Speed', '# CPU', 'Cores per CPU', '# Cores', '# Memory', 'ESX Version', 'Object ID']);
  for (let i = 1; i <= RV_HOSTS; i++) vHost.addRow([`rv-esx-${i}`, 'RV-DC', 'RV-CL', 'Xeon Gold 6338', 2000, 2, 32, 64, 1048576, 'VMware ESXi 8.0.2', `host-${900 + i}`]);
  const vInfo = wb.addWorksheet('vInfo');
  vInfo.addRow(['VM', 'Powerstate', 'Template', 'CPUs', 'Memory', 'Total disk capacity MiB', 'Provisioned MiB', 'Host', 'Cluster', 'Datacenter', 'OS according to the configuration file', 'VM ID', 'VM UUID']);
  for (let i = 0; i < RV_VMS; i++) {
    vInfo.addRow([`rv-vm-${i}`, 'poweredOn', false, 2, 8192, 102400, 110000, `rv-esx-${(i % RV_HOSTS) + 1}`, 'RV-CL', 'RV-DC', 'Red Hat Enterprise Linux 9 (64-bit)', `vm-${50000 + i}`, `5001${String(i).padStart(8, '0')}-0000-0000-0000-000000000000`]);
  }
  const data = Buffer.from(await wb.xlsx.writeBuffer());
  record('RVTools XLSX size', `${(data.length / 1024).toFixed(0)} KiB, ${RV_VMS} vInfo rows`);
  const rv = createRvtoolsImport({ db: database.db, clock, cmdb });
  t0 = performance.now();
  const preview = await rv.previewImport(actor, { filename: 'bench.xlsx', data }, { siteId: site.id });
  record('RVTools parse + preview', ms(t0));
  record('  creates / conflicts', `${preview.creates.length} / ${preview.conflicts.length}`);
  t0 = performance.now();
  const done = await rv.commitImport(actor, { token: preview.token }, 'bench', { siteId: site.id });
  record('RVTools commit (one transaction)', ms(t0));
  record('  created VMs', String(done.created.vm));
  t0 = performance.now();
  const again = await rv.previewImport(actor, { filename: 'bench.xlsx', data }, { siteId: site.id });
  record('RVTools preview of the same file again', `${ms(t0)} (${again.unchanged} unchanged)`);

  await database.close();
  console.log(`\n${database.kind}, node ${process.version}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
