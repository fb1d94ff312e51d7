import { sql } from 'drizzle-orm';
import { bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { departments } from '../iam/schema.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** INC-1 sources: where an inquiry came from (N §3.2.3.1). */
export const INCIDENT_SOURCES = ['monitoring', 'ict_centre', 'supervisor', 'system_owner', 'other'] as const;
/** INC-2 classes: 依頼作業 / QA / トラブル. */
export const INCIDENT_CLASSES = ['work_request', 'qa', 'trouble'] as const;
export const PRIORITIES = ['high', 'low'] as const;
export const SERVICE_LEVELS = ['A', 'B', 'C'] as const;
export const REPORT_KINDS = ['first', 'continuing', 'final', 'recovery_start', 'recovery_complete'] as const;
export const REPORT_CHANNELS = ['phone', 'mail', 'phone_and_mail'] as const;

/** INC-5: the four criteria of 緊急度「高」 (N §3.2.3.4 ①). Any one true → High. */
export interface UrgencyCriteria {
  /** 県民へのサービスが停止している、または停止する可能性がある */
  citizenServiceStopped: boolean;
  /** 県民に影響を及ぼす可能性がある */
  citizenImpact: boolean;
  /** 財務上の損失、社会的評判に影響を及ぼす可能性がある */
  financialOrReputation: boolean;
  /** 県庁全体または多数の部門に影響を及ぼす可能性がある */
  wideImpact: boolean;
}

/**
 * Receipt numbers (受付番号) per prefix and year, e.g. ('INC', 2026) → INC-2026-000123. Incremented
 * with an upsert in the registering transaction, so numbers are gap-free for committed records on
 * both engines and never reused.
 */
export const receiptCounters = pgTable('receipt_counters', {
  scope: text('scope').primaryKey(),
  last: integer('last').notNull().default(0),
});

/** インシデント管理台帳 (N §3.2.4): one row per inquiry, with its process state. */
export const incidents = pgTable(
  'incidents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    receiptNo: text('receipt_no').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull(),
    source: text('source', { enum: INCIDENT_SOURCES }).notNull(),
    class: text('class', { enum: INCIDENT_CLASSES }).notNull(),
    state: text('state').notNull(),
    version: integer('version').notNull().default(1),
    /** The person who asked, when a Kiban user (supervisor, system owner…); else `requesterName`. */
    requesterId: uuid('requester_id'),
    requesterName: text('requester_name'),
    /** The requesting department (system owners see their department's incidents, ORG-4). */
    departmentId: uuid('department_id').references(() => departments.id),
    registeredBy: uuid('registered_by'),
    registeredAt: ts('registered_at').notNull(),
    /** When the event was detected (trouble); report deadlines count from here. */
    detectedAt: ts('detected_at').notNull(),
    assigneeId: uuid('assignee_id'),
    dispatchedAt: ts('dispatched_at'),
    /** 納期 / action-plan date (INC-9 stocktake). */
    dueAt: ts('due_at'),
    // Trouble (INC-5, INC-7)
    urgency: jsonb('urgency').$type<UrgencyCriteria>(),
    priority: text('priority', { enum: PRIORITIES }),
    platformCaused: boolean('platform_caused'),
    /** 'platform' = 基盤全体の障害, 'vm' = 特定の仮想マシンの障害 (incl. a host's VMs). */
    scope: text('scope', { enum: ['platform', 'vm'] }),
    /** Highest service level among the affected VMs at detection (A strictest). */
    serviceLevel: text('service_level', { enum: SERVICE_LEVELS }),
    detectedInBusinessHours: boolean('detected_in_business_hours'),
    /** Key of the row of REPORT_RULES that applies (report-rules.ts). */
    reportRule: text('report_rule'),
    firstReportDueAt: ts('first_report_due_at'),
    firstReportedAt: ts('first_reported_at'),
    nextReportDueAt: ts('next_report_due_at'),
    lastReportedAt: ts('last_reported_at'),
    finalReportedAt: ts('final_reported_at'),
    recoveryDueAt: ts('recovery_due_at'),
    recoveredAt: ts('recovered_at'),
    symptom: text('symptom'),
    businessImpact: text('business_impact'),
    probableCause: text('probable_cause'),
    // Recovery procedure (INC-6)
    procedureRef: text('procedure_ref'),
    procedure: jsonb('procedure').$type<Record<string, string>>(),
    procedureSubmittedBy: uuid('procedure_submitted_by'),
    procedureApprovedBy: uuid('procedure_approved_by'),
    procedureApprovedAt: ts('procedure_approved_at'),
    /** After recovery, VMs moved by HA/vMotion must go back to their cluster (a tracked follow-up). */
    vmReturnRequired: boolean('vm_return_required').notNull().default(false),
    vmReturnDoneAt: ts('vm_return_done_at'),
    // Work-request routing (INC-3)
    routeTo: text('route_to'),
    routeRef: text('route_ref'),
    // Close (INC-10)
    resolution: text('resolution'),
    requesterApproval: text('requester_approval'),
    provisionallyClosedBy: uuid('provisionally_closed_by'),
    closedBy: uuid('closed_by'),
    closedAt: ts('closed_at'),
    /** Character bigrams of title + description, for similar-inquiry search (INC-4). */
    grams: text('grams').array().notNull().default(sql`'{}'::text[]`),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('incidents_receipt_no_uq').on(t.receiptNo),
    // Ledger pages filtered by state or class in the default order (newest first): an ordered index range,
    // so a deep page by cursor (keyset) reads 50 rows whatever its depth, with or without planner statistics.
    index('incidents_state_registered_idx').on(t.state, t.registeredAt.desc().nullsLast(), t.receiptNo.desc().nullsFirst()),
    index('incidents_class_registered_idx').on(t.class, t.registeredAt.desc().nullsLast(), t.receiptNo.desc().nullsFirst()),
    index('incidents_department_idx').on(t.departmentId),
    // The ledger's other sorts, each in its usual direction with the tie-break (keyset paging reads an
    // index range): next report due soonest first (also the deadline job's range), title A→Z, detected
    // newest first, priority; next report and title in both directions (the ledger's headers toggle).
    index('incidents_next_report_idx').on(t.nextReportDueAt.asc().nullsLast(), t.receiptNo.desc().nullsFirst()),
    index('incidents_next_report_desc_idx').on(t.nextReportDueAt.desc().nullsLast(), t.receiptNo.desc().nullsFirst()),
    index('incidents_title_idx').on(t.title, t.receiptNo.desc().nullsFirst()),
    index('incidents_title_desc_idx').on(t.title.desc(), t.receiptNo.desc().nullsFirst()),
    index('incidents_detected_idx').on(t.detectedAt.desc().nullsLast(), t.receiptNo.desc().nullsFirst()),
    index('incidents_priority_idx').on(t.priority.asc().nullsLast(), t.receiptNo.desc().nullsFirst()),
    // The ledger's default order (newest first, receipt number as tie-break): pages without a sort.
    index('incidents_registered_idx').on(t.registeredAt.desc().nullsLast(), t.receiptNo.desc().nullsFirst()),
    index('incidents_grams_gin').using('gin', t.grams),
  ],
);

