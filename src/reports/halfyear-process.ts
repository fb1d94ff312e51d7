import { sql } from 'drizzle-orm';
import { defineProcess, type FireContext } from '../process/index.ts';
import { halfYearReports } from './halfyear-schema.ts';
import { reportReviewTransitions } from './process.ts';

export type HalfYearReport = typeof halfYearReports.$inferSelect;

/**
 * 半期報告 (N §3.1.3.3 半期報告会, SLM-7), the 報告 row of N 3.1.2.1's RACI as the monthly report:
 *   半期報告書の作成 (担当者) → レビュー (管理者; 差し戻し with a reason) → 承認 (統括責任者; or 再報告を指示,
 *   back to draft with the reason). The person who submitted the draft never approves it (the kernel's
 *   self-approval rule).
 */
export const halfYearReportProcess = defineProcess<string, string, HalfYearReport, FireContext>({
  name: 'halfyear_report',
  recordType: 'halfyear_report',
  table: halfYearReports,
  states: {
    draft: { ja: '作成中', en: 'Drafting' },
    review: { ja: 'レビュー待ち', en: 'Awaiting review' },
    approval: { ja: '承認待ち', en: 'Awaiting approval' },
    approved: { ja: '承認済（半期報告会へ）', en: 'Approved (to the half-year meeting)' },
  },
  initial: 'draft',
  final: ['approved'],
  pathOf: () => ['draft', 'review', 'approval', 'approved'],
  fields: { reason: { kind: 'textarea', label: { ja: '理由', en: 'Reason' }, max: 4000 } },
  events: {
    draft: { ja: '半期報告書の作成（集計）', en: 'Drafted (data assembled)' },
    resnapshot: { ja: '再集計', en: 'Re-assembled' },
    edit: { ja: '記入', en: 'Edited' },
  },
  work: {
    module: { ja: '半期報告', en: 'Half-year report' },
    // As the monthly report: report.read, so the supervisor (who approves) sees it waiting.
    permission: 'report.read',
    ref: halfYearReports.half,
    title: sql`${halfYearReports.half} || ' 半期報告書'`,
    path: (id) => `/reports/halfyear/${id}`,
    scope: () => undefined,
  },
  requesterOf: (r) => r.submittedBy,
  transitions: reportReviewTransitions<HalfYearReport>({ ja: '半期報告書', en: 'Half-year report' }),
});
