import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/connection.ts';
import { testDatabase } from '../db/testing.ts';
import { inTx } from '../db/tx.ts';
import { FakeClock } from '../kernel/clock.ts';
import { loadConfig } from '../kernel/config.ts';
import { cmdbHosts, cmdbSites } from '../cmdb/schema.ts';
import { monitoringAlerts } from '../monitoring/schema.ts';
import { FakeZabbix } from '../monitoring/zabbix-server/fake.ts';
import { ZabbixClient, ZabbixTransportError } from '../monitoring/zabbix-server/index.ts';
import { enqueueMail } from '../notify/index.ts';
import { startTestSmtpServer, type TestSmtpServer } from '../notify/testing.ts';
import { parseJstLocal } from '../calendar/index.ts';
import { systemActor } from '../iam/actor.ts';
import { createIamService } from '../iam/service.ts';
import { createIncidentService, incidentStocktakes } from '../incidents/index.ts';
import { eq } from 'drizzle-orm';
import { claimRun, startWorkers, workerJobRuns } from './index.ts';
import { finishRun } from './runs.ts';

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

describe('the daily incident stocktake in the worker (INC-9)', () => {
  it('checks every minute; records the stocktake once from the business day’s opening, also after a restart, and its report goes out by SMTP', async () => {
    type Job = { fn: () => Promise<void>; ms: number; name: string };
    const start = (clock: FakeClock, jobs: Job[]) =>
      startWorkers({
        db: database.db,
        clock,
        config: loadConfig({ KIBAN_SMTP_PORT: String(smtp.port) }),
        transport: smtp.transport(),
        every: (fn, ms, name) => {
          jobs.push({ fn, ms, name });
          return () => {};
        },
      });
    const iam = createIamService({ db: database.db, clock: new FakeClock('2026-12-03T00:00:00Z') });
    await iam.createPerson(systemActor('test'), {
      login: 'w-sup',
      displayName: '統括 一郎',
      password: 'correct horse battery staple',
      roles: ['supervisor'],
      email: 'w-sup@pref.example.lg.jp',
    });
    const clock = new FakeClock(parseJstLocal('2026-12-03T17:00')); // Thursday, an inquiry left undispatched
    await createIncidentService({ db: database.db, clock }).register(systemActor('test'), {
      title: '未割当の問合せ',
      description: '質問',
      source: 'other',
      class: 'qa',
    });
    const jobs: Job[] = [];
    let workers = start(clock, jobs);
    const tick = async () => {
      for (const name of ['incidents.stocktake', 'outbox'])
        await jobs
          .filter((j) => j.name === name)
          .at(-1)!
          .fn();
    };
    expect(jobs.find((j) => j.name === 'incidents.stocktake')!.ms).toBe(60_000);
    clock.set(parseJstLocal('2026-12-04T08:59'));
    await tick();
    expect(await database.db.select().from(incidentStocktakes)).toHaveLength(0);
    clock.set(parseJstLocal('2026-12-04T09:00'));
    await tick();
    const subject = '【第三期サーバ仮想基盤】インシデント棚卸報告（品質基準・目標の遵守に懸念）';
    expect(smtp.received.filter((m) => m.subject === subject).map((m) => m.envelopeTo)).toEqual([['w-sup@pref.example.lg.jp']]);
    await workers.stop();
    workers = start(clock, jobs); // a restart the same morning
    clock.set(parseJstLocal('2026-12-04T09:05'));
    await tick();
    await workers.stop();
    expect(await database.db.select().from(incidentStocktakes)).toHaveLength(1);
    expect(smtp.received.filter((m) => m.subject === subject)).toHaveLength(1);
  });
});

