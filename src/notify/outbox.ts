import { randomUUID } from 'node:crypto';
import type { Db } from '../db/connection.ts';
import type { Actor } from '../iam/actor.ts';
import type { Clock } from '../kernel/clock.ts';
import { fieldError } from '../kernel/errors.ts';
import { outbox } from './schema.ts';
import type { RenderedMail } from './templates.ts';

/** A mail to send about one record. Subject and body usually come from a template (templates.ts). */
export interface OutgoingMail {
  /** The record the mail belongs to; the mail is listed on that record (`listMailsFor`). */
  recordType: string;
  recordId: string;
  to: readonly string[];
  cc?: readonly string[];
  /** Defaults to the worker's `from` (config KIBAN_MAIL_FROM). */
  from?: string;
  subject: string;
  text: string;
  template?: string | null;
  /** Who caused the mail (shown on the record; not a header). */
  createdBy?: Actor;
}

export interface EnqueuedMail {
  id: string;
  messageId: string;
}

// Deliberately loose: the addresses come from our own ledgers (escalation list, people); this only
// stops obvious garbage from sitting in the outbox for days of retries.
const ADDRESS = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+$/;

function checkAddresses(field: string, list: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of list) {
    const a = raw.trim();
    if (!ADDRESS.test(a)) throw fieldError(field, 'notify.bad_address', { address: raw });
    if (!out.some((x) => x.toLowerCase() === a.toLowerCase())) out.push(a);
  }
  return out;
}

/** Right-hand side of the Message-ID: the sender's domain, so the id is globally unique and ours. */
function idDomain(from: string | undefined): string {
  const m = from ? /@([^\s>]+)>?\s*$/.exec(from) : null;
  return m?.[1] ?? 'kiban.localhost';
}

/**
 * Puts a mail in the outbox. Call it with the transaction that makes the state change: the mail
 * exists if and only if the change commits. The Message-ID is fixed here, once, so every delivery
 * attempt — including a repeat after a crash between "sent" and "marked sent" — carries the same id.
 */
export async function enqueueMail(tx: Db, clock: Clock, mail: OutgoingMail): Promise<EnqueuedMail> {
  const to = checkAddresses('to', mail.to);
  const cc = checkAddresses('cc', mail.cc ?? []).filter((c) => !to.some((t) => t.toLowerCase() === c.toLowerCase()));
  if (to.length === 0) throw fieldError('to', 'notify.no_recipients');
  if (mail.subject.trim() === '') throw fieldError('subject', 'notify.empty_subject');
  const now = clock.now();
  const messageId = `<${randomUUID()}@${idDomain(mail.from)}>`;
  const [row] = await tx
    .insert(outbox)
    .values({
      messageId,
      recordType: mail.recordType,
      recordId: mail.recordId,
      template: mail.template ?? null,
      fromAddress: mail.from ?? null,
      toAddresses: to,
      ccAddresses: cc,
      subject: mail.subject,
      body: mail.text,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      createdAt: now,
      createdBy: mail.createdBy?.label ?? null,
    })
    .returning({ id: outbox.id, messageId: outbox.messageId });
  return row!;
}

/** Shorthand: a rendered template + where it goes. */
export function mailFrom(
  rendered: RenderedMail,
  where: Omit<OutgoingMail, 'subject' | 'text' | 'template'>,
): OutgoingMail {
  return { ...where, subject: rendered.subject, text: rendered.text, template: rendered.template };
}
