import type { Db } from '../db/connection.ts';
import type { Actor } from '../iam/actor.ts';
import type { Role } from '../iam/roles.ts';
import { type Bilingual, type FireContext, fromStates, isApproval, type ProcessDefinition, type ProcessRecord, type Raci } from './definition.ts';
import { type AllowedAction, allowedActions } from './kernel.ts';
import { type HistoryEntry, historyOf } from './service.ts';

type AnyDefinition = ProcessDefinition<string, string, ProcessRecord, FireContext>;

/** A deadline of a record as every record page and the inbox show it. */
export interface RecordDeadline {
  key: string;
  label: Bilingual;
  dueAt: Date | null;
  doneAt: Date | null;
  overdue: boolean;
}

/** The process as N's flow chart draws it: its states (the main path first) and its steps. */
export interface ProcessFlow {
  process: string;
  states: { key: string; label: Bilingual; final: boolean }[];
  initial: string;
  transitions: { action: string; from: string[]; to: string; label: Bilingual; approval: boolean; raci: Partial<Record<Role, Raci>>; requires: string[]; system: boolean }[];
}

/**
 * What the workbench's one record page shows of any process record, in one shape: where it is (state,
 * label, the main path of its flow), what the signed-in person may do now (actions with their fields,
 * approvals marked), its deadlines and its history. The owning module adds its own fields beside it.
 */
export interface ProcessView {
  process: string;
  recordId: string;
  state: string;
  stateLabel: Bilingual;
  version: number;
  final: boolean;
  /** The states of the flow bar for this record, in order (the current one included). */
  path: { key: string; label: Bilingual }[];
  actions: AllowedAction[];
  deadlines: RecordDeadline[];
  /** Oldest first, each with its step's label and its states' labels in both languages. */
  history: LabelledHistoryEntry[];
}

export type LabelledHistoryEntry = HistoryEntry & { label: Bilingual; fromLabel: Bilingual | null; toLabel: Bilingual };

export function finalStates<S extends string, A extends string, R extends ProcessRecord, C extends FireContext>(d: ProcessDefinition<S, A, R, C>): string[] {
  const definition = d as unknown as AnyDefinition;
  if (definition.final) return [...definition.final];
  const exits = new Set(definition.transitions.filter((t) => t.to !== undefined).flatMap((t) => fromStates(t)));
  return Object.keys(definition.states).filter((s) => !exits.has(s));
}

export function isFinal<S extends string, A extends string, R extends ProcessRecord, C extends FireContext>(d: ProcessDefinition<S, A, R, C>, state: string): boolean {
  return finalStates(d).includes(state);
}

export function processFlow<S extends string, A extends string, R extends ProcessRecord, C extends FireContext>(definition: ProcessDefinition<S, A, R, C>): ProcessFlow {
  const def = definition as unknown as AnyDefinition;
  const finals = finalStates(def);
  return {
    process: def.name,
    initial: def.initial,
    states: Object.entries(def.states).map(([key, label]) => ({ key, label, final: finals.includes(key) })),
    transitions: def.transitions.map((t) => ({
      action: t.action,
      from: [...fromStates(t)],
      to: t.to,
      label: t.label,
      approval: isApproval(t),
      raci: t.raci,
      requires: [...(t.requires ?? [])],
      system: t.system === true,
    })),
  };
}

/**
 * The record page's process part. `actions` may narrow what the kernel allows (a module's own
 * conditions); `deadlines` are the module's, counted by its rules.
 */
export async function processView<S extends string, A extends string, R extends ProcessRecord, C extends FireContext>(
  db: Db,
  definition: ProcessDefinition<S, A, R, C>,
  record: R,
  actor: Actor,
  opts: { deadlines?: RecordDeadline[]; actions?: AllowedAction[] } = {},
): Promise<ProcessView> {
  const def = definition as unknown as AnyDefinition;
  const main = (def.pathOf?.(record) ?? Object.keys(def.states)) as string[];
  const shown = main.includes(record.state) ? main : [...main.slice(0, 1), record.state, ...main.slice(1)];
  return {
    process: def.name,
    recordId: record.id,
    state: record.state,
    stateLabel: def.states[record.state] ?? { ja: record.state, en: record.state },
    version: record.version,
    final: isFinal(def, record.state),
    path: shown.map((key) => ({ key, label: def.states[key] ?? { ja: key, en: key } })),
    actions: opts.actions ?? allowedActions(definition, record, actor),
    deadlines: opts.deadlines ?? [],
    history: (await historyOf(db, def.name, record.id)).map((h) => labelled(def, h)),
  };
}

function labelled(def: AnyDefinition, h: HistoryEntry): LabelledHistoryEntry {
  const state = (k: string) => def.states[k] ?? { ja: k, en: k };
  const step = def.transitions.find((t) => t.action === h.action)?.label ?? def.events?.[h.action] ?? { ja: h.action, en: h.action };
  return { ...h, label: step, fromLabel: h.fromState && h.fromState !== h.toState ? state(h.fromState) : null, toLabel: state(h.toState) };
}
