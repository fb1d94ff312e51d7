import type { FastifyInstance } from 'fastify';
import { BusinessCalendar } from '../../calendar/index.ts';
import type { Db } from '../../db/index.ts';
import type { Clock } from '../../kernel/clock.ts';
import { createAlertHandling } from '../alerts.ts';
import { type CiResolver, cmdbCiResolver, type PullOptions } from './alerts.ts';
import { ZabbixClient } from './client.ts';
import { createZabbixLedger, type ZabbixPullResult } from './ledger.ts';
import { type MaintenanceSyncResult, syncSuppressionMaintenances } from './sync.ts';
import { zabbixWebhookRoutes } from './webhook.ts';

/**
 * How the product runs the Zabbix integration (config KIBAN_ZABBIX_*): the worker's two jobs and the
 * webhook route in the API process. Both feed the same ledger sink, so a problem reported by the
 * webhook and seen again by the next pull is recorded once.
 */

export interface AlertPathOptions {
  db: Db;
  clock: Clock;
  /** Business calendar for incident deadlines (config KIBAN_BUSINESS_OPEN/_CLOSE). */
  businessHours?: { open?: string; close?: string };
  platformName?: string;
  incidentPlatformName?: string;
  /** Alert handling to use (the monitoring runtime's); by default one is made from the options above. */
  handle?: (eventId: number) => Promise<void>;
}

function handler(o: AlertPathOptions): (eventId: number) => Promise<void> {
  if (o.handle) return o.handle;
  const alerts = createAlertHandling({
    db: o.db,
    clock: o.clock,
    calendar: new BusinessCalendar(o.businessHours ?? {}),
    platformName: o.platformName,
    incidentPlatformName: o.incidentPlatformName,
  });
  return alerts.handle;
}

export function zabbixClientFor(api: { url: string; token: string }, opts: { fetch?: typeof fetch; timeoutMs?: number } = {}): ZabbixClient {
  return new ZabbixClient({ url: api.url, credentials: { apiToken: api.token }, ...opts });
}

export interface ZabbixJobs {
  /** problem.get → Kiban alerts (監視対応台帳 → incident); recoveries Zabbix no longer lists. */
  pull(): Promise<ZabbixPullResult>;
  /** Suppression windows → Zabbix maintenances (created, replaced, deleted). */
  maintenances(): Promise<MaintenanceSyncResult>;
}

export function createZabbixJobs(o: AlertPathOptions & { client: ZabbixClient; resolveCi?: CiResolver; pullOptions?: PullOptions }): ZabbixJobs {
  const resolveCi = o.resolveCi ?? cmdbCiResolver(o.db);
  const ledger = createZabbixLedger({ db: o.db, clock: o.clock, handle: handler(o) });
  return {
    pull: () => ledger.pull(o.client, resolveCi, o.pullOptions),
    maintenances: () => syncSuppressionMaintenances({ db: o.db, clock: o.clock, client: o.client, resolveCi }),
  };
}

/** Mounts POST /api/monitoring/zabbix/webhook feeding the alert ledger (the secret has ≥ 16 characters). */
export function mountZabbixWebhook(app: FastifyInstance, o: AlertPathOptions & { secret: string; resolveCi?: CiResolver }): void {
  const ledger = createZabbixLedger({ db: o.db, clock: o.clock, handle: handler(o) });
  zabbixWebhookRoutes(app, { secret: o.secret, sink: ledger.sink, resolveCi: o.resolveCi ?? cmdbCiResolver(o.db), clock: o.clock });
}