/** Affected configuration items of a trouble: the whole platform, hosts or VMs (by CMDB id). */
export const incidentCis = pgTable(
  'incident_cis',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id),
    ciType: text('ci_type', { enum: ['platform', 'host', 'vm'] }).notNull(),
    ciId: uuid('ci_id'),
    /** Name at registration, for display; recipients are always derived from the CMDB's current state. */
    name: text('name').notNull(),
  },
  (t) => [index('incident_cis_incident_idx').on(t.incidentId), index('incident_cis_ci_idx').on(t.ciType, t.ciId)],
);

/** Routing decisions of work requests (INC-3): who sent it where, and why. */
export const incidentRouting = pgTable(
  'incident_routing',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id),
    decision: text('decision').notNull(),
    ref: text('ref'),
    reason: text('reason'),
    decidedBy: uuid('decided_by'),
    decidedByLabel: text('decided_by_label').notNull(),
    at: ts('at').notNull(),
  },
  (t) => [index('incident_routing_incident_idx').on(t.incidentId, t.id)],
);

/** Reports made for a trouble (INC-7/8): 第一報・継続報・最終報, 復旧作業開始/完了連絡, by phone and/or mail. */
export const incidentReports = pgTable(
  'incident_reports',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id),
    kind: text('kind', { enum: REPORT_KINDS }).notNull(),
    channel: text('channel', { enum: REPORT_CHANNELS }).notNull(),
    at: ts('at').notNull(),
    byId: uuid('by_id'),
    byLabel: text('by_label').notNull(),
    /** The deadline this report answered, and whether it was met. */
    dueAt: ts('due_at'),
    late: boolean('late').notNull().default(false),
    mailId: uuid('mail_id'),
    recipients: jsonb('recipients').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  },
  (t) => [index('incident_reports_incident_idx').on(t.incidentId, t.id)],
);

/**
 * Incidents ↔ problems (INC-10, PRB-1). Owned here so the incident close gate can check it without
 * importing the problems module; problems write it through the incidents module's public surface.
 */
export const incidentProblems = pgTable(
  'incident_problems',
  {
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id),
    problemId: uuid('problem_id').notNull(),
    linkedAt: ts('linked_at').notNull(),
    linkedBy: text('linked_by').notNull(),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.problemId] }), index('incident_problems_problem_idx').on(t.problemId)],
);

/**
 * The manager's daily stocktake (INC-9, N §3.2.3.5) as recorded: what was found undispatched and
 * overdue, whether quality targets are at risk (then reported to the supervisor by mail), and the
 * corrective action decided.
 */
export const incidentStocktakes = pgTable('incident_stocktakes', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  at: ts('at').notNull(),
  byId: uuid('by_id'),
  byLabel: text('by_label').notNull(),
  /** Receipt numbers found undispatched / overdue at the time. */
  undispatched: jsonb('undispatched').$type<string[]>().notNull(),
  overdue: jsonb('overdue').$type<string[]>().notNull(),
  atRisk: boolean('at_risk').notNull().default(false),
  note: text('note'),
  correctiveAction: text('corrective_action'),
  mailId: uuid('mail_id'),
});
