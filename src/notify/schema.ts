import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * The mail outbox. A row is written in the same transaction as the state change that causes
 * the mail, so a committed change always has its mail and a rolled-back one never does. The row is
 * also the permanent copy of what was sent ("every mail sent is kept"): it is never deleted.
 *
 * Delivery is at-least-once: the worker claims a row by pushing `next_attempt_at` forward (a lease),
 * sends, then marks it sent. A crash between send and mark re-sends after the lease with the SAME
 * Message-ID (fixed at enqueue), so mail clients and archives see one message.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** RFC 5322 Message-ID including the angle brackets; fixed when the mail is enqueued. */
    messageId: text('message_id').notNull(),
    /** The record the mail belongs to, e.g. ('incident', '<uuid>'): shown on that record's page. */
    recordType: text('record_type').notNull(),
    recordId: text('record_id').notNull(),
    /** Template key (e.g. 'incident.first_report'), or null for a free-form mail. */
    template: text('template'),
    fromAddress: text('from_address'),
    toAddresses: jsonb('to_addresses').$type<string[]>().notNull(),
    ccAddresses: jsonb('cc_addresses').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    status: text('status', { enum: ['pending', 'sent', 'failed'] }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** When the worker may (re)try; while a worker holds the row it is the end of its lease. */
    nextAttemptAt: ts('next_attempt_at').notNull(),
    lastError: text('last_error'),
    createdAt: ts('created_at').notNull(),
    createdBy: text('created_by'),
    sentAt: ts('sent_at'),
    failedAt: ts('failed_at'),
  },
  (t) => [
    uniqueIndex('outbox_message_id_uq').on(t.messageId),
    index('outbox_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index('outbox_record_idx').on(t.recordType, t.recordId),
  ],
);
