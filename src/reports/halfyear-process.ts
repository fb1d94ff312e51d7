import { sql } from 'drizzle-orm';
import { ConflictError } from '../kernel/errors.ts';
import { defineProcess, type FireContext, type SideEffect } from '../process/index.ts';
import { halfYearReports } from './halfyear-schema.ts';
import { readsReports } from './process.ts';

export type HalfYearReport = typeof halfYearReports.$inferSelect;

const requireSnapshot: SideEffect<HalfYearReport, FireContext> = async (e) => {
  if (!e.before.snapshot) throw new ConflictError('report.no_snapshot');
};

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
    // As the monthly report: servicelevel.read, so the supervisor (who approves) sees it waiting.
    permission: 'servicelevel.read',
    ref: halfYearReports.half,
    title: sql`${halfYearReports.half} || ' 半期報告書'`,
    path: (id) => `/reports/halfyear/${id}`,
    scope: (actor) => (readsReports(actor) ? undefined : sql`false`),
  },
  requesterOf: (r) => r.submittedBy,
  transitions: [
    {
      action: 'submit',
      label: { ja: '半期報告書の提出（レビュー依頼）', en: 'Submit for review' },
      from: 'draft',
      to: 'review',
      raci: { operator: '○', vendor_manager: '△' },
      optional: ['comment'],
      effects: [requireSnapshot],
      set: (_i, ctx) => ({ submittedBy: ctx.actor.personId, submittedByLabel: ctx.actor.label, reason: null }),
    },
    {
      action: 'review',
      label: { ja: 'レビュー完了（承認依頼）', en: 'Reviewed' },
      from: 'review',
      to: 'approval',
      raci: { vendor_manager: '○', vendor_lead: '△' },
      optional: ['comment'],
    },
    {
      action: 'return',
      label: { ja: '差し戻し', en: 'Return' },
      from: 'review',
      to: 'draft',
      raci: { vendor_manager: '○', vendor_lead: '△' },
      requires: ['reason'],
      set: (i) => ({ reason: String(i.reason) }),
    },
    {
      action: 'approve',
      label: { ja: '承認', en: 'Approve' },
      from: 'approval',
      to: 'approved',
      raci: { supervisor: '◎' },
      optional: ['comment'],
      set: (_i, ctx) => ({ approvedBy: ctx.actor.personId, approvedAt: ctx.clock.now() }),
    },
    {
      action: 'rereport',
      label: { ja: '再報告を指示', en: 'Order a re-report' },
      from: 'approval',
      to: 'draft',
      raci: { supervisor: '◎' },
      requires: ['reason'],
      set: (i) => ({ reason: String(i.reason) }),
    },
  ],
});
