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

/** `kiban demo load` and the first demo start: the organisation, then each module's demo data. */
export async function loadDemo(db: Db, clock: Clock, opts: DemoOptions = {}): Promise<{ org: DemoOrgResult; summary: string }> {
  const org = await loadDemoOrganisation(db, clock, { password: opts.password });
  const summary = [`${org.departments.length} departments, ${org.people} people`, formatDemoLogins(org.logins)].join('\n');
  return { org, summary };
}
