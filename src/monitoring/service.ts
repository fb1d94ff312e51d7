import { desc } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import { type Actor, requirePermission } from '../iam/actor.ts';
import type { Clock } from '../kernel/clock.ts';
import { createMonitoringEngine, type EngineDeps, type MonitoringEngine, monitoringStatus } from './engine.ts';
import { monitoringEvents } from './schema.ts';
import type { IngestResult, SenderValue } from './zabbix/sender.ts';

/**
 * The monitoring use cases the API offers: read the item states and recent events, push values.
 * Pushed values are telemetry, not ledger changes: they are judged by the engine and not audited
 * one by one (the events they cause are the record).
 */
export interface MonitoringService {
  status(actor: Actor): Promise<{ items: Awaited<ReturnType<typeof monitoringStatus>>; events: (typeof monitoringEvents.$inferSelect)[] }>;
  pushValues(actor: Actor, values: SenderValue[]): Promise<IngestResult>;
}

export function createMonitoringService(deps: { db: Db; clock: Clock; engine?: MonitoringEngine; onEvent?: EngineDeps['onEvent'] }): MonitoringService {
  // Ingest needs no checks: an engine without them judges pushed values only and is never started.
  const engine = deps.engine ?? createMonitoringEngine({ db: deps.db, clock: deps.clock, checks: {}, onEvent: deps.onEvent });
  return {
    async status(actor) {
      requirePermission(actor, 'monitoring.read');
      const items = await monitoringStatus(deps.db);
      const events = await deps.db.select().from(monitoringEvents).orderBy(desc(monitoringEvents.id)).limit(100);
      return { items, events };
    },
    async pushValues(actor, values) {
      requirePermission(actor, 'monitoring.push');
      return engine.ingest(values);
    },
  };
}
