import { bigserial, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Transition history of every process record: who moved which record from which state to which, by
 * what action, when, with what comment. Written by the process kernel in the transition's transaction.
 * The audit log holds the same fact hash-chained; this table is the record's readable timeline.
 */
export const processHistory = pgTable(
  'process_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    process: text('process').notNull(),
    recordId: text('record_id').notNull(),
    action: text('action').notNull(),
    fromState: text('from_state').notNull(),
    toState: text('to_state').notNull(),
    actorId: uuid('actor_id'),
    actor: text('actor').notNull(),
    /** The role under which the actor fired the transition (its ○/◎ cell in the RACI table). */
    actorRole: text('actor_role'),
    comment: text('comment'),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('process_history_record_idx').on(t.process, t.recordId, t.id)],
);
