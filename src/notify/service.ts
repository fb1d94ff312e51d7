import { and, asc, desc, eq } from 'drizzle-orm';
import type { Db } from '../db/connection.ts';
import { type Actor, requirePermission } from '../iam/actor.ts';
import { outbox } from './schema.ts';

/** A mail as shown on its record: what was sent (or is waiting, or failed), to whom, and why not. */
export interface MailView {
  id: string;
  messageId: string;
  template: string | null;
  from: string | null;
  to: string[];
  cc: string[];
  subject: string;
  body: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date | null;
  createdAt: Date;
  createdBy: string | null;
  sentAt: Date | null;
  failedAt: Date | null;
}

function view(r: typeof outbox.$inferSelect): MailView {
  return {
    id: r.id,
    messageId: r.messageId,
    template: r.template,
    from: r.fromAddress,
    to: r.toAddresses,
    cc: r.ccAddresses,
    subject: r.subject,
    body: r.body,
    status: r.status,
    attempts: r.attempts,
    lastError: r.lastError,
    nextAttemptAt: r.status === 'pending' ? r.nextAttemptAt : null,
    createdAt: r.createdAt,
    createdBy: r.createdBy,
    sentAt: r.sentAt,
    failedAt: r.failedAt,
  };
}

/**
 * Every mail that belongs to one record, oldest first (X-4: every mail sent is kept). Modules whose
 * records are department-scoped (ORG-4) check the record's visibility before calling this.
 */
export async function listMailsFor(db: Db, actor: Actor, recordType: string, recordId: string): Promise<MailView[]> {
  requirePermission(actor, 'mail.read');
  const rows = await db
    .select()
    .from(outbox)
    .where(and(eq(outbox.recordType, recordType), eq(outbox.recordId, recordId)))
    .orderBy(asc(outbox.createdAt), asc(outbox.id));
  return rows.map(view);
}

/** Mails the worker gave up on, newest first: the operations desk must see and act on them. */
export async function listFailedMails(db: Db, actor: Actor, limit = 200): Promise<MailView[]> {
  requirePermission(actor, 'mail.read');
  const rows = await db.select().from(outbox).where(eq(outbox.status, 'failed')).orderBy(desc(outbox.failedAt)).limit(limit);
  return rows.map(view);
}
