import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../db/connection.ts';
import type { Actor } from '../iam/actor.ts';
import type { Role } from '../iam/roles.ts';
import type { Clock } from '../kernel/clock.ts';

/**
 * A RACI cell of N's role tables: ○ 実施 (does it), △ レビュー・支援 (reviews/supports), ◎ 承認・決定
 * (approves/decides). ○ and ◎ may fire a transition; △ is documentation and notification only.
 * A transition with any ◎ is an approval: the record's requester may never fire it (ORG-3).
 */
export type Raci = '○' | '△' | '◎';

/** What every process record carries; the owning module's table has at least these columns. */
export interface ProcessRecord {
  id: string;
  state: string;
  version: number;
}

/** A table the kernel can move records in: `id`, `state`, `version` (and `updatedAt` if present). */
export type ProcessTable = PgTable & { id: AnyPgColumn; state: AnyPgColumn; version: AnyPgColumn; updatedAt?: AnyPgColumn };

/** What the caller of `fire` passes along: who acts and the clock; modules may add their deps. */
export interface FireContext {
  clock: Clock;
  actor: Actor;
}

export type TransitionInput = Record<string, unknown> & { comment?: string | null };

/** Handed to side effects, inside the transition's transaction. */
export interface TransitionEvent<R extends ProcessRecord, C extends FireContext> {
  tx: Db;
  ctx: C;
  process: string;
  action: string;
  from: string;
  to: string;
  /** The record before the move, and after it (new state and version). */
  before: R;
  record: R;
  input: TransitionInput;
}

/** A side effect: send mail X, open a problem, update the CMDB… Runs in the same transaction. */
export type SideEffect<R extends ProcessRecord, C extends FireContext> = (e: TransitionEvent<R, C>) => Promise<void>;

export interface Transition<S extends string, A extends string, R extends ProcessRecord, C extends FireContext> {
  action: A;
  from: S | readonly S[];
  to: S;
  /** The RACI row of this step, as N prints it. */
  raci: Partial<Record<Role, Raci>>;
  /** Input fields that must be present and non-blank (InputError naming the field otherwise). */
  requires?: readonly string[];
  /** May Kiban itself (a system actor: monitoring, scheduled jobs) fire it? Never for approvals. */
  system?: boolean;
  /** Columns of the record set by this move, from the input (e.g. approvedBy, decidedAt). */
  set?: (input: TransitionInput, ctx: C) => Record<string, unknown>;
  effects?: readonly SideEffect<R, C>[];
  label: { ja: string; en: string };
}

export interface ProcessDefinition<
  S extends string = string,
  A extends string = string,
  R extends ProcessRecord = ProcessRecord,
  C extends FireContext = FireContext,
> {
  /** Audit action prefix and history key, e.g. 'incident'. */
  name: string;
  /** entity_type in the audit log. */
  recordType: string;
  table: ProcessTable;
  states: Record<S, { ja: string; en: string }>;
  initial: S;
  transitions: readonly Transition<S, A, R, C>[];
  /** The person who asked for the record (whose submission approvals must not be self-approved). */
  requesterOf: (record: R) => string | null;
  /** The department owning the record, for system owners' scope (ORG-4). Omit if not scoped. */
  departmentOf?: (record: R) => string | null;
}

/**
 * Checks a process table once, at module load: every state named is declared, and no (state, action)
 * pair is ambiguous. A definition that passes is a plain readable table; the kernel interprets it.
 */
export function defineProcess<S extends string, A extends string, R extends ProcessRecord, C extends FireContext = FireContext>(
  def: ProcessDefinition<S, A, R, C>,
): ProcessDefinition<S, A, R, C> {
  const states = new Set(Object.keys(def.states));
  const seen = new Set<string>();
  if (!states.has(def.initial)) throw new Error(`${def.name}: initial state ${def.initial} is not declared`);
  for (const t of def.transitions) {
    for (const f of fromStates(t)) {
      if (!states.has(f)) throw new Error(`${def.name}.${t.action}: unknown from-state ${f}`);
      const key = `${f}/${t.action}`;
      if (seen.has(key)) throw new Error(`${def.name}: action ${t.action} is defined twice from ${f}`);
      seen.add(key);
    }
    if (!states.has(t.to)) throw new Error(`${def.name}.${t.action}: unknown to-state ${t.to}`);
    const marks = Object.values(t.raci);
    if (!marks.some((m) => m === '○' || m === '◎') && !t.system) {
      throw new Error(`${def.name}.${t.action}: nobody may fire it (no ○ or ◎)`);
    }
    if (t.system && marks.includes('◎')) throw new Error(`${def.name}.${t.action}: an approval cannot be fired by the system`);
  }
  return def;
}

export function fromStates(t: { from: string | readonly string[] }): readonly string[] {
  return typeof t.from === 'string' ? [t.from] : t.from;
}

export function isApproval(t: { raci: Partial<Record<Role, Raci>> }): boolean {
  return Object.values(t.raci).includes('◎');
}
