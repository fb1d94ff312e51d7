import { createCmdbService } from '../cmdb/index.ts';
import { createIncidentService } from '../incidents/index.ts';
import { createVcenterSync, type FollowHandle, type VcenterConfig, vcenterConnector } from '../cmdb/sync/index.ts';
import type { Db } from '../db/connection.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Config } from '../kernel/config.ts';
import { BusinessCalendar } from '../calendar/index.ts';
import {
  type Checks,
  createAlertHandling,
  createMonitoringRuntime,
  createSettingsLedger,
  createSuppressionService,
  type MonitoringRuntime,
} from '../monitoring/index.ts';
import { createZabbixJobs, type ZabbixClient, type ZabbixJobs, zabbixClientFor } from '../monitoring/zabbix-server/index.ts';
import { createOutboxWorker, createSmtpTransport, type MailTransport } from '../notify/index.ts';
import { runApprovalDigests } from '../workbench/index.ts';
import '../changes/index.ts'; // registers the release's hold on its suppression (overrun)
import { createServiceLevelJob } from '../changes/sl-apply.ts';
import { createImprovementJob } from '../servicelevels/index.ts';
import { createReportService } from '../reports/index.ts';
import { DEFAULT_JOB_LEASE_MS, defaultWorkerId, runOncePerPeriod } from './runs.ts';

export { claimRun, DEFAULT_JOB_LEASE_MS, defaultWorkerId, periodOf } from './runs.ts';
export { workerJobRuns } from './schema.ts';

/** Runs `fn` every `ms`; returns a stop function. Tests pass their own to fire jobs by hand (`name` says which). */
export type Every = (fn: () => Promise<void>, ms: number, name: string) => () => void;

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
  /** With KIBAN_ZABBIX_URL and _TOKEN: the pull and maintenance jobs (also scheduled). */
  zabbix?: ZabbixJobs;
}

/**
 * The background jobs of a Kiban process: outbox delivery, the daily incident stocktake, monitoring
 * and vCenter follow-up. A job never runs twice at once in one process; across processes the outbox claims with
 * FOR UPDATE SKIP LOCKED, so several API processes may all run workers.
 */
