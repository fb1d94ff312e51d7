import { inArray, or, type SQL, sql } from 'drizzle-orm';
import { cmdbSystems, cmdbVms } from '../cmdb/schema.ts';
import { type Actor, visibleDepartments } from '../iam/actor.ts';
import { changeCis, changes } from './schema.ts';

/**
 * The changes `actor` may see (ORG-4): all for all-departments roles; for a system owner, the changes
 * that touch their department's systems — a VM of theirs among the targets, a host their VMs run on
 * (the same placement incidents use for owners), or their system's service-level change. The service,
 * the inbox and the search apply it; an out-of-scope id is a 404.
 */
export function changeScope(actor: Actor): SQL | undefined {
  const depts = visibleDepartments(actor);
  if (depts === null) return undefined;
  if (depts.length === 0) return sql`false`;
  return or(
    sql`EXISTS (SELECT 1 FROM ${cmdbSystems} WHERE ${cmdbSystems.id} = ${changes.slSystemId} AND ${inArray(cmdbSystems.departmentId, depts)})`,
    sql`EXISTS (SELECT 1 FROM ${changeCis} JOIN ${cmdbVms} ON ${cmdbVms.id} = ${changeCis.ciId} JOIN ${cmdbSystems} ON ${cmdbSystems.id} = ${cmdbVms.systemId}
      WHERE ${changeCis.changeId} = ${changes.id} AND ${changeCis.ciType} = 'vm' AND ${inArray(cmdbSystems.departmentId, depts)})`,
    sql`EXISTS (SELECT 1 FROM ${changeCis} JOIN ${cmdbVms} ON ${cmdbVms.hostId} = ${changeCis.ciId} JOIN ${cmdbSystems} ON ${cmdbSystems.id} = ${cmdbVms.systemId}
      WHERE ${changeCis.changeId} = ${changes.id} AND ${changeCis.ciType} = 'host' AND ${inArray(cmdbSystems.departmentId, depts)})`,
  );
}
