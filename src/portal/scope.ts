import { inArray, type SQL, sql } from 'drizzle-orm';
import { cmdbSystems } from '../cmdb/schema.ts';
import { type Actor, visibleDepartments } from '../iam/actor.ts';
import { integrationPlans } from './schema.ts';

/**
 * The plans `actor` may see (ORG-4): all for all-departments roles (the vendor, the supervisor); for a
 * system owner, the plans of their department's systems. An out-of-scope id is a 404.
 */
export function planScope(actor: Actor): SQL | undefined {
  const depts = visibleDepartments(actor);
  if (depts === null) return undefined;
  if (depts.length === 0) return sql`false`;
  return sql`EXISTS (SELECT 1 FROM ${cmdbSystems} WHERE ${cmdbSystems.id} = ${integrationPlans.systemId} AND ${inArray(cmdbSystems.departmentId, depts)})`;
}
