import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/connection.ts';
import { testDatabase } from '../db/testing.ts';
import { inTx } from '../db/tx.ts';
import { FakeClock } from '../kernel/clock.ts';
import { loadConfig } from '../kernel/config.ts';
import { enqueueMail } from '../notify/index.ts';
import { startTestSmtpServer, type TestSmtpServer } from '../notify/testing.ts';
import { startWorkers } from './index.ts';

let database: Database;
let smtp: TestSmtpServer;
beforeAll(async () => {
  database = await testDatabase();
  smtp = await startTestSmtpServer();
});
afterAll(async () => {
  await smtp.stop();
  await database.close();
});

describe('background workers of a Kiban process', () => {
  it('deliver queued mail on their schedule, one run at a time, and stop cleanly', async () => {
    const clock = new FakeClock('2026-11-24T01:00:00Z');
    const jobs: Array<{ fn: () => Promise<void>; ms: number; stopped: boolean }> = [];
    const workers = startWorkers({
      db: database.db,
      clock,
      config: loadConfig({ KIBAN_SMTP_PORT: String(smtp.port) }),
      transport: smtp.transport(),
      every: (fn, ms) => {
        const j = { fn, ms, stopped: false };
        jobs.push(j);
        return () => {
          j.stopped = true;
        };
      },
    });
    await inTx(database.db, (t) =>
      enqueueMail(t, clock, { recordType: 'test', recordId: 'w1', to: ['owner@example.jp'], subject: '【第三期サーバ仮想基盤障害発生】第一報', text: '本文' }),
    );
    expect(smtp.received).toHaveLength(0); // nothing is sent at enqueue time
    const outbox = jobs[0]!;
    expect(outbox.ms).toBe(10_000);
    // Two ticks at once (a slow SMTP server): the second does not start a parallel run.
    await Promise.all([outbox.fn(), outbox.fn()]);
    expect(smtp.received.map((m) => m.subject)).toEqual(['【第三期サーバ仮想基盤障害発生】第一報']);
    await workers.stop();
    expect(jobs.every((j) => j.stopped)).toBe(true);
  });
});
