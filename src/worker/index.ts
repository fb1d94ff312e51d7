import { createCmdbService } from '../cmdb/index.ts';
import { createVcenterSync, type FollowHandle, type VcenterConfig, vcenterConnector } from '../cmdb/sync/index.ts';
import type { Db } from '../db/connection.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Config } from '../kernel/config.ts';
import { BusinessCalendar } from '../calendar/index.ts';
import { type Checks, createMonitoringRuntime, type MonitoringRuntime } from '../monitoring/index.ts';
import { createOutboxWorker, createSmtpTransport, type MailTransport } from '../notify/index.ts';

/** Runs `fn` every `ms`; returns a stop function. Tests pass their own to fire jobs by hand. */
export type Every = (fn: () => Promise<void>, ms: number) => () => void;

const realEvery: Every = (fn, ms) => {
  const t = setInterval(() => void fn(), ms);
  t.unref();
  return () => clearInterval(t);
};

export interface Workers {
  /** Stops scheduling and waits for the jobs that are running. */
  stop(): Promise<void>;
  /** With KIBAN_MONITORING=on: the engine and its jobs, and the sender listener's bound port. */
  monitoring?: { runtime: MonitoringRuntime; senderPort: Promise<number | null> };
}

/**
 * The background jobs of a Kiban process: outbox delivery now; monitoring and vCenter follow-up join
 * here. A job never runs twice at once in one process; across processes the outbox claims with
 * FOR UPDATE SKIP LOCKED, so several API processes may all run workers.
 */
export function startWorkers(deps: {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'mail'> & Partial<Pick<Config, 'monitoring' | 'platformName' | 'businessHours'>>;
  /** Replaces the production checks (fping, HTTP, Zabbix agent) — tests. */
  monitoringChecks?: Checks;
  transport?: MailTransport;
  every?: Every;
  /** When set, the ledger follows this vCenter live (CMDB-6): placement changes within seconds. */
  vcenter?: VcenterConfig | null;
  onError?: (job: string, e: unknown) => void;
}): Workers {
  const every = deps.every ?? realEvery;
  const running = new Set<Promise<void>>();
  const stops: Array<() => void> = [];

  function job(name: string, ms: number, fn: () => Promise<unknown>) {
    let busy = false;
    stops.push(
      every(async () => {
        if (busy) return;
        busy = true;
        const p = fn()
          .then(() => undefined)
          .catch((e) => deps.onError?.(name, e))
          .finally(() => {
            busy = false;
            running.delete(p);
          });
        running.add(p);
        await p;
      }, ms),
    );
  }

  const outbox = createOutboxWorker({
    db: deps.db,
    clock: deps.clock,
    transport: deps.transport ?? createSmtpTransport(deps.config.mail.smtp),
    from: deps.config.mail.from,
  });
  job('outbox', 10_000, () => outbox.runOnce());

  let follow: FollowHandle | undefined;
  if (deps.vcenter) {
    const sync = createVcenterSync({
      db: deps.db,
      clock: deps.clock,
      cmdb: createCmdbService({ db: deps.db, clock: deps.clock }),
      connect: vcenterConnector(deps.vcenter, deps.clock),
      siteId: deps.vcenter.siteId,
      vcenterId: deps.vcenter.vcenterId,
      onError: (e) => deps.onError?.('vcenter', e),
    });
    follow = sync.follow();
  }

  // Monitoring (MON): due checks every 5 s (items carry their own 5-minute slots), the sweep of events
  // a crash left unhandled, suppression start/resume and settings changes by the clock.
  let monitoring: Workers['monitoring'];
  const mon = deps.config.monitoring;
  if (mon?.enabled) {
    const runtime = createMonitoringRuntime({
      db: deps.db,
      clock: deps.clock,
      checks: deps.monitoringChecks,
      calendar: new BusinessCalendar(deps.config.businessHours ?? {}),
      platformName: deps.config.platformName,
      incidentPlatformName: deps.config.mail.platformName,
      suppressionRules: { plannedStopKeepsMonitoring: mon.plannedStopKeepsMonitoring },
      senderPort: mon.senderPort,
    });
    job('monitoring.checks', 5_000, runtime.jobs.checks);
    job('monitoring.sweep', 60_000, runtime.jobs.sweep);
    job('monitoring.suppressions', 30_000, runtime.jobs.suppressions);
    job('monitoring.settings', 60_000, runtime.jobs.settings);
    const senderPort = runtime.listen();
    senderPort.catch((e) => deps.onError?.('monitoring.sender', e));
    monitoring = { runtime, senderPort };
  }

  return {
    monitoring,
    async stop() {
      for (const s of stops) s();
      await follow?.stop();
      await Promise.all(running);
      await monitoring?.senderPort.catch(() => null);
      await monitoring?.runtime.stop();
    },
  };
}
