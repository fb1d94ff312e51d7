import { type SQL, sql } from 'drizzle-orm';
import { type Actor, visibleDepartments } from '../iam/actor.ts';
import { incidentScope } from '../incidents/scope.ts';
import { incidentProblems, incidents } from '../incidents/schema.ts';
import { problems } from './schema.ts';

/**
 * The problems `actor` may see (ORG-4): all for all-departments roles; for a system owner, those
 * linked to an incident they can see. The problems service, the inbox and the search all apply it.
 */
export function problemScope(actor: Actor): SQL | undefined {
  if (visibleDepartments(actor) === null) return undefined;
  return sql`EXISTS (SELECT 1 FROM ${incidentProblems} JOIN ${incidents} ON ${incidents.id} = ${incidentProblems.incidentId}
    WHERE ${incidentProblems.problemId} = ${problems.id} AND ${incidentScope(actor) ?? sql`true`})`;
}
