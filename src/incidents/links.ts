import { and, eq, inArray } from 'drizzle-orm';
import { audit } from '../audit/index.ts';
import type { Db } from '../db/connection.ts';
import type { Actor } from '../iam/actor.ts';
import type { Clock } from '../kernel/clock.ts';
import { fieldError } from '../kernel/errors.ts';
import { incidentProblems, incidents } from './schema.ts';

export interface IncidentRef {
  id: string;
  receiptNo: string;
  title: string;
  class: 'work_request' | 'qa' | 'trouble';
  priority: 'high' | 'low' | null;
  state: string;
}

/** The incidents named by `ids`; InputError on `field` if any does not exist. */
export async function incidentRefs(tx: Db, ids: readonly string[], field = 'incidentIds'): Promise<IncidentRef[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const rows = await tx
    .select({ id: incidents.id, receiptNo: incidents.receiptNo, title: incidents.title, class: incidents.class, priority: incidents.priority, state: incidents.state })
    .from(incidents)
    .where(inArray(incidents.id, unique));
  if (rows.length !== unique.length) throw fieldError(field, 'error.not_found');
  return rows;
}

/**
 * Links an incident to the problem opened for its root cause / permanent fix (INC-10, PRB-1), in the
 * caller's transaction. Idempotent. The problems module calls this; the incident close gate reads it.
 */
export async function linkIncidentProblem(tx: Db, clock: Clock, actor: Actor, incidentId: string, problemId: string): Promise<boolean> {
  const existing = await tx
    .select({ id: incidentProblems.incidentId })
    .from(incidentProblems)
    .where(and(eq(incidentProblems.incidentId, incidentId), eq(incidentProblems.problemId, problemId)));
  if (existing.length) return false;
  await tx.insert(incidentProblems).values({ incidentId, problemId, linkedAt: clock.now(), linkedBy: actor.label });
  await audit(tx, clock, actor, { action: 'incident.link_problem', entityType: 'incident', entityId: incidentId, after: { problemId } });
  return true;
}

/** Incidents linked to a problem. */
export async function incidentsOfProblem(tx: Db, problemId: string): Promise<IncidentRef[]> {
  return tx
    .select({ id: incidents.id, receiptNo: incidents.receiptNo, title: incidents.title, class: incidents.class, priority: incidents.priority, state: incidents.state })
    .from(incidentProblems)
    .innerJoin(incidents, eq(incidents.id, incidentProblems.incidentId))
    .where(eq(incidentProblems.problemId, problemId))
    .orderBy(incidents.receiptNo);
}
