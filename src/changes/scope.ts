import { type SQL, sql } from 'drizzle-orm';
import { type Actor, visibleDepartments } from '../iam/actor.ts';

/**
 * The changes `actor` may see (ORG-4): all for all-departments roles; none for department-scoped
 * roles for now (system owners hear of changes by the CHG-7 mails, not yet built). Service, inbox
 * and search apply it; an out-of-scope id is a 404.
 */
export function changeScope(actor: Actor): SQL | undefined {
  if (visibleDepartments(actor) === null) return undefined;
  return sql`false`;
}
