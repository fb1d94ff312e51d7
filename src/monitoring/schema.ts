import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { COLLECT_MODES, ITEM_TYPES, SEVERITIES } from './model.ts';

/**
 * The monitoring settings list (監視設定一覧, MON-7) and the engine's working state.
 *
 * - targets: what is monitored — one per CI (ESXi host, storage, network device, management server,
 *   VM), with the address to ping and the agent port;
 * - items: how — check type, Zabbix key, parameters, interval, thresholds, detections before an
 *   alert, business-hours-only (level C);
 * - item state: where each item stands — one row per item, updated in place (not one row per check,
 *   Uptime Kuma's mistake), so a restart resumes the consecutive counts;
 * - values: a compact history (one number or one short text per check);
 * - events: alerts and recoveries, the input to alert handling (MON-4).
 */
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const MONITORING_CI_TYPES = ['host', 'vm', 'storage', 'network_device', 'management_server'] as const;
export type MonitoringCiType = (typeof MONITORING_CI_TYPES)[number];
export const ITEM_STATES = ['ok', 'suspect', 'problem'] as const;
export type ItemStateName = (typeof ITEM_STATES)[number];
export const EVENT_KINDS = ['problem', 'severity_changed', 'recovered'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export const monitoringTargets = pgTable(
  'monitoring_targets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ciType: text('ci_type', { enum: MONITORING_CI_TYPES }).notNull(),
    /** The CMDB record (cmdb_hosts.id, cmdb_vms.id, ...). */
    ciId: uuid('ci_id').notNull(),
    name: text('name').notNull(),
    /** The "host" that pushed values name (zabbix_sender -s); the CI name by default. */
    hostName: text('host_name').notNull(),
    address: text('address'),
    agentPort: integer('agent_port').notNull().default(10050),
    enabled: boolean('enabled').notNull().default(true),
    /** MON-7: monitoring starts on this instant (disabled until then). */
    startsAt: ts('starts_at'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('monitoring_targets_ci_uq').on(t.ciType, t.ciId),
    uniqueIndex('monitoring_targets_host_name_uq').on(sql`lower(${t.hostName})`),
  ],
);

export const monitoringItems = pgTable(
  'monitoring_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    targetId: uuid('target_id')
      .notNull()
      .references(() => monitoringTargets.id),
    type: text('type', { enum: ITEM_TYPES }).notNull(),
    key: text('key').notNull(),
    name: text('name').notNull(),
    params: jsonb('params').$type<Record<string, unknown>>().notNull().default({}),
    collect: text('collect', { enum: COLLECT_MODES }).notNull().default('poll'),
    intervalSec: integer('interval_sec').notNull().default(300),
    warningThreshold: doublePrecision('warning_threshold'),
    criticalThreshold: doublePrecision('critical_threshold'),
    /** Severity of a failed check (alive, HTTP, service, process). */
    severity: text('severity', { enum: SEVERITIES }).notNull().default('critical'),
    /** Detections of the same severity in a row before an alert (M §3.3(3): 2 or 3). */
    consecutive: integer('consecutive').notNull(),
    /** Level C: counted only on business days during business hours (N §3.7.3.1). */
    businessHoursOnly: boolean('business_hours_only').notNull().default(false),
    /** MON-8: mail the system's addresses for this item (alive always; others on request). */
    notify: boolean('notify').notNull().default(true),
    enabled: boolean('enabled').notNull().default(true),
    /** Which rule of the matrix made it ('matrix:vm.A.alive'), or null when added by hand. */
    origin: text('origin'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [uniqueIndex('monitoring_items_target_key_uq').on(t.targetId, t.type, t.key)],
);

export const monitoringItemState = pgTable(
  'monitoring_item_state',
  {
    itemId: uuid('item_id')
      .primaryKey()
      .references(() => monitoringItems.id),
    state: text('state', { enum: ITEM_STATES }).notNull().default('ok'),
    /** The severity alerted (state problem), else null. */
    severity: text('severity', { enum: SEVERITIES }),
    /** Detections in a row (any severity) and critical detections in a row. */
    consecutive: integer('consecutive').notNull().default(0),
    consecutiveCritical: integer('consecutive_critical').notNull().default(0),
    lastValue: text('last_value'),
    lastDetail: text('last_detail'),
    lastCheckAt: ts('last_check_at'),
    lastChangeAt: ts('last_change_at'),
    /** The event that opened the current problem. */
    problemEventId: bigint('problem_event_id', { mode: 'number' }),
    /** Whether the open problem's alert was suppressed (its recovery is suppressed too). */
    problemSuppressed: boolean('problem_suppressed').notNull().default(false),
    nextDueAt: ts('next_due_at').notNull(),
    /** Lease: a worker running this item's check; others skip it until it is released or stale. */
    runningSince: ts('running_since'),
    runningBy: text('running_by'),
  },
  (t) => [index('monitoring_item_state_due_idx').on(t.nextDueAt)],
);

/** Compact history: (item, instant) → one number or one short text. */
export const monitoringValues = pgTable(
  'monitoring_values',
  {
    itemId: uuid('item_id').notNull(),
    at: ts('at').notNull(),
    num: doublePrecision('num'),
    text: text('text'),
  },
  (t) => [primaryKey({ columns: [t.itemId, t.at] })],
);

export const monitoringEvents = pgTable(
  'monitoring_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    itemId: uuid('item_id')
      .notNull()
      .references(() => monitoringItems.id),
    targetId: uuid('target_id')
      .notNull()
      .references(() => monitoringTargets.id),
    kind: text('kind', { enum: EVENT_KINDS }).notNull(),
    severity: text('severity', { enum: SEVERITIES }),
    at: ts('at').notNull(),
    value: text('value'),
    detail: text('detail'),
    consecutive: integer('consecutive').notNull().default(0),
    /** Recorded but not to be notified: the VM's ESXi host is down (the host's alert says it all). */
    suppressed: boolean('suppressed').notNull().default(false),
    suppressedBy: uuid('suppressed_by'),
    /** Set by alert handling (MON-4) when it has taken the event. */
    handledAt: ts('handled_at'),
  },
  (t) => [index('monitoring_events_item_idx').on(t.itemId, t.at), index('monitoring_events_open_idx').on(t.handledAt, t.at)],
);
