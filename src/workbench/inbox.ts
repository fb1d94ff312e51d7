import { and, asc, getTableColumns, inArray, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Db } from '../db/connection.ts';
import { type Actor, can } from '../iam/actor.ts';
import {
  actionableStates,
  allowedActions,
  type Bilingual,
  type FireContext,
  isFinal,
  isOverdue,
  type ProcessDefinition,
  type ProcessRecord,
  workProcesses,
} from '../process/index.ts';

type AnyDefinition = ProcessDefinition<string, string, ProcessRecord, FireContext>;

/** One record where the signed-in person can act now. */
export interface InboxEntry {
  process: string;
  module: Bilingual;
  recordId: string;
  ref: string;
  title: string;
  state: string;
  stateLabel: Bilingual;
  /** What they may do on it now; an approval (◎) is marked. */
  actions: { action: string; label: Bilingual; approval: boolean }[];
  /** Something awaits their approval or decision (listed first). */
  approval: boolean;
  dueAt: Date | null;
  overdue: boolean;
  /** The record's page in the web. */
  path: string;
}

export interface Inbox {
  items: InboxEntry[];
  total: number;
  approvals: number;
  overdue: number;
  /** A process had more candidates than one inbox reads; the oldest deadlines are the ones shown. */
  truncated: boolean;
}

/** At most this many records of one process are read for one inbox (nearest deadlines first). */
export const INBOX_READ_LIMIT = 300;

/**
 * The inbox (自分の作業): for every process defined on the kernel with a work spec, the records in a
 * state where one of the person's roles has a ○ or ◎ cell, within the module's scope; the kernel's
 * allowedActions then says whether they may act on each now (department, self-approval, a step that
 * does not apply). Approvals first, then by deadline (none last), then by number. No process has
 * inbox code of its own.
 */
export async function inboxOf(db: Db, actor: Actor, now: Date, processes: readonly AnyDefinition[] = workProcesses()): Promise<Inbox> {
  if (actor.kind !== 'person') return { items: [], total: 0, approvals: 0, overdue: 0, truncated: false };
  const items: InboxEntry[] = [];
  let truncated = false;
  for (const def of processes) {
    const w = def.work;
    if (!w || !can(actor, w.permission)) continue;
    const states = actionableStates(def, actor.roles).filter((s) => !isFinal(def, s));
    if (states.length === 0) continue;
    const table = def.table;
    const due: SQL = w.due ? sql`${w.due}` : sql`NULL::timestamptz`;
    // The record as the kernel's allowedActions reads it, without its search grams (a large text[]
    // that the inbox never needs: reading it for 300 rows was most of the query's time).
    const record = Object.fromEntries(Object.entries(getTableColumns(table)).filter(([, c]) => c !== w.grams));
    const rows = (await db
      .select({ record, ref: sql<string>`${w.ref}`, title: sql<string>`${w.title}`, due: sql<Date | string | null>`${due}` })
      .from(table)
      .where(and(inArray(table.state as AnyPgColumn, states), w.scope(actor), w.inbox?.(actor, now)))
      .orderBy(sql`${due} ASC NULLS LAST`, asc(table.id as AnyPgColumn))
      .limit(INBOX_READ_LIMIT + 1)) as unknown as { record: ProcessRecord; ref: string; title: string; due: Date | string | null }[];
    if (rows.length > INBOX_READ_LIMIT) {
      truncated = true;
      rows.length = INBOX_READ_LIMIT;
    }
    for (const r of rows) {
      const actions = allowedActions(def, r.record, actor);
      if (actions.length === 0) continue;
      const dueAt = r.due === null ? null : new Date(r.due);
      items.push({
        process: def.name,
        module: w.module,
        recordId: r.record.id,
        ref: r.ref ?? '',
        title: r.title ?? '',
        state: r.record.state,
        stateLabel: def.states[r.record.state] ?? { ja: r.record.state, en: r.record.state },
        actions: actions.map((a) => ({ action: a.action, label: a.label, approval: a.approval })),
        approval: actions.some((a) => a.approval),
        dueAt,
        overdue: isOverdue(dueAt, now),
        path: w.path(r.record.id),
      });
    }
  }
  items.sort(
    (a, b) =>
      Number(b.approval) - Number(a.approval) ||
      (a.dueAt?.getTime() ?? Number.POSITIVE_INFINITY) - (b.dueAt?.getTime() ?? Number.POSITIVE_INFINITY) ||
      a.ref.localeCompare(b.ref),
  );
  return {
    items,
    total: items.length,
    approvals: items.filter((i) => i.approval).length,
    overdue: items.filter((i) => i.overdue).length,
    truncated,
  };
}