describe('Zabbix server integration in the worker (KIBAN_ZABBIX_URL / _TOKEN)', () => {
  type Job = { fn: () => Promise<void>; ms: number; name: string; stopped: boolean };
  const capture = (jobs: Job[]) => (fn: () => Promise<void>, ms: number, name: string) => {
    const j = { fn, ms, name, stopped: false };
    jobs.push(j);
    return () => {
      j.stopped = true;
    };
  };
  const zabbixEnv = { KIBAN_ZABBIX_URL: 'http://127.0.0.1:9/api_jsonrpc.php', KIBAN_ZABBIX_TOKEN: 'f'.repeat(64), KIBAN_ZABBIX_PULL_SECONDS: '30' };

  it('is off without configuration', async () => {
    const jobs: Job[] = [];
    const workers = startWorkers({
      db: database.db,
      clock: new FakeClock('2026-11-24T01:00:00Z'),
      config: loadConfig({}),
      transport: smtp.transport(),
      every: capture(jobs),
    });
    expect(jobs.map((j) => j.name)).toEqual([
      'outbox',
      'incidents.stocktake',
      'workbench.digest',
      'changes.service_level',
      'servicelevels.improvements',
      'reports.month_end',
    ]);
    expect(workers.zabbix).toBeUndefined();
    await workers.stop();
  });

  it('pulls problems every KIBAN_ZABBIX_PULL_SECONDS into the alert ledger; a Zabbix outage goes to onError and the next run catches up', async () => {
    const clock = new FakeClock('2026-11-24T01:00:00Z');
    const now = clock.now();
    const stamps = { statusChangedAt: now, createdAt: now, updatedAt: now };
    const [site] = await database.db
      .insert(cmdbSites)
      .values({ name: 'DC', code: 'DC', ...stamps })
      .returning();
    const [host] = await database.db
      .insert(cmdbHosts)
      .values({ name: 'w-esx01', siteId: site!.id, cpuCores: 8, cpuGhz: 2, memoryGib: 64, status: 'active', ...stamps })
      .returning();
    const zbx = new FakeZabbix();
    zbx.hosts = [{ hostid: '1', host: 'W-ESX01' }];
    zbx.problems = [{ eventid: '7', hostid: '1', triggerid: '70', name: 'ESX01 is unreachable', severity: 5, clock: Math.floor(now.getTime() / 1000) - 10 }];
    const jobs: Job[] = [];
    const errors: Array<[string, unknown]> = [];
    const workers = startWorkers({
      db: database.db,
      clock,
      config: loadConfig(zabbixEnv),
      transport: smtp.transport(),
      every: capture(jobs),
      zabbixClient: new ZabbixClient({ url: 'http://zabbix.test/', credentials: { apiToken: 'f'.repeat(64) }, fetch: zbx.fetch }),
      onError: (job, e) => errors.push([job, e]),
    });
    // Without Kiban's engine, its housekeeping runs for the Zabbix alerts: sweep, suppressions, settings.
    expect(jobs.map((j) => [j.name, j.ms])).toEqual([
      ['outbox', 10_000],
      ['incidents.stocktake', 60_000],
      ['workbench.digest', 60_000],
      ['changes.service_level', 60_000],
      ['servicelevels.improvements', 900_000],
      ['reports.month_end', 900_000],
      ['zabbix.sweep', 60_000],
      ['monitoring.suppressions', 30_000],
      ['monitoring.settings', 60_000],
      ['zabbix.pull', 30_000],
      ['zabbix.maintenances', 30_000],
    ]);
    const pull = jobs.find((j) => j.name === 'zabbix.pull')!;
    await pull.fn();
    await pull.fn();
    const alerts = await database.db.select().from(monitoringAlerts);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ ciId: host!.id, ciName: 'w-esx01', severity: 'critical' });
    expect(alerts[0]!.incidentId).toBeTruthy();
    // Zabbix goes down: the runs fail into onError, the worker keeps going, the next run catches up.
    zbx.down = true;
    await pull.fn();
    await jobs.find((j) => j.name === 'zabbix.maintenances')!.fn();
    expect(errors.map(([job, e]) => [job, (e as Error).constructor.name])).toEqual([
      ['zabbix.pull', 'ZabbixTransportError'],
      ['zabbix.maintenances', 'ZabbixTransportError'],
    ]);
    zbx.down = false;
    zbx.problems[0]!.resolvedAt = Math.floor(now.getTime() / 1000);
    await pull.fn();
    expect(errors).toHaveLength(2);
    const [done] = await database.db.select().from(monitoringAlerts);
    expect(done).toMatchObject({ state: 'done' });
    await workers.stop();
    expect(jobs.every((j) => j.stopped)).toBe(true);
  });

  it('with the webhook only (no API), the sweep and the suppression/settings jobs still run', async () => {
    const jobs: Job[] = [];
    const workers = startWorkers({
      db: database.db,
      clock: new FakeClock('2026-11-24T01:00:00Z'),
      config: loadConfig({ KIBAN_ZABBIX_WEBHOOK_SECRET: 'w'.repeat(24) }),
      transport: smtp.transport(),
      every: capture(jobs),
    });
    expect(jobs.map((j) => j.name)).toEqual([
      'outbox',
      'incidents.stocktake',
      'workbench.digest',
      'changes.service_level',
      'servicelevels.improvements',
      'reports.month_end',
      'zabbix.sweep',
      'monitoring.suppressions',
      'monitoring.settings',
    ]);
    expect(workers.zabbix).toBeUndefined();
    await workers.stop();
  });

  it('an unreachable Zabbix (nothing listening) is reported to onError on every run and never throws', async () => {
    const jobs: Job[] = [];
    const errors: Array<[string, unknown]> = [];
    const workers = startWorkers({
      db: database.db,
      clock: new FakeClock('2026-11-24T01:00:00Z'),
      config: loadConfig(zabbixEnv),
      transport: smtp.transport(),
      every: capture(jobs),
      onError: (job, e) => errors.push([job, e]),
    });
    for (const round of [1, 2]) {
      for (const j of jobs.filter((x) => x.name.startsWith('zabbix.'))) await j.fn();
      expect(errors.filter(([job]) => job === 'zabbix.pull')).toHaveLength(round);
    }
    expect(errors.find(([job]) => job === 'zabbix.pull')![1]).toBeInstanceOf(ZabbixTransportError);
    await workers.stop();
  });
});

