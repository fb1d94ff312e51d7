import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.ts';
import { inTx } from '../db/tx.ts';
import type { Clock } from '../kernel/clock.ts';
import { outbox } from './schema.ts';
import type { MailTransport } from './transport.ts';

export interface OutboxWorkerOptions {
  db: Db;
  clock: Clock;
  transport: MailTransport;
  /** Sender for mails enqueued without one (config KIBAN_MAIL_FROM). */
  from: string;
  /** Mails claimed per run. */
  batchSize?: number;
  /** Attempts before a mail is marked 'failed' (it stays listed on its record with the last error). */
  maxAttempts?: number;
  /** Back-off after the n-th failed attempt: min(baseMs · 2^(n−1), maxMs). */
  backoff?: { baseMs?: number; maxMs?: number };
  /**
   * How long a claimed mail stays invisible to other workers. If this worker dies after sending but
   * before marking the mail sent, another run picks it up after the lease and sends it again with the
   * same Message-ID. Must be longer than one SMTP delivery can take (the transport's timeouts).
   */
  leaseMs?: number;
  onError?: (e: unknown, mail: { id: string; messageId: string }) => void;
}

export interface RunResult {
  claimed: number;
  sent: number;
  /** Failed this time, will be retried. */
  retrying: number;
  /** Failed for good this time (attempts exhausted or permanently refused). */
  failed: number;
}

export interface OutboxWorker {
  /** Claims the mails due now (per the injected clock), sends each, records the outcome. */
  runOnce(): Promise<RunResult>;
}

export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempt - 1), maxMs);
}

/** An SMTP 5xx reply (mailbox unknown, relay refused…) will not get better by retrying. */
function isPermanent(e: unknown): boolean {
  const code = (e as { responseCode?: unknown })?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

function describe(e: unknown): string {
  const err = e as { code?: string; responseCode?: number; response?: string; message?: string };
  const parts = [err?.code, err?.responseCode, err?.response ?? err?.message].filter((x) => x !== undefined && x !== '');
  return (parts.length ? parts.join(' ') : String(e)).slice(0, 1000);
}

/**
 * The outbox delivery worker. Delivery is AT-LEAST-ONCE with a STABLE Message-ID:
 *
 * 1. claim — in a short transaction, `SELECT … FOR UPDATE SKIP LOCKED` the due rows, add one attempt
 *    and push `next_attempt_at` to now + lease. Concurrent workers (several API processes on one
 *    PostgreSQL) skip each other's rows; the claim commits before any network I/O, so no database
 *    transaction or row lock is held while talking SMTP (PGlite has a single connection).
 * 2. send — over SMTP with the Message-ID and Date fixed at enqueue time.
 * 3. mark — 'sent'; or, on failure, back to due at now + back-off; or 'failed' after `maxAttempts`
 *    (or at once on an SMTP 5xx), keeping the last error for the record's mail list.
 *
 * A crash between 2 and 3 leaves the row claimed; after the lease another run sends it again. The
 * recipients then hold two copies of ONE message (same Message-ID): mail clients, list servers and
 * archives de-duplicate on it, and nothing is ever lost. Exactly-once delivery over SMTP is not
 * possible; this is the honest alternative.
 */
export function createOutboxWorker(opts: OutboxWorkerOptions): OutboxWorker {
  const { db, clock, transport } = opts;
  const batchSize = opts.batchSize ?? 20;
  const maxAttempts = opts.maxAttempts ?? 10;
  const baseMs = opts.backoff?.baseMs ?? 60_000;
  const maxMs = opts.backoff?.maxMs ?? 3_600_000;
  const leaseMs = opts.leaseMs ?? 10 * 60_000;

  async function claim() {
    const now = clock.now();
    return inTx(db, async (t) => {
      const due = await t
        .select({ id: outbox.id })
        .from(outbox)
        .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now)))
        .orderBy(asc(outbox.nextAttemptAt), asc(outbox.createdAt))
        .limit(batchSize)
        .for('update', { skipLocked: true });
      if (due.length === 0) return [];
      return t
        .update(outbox)
        .set({ attempts: sql`${outbox.attempts} + 1`, nextAttemptAt: new Date(now.getTime() + leaseMs) })
        .where(inArray(
          outbox.id,
          due.map((d) => d.id),
        ))
        .returning();
    });
  }

  return {
    async runOnce() {
      const result: RunResult = { claimed: 0, sent: 0, retrying: 0, failed: 0 };
      const rows = await claim();
      result.claimed = rows.length;
      for (const m of rows) {
        // The lease is per mail, not per batch: each is leased again just before it is sent, so a
        // batch that takes longer than one lease (a slow relay: 20 mails × seconds each) does not let
        // another worker claim and send its tail at the same time. If another worker has already
        // taken the mail over (its attempts moved on after our lease ran out), this one leaves it.
        const mine = await db
          .update(outbox)
          .set({ nextAttemptAt: new Date(clock.now().getTime() + leaseMs) })
          .where(and(eq(outbox.id, m.id), eq(outbox.status, 'pending'), eq(outbox.attempts, m.attempts)))
          .returning({ id: outbox.id });
        if (mine.length === 0) {
          result.claimed--;
          continue;
        }
        try {
          await transport.sendMail({
            messageId: m.messageId,
            date: m.createdAt,
            from: m.fromAddress ?? opts.from,
            to: m.toAddresses,
            cc: m.ccAddresses.length ? m.ccAddresses : undefined,
            subject: m.subject,
            text: m.body,
            headers: { 'X-Kiban-Record': `${m.recordType}/${m.recordId}` },
          });
        } catch (e) {
          opts.onError?.(e, m);
          const now = clock.now();
          const giveUp = m.attempts >= maxAttempts || isPermanent(e);
          await db
            .update(outbox)
            .set(
              giveUp
                ? { status: 'failed', failedAt: now, lastError: describe(e) }
                : { nextAttemptAt: new Date(now.getTime() + backoffMs(m.attempts, baseMs, maxMs)), lastError: describe(e) },
            )
            .where(and(eq(outbox.id, m.id), eq(outbox.status, 'pending')));
          if (giveUp) result.failed++;
          else result.retrying++;
          continue;
        }
        await db
          .update(outbox)
          .set({ status: 'sent', sentAt: clock.now(), lastError: null })
          .where(eq(outbox.id, m.id));
        result.sent++;
      }
      return result;
    },
  };
}
