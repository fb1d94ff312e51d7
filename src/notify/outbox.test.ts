import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../db/index.ts';
import { inTx } from '../db/tx.ts';
import { testDatabase } from '../db/testing.ts';
import { systemActor } from '../iam/actor.ts';
import { FakeClock } from '../kernel/clock.ts';
import { InputError } from '../kernel/errors.ts';
import {
  createOutboxWorker,
  enqueueMail,
  incidentMailTemplates,
  listFailedMails,
  listMailsFor,
  mailFrom,
  type MailTransport,
  outbox,
} from './index.ts';
import { startTestSmtpServer, type TestSmtpServer } from './testing.ts';

let database: Database;
let smtp: TestSmtpServer;
const clock = new FakeClock('2026-11-24T01:00:00Z');
const actor = systemActor('test');
const mails = incidentMailTemplates('第三期サーバ仮想基盤');
const MINUTE = 60_000;

beforeAll(async () => {
  database = await testDatabase();
  smtp = await startTestSmtpServer({ rejectRecipients: ['nobody@pref.example.jp'] });
});
afterAll(async () => {
  await smtp.stop();
  await database.close();
});
beforeEach(async () => {
  // Each test starts with an empty outbox and mailbox, so counts mean what they say.
  await database.db.delete(outbox);
  smtp.received.length = 0;
});

const firstReport = (recordId: string, vm = 'web-01') =>
  mailFrom(mails.firstReport({ occurredAt: new Date('2026-11-24T01:05:00Z'), affectedVms: [vm] }), {
    recordType: 'incident',
    recordId,
    to: ['tokatsu@pref.example.jp', 'owner@pref.example.jp'],
    cc: ['ict@pref.example.jp'],
    from: 'kiban@ops.example.jp',
  });

const enqueue = (recordId: string, vm?: string) => inTx(database.db, (t) => enqueueMail(t, clock, firstReport(recordId, vm)));
const rowOf = async (id: string) => (await database.db.select().from(outbox).where(eq(outbox.id, id)))[0]!;
const worker = (extra: Partial<Parameters<typeof createOutboxWorker>[0]> = {}) =>
  createOutboxWorker({
    db: database.db,
    clock,
    transport: smtp.transport(),
    from: 'kiban@ops.example.jp',
    backoff: { baseMs: MINUTE, maxMs: 60 * MINUTE },
    ...extra,
  });

describe('enqueueMail', () => {
  it('writes the mail only if the surrounding transaction commits', async () => {
    const err = await inTx(database.db, async (t) => {
      await enqueueMail(t, clock, firstReport('INC-rollback'));
      throw new Error('the state change failed');
    }).catch((e: Error) => e);
    expect((err as Error).message).toBe('the state change failed');
    expect((await database.db.select({ n: count() }).from(outbox))[0]!.n).toBe(0);
  });

  it('fixes an RFC 5322 Message-ID on the sender domain at enqueue time', async () => {
    const m = await enqueue('INC-1');
    expect(m.messageId).toMatch(/^<[0-9a-f-]{36}@ops\.example\.jp>$/);
    expect((await rowOf(m.id)).messageId).toBe(m.messageId);
  });

  it('refuses a mail without recipients, naming the field', async () => {
    const err = await inTx(database.db, (t) =>
      enqueueMail(t, clock, { recordType: 'incident', recordId: 'x', to: [], subject: 's', text: 't' }),
    ).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).fields.to?.key).toBe('notify.no_recipients');
  });
});

