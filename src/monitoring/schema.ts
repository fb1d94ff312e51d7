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

// ───────────────────────── Alert handling, suppression, setting changes (MON-4..7) ─────────────────────────

/** 監視対応台帳 states: 未対応 / 対応中 / 完了. */
export const ALERT_STATES = ['open', 'in_progress', 'done'] as const;
export type AlertState = (typeof ALERT_STATES)[number];
/** Why an alert was recorded without incident or mail: its host is down, or a 静観 suppression. */
export const SILENCE_REASONS = ['host_down', 'watch_only'] as const;

/**
 * 監視対応台帳 (MON-4, N §3.7.3.2): one row per alert ("problem" event) — what was detected, the
 * guidance (MON-5) and the procedure found for it, the trouble incident it opened, and its handling
 * state. Moved by the process kernel (alertProcess), so every response is in process_history + audit.
 */
export const monitoringAlerts = pgTable(
  'monitoring_alerts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The problem event; unique, so handling an event twice (a retry after a crash) is a no-op. */
    eventId: bigint('event_id', { mode: 'number' }).notNull(),
    itemId: uuid('item_id')
      .notNull()
      .references(() => monitoringItems.id),
    targetId: uuid('target_id')
      .notNull()
      .references(() => monitoringTargets.id),
    ciType: text('ci_type', { enum: MONITORING_CI_TYPES }).notNull(),
    ciId: uuid('ci_id').notNull(),
    ciName: text('ci_name').notNull(),
    itemType: text('item_type', { enum: ITEM_TYPES }).notNull(),
    itemKey: text('item_key').notNull(),
    itemName: text('item_name').notNull(),
    severity: text('severity', { enum: SEVERITIES }),
    value: text('value'),
    detail: text('detail'),
    detectedAt: ts('detected_at').notNull(),
    state: text('state', { enum: ALERT_STATES }).notNull().default('open'),
    version: integer('version').notNull().default(1),
    /** Department owning the CI (a VM's system's department), for system owners' scope (ORG-4). */
    departmentId: uuid('department_id'),
    systemIds: uuid('system_ids').array().notNull().default(sql`'{}'::uuid[]`),
    silenced: boolean('silenced').notNull().default(false),
    silenceReason: text('silence_reason', { enum: SILENCE_REASONS }),
    suppressionId: uuid('suppression_id'),
    /** single (単発) / repeated (単発が連続) at detection; MON-5 guidance rows. */
    pattern: text('pattern', { enum: ['single', 'repeated'] }).notNull().default('single'),
    guidance: text('guidance'),
    knownFailure: text('known_failure'),
    procedure: text('procedure'),
    incidentId: uuid('incident_id'),
    mailedTo: text('mailed_to').array().notNull().default(sql`'{}'::text[]`),
    firstResponseAt: ts('first_response_at'),
    escalatedAt: ts('escalated_at'),
    resolution: text('resolution'),
    doneAt: ts('done_at'),
    recoveredAt: ts('recovered_at'),
    recoveryEventId: bigint('recovery_event_id', { mode: 'number' }),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('monitoring_alerts_event_uq').on(t.eventId),
    index('monitoring_alerts_item_idx').on(t.itemId, t.detectedAt),
    index('monitoring_alerts_state_idx').on(t.state, t.detectedAt),
    index('monitoring_alerts_department_idx').on(t.departmentId),
  ],
);

export const SUPPRESSION_REASONS = ['planned_stop', 'legal_inspection', 'known_maintenance', 'other'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];
/** 静観 (alerts recorded, no incident, no mail) or 停止 (items not checked). */
export const SUPPRESSION_METHODS = ['watch', 'stop'] as const;
export type SuppressionMethod = (typeof SUPPRESSION_METHODS)[number];

/** 監視の一時抑止・再開申請 (MON-6, N §3.7.3.3). Moved by the process kernel (suppressionProcess). */
export const monitoringSuppressions = pgTable(
  'monitoring_suppressions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    state: text('state').notNull(),
    version: integer('version').notNull().default(1),
    reason: text('reason', { enum: SUPPRESSION_REASONS }).notNull(),
    reasonText: text('reason_text'),
    /** Method requested; the manager may change it at approval (N: 管理者と一時抑止方法を検討). */
    method: text('method', { enum: SUPPRESSION_METHODS }).notNull(),
    startsAt: ts('starts_at').notNull(),
    endsAt: ts('ends_at').notNull(),
    /** The monitoring targets covered (resolved from the systems or CIs named at submission). */
    targetIds: uuid('target_ids').array().notNull(),
    systemIds: uuid('system_ids').array().notNull().default(sql`'{}'::uuid[]`),
    /** 対象システム名 as the mails print it. */
    systemNames: text('system_names').array().notNull().default(sql`'{}'::text[]`),
    departmentId: uuid('department_id'),
    requestedBy: uuid('requested_by'),
    requestedByLabel: text('requested_by_label').notNull(),
    submittedAt: ts('submitted_at').notNull(),
    /** The submission deadline from the lead-time rule, and whether the request came after it. */
    deadlineAt: ts('deadline_at'),
    late: boolean('late').notNull().default(false),
    lateReason: text('late_reason'),
    approvedBy: uuid('approved_by'),
    approvedAt: ts('approved_at'),
    startedAt: ts('started_at'),
    resumedAt: ts('resumed_at'),
    startMailId: uuid('start_mail_id'),
    resumeMailId: uuid('resume_mail_id'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [index('monitoring_suppressions_window_idx').on(t.state, t.startsAt, t.endsAt), index('monitoring_suppressions_department_idx').on(t.departmentId)],
);

export const SETTING_CHANGE_KINDS = ['add', 'change', 'remove'] as const;

/**
 * 監視の追加・変更・削除 (MON-7, N §3.7.3.4): a change to the settings list that takes effect on its
 * start date (監視変更開始日); until then the item is disabled (add) or unchanged (change/remove).
 */
export const monitoringSettingChanges = pgTable(
  'monitoring_setting_changes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', { enum: SETTING_CHANGE_KINDS }).notNull(),
    targetId: uuid('target_id').references(() => monitoringTargets.id),
    itemId: uuid('item_id').references(() => monitoringItems.id),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    effectiveAt: ts('effective_at').notNull(),
    reason: text('reason').notNull(),
    requestedBy: uuid('requested_by'),
    requestedByLabel: text('requested_by_label').notNull(),
    createdAt: ts('created_at').notNull(),
    appliedAt: ts('applied_at'),
    cancelledAt: ts('cancelled_at'),
  },
  (t) => [index('monitoring_setting_changes_due_idx').on(t.appliedAt, t.effectiveAt)],
);