export function startWorkers(deps: {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'mail'> & Partial<Pick<Config, 'monitoring' | 'platformName' | 'businessHours' | 'zabbix' | 'serviceLevels' | 'releases'>>;
  /** Replaces the production checks (fping, HTTP, Zabbix agent) — tests. */
  monitoringChecks?: Checks;
  transport?: MailTransport;
  every?: Every;
  /** When set, the ledger follows this vCenter live (CMDB-6): placement changes within seconds. */
  vcenter?: VcenterConfig | null;
  /** Replaces the client made from config.zabbix.api (tests). */
  zabbixClient?: ZabbixClient;
  onError?: (job: string, e: unknown) => void;
  /** This process's name in worker_job_runs (default host:pid); tests name two "processes" in one. */
  workerId?: string;
  /** How long a claimed job run is held without renewal (KIBAN_JOB_LEASE_SECONDS); a killed process's run is taken over after it. */
  jobLeaseMs?: number;
}): Workers {
  const every = deps.every ?? realEvery;
  const running = new Set<Promise<void>>();
  const stops: Array<() => void> = [];

  const runs = { db: deps.db, clock: deps.clock, owner: deps.workerId ?? defaultWorkerId(), leaseMs: deps.jobLeaseMs ?? DEFAULT_JOB_LEASE_MS };

  /**
   * Runs `fn` every `ms`; at most `overlap` runs at once (1: a run waits for the previous one). A shared
   * job runs once per period of `ms` across every process on the database (runs.ts); the outbox and
   * the monitoring checks are not shared — they claim their rows (mails, items) with leases themselves.
   */
  function job(name: string, ms: number, fn: () => Promise<unknown>, overlap = 1, shared = true) {
    let busy = 0;
    stops.push(
      every(
        async () => {
          if (busy >= overlap) return;
          busy++;
          const p = (shared ? runOncePerPeriod(runs, name, ms, fn) : fn())
            .then(() => undefined)
            .catch((e) => deps.onError?.(name, e))
            .finally(() => {
              busy--;
              running.delete(p);
            });
          running.add(p);
          await p;
        },
        ms,
        name,
      ),
    );
  }

  const outbox = createOutboxWorker({
    db: deps.db,
    clock: deps.clock,
    transport: deps.transport ?? createSmtpTransport(deps.config.mail.smtp),
    from: deps.config.mail.from,
    // A mail claimed by a process that died before sending is sent by another after this lease.
    leaseMs: runs.leaseMs,
  });
  job('outbox', 10_000, () => outbox.runOnce(), 1, false);

  // INC-9: the daily stocktake at each business day's opening. Checked every minute; the first run
  // from the opening on records the day's stocktake (and mails the supervisors when the quality
  // targets are at risk), every later run that day — or after a restart — finds it and does nothing.
  const incidents = createIncidentService({
    db: deps.db,
    clock: deps.clock,
    calendar: new BusinessCalendar(deps.config.businessHours ?? {}),
    platformName: deps.config.mail.platformName,
  });
  job('incidents.stocktake', 60_000, () => incidents.runDailyStocktake());
  // 自分の作業: one mail an hour at most to each person who opted in, when a new approval awaits them.
  job('workbench.digest', 60_000, () => runApprovalDigests(deps.db, deps.clock));
  // CHG-5: on its start date a service-level change reaches the CMDB and monitoring, and the 変更連絡 mail goes out.
  job('changes.service_level', 60_000, () => createServiceLevelJob({ db: deps.db, clock: deps.clock, platformName: deps.config.platformName }).runOnce());
  // SLM-5 / N §3.1.3.4: once a month is closed (the next month's first business day, opening), a KPI
  // below its target or worsening for KIBAN_SLM_WORSENING_MONTHS months opens one improvement problem.
  const improvements = createImprovementJob({
    db: deps.db,
    clock: deps.clock,
    calendar: new BusinessCalendar(deps.config.businessHours ?? {}),
    worseningMonths: deps.config.serviceLevels?.worseningMonths,
    firstResponseMinutes: deps.config.serviceLevels?.firstResponseMinutes,
    platformName: deps.config.mail.platformName,
  });
  job('servicelevels.improvements', 15 * 60_000, () => improvements.runOnce());
  // SLM-6: after the month's end on the business calendar, the previous month's report draft, once (keyed by month).
  const reports = createReportService({ db: deps.db, clock: deps.clock, calendar: new BusinessCalendar(deps.config.businessHours ?? {}) });
  job('reports.month_end', 15 * 60_000, () => reports.runMonthEnd());

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

  // Monitoring (MON): due checks every 0.5 s (items carry their own 5-minute slots), the sweep of events
  // a crash left unhandled, suppression start/resume and settings changes by the clock.
  let monitoring: Workers['monitoring'];
  // A release past its planned end holds its suppression (src/changes registers the hold) up to this ceiling.
  const overrun = deps.config.releases ? { overrunCeilingHours: deps.config.releases.overrunCeilingHours } : {};
  const mon = deps.config.monitoring;
  if (mon?.enabled) {
    const runtime = createMonitoringRuntime({
      db: deps.db,
      clock: deps.clock,
      checks: deps.monitoringChecks,
      calendar: new BusinessCalendar(deps.config.businessHours ?? {}),
      platformName: deps.config.platformName,
      incidentPlatformName: deps.config.mail.platformName,
      suppressionRules: { plannedStopKeepsMonitoring: mon.plannedStopKeepsMonitoring, ...overrun },
      senderPort: mon.senderPort,
      // An item claimed by a process that died mid-check is taken over after the job lease (KIBAN_JOB_LEASE_SECONDS).
      engineDeps: { leaseMs: runs.leaseMs },
    });
    // Every 500 ms, and a round may start while earlier ones still wait for slow checks (an HTTP
    // site that hangs takes 15 s × 3 tries): items are leased, so no item runs twice, and due items
    // start within a second of their slot (bench/RESULTS.md (b): p99 lag < 1 s at 100,000 items).
    job('monitoring.checks', 500, runtime.jobs.checks, 8, false);
    job('monitoring.sweep', 60_000, runtime.jobs.sweep);
    job('monitoring.suppressions', 30_000, runtime.jobs.suppressions);
    job('monitoring.settings', 60_000, runtime.jobs.settings);
    const senderPort = runtime.listen();
    senderPort.catch((e) => deps.onError?.('monitoring.sender', e));
    monitoring = { runtime, senderPort };
  }

  // Zabbix server integration: its problems enter the same alert → 監視対応台帳 → incident path every
  // KIBAN_ZABBIX_PULL_SECONDS, and suppression windows are mirrored as Zabbix maintenances on the same
  // beat. Zabbix being down fails the run (onError); the next run catches up — both jobs reconcile.
  let zabbix: ZabbixJobs | undefined;
  const zbx = deps.config.zabbix;
  // Zabbix (pulled, or by webhook only) without Kiban's own engine: the engine's housekeeping jobs
  // still have to run — the sweep retries an alert whose handling failed (Zabbix will not resend an
  // event already recorded), suppressions start and resume, settings changes apply on their dates.
  let handling = monitoring?.runtime.alerts;
  if (zbx && !monitoring) {
    const calendar = new BusinessCalendar(deps.config.businessHours ?? {});
    const h = createAlertHandling({
      db: deps.db,
      clock: deps.clock,
      calendar,
      platformName: deps.config.platformName,
      incidentPlatformName: deps.config.mail.platformName,
    });
    handling = h;
    const suppressions = createSuppressionService({
      db: deps.db,
      clock: deps.clock,
      calendar,
      platformName: deps.config.platformName,
      rules: { plannedStopKeepsMonitoring: deps.config.monitoring?.plannedStopKeepsMonitoring ?? false, ...overrun },
    });
    const settings = createSettingsLedger({ db: deps.db, clock: deps.clock });
    job('zabbix.sweep', 60_000, () => h.sweep());
    job('monitoring.suppressions', 30_000, () => suppressions.runSchedule());
    job('monitoring.settings', 60_000, () => settings.applyDue());
  }
  if (handling && (zbx?.api || (zbx && deps.zabbixClient))) {
    const client = deps.zabbixClient ?? zabbixClientFor(zbx.api!);
    zabbix = createZabbixJobs({ db: deps.db, clock: deps.clock, client, handle: handling.handle });
    const ms = zbx.pullSeconds * 1000;
    job('zabbix.pull', ms, zabbix.pull);
    job('zabbix.maintenances', ms, zabbix.maintenances);
  }

  return {
    monitoring,
    zabbix,
    async stop() {
      for (const s of stops) s();
      await follow?.stop();
      await Promise.all(running);
      await monitoring?.senderPort.catch(() => null);
      await monitoring?.runtime.stop();
    },
  };
}