describe('delivery over SMTP', () => {
  it('delivers the 第一報 with its Japanese subject intact and the stored Message-ID', async () => {
    const m = await enqueue('INC-2', '税務システムWeb01');
    const r = await worker().runOnce();
    expect(r).toEqual({ claimed: 1, sent: 1, retrying: 0, failed: 0 });
    expect(smtp.received).toHaveLength(1);
    const got = smtp.received[0]!;
    expect(got.subject).toBe('【第三期サーバ仮想基盤障害発生】第一報');
    expect(got.messageId).toBe(m.messageId);
    expect(got.to).toEqual(['tokatsu@pref.example.jp', 'owner@pref.example.jp']);
    expect(got.cc).toEqual(['ict@pref.example.jp']);
    expect(got.text).toContain('影響を受けている仮想マシン ：税務システムWeb01');
    // The raw header is RFC 2047-encoded, not 8-bit: old relays pass it unchanged.
    expect(got.parsed.headerLines.find((h) => h.key === 'subject')?.line).toMatch(/=\?UTF-8\?[BQ]\?/i);
    const row = await rowOf(m.id);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
    expect(row.sentAt?.toISOString()).toBe(clock.now().toISOString());
    // Nothing is due any more: a second run sends nothing.
    expect((await worker().runOnce()).claimed).toBe(0);
    expect(smtp.received).toHaveLength(1);
  });

  it('is listed on its record with its status', async () => {
    const m = await enqueue('INC-3');
    await enqueue('INC-other');
    expect((await listMailsFor(database.db, actor, 'incident', 'INC-3')).map((x) => [x.messageId, x.status])).toEqual([
      [m.messageId, 'pending'],
    ]);
    await worker().runOnce();
    const [v] = await listMailsFor(database.db, actor, 'incident', 'INC-3');
    expect(v).toMatchObject({ status: 'sent', subject: '【第三期サーバ仮想基盤障害発生】第一報', to: ['tokatsu@pref.example.jp', 'owner@pref.example.jp'] });
  });
});

describe('an SMTP outage', () => {
  it('loses nothing: retries with back-off and delivers every mail exactly once when the relay is back', async () => {
    const ids = [await enqueue('INC-10', 'vm-a'), await enqueue('INC-11', 'vm-b'), await enqueue('INC-12', 'vm-c')];
    await smtp.stop();
    try {
      const w = worker();
      // Attempt 1 fails; the next attempt is due 1 minute later, then 2, then 4 (exponential back-off).
      expect(await w.runOnce()).toEqual({ claimed: 3, sent: 0, retrying: 3, failed: 0 });
      for (const waitMin of [1, 2, 4]) {
        clock.advance(waitMin * MINUTE - 1000);
        expect((await w.runOnce()).claimed, `not due ${waitMin} min minus 1 s after a failure`).toBe(0);
        clock.advance(1000);
        expect(await w.runOnce()).toEqual({ claimed: 3, sent: 0, retrying: 3, failed: 0 });
      }
      for (const m of ids) {
        const row = await rowOf(m.id);
        expect(row).toMatchObject({ status: 'pending', attempts: 4 });
        expect(row.lastError).toMatch(/ECONNECTION|ECONNREFUSED/);
        expect(row.nextAttemptAt.getTime() - clock.now().getTime()).toBe(8 * MINUTE);
      }
      expect(smtp.received).toHaveLength(0);
    } finally {
      await smtp.start();
    }
    clock.advance(8 * MINUTE);
    expect(await worker().runOnce()).toEqual({ claimed: 3, sent: 3, retrying: 0, failed: 0 });
    clock.advance(24 * 60 * MINUTE);
    expect((await worker().runOnce()).claimed).toBe(0);

    const counts = smtp.countByMessageId();
    expect([...counts.keys()].sort()).toEqual(ids.map((m) => m.messageId).sort());
    expect([...counts.values()]).toEqual([1, 1, 1]);
    expect(smtp.received.map((r) => r.subject)).toEqual(Array(3).fill('【第三期サーバ仮想基盤障害発生】第一報'));
    expect(new Set(smtp.received.map((r) => r.text?.match(/仮想マシン ：(.*)/)?.[1]))).toEqual(new Set(['vm-a', 'vm-b', 'vm-c']));
  });

  it('gives up after maxAttempts, marks the mail failed and keeps it visible with the error', async () => {
    const m = await enqueue('INC-20');
    await smtp.stop();
    try {
      const w = worker({ maxAttempts: 3 });
      expect((await w.runOnce()).retrying).toBe(1);
      clock.advance(MINUTE);
      expect((await w.runOnce()).retrying).toBe(1);
      clock.advance(2 * MINUTE);
      expect(await w.runOnce()).toEqual({ claimed: 1, sent: 0, retrying: 0, failed: 1 });
      clock.advance(24 * 60 * MINUTE);
      expect((await w.runOnce()).claimed, 'a failed mail is not retried by itself').toBe(0);
    } finally {
      await smtp.start();
    }
    const [v] = await listMailsFor(database.db, actor, 'incident', 'INC-20');
    expect(v).toMatchObject({ status: 'failed', attempts: 3, nextAttemptAt: null });
    expect(v!.lastError).toBeTruthy();
    expect((await listFailedMails(database.db, actor)).map((x) => x.messageId)).toEqual([m.messageId]);
    expect(smtp.received).toHaveLength(0);
  });

  it('fails at once on a permanent SMTP refusal (5xx) instead of retrying for hours', async () => {
    await inTx(database.db, (t) =>
      enqueueMail(t, clock, { ...firstReport('INC-21'), to: ['nobody@pref.example.jp'], cc: [] }),
    );
    expect(await worker().runOnce()).toEqual({ claimed: 1, sent: 0, retrying: 0, failed: 1 });
    const [v] = await listMailsFor(database.db, actor, 'incident', 'INC-21');
    expect(v).toMatchObject({ status: 'failed', attempts: 1 });
    expect(v!.lastError).toContain('550');
  });
});