describe('several processes on one database: a shared job runs once per period (worker_job_runs)', () => {
  const MIN = 60_000;
  const LEASE = 2 * MIN;

  it('the first process claims the period; another skips it while it runs and after it finished; the same process may run it again', async () => {
    const clock = new FakeClock('2026-12-01T00:00:10Z');
    const a = await claimRun(database.db, clock, 'test.one', MIN, 'host-a:1', LEASE);
    expect(a).toEqual({ period: '2026-12-01T00:00:00.000Z', attempts: 1 });
    expect(await claimRun(database.db, clock, 'test.one', MIN, 'host-b:2', LEASE)).toBeNull();
    await finishRun(database.db, clock, 'test.one', a!.period, 'host-a:1', undefined);
    clock.advance(20_000);
    expect(await claimRun(database.db, clock, 'test.one', MIN, 'host-b:2', LEASE)).toBeNull();
    expect(await claimRun(database.db, clock, 'test.one', MIN, 'host-a:1', LEASE)).toMatchObject({ attempts: 2 });
    await finishRun(database.db, clock, 'test.one', a!.period, 'host-a:1', undefined);
    clock.advance(40_000); // the next minute: whoever ticks first
    expect(await claimRun(database.db, clock, 'test.one', MIN, 'host-b:2', LEASE)).toEqual({ period: '2026-12-01T00:01:00.000Z', attempts: 1 });
  });

  it('a run left by a killed process holds the job until its lease passes, then the next tick takes it over', async () => {
    const clock = new FakeClock('2026-12-01T01:00:00Z');
    const month = 15 * MIN;
    expect(await claimRun(database.db, clock, 'test.killed', month, 'host-a:1', LEASE)).toMatchObject({ attempts: 1 }); // …and host-a dies
    clock.advance(LEASE - 1000);
    expect(await claimRun(database.db, clock, 'test.killed', month, 'host-b:2', LEASE)).toBeNull();
    clock.advance(2000);
    expect(await claimRun(database.db, clock, 'test.killed', month, 'host-b:2', LEASE)).toEqual({ period: '2026-12-01T01:00:00.000Z', attempts: 2 });
    const [row] = await database.db.select().from(workerJobRuns).where(eq(workerJobRuns.job, 'test.killed'));
    expect(row).toMatchObject({ leasedBy: 'host-b:2', finishedAt: null });
  });

  it('a long run of one period keeps the next period from starting beside it (lease renewed), not after its lease', async () => {
    const clock = new FakeClock('2026-12-01T02:00:30Z');
    const first = await claimRun(database.db, clock, 'test.long', MIN, 'host-a:1', LEASE);
    expect(first).not.toBeNull();
    clock.advance(MIN);
    expect(await claimRun(database.db, clock, 'test.long', MIN, 'host-b:2', LEASE)).toBeNull();
    clock.advance(LEASE);
    expect(await claimRun(database.db, clock, 'test.long', MIN, 'host-b:2', LEASE)).not.toBeNull();
  });

  it('two workers on one database fire the same jobs by hand: each shared job runs in one of them; the outbox is not gated', async () => {
    type Job = { fn: () => Promise<void>; ms: number; name: string };
    const clock = new FakeClock('2026-12-02T03:00:05Z');
    const start = (workerId: string, jobs: Job[]) =>
      startWorkers({
        db: database.db,
        clock,
        config: loadConfig({ KIBAN_SMTP_PORT: String(smtp.port) }),
        transport: smtp.transport(),
        workerId,
        every: (fn, ms, name) => {
          jobs.push({ fn, ms, name });
          return () => {};
        },
      });
    const ja: Job[] = [];
    const jb: Job[] = [];
    const [wa, wb] = [start('proc-a', ja), start('proc-b', jb)];
    for (const name of ['incidents.stocktake', 'workbench.digest', 'changes.service_level', 'servicelevels.improvements', 'reports.month_end']) {
      await Promise.all([ja.find((j) => j.name === name)!.fn(), jb.find((j) => j.name === name)!.fn()]);
      const rows = await database.db.select().from(workerJobRuns).where(eq(workerJobRuns.job, name));
      const period = rows.filter(
        (r) =>
          r.period === new Date(Math.floor(clock.now().getTime() / ja.find((j) => j.name === name)!.ms) * ja.find((j) => j.name === name)!.ms).toISOString(),
      );
      expect(period, name).toHaveLength(1);
      expect(period[0]!.attempts, name).toBe(1);
      expect(period[0]!.finishedAt, name).not.toBeNull();
    }
    await Promise.all([wa.stop(), wb.stop()]);
  });
});
