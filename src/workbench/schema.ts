import { boolean, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { people } from '../iam/schema.ts';

/**
 * A person's workbench settings: whether they want a mail when something awaits their approval (at
 * most one digest an hour, through the outbox), and what the last digest listed — so a digest goes
 * out only when something new awaits them.
 */
export const workbenchSettings = pgTable('workbench_settings', {
  personId: uuid('person_id')
    .primaryKey()
    .references(() => people.id),
  approvalDigest: boolean('approval_digest').notNull().default(false),
  digestSentAt: timestamp('digest_sent_at', { withTimezone: true, mode: 'date' }),
  /** `process:recordId:state` of each approval the last digest listed. */
  digestKeys: text('digest_keys').array().notNull().default([]),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
});
