import { sql } from 'drizzle-orm';
import { integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { HalfYearData } from './halfyear-data.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** What the team writes into the half-year report (N §3.1.3.3 半期報告会: the parts Kiban has no ledger for). */
export interface HalfYearTexts {
  summary: string;
  /** Per KPI: the comment on the half's results (cause and countermeasure where unmet). */
  kpiNotes: Record<string, string>;
  /** 次期間の品質目標案: per KPI the proposed percent (null: unchanged) and why. */
  nextTargets: Record<string, { percent: number | null; note: string }>;
  /** サービス対象の報告: a needed change of scope or service range. */
  scopeNote: string;
  /** 本年度の移行・受入実績 and 次年度の移行・受入計画 (manual until the migration module exists). */
  migrationResults: string;
  migrationPlan: string;
  /** リソース使用予測: the team's comment on the forecast. */
  forecastNote: string;
  /** 稼働計画: IT plans of next fiscal year. */
  itPlans: string;
}

export const EMPTY_HALFYEAR_TEXTS: HalfYearTexts = {
  summary: '',
  kpiNotes: {},
  nextTargets: {},
  scopeNote: '',
  migrationResults: '',
  migrationPlan: '',
  forecastNote: '',
  itPlans: '',
};

/**
 * 半期報告書 (N §3.1.3.3, SLM-7): one row per half of the Japanese fiscal year ('2026-H1' = 2026-04..09,
 * '2026-H2' = 2026-10..2027-03), moved by halfYearReportProcess. `snapshot` is the data as assembled
 * when drafted (or 再集計 while in draft); the unique half makes drafting idempotent.
 */
export const halfYearReports = pgTable(
  'halfyear_reports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    half: text('half').notNull(),
    state: text('state').notNull(),
    version: integer('version').notNull().default(1),
    snapshot: jsonb('snapshot').$type<HalfYearData>(),
    snapshotAt: ts('snapshot_at'),
    texts: jsonb('texts').$type<HalfYearTexts>().notNull().default(sql`'{}'::jsonb`),
    createdByLabel: text('created_by_label').notNull(),
    submittedBy: uuid('submitted_by'),
    submittedByLabel: text('submitted_by_label'),
    approvedBy: uuid('approved_by'),
    approvedAt: ts('approved_at'),
    reason: text('reason'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [uniqueIndex('halfyear_reports_half_uq').on(t.half)],
);
