import { sql } from 'drizzle-orm';
import { type DemoEstateSummary, loadDemoEstate } from '../cmdb/index.ts';
import type { Db } from '../db/connection.ts';
import type { Clock } from '../kernel/clock.ts';
import { type DemoOrgResult, formatDemoLogins, loadDemoOrganisation } from './org.ts';

export { DEMO_DEPARTMENTS, DEMO_LOGINS, type DemoOrgResult, formatDemoLogins, loadDemoOrganisation } from './org.ts';

export interface DemoOptions {
  /** Same password for every printed login (tests, screenshots); otherwise generated. */
  password?: string;
  /** Multiplies the estate (CMDB) for benchmarks. */
  scale?: number;
}

/** `kiban demo load` and the first demo start: the organisation, then each module's demo data (CMDB estate). */
export async function loadDemo(db: Db, clock: Clock, opts: DemoOptions = {}): Promise<{ org: DemoOrgResult; estate: DemoEstateSummary; summary: string }> {
  const org = await loadDemoOrganisation(db, clock, { password: opts.password });
  // The estate belongs to the prefecture's departments (the owners of systems).
  const owners = org.departments.filter((d) => d.kind === 'prefecture');
  const e = await loadDemoEstate(db, clock, { departments: owners, scale: opts.scale ?? 1 });
  await (await import('../incidents/demo.ts')).loadDemoIncidents(db, clock, { departments: owners });
  const mon = await (await import('../monitoring/demo.ts')).loadDemoMonitoring(db, clock);
  const chg = await (await import('../changes/demo.ts')).loadDemoChanges(db, clock);
  const doc = await (await import('../documents/demo.ts')).loadDemoDocuments(db, clock);
  const mtg = await (await import('../meetings/demo.ts')).loadDemoMeetings(db, clock);
  const slm = await (await import('../servicelevels/demo.ts')).loadDemoServiceLevels(db, clock);
  const ops = await (await import('../operations/demo.ts')).loadDemoOperations(db, clock);
  const portal = await (await import('../portal/demo.ts')).loadDemoPortal(db, clock);
  // Planner statistics for the loaded rows. PGlite runs no autovacuum: without this a new embedded
  // database would plan every ledger query from default estimates until someone ran ANALYZE.
  await db.execute(sql`ANALYZE`);
  const summary = [
    `${org.departments.length} departments, ${org.people} people`,
    `Estate: ${e.sites} sites, ${e.clusters} clusters, ${e.hosts} ESXi hosts, ${e.storage} storage, ${e.networkDevices} network devices, ${e.systems} systems, ${e.vms} VMs, ${e.contacts} contacts`,
    `Monitoring: ${mon.targets} targets, ${mon.items} items, ${mon.alerts} alerts, ${mon.suppressions} suppression requests`,
    `Changes: ${chg.changes} changes, ${chg.releases} releases, ${chg.maintenanceDays} maintenance days`,
    `Documents: ${doc.documents} in the register, ${doc.revisions} revisions`,
    `Meetings: ${mtg.meetings} meetings, ${mtg.actionItems} action items`,
    `Service levels: ${slm.months} months of history, ${slm.troubles} troubles, ${slm.alerts} alerts, ${slm.targets} targets, ${slm.improvements} improvement problem(s)`,
    `Operations: ${ops.entries} entries in the operations list, ${ops.changes} add/change/delete requests, ${ops.restores} restore requests`,
    `Owners' portal: ${portal.plans} integration plans, ${portal.requests} VM and resource-change requests`,
    formatDemoLogins(org.logins),
  ].join('\n');
  return { org, estate: e, summary };
}
