import { and, eq, sql } from 'drizzle-orm';
import { audit } from '../audit/audit.ts';
import type { Db } from '../db/connection.ts';
import type { Actor } from '../iam/actor.ts';
import { ALL_DEPARTMENTS_ROLES, ROLE_LABELS, type Role } from '../iam/roles.ts';
import { ConflictError, type DomainError, type FieldErrors, ForbiddenError, InputError, NotFoundError } from '../kernel/errors.ts';
import {
  type Bilingual,
  type FireContext,
  fromStates,
  isApproval,
  type ProcessDefinition,
  type ProcessRecord,
  type Transition,
  type TransitionInput,
} from './definition.ts';
import { type ActionField, actionFields } from './fields.ts';
import { processHistory } from './schema.ts';

type AnyTransition = Transition<string, string, ProcessRecord, FireContext>;
type AnyDefinition = ProcessDefinition<string, string, ProcessRecord, FireContext>;

function findTransition(def: AnyDefinition, record: ProcessRecord, action: string): AnyTransition | undefined {
  return def.transitions.find((t) => t.action === action && fromStates(t).includes(record.state) && (!t.appliesTo || t.appliesTo(record)));
}

/** The role under which `actor` may fire `t` on `record`, or the reason they may not. */
function gate(def: AnyDefinition, record: ProcessRecord, actor: Actor, t: AnyTransition): { role: Role | 'system' } | DomainError {
  if (actor.kind === 'system') {
    return t.system ? { role: 'system' } : new ForbiddenError('process.role_refused', { action: t.label.ja, roles: firers(t) });
  }
  const mine = actor.roles.filter((r) => t.raci[r] === '○' || t.raci[r] === '◎');
  if (mine.length === 0) return new ForbiddenError('process.role_refused', { action: t.label.ja, roles: firers(t) });
  if (isApproval(t) && actor.personId !== null && def.requesterOf(record) === actor.personId) {
    return new ForbiddenError('process.self_approval', { action: t.label.ja });
  }
  // A holder of only department-scoped roles (system owner) acts on its own department's records.
  if (def.departmentOf && !mine.some((r) => ALL_DEPARTMENTS_ROLES.includes(r))) {
    const dept = def.departmentOf(record);
    if (!dept || dept !== actor.departmentId) return new ForbiddenError('process.other_department');
  }
  const role = (isApproval(t) ? mine.find((r) => t.raci[r] === '◎') : undefined) ?? mine.find((r) => t.raci[r] === '○') ?? mine[0]!;
  return { role };
}

function firers(t: AnyTransition): string {
  return (Object.entries(t.raci) as [Role, string][])
    .filter(([, m]) => m === '○' || m === '◎')
    .map(([r]) => ROLE_LABELS[r].ja)
    .join('、');
}

function blank(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);
}

/**
 * Moves `record` by `action`, enforcing the process table on the server:
 *  - the action must exist from the record's state (ConflictError 'process.action_not_allowed');
 *  - the actor must hold a ○ or ◎ role of the row (ForbiddenError 'process.role_refused'), of the
 *    record's department if only a department-scoped role allows it, and must not approve (◎) their
 *    own request (ForbiddenError 'process.self_approval');
 *  - every required field must be filled (InputError naming each missing field);
 *  - `record.version` must still be current (ConflictError 'error.stale_version').
 * Then, all in `tx`: the record's new state and version, a process_history row, the audit record,
 * and the side effects (mail via enqueueMail, follow-up records…). Pass the caller's transaction
 * (`inTx`): if anything throws, none of it happened.
 */
