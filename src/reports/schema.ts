import { sql } from 'drizzle-orm';
import { integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { ReportData } from './data.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** The text fields the operator fills: per unmet KPI its cause and countermeasure, and free notes. */
export interface ReportTexts {
  kpis: Record<string, { cause: string; countermeasure: string }>;
  summary: string;
  fixInfo: string;
}

/**
 * 月次報告書 (N §3.1.3.3, SLM-6): one row per JST month, moved by monthlyReportProcess. `snapshot` is the
 * data as assembled when drafted (or 再集計 while in draft), so later edits to the ledgers do not change
 * a report under review or approved. The month-end job claims the month by inserting the row (unique
 * month) before assembling; a failed assembly leaves `snapshot` null with `error`, retried later.
 */
export const monthlyReports = pgTable(
  'monthly_reports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    month: text('month').notNull(),
    state: text('state').notNull(),
    version: integer('version').notNull().default(1),
    snapshot: jsonb('snapshot').$type<ReportData>(),
    snapshotAt: ts('snapshot_at'),
    texts: jsonb('texts').$type<ReportTexts>().notNull().default(sql`'{"kpis":{},"summary":"","fixInfo":""}'::jsonb`),
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    claimedAt: ts('claimed_at').notNull(),
    createdByLabel: text('created_by_label').notNull(),
    submittedBy: uuid('submitted_by'),
    submittedByLabel: text('submitted_by_label'),
    approvedBy: uuid('approved_by'),
    approvedAt: ts('approved_at'),
    reason: text('reason'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [uniqueIndex('monthly_reports_month_uq').on(t.month)],
);
