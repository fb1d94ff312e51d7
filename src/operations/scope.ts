import { inArray, type SQL, sql } from 'drizzle-orm';
import { type Actor, visibleDepartments } from '../iam/actor.ts';
import { operationEntries, operationEntryChanges, restoreRequests } from './schema.ts';

/**
 * オペレーション一覧 for `actor`: every entry for all-departments roles; for a system owner, the platform's
 * entries and the VM entries for every department or for their own (another department's are invisible).
 */
export function entryScope(actor: Actor): SQL | undefined {
  const depts = visibleDepartments(actor);
  if (depts === null) return undefined;
  if (depts.length === 0) return sql`${operationEntries.departmentId} IS NULL`;
  return sql`(${operationEntries.departmentId} IS NULL OR ${inArray(operationEntries.departmentId, depts)})`;
}

/** Entry changes: the vendor's team and the supervisor; a system owner only those their department agrees to. */
export function changeScope(actor: Actor): SQL | undefined {
  const depts = visibleDepartments(actor);
  if (depts === null) return undefined;
  if (depts.length === 0) return sql`false`;
  return inArray(operationEntryChanges.departmentId, depts);
}

/** Restore requests: all for all-departments roles; a system owner their own department's only (ORG-4). */
export function restoreScope(actor: Actor): SQL | undefined {
  const depts = visibleDepartments(actor);
  if (depts === null) return undefined;
  if (depts.length === 0) return sql`false`;
  return inArray(restoreRequests.departmentId, depts);
}
