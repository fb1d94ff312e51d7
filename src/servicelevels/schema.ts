import { sql } from 'drizzle-orm';
import { bigserial, doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * サービスレベル管理 (N §2.6, §3.1; SLM-3..5, SLM-8). Availability and the KPIs are computed from the
 * other ledgers at query time (nothing is copied); what this module stores is what no other ledger
 * knows: the judgement on single cases (an excluded 他責 response, a provisional response's outcome),
 * manual monthly figures, the quality targets with their history, the improvement problems opened,
 * and the versioned service menu.
 */
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const KPI_KEYS = [
  'availability_a',
  'availability_b',
  'consolidation',
  'resource_addition_on_time',
  'vm_provisioning_on_time',
  'monitoring_first_response',
  'provisional_response',
] as const;
export type KpiKey = (typeof KPI_KEYS)[number];

export const CASE_OUTCOMES = ['excluded', 'succeeded', 'failed'] as const;

/**
 * The team's judgement on one case of a KPI, with its reason: 他責 (連絡がつかない等) for a late first
 * response, a faulty owner procedure for a provisional response (both excluded), or a provisional
 * response's result. One row per (KPI, record); changed in place, every change audited.
 */
export const slCaseMarks = pgTable(
  'sl_case_marks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kpi: text('kpi', { enum: KPI_KEYS }).notNull(),
    recordType: text('record_type').notNull(),
    recordId: uuid('record_id').notNull(),
    outcome: text('outcome', { enum: CASE_OUTCOMES }).notNull(),
    reason: text('reason'),
    markedBy: uuid('marked_by'),
    markedByLabel: text('marked_by_label').notNull(),
    markedAt: ts('marked_at').notNull(),
  },
  (t) => [uniqueIndex('sl_case_marks_uq').on(t.kpi, t.recordId)],
);

/** A KPI entered by hand for a month (集約率 until the migration plan exists). */
export const slManualFigures = pgTable(
  'sl_manual_figures',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kpi: text('kpi', { enum: KPI_KEYS }).notNull(),
    /** YYYY-MM (JST). */
    month: text('month').notNull(),
    numerator: doublePrecision('numerator').notNull(),
    denominator: doublePrecision('denominator').notNull(),
    note: text('note'),
    enteredBy: uuid('entered_by'),
    enteredByLabel: text('entered_by_label').notNull(),
    enteredAt: ts('entered_at').notNull(),
  },
  (t) => [uniqueIndex('sl_manual_figures_uq').on(t.kpi, t.month)],
);

export const TARGET_KINDS = ['go_live', 'half_year_review', 'mid_year_change'] as const;

/**
 * 品質目標 (SLM-5, N §3.1.3.1): one row per setting of a KPI's target, moved by slTargetProcess. The
 * approved row with the latest effectiveFrom ≤ a month is that month's target; the rows are the history.
 */
export const slTargets = pgTable(
  'sl_targets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    refNo: text('ref_no').notNull(),
    kpi: text('kpi', { enum: KPI_KEYS }).notNull(),
    targetPercent: doublePrecision('target_percent').notNull(),
    /** First month (YYYY-MM, JST) the target applies to. */
    effectiveFrom: text('effective_from').notNull(),
    kind: text('kind', { enum: TARGET_KINDS }).notNull(),
    reason: text('reason'),
    state: text('state').notNull(),
    version: integer('version').notNull().default(1),
    requestedBy: uuid('requested_by'),
    requestedByLabel: text('requested_by_label').notNull(),
    requestedAt: ts('requested_at').notNull(),
    decidedBy: uuid('decided_by'),
    decidedAt: ts('decided_at'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [uniqueIndex('sl_targets_ref_uq').on(t.refNo), index('sl_targets_kpi_idx').on(t.kpi, t.effectiveFrom)],
);

/**
 * Improvement problems opened by the monthly job (N §3.1.3.4), one per (KPI, month): the unique key is
 * claimed before the problem is registered, so two servers or a restart open it once.
 */
export const slImprovements = pgTable(
  'sl_improvements',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kpi: text('kpi', { enum: KPI_KEYS }).notNull(),
    month: text('month').notNull(),
    /** 'below_target' | 'worsening'. */
    trigger: text('trigger').notNull(),
    valuePercent: doublePrecision('value_percent'),
    targetPercent: doublePrecision('target_percent'),
    problemId: uuid('problem_id'),
    claimedAt: ts('claimed_at').notNull(),
    error: text('error'),
  },
  (t) => [uniqueIndex('sl_improvements_uq').on(t.kpi, t.month)],
);

export interface MenuItem {
  code: string;
  name: string;
  description: string;
  /** Which system service levels the service is offered for, and how (e.g. A: 24時間365日). */
  levels: { A?: string; B?: string; C?: string };
}

/** サービスメニュー (SLM-8, N §2.5 / §3.1.4): one row per version, moved by slMenuProcess. */
export const slMenuVersions = pgTable(
  'sl_menu_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    versionNo: integer('version_no').notNull(),
    state: text('state').notNull(),
    version: integer('version').notNull().default(1),
    items: jsonb('items').$type<MenuItem[]>().notNull().default(sql`'[]'::jsonb`),
    reason: text('reason').notNull(),
    authorId: uuid('author_id'),
    authorLabel: text('author_label').notNull(),
    approvedBy: uuid('approved_by'),
    publishedAt: ts('published_at'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [uniqueIndex('sl_menu_versions_no_uq').on(t.versionNo)],
);