export async function fire<S extends string, A extends string, R extends ProcessRecord, C extends FireContext>(
  tx: Db,
  ctx: C,
  definition: ProcessDefinition<S, A, R, C>,
  record: R,
  action: A,
  input: TransitionInput = {},
): Promise<R> {
  const def = definition as unknown as AnyDefinition;
  const t = findTransition(def, record, action);
  if (!t) {
    const label = def.transitions.find((x) => x.action === action)?.label.ja ?? action;
    throw new ConflictError('process.action_not_allowed', { action: label, state: def.states[record.state]?.ja ?? record.state });
  }
  const g = gate(def, record, ctx.actor, t);
  if (!('role' in g)) throw g;

  const missing: FieldErrors = {};
  for (const f of t.requires ?? []) if (blank(input[f])) missing[f] = { key: 'field.required' };
  if (Object.keys(missing).length > 0) throw new InputError('error.invalid_input', {}, missing);

  const now = ctx.clock.now();
  const table = def.table;
  const patch = t.set?.(input, ctx as FireContext) ?? {};
  const values: Record<string, unknown> = { ...patch, state: t.to, version: sql`${table.version} + 1` };
  if (table.updatedAt) values.updatedAt = now;
  const rows = (await tx
    .update(table)
    // biome-ignore lint/suspicious/noExplicitAny: the table is generic; its columns are checked by ProcessTable.
    .set(values as any)
    .where(and(eq(table.id, record.id), eq(table.version, record.version)))
    .returning()) as unknown as R[];
  const after = rows[0];
  if (!after) {
    const exists = await tx.select({ id: table.id }).from(table).where(eq(table.id, record.id));
    if (exists.length === 0) throw new NotFoundError('error.not_found');
    throw new ConflictError('error.stale_version');
  }

  const comment = typeof input.comment === 'string' && input.comment.trim() !== '' ? input.comment.trim() : null;
  await tx.insert(processHistory).values({
    process: def.name,
    recordId: record.id,
    action,
    fromState: record.state,
    toState: t.to,
    actorId: ctx.actor.personId,
    actor: ctx.actor.label,
    actorRole: g.role,
    comment,
    at: now,
  });
  await audit(tx, ctx.clock, ctx.actor, {
    action: `${def.name}.${action}`,
    entityType: def.recordType,
    entityId: record.id,
    before: { state: record.state, version: record.version },
    after: { state: t.to, version: after.version, role: g.role, comment, input, ...patch },
  });
  for (const effect of t.effects ?? []) {
    await effect({ tx, ctx: ctx as FireContext, process: def.name, action, from: record.state, to: t.to, before: record, record: after, input });
  }
  return after;
}

export interface AllowedAction {
  action: string;
  to: string;
  toLabel: Bilingual;
  label: Bilingual;
  requires: readonly string[];
  /** Every input field of the step, required first, as the action dialog renders it. */
  fields: ActionField[];
  /** An approval/decision (◎) step: the UI shows it as such. */
  approval: boolean;
}

/** The actions `actor` may fire on `record` now, for the UI's buttons; `fire` re-checks all of it. */
export function allowedActions<S extends string, A extends string, R extends ProcessRecord, C extends FireContext>(
  definition: ProcessDefinition<S, A, R, C>,
  record: R,
  actor: Actor,
): AllowedAction[] {
  const def = definition as unknown as AnyDefinition;
  return def.transitions
    .filter((t) => fromStates(t).includes(record.state) && (!t.appliesTo || t.appliesTo(record)) && 'role' in gate(def, record, actor, t))
    .map((t) => ({
      action: t.action,
      to: t.to,
      toLabel: def.states[t.to] ?? { ja: t.to, en: t.to },
      label: t.label,
      requires: t.requires ?? [],
      fields: actionFields(def, t),
      approval: isApproval(t),
    }));
}

/**
 * The states in which a holder of `roles` may have something to do (a ○ or ◎ cell on a step out of
 * it): the inbox looks for records only there, then asks `allowedActions` about each.
 */
export function actionableStates<S extends string, A extends string, R extends ProcessRecord, C extends FireContext>(
  definition: ProcessDefinition<S, A, R, C>,
  roles: readonly Role[],
): string[] {
  const def = definition as unknown as AnyDefinition;
  const out = new Set<string>();
  for (const t of def.transitions) {
    if (roles.some((r) => t.raci[r] === '○' || t.raci[r] === '◎')) for (const f of fromStates(t)) out.add(f);
  }
  return [...out];
}
