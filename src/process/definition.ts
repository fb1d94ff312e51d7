import type { SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../db/connection.ts';
import type { Actor } from '../iam/actor.ts';
import type { Permission, Role } from '../iam/roles.ts';
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

export type Bilingual = { ja: string; en: string };

/**
 * How an action's input field is asked for. The workbench's one action dialog renders these; the
 * server's zod schema and `requires` still decide what is accepted.
 *  - text / textarea / lines (one entry a line → string[]) / number / boolean
 *  - datetime (an instant; the dialog asks in JST) / date (a JST calendar day, YYYY-MM-DD)
 *  - select: one of `options`
 *  - person: a person id, chosen among the holders of `roles` (e.g. the assignee on dispatch)
 *  - checks: a set of named yes/no criteria (`options`) → Record<value, boolean>
 */
export type FieldKind = 'text' | 'textarea' | 'lines' | 'number' | 'boolean' | 'datetime' | 'date' | 'select' | 'person' | 'checks';

export interface FieldSpec {
  kind: FieldKind;
  label: Bilingual;
  /** A short hint under the field (e.g. N's criteria for a decision). */
  hint?: Bilingual;
  options?: readonly { value: string; label: Bilingual }[];
  /** For `person`: the roles whose holders may be chosen. */
  roles?: readonly Role[];
  max?: number;
}

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
  /** Input fields offered but not required (the dialog shows them after the required ones). */
  optional?: readonly string[];
  /** Whether the step applies to this record at all (e.g. only to troubles); default: always. */
  appliesTo?: (record: R) => boolean;
  /** May Kiban itself (a system actor: monitoring, scheduled jobs) fire it? Never for approvals. */
  system?: boolean;
  /** Columns of the record set by this move, from the input (e.g. approvedBy, decidedAt). */
  set?: (input: TransitionInput, ctx: C) => Record<string, unknown>;
  effects?: readonly SideEffect<R, C>[];
  label: Bilingual;
}

/**
 * How the workbench finds a process's records — for each person's inbox and the global search — with
 * no inbox code of the process's own: which columns name the record, when it is due, where its page is,
 * and which records a person may see (the module's scope, the same one its own reads apply).
 */
export interface WorkSpec {
  /** The module as the inbox names it (インシデント, 問題…). */
  module: Bilingual;
  /** Needed to see the records at all. */
  permission: Permission;
  /** The record's number as people quote it (INC-2026-000123). */
  ref: AnyPgColumn | SQL;
  title: AnyPgColumn | SQL;
  /** The record's current deadline, shown and sorted by in the inbox (null: none). */
  due?: AnyPgColumn | SQL;
  /** The record's page in the web, from its id. */
  path: (id: string) => string;
  /**
   * A GIN-indexed text[] of the record's character bigrams (grams.ts), if it has one: the global search
   * narrows title words through it before matching them, so it stays fast on a large ledger.
   */
  grams?: AnyPgColumn;
  /** The records `actor` may see (undefined: all); applied to every inbox and search query. */
  scope: (actor: Actor) => SQL | undefined;
  /**
   * Narrows the inbox only (not the search), given the time: e.g. a meeting's action items are the
   * owner's work once overdue (ORG-6). Undefined: every actionable record in scope.
   */
  inbox?: (actor: Actor, now: Date) => SQL | undefined;
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
  states: Record<S, Bilingual>;
  initial: S;
  /** States where the record's work is over (no inbox entry, no deadline). Default: states with no way out. */
  final?: readonly S[];
  /** The main path of N's flow chart for this record (the flow bar); default: every state in declared order. */
  pathOf?: (record: R) => readonly S[];
  /** Labels of history entries written outside the table's steps (受付・登録, 第一報, 検知…). */
  events?: Record<string, Bilingual>;
  /** How each input field named in `requires`/`optional` is asked for (COMMON_FIELDS fill the usual ones). */
  fields?: Record<string, FieldSpec>;
  transitions: readonly Transition<S, A, R, C>[];
  /** The person who asked for the record (whose submission approvals must not be self-approved). */
  requesterOf: (record: R) => string | null;
  /** The department owning the record, for system owners' scope (ORG-4). Omit if not scoped. */
  departmentOf?: (record: R) => string | null;
  /** Where the workbench finds the records (inbox, search); a process without it is in neither. */
  work?: WorkSpec;
}

const registry = new Map<string, ProcessDefinition<string, string, ProcessRecord, FireContext>>();

/** Every process defined with a `work` spec, in definition order: what the inbox and search cover. */
export function workProcesses(): ProcessDefinition<string, string, ProcessRecord, FireContext>[] {
  return [...registry.values()];
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
  if (def.work) registry.set(def.name, def as unknown as ProcessDefinition<string, string, ProcessRecord, FireContext>);
  return def;
}

export function fromStates(t: { from: string | readonly string[] }): readonly string[] {
  return typeof t.from === 'string' ? [t.from] : t.from;
}

export function isApproval(t: { raci: Partial<Record<Role, Raci>> }): boolean {
  return Object.values(t.raci).includes('◎');
}
