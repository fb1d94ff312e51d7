import { and, asc, eq, inArray, isNotNull, isNull, ne, sql } from 'drizzle-orm';
import { cmdbContacts, cmdbSystems, cmdbVms } from '../cmdb/index.ts';
import type { Db } from '../db/connection.ts';
import { people, roleAssignments } from '../iam/schema.ts';
import type { Role } from '../iam/roles.ts';
import { incidentCis } from './schema.ts';

export interface Recipients {
  supervisor: string[];
  ictManager: string[];
  systemOwners: string[];
  /** All of the above, de-duplicated, in that order: N's 「To : 統括責任者、システム所管、ICT サービスセンター管理者」. */
  to: string[];
}

export interface Affected {
  platformWide: boolean;
  /** Names of the affected VMs as placed NOW (a host's VMs are those currently on it). */
  vmNames: string[];
  systemIds: string[];
  /** Highest effective service level among the affected VMs (A strictest), null if none. */
  level: 'A' | 'B' | 'C' | null;
  /** The affected VMs in recovery order: higher service levels first (N §3.2.3.4), then by name. */
  recoveryOrder: { name: string; level: 'A' | 'B' | 'C' | null }[];
}

export async function addressesOfRole(tx: Db, role: Role): Promise<string[]> {
  const rows = await tx
    .selectDistinct({ email: people.email })
    .from(people)
    .innerJoin(roleAssignments, eq(roleAssignments.personId, people.id))
    .where(and(eq(roleAssignments.role, role), isNull(people.disabledAt), isNotNull(people.email)))
    .orderBy(asc(people.email));
  return rows.map((r) => r.email!).filter(Boolean);
}

const effectiveLevel = sql<'A' | 'B' | 'C' | null>`coalesce(${cmdbVms.serviceLevelOverride}, ${cmdbSystems.serviceLevel})`;

/**
 * The VMs and systems a trouble touches, from the CMDB's CURRENT placement (INC-8, N §3.2.4 ※DRS):
 * affected VMs directly; for an affected host, the VMs running on it now (host → VMs → systems), so a
 * VM moved away by vMotion/DRS no longer makes its owner a recipient and one moved in does.
 */
export async function affectedOf(tx: Db, incidentId: string): Promise<Affected> {
  return affectedOfCis(tx, await tx.select().from(incidentCis).where(eq(incidentCis.incidentId, incidentId)));
}

/** The same for any list of CIs (a change's targets, CHG-7): VMs directly, a host's VMs as placed now. */
export async function affectedOfCis(tx: Db, cis: readonly { ciType: string; ciId: string | null }[]): Promise<Affected> {
  const platformWide = cis.some((c) => c.ciType === 'platform');
  const vmIds = cis.filter((c) => c.ciType === 'vm' && c.ciId).map((c) => c.ciId!);
  const hostIds = cis.filter((c) => c.ciType === 'host' && c.ciId).map((c) => c.ciId!);
  const conds = [];
  if (vmIds.length) conds.push(inArray(cmdbVms.id, vmIds));
  if (hostIds.length) conds.push(and(inArray(cmdbVms.hostId, hostIds), ne(cmdbVms.status, 'retired')));
  const vms =
    platformWide || conds.length
      ? await tx
          .select({ name: cmdbVms.name, systemId: cmdbVms.systemId, level: effectiveLevel })
          .from(cmdbVms)
          .leftJoin(cmdbSystems, eq(cmdbSystems.id, cmdbVms.systemId))
          .where(platformWide ? ne(cmdbVms.status, 'retired') : sql.join(conds.map((c) => sql`(${c})`), sql` OR `))
          .orderBy(asc(cmdbVms.name))
      : [];
  const levels = vms.map((v) => v.level).filter((l): l is 'A' | 'B' | 'C' => l !== null);
  const level = levels.length ? ([...levels].sort()[0] ?? null) : null;
  let systemIds = [...new Set(vms.map((v) => v.systemId).filter((s): s is string => s !== null))];
  if (platformWide) {
    systemIds = (await tx.select({ id: cmdbSystems.id }).from(cmdbSystems).where(ne(cmdbSystems.status, 'retired'))).map((s) => s.id);
  }
  const recoveryOrder = vms
    .map((v) => ({ name: v.name, level: v.level }))
    .sort((x, y) => (x.level ?? 'Z').localeCompare(y.level ?? 'Z') || x.name.localeCompare(y.name));
  return { platformWide, vmNames: vms.map((v) => v.name), systemIds, level, recoveryOrder };
}

/**
 * Who is told about a trouble (INC-8): the supervisors and ICT-centre managers (people holding the
 * role, with an address), and every affected system's owner contacts from the escalation list
 * (cmdb_contacts, ORG-5) — all systems for a platform-wide outage.
 */
export async function recipientsOf(tx: Db, incidentId: string, affected?: Affected): Promise<Recipients> {
  const a = affected ?? (await affectedOf(tx, incidentId));
  const supervisor = await addressesOfRole(tx, 'supervisor');
  const ictManager = await addressesOfRole(tx, 'ict_manager');
  const systemOwners = a.systemIds.length
    ? (
        await tx
          .selectDistinct({ email: cmdbContacts.email, order: cmdbContacts.escalationOrder })
          .from(cmdbContacts)
          .where(and(inArray(cmdbContacts.systemId, a.systemIds), ne(cmdbContacts.status, 'retired')))
          .orderBy(asc(cmdbContacts.escalationOrder), asc(cmdbContacts.email))
      ).map((c) => c.email)
    : [];
  const to: string[] = [];
  for (const addr of [...supervisor, ...systemOwners, ...ictManager]) {
    if (!to.some((x) => x.toLowerCase() === addr.toLowerCase())) to.push(addr);
  }
  return { supervisor, ictManager, systemOwners: [...new Set(systemOwners)], to };
}
