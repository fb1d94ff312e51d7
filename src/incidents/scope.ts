import { inArray, or, type SQL, sql } from 'drizzle-orm';
import { cmdbSystems, cmdbVms } from '../cmdb/index.ts';
import { type Actor, visibleDepartments } from '../iam/actor.ts';
import { incidentCis, incidents } from './schema.ts';

/**
 * ORG-4: a system owner sees the incidents their department asked about and those affecting their
 * department's VMs; everyone with an all-departments role sees all. Applied to every read — the
 * incident service's, the inbox's and the search's.
 *
 * The affected-VM parts are `id IN (…)` over the department's VMs, not correlated EXISTS: under the OR,
 * PostgreSQL (and PGlite) computes each such set once and probes it per row (a hashed sub-plan); an
 * EXISTS there was run again for every row read, which made an owner's pages and searches over
 * 200,000 incidents take seconds (bench/RESULTS.md).
 */
export function incidentScope(actor: Actor): SQL | undefined {
  const depts = visibleDepartments(actor);
  if (depts === null) return undefined;
  if (depts.length === 0) return sql`false`;
  return or(
    inArray(incidents.departmentId, depts),
    sql`${incidents.id} IN (SELECT ${incidentCis.incidentId} FROM ${incidentCis} JOIN ${cmdbVms} ON ${cmdbVms.id} = ${incidentCis.ciId} JOIN ${cmdbSystems} ON ${cmdbSystems.id} = ${cmdbVms.systemId}
      WHERE ${incidentCis.ciType} = 'vm' AND ${inArray(cmdbSystems.departmentId, depts)})`,
    // A host failure affects the owners of the VMs on that host now (the same placement INC-8 mails use).
    sql`${incidents.id} IN (SELECT ${incidentCis.incidentId} FROM ${incidentCis} JOIN ${cmdbVms} ON ${cmdbVms.hostId} = ${incidentCis.ciId} JOIN ${cmdbSystems} ON ${cmdbSystems.id} = ${cmdbVms.systemId}
      WHERE ${incidentCis.ciType} = 'host' AND ${inArray(cmdbSystems.departmentId, depts)})`,
  );
}
