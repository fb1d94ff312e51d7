/**
 * Zabbix server integration (DESIGN: "Zabbix server integration via its JSON-RPC API and webhook media
 * type"): for sites that keep their Zabbix, Kiban pulls its problems, receives its webhook, matches
 * hosts to CMDB CIs and hands Kiban-shaped alerts to a ZabbixAlertSink; a suppression window becomes a
 * Zabbix maintenance.
 */
export {
  type CiRef,
  type CiResolver,
  cmdbCiResolver,
  type KibanSeverity,
  kibanSeverity,
  type PullDeps,
  type PullOptions,
  pullProblems,
  staticCiResolver,
  ZABBIX_SEVERITY_NAMES,
  type ZabbixAlert,
  type ZabbixAlertSink,
} from './alerts.ts';
export {
  type MaintenanceInput,
  type ProblemQuery,
  parseVersion,
  ZabbixApiError,
  ZabbixAuthError,
  ZabbixClient,
  type ZabbixClientOptions,
  type ZabbixCredentials,
  ZabbixError,
  type ZabbixEvent,
  type ZabbixHost,
  type ZabbixMaintenance,
  type ZabbixProblem,
  type ZabbixTag,
  ZabbixTransportError,
} from './client.ts';
export {
  type AppliedMaintenance,
  applySuppressionWindow,
  maintenanceName,
  removeSuppressionWindow,
  type SuppressionWindow,
} from './maintenance.ts';
export {
  WEBHOOK_PATH,
  WEBHOOK_SECRET_HEADER,
  type WebhookBody,
  webhookAlert,
  webhookBody,
  ZABBIX_WEBHOOK_PARAMETERS,
  ZABBIX_WEBHOOK_SCRIPT,
  type ZabbixWebhookDeps,
  zabbixWebhookMediaType,
  zabbixWebhookRoutes,
} from './webhook.ts';
export { createZabbixLedger, ZABBIX_ITEM_ORIGIN, type ZabbixLedger, type ZabbixLedgerDeps, type ZabbixPullResult, zabbixItemKey, zabbixItemType } from './ledger.ts';
export { type MaintenanceSyncResult, syncSuppressionMaintenances } from './sync.ts';
export { type AlertPathOptions, createZabbixJobs, mountZabbixWebhook, type ZabbixJobs, zabbixClientFor } from './wiring.ts';
