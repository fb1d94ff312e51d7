import { BusinessCalendar } from '../calendar/index.ts';
import type { Db } from '../db/index.ts';
import type { Clock } from '../kernel/clock.ts';
import { createAlertHandling } from './alerts.ts';
import { AgentCheck } from './checks/agent.ts';
import { HttpCheck } from './checks/http.ts';
import { FpingCheck } from './checks/icmp.ts';
import { createMonitoringEngine, type EngineDeps, type MonitoringEngine } from './engine.ts';
import type { Checks } from './model.ts';
import { createSettingsLedger } from './settings.ts';
import { createSuppressionService, type SuppressionRules } from './suppression.ts';
import { createSenderServer, type SenderServer } from './zabbix/sender.ts';

/** The production checks: one fping per batch of ICMP items, HTTP with M's 15 s / 2 retries, the agent. */
export function productionChecks(): Checks {
  const agent = new AgentCheck();
  return { icmp: new FpingCheck(), http: new HttpCheck(), resource: agent, service: agent, process: agent };
}

export interface MonitoringRuntimeDeps {
  db: Db;
  clock: Clock;
  checks?: Checks;
  calendar?: BusinessCalendar;
  platformName?: string;
  incidentPlatformName?: string;
  suppressionRules?: Partial<SuppressionRules>;
  /** Sender-protocol listener port (0 = any free port); null = no listener. */
  senderPort?: number | null;
  senderHost?: string;
  engineDeps?: Partial<EngineDeps>;
}

/**
 * What a server process runs for monitoring (KIBAN_MONITORING=on): the engine, alert handling as its
 * onEvent hook, and the periodic jobs — due checks, the sweep of unhandled events, suppression
 * start/resume by the clock, settings changes on their start dates. Each job is a plain function,
 * so the worker schedules them and tests call them with a FakeClock.
 */
export function createMonitoringRuntime(deps: MonitoringRuntimeDeps) {
  const calendar = deps.calendar ?? new BusinessCalendar();
  const alerts = createAlertHandling({ db: deps.db, clock: deps.clock, calendar, platformName: deps.platformName, incidentPlatformName: deps.incidentPlatformName });
  const engine: MonitoringEngine = createMonitoringEngine({
    db: deps.db,
    clock: deps.clock,
    checks: deps.checks ?? productionChecks(),
    calendar,
    onEvent: alerts.onEvent,
    ...deps.engineDeps,
  });
  const suppressions = createSuppressionService({ db: deps.db, clock: deps.clock, calendar, platformName: deps.platformName, rules: deps.suppressionRules });
  const settings = createSettingsLedger({ db: deps.db, clock: deps.clock });
  let sender: SenderServer | null = null;
  return {
    engine,
    alerts,
    suppressions,
    settings,
    jobs: {
      checks: () => engine.tick(),
      sweep: () => alerts.sweep(),
      suppressions: () => suppressions.runSchedule(),
      settings: () => settings.applyDue(),
    },
    /** Starts the sender listener (if a port is configured); resolves to the bound port. */
    async listen(): Promise<number | null> {
      if (deps.senderPort === null || deps.senderPort === undefined) return null;
      sender = createSenderServer({ ingest: (v) => engine.ingest(v) });
      const { port } = await sender.listen(deps.senderPort, deps.senderHost ?? '0.0.0.0');
      return port;
    },
    async stop(): Promise<void> {
      await sender?.close();
      await engine.stop();
    },
  };
}
export type MonitoringRuntime = ReturnType<typeof createMonitoringRuntime>;