describe('at-least-once with a stable Message-ID', () => {
  it('a crash between SMTP success and "mark sent" re-sends after the lease with the same Message-ID', async () => {
    const m = await enqueue('INC-30');
    const real = smtp.transport();
    let delivered!: () => void;
    const firstDelivery = new Promise<void>((r) => {
      delivered = r;
    });
    // The first process delivers the mail, then dies before it can record that: its run never ends.
    const dying: MailTransport = {
      async sendMail(msg) {
        await real.sendMail(msg);
        delivered();
        return new Promise(() => {});
      },
    };
    void worker({ transport: dying, leaseMs: 10 * MINUTE }).runOnce();
    await firstDelivery;
    expect((await rowOf(m.id)).status).toBe('pending');

    // A restarted worker does not touch the mail while the dead one's lease runs…
    const restarted = worker({ leaseMs: 10 * MINUTE });
    clock.advance(10 * MINUTE - 1000);
    expect((await restarted.runOnce()).claimed).toBe(0);
    // …and sends it again once the lease is over.
    clock.advance(1000);
    expect(await restarted.runOnce()).toEqual({ claimed: 1, sent: 1, retrying: 0, failed: 0 });

    // Two copies on the wire, but ONE message: the same Message-ID, which mail clients de-duplicate.
    expect(smtp.received).toHaveLength(2);
    expect([...smtp.countByMessageId().entries()]).toEqual([[m.messageId, 2]]);
    expect(smtp.received[0]!.parsed.date?.toISOString()).toBe(smtp.received[1]!.parsed.date?.toISOString());
    expect(await rowOf(m.id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('a batch that outlasts the lease (a slow relay) is not sent twice: each mail is leased again as it is sent, a mail taken over is left', async () => {
    const ids = await Promise.all([...Array(3)].map((_, i) => enqueue(`INC-5${i}`)));
    const real = smtp.transport();
    let gate!: () => void;
    const held = new Promise<void>((r) => {
      gate = r;
    });
    let calls = 0;
    // The first worker's relay takes 40 s for the first mail and hangs on the second past the batch's lease.
    const slow: MailTransport = {
      async sendMail(msg) {
        const n = calls++;
        if (n === 0) clock.advance(40_000);
        if (n === 1) await held;
        return real.sendMail(msg);
      },
    };
    const first = worker({ transport: slow, leaseMs: MINUTE }).runOnce();
    while (calls < 2) await new Promise((r) => setTimeout(r, 5));
    clock.advance(21_000); // the batch's lease has run out; the second mail's own lease (from its send) has not
    const other = await worker({ leaseMs: MINUTE }).runOnce();
    expect(other).toEqual({ claimed: 1, sent: 1, retrying: 0, failed: 0 }); // only the third, not yet started
    gate();
    expect(await first).toEqual({ claimed: 2, sent: 2, retrying: 0, failed: 0 }); // the third was taken over: left alone
    expect([...smtp.countByMessageId().values()]).toEqual([1, 1, 1]);
    expect(new Set(smtp.received.map((r) => r.messageId))).toEqual(new Set(ids.map((m) => m.messageId)));
  });

  it('two workers running at once never send the same mail twice (FOR UPDATE SKIP LOCKED)', async () => {
    const ids = await Promise.all([...Array(6)].map((_, i) => enqueue(`INC-4${i}`)));
    const [a, b] = await Promise.all([worker({ batchSize: 3 }).runOnce(), worker({ batchSize: 3 }).runOnce()]);
    expect(a.sent + b.sent).toBe(6);
    expect([...smtp.countByMessageId().values()]).toEqual(Array(6).fill(1));
    expect(new Set(smtp.received.map((r) => r.messageId))).toEqual(new Set(ids.map((m) => m.messageId)));
  });
});
