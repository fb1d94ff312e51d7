import { desc, eq, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import { type Actor, requirePermission, visibleDepartments } from '../iam/actor.ts';
import type { Clock } from '../kernel/clock.ts';
import { type AlertHandling, type AlertLedger, createAlertHandling, createAlertLedger } from './alerts.ts';
import { createStatusBoard, type StatusBoard } from './board.ts';
import { targetInDepartments } from './context.ts';
import { createMonitoringEngine, type EngineDeps, type MonitoringEngine, monitoringStatus } from './engine.ts';
import { monitoringEvents, monitoringTargets } from './schema.ts';
import { createSettingsLedger, type SettingsLedger } from './settings.ts';
import { createSuppressionService, type SuppressionRules, type SuppressionService } from './suppression.ts';
import type { IngestResult, SenderValue } from './zabbix/sender.ts';

/**
 * The monitoring use cases the API offers: read the item states and recent events, push values, the
 * 監視対応台帳 (alerts), 監視の一時抑止 (suppressions) and the 監視設定一覧 (settings).
 * Pushed values are telemetry, not ledger changes: they are judged by the engine and not audited
 * one by one (the events they cause are the record). System owners see their department's VMs only.
 */
export interface MonitoringService {
  status(actor: Actor): Promise<{ items: Awaited<ReturnType<typeof monitoringStatus>>; events: (typeof monitoringEvents.$inferSelect)[] }>;
  pushValues(actor: Actor, values: SenderValue[]): Promise<IngestResult>;
  alerts: AlertLedger;
  alertHandling: AlertHandling;
  suppressions: SuppressionService;
  settings: SettingsLedger;
  /** The live status board: roll-ups, items in trouble, item pages with history. */
  board: StatusBoard;
}

export function createMonitoringService(deps: {
  db: Db;
  clock: Clock;
  engine?: MonitoringEngine;
  onEvent?: EngineDeps['onEvent'];
  platformName?: string;
  suppressionRules?: Partial<SuppressionRules>;
}): MonitoringService {
  const alertHandling = createAlertHandling({ db: deps.db, clock: deps.clock, platformName: deps.platformName });
  // Ingest needs no checks: an engine without them judges pushed values only and is never started.
  const engine = deps.engine ?? createMonitoringEngine({ db: deps.db, clock: deps.clock, checks: {}, onEvent: deps.onEvent ?? alertHandling.onEvent });
  const scope = (actor: Actor): SQL | undefined => {
    const depts = visibleDepartments(actor);
    return depts === null ? undefined : depts.length === 0 ? sql`false` : targetInDepartments(depts);
  };
  return {
    async status(actor) {
      requirePermission(actor, 'monitoring.read');
      const items = await monitoringStatus(deps.db, scope(actor));
      const events = await deps.db
        .select({ e: monitoringEvents })
        .from(monitoringEvents)
        .innerJoin(monitoringTargets, eq(monitoringTargets.id, monitoringEvents.targetId))
        .where(scope(actor))
        .orderBy(desc(monitoringEvents.id))
        .limit(100);
      return { items, events: events.map((r) => r.e) };
    },
    async pushValues(actor, values) {
      requirePermission(actor, 'monitoring.push');
      return engine.ingest(values);
    },
    alerts: createAlertLedger({ db: deps.db, clock: deps.clock }),
    alertHandling,
    suppressions: createSuppressionService({ db: deps.db, clock: deps.clock, platformName: deps.platformName, rules: deps.suppressionRules }),
    settings: createSettingsLedger({ db: deps.db, clock: deps.clock }),
    board: createStatusBoard({ db: deps.db, clock: deps.clock }),
  };
}
