import { and, eq, sql } from 'drizzle-orm';
import { type Actor, can } from '../iam/actor.ts';
import type { Role } from '../iam/roles.ts';
import { ConflictError } from '../kernel/errors.ts';
import { meetingReferences } from '../meetings/schema.ts';
import { defineProcess, type FireContext, fromStates, type ProcessRecord, type SideEffect, type Transition } from '../process/index.ts';
import { monthlyReports } from './schema.ts';

export type MonthlyReport = typeof monthlyReports.$inferSelect;

/** Who drafts, fills in and re-assembles them: the vendor's team. */
export const TEAM_ROLES: readonly Role[] = ['operator', 'vendor_manager', 'vendor_lead'];
/** Who may see reports: the `report.read` permission (the vendor's team and the supervisor; owners and the ICT centre not), as the web's menu asks. */
export const readsReports = (actor: Actor) => can(actor, 'report.read');
export const writesReports = (actor: Actor) => actor.kind === 'system' || actor.roles.some((r) => TEAM_ROLES.includes(r));

/** 議事録: the report must be on a 月次報告会 meeting (refKind 'monthly_report', refId the month). */
const requireMeeting: SideEffect<MonthlyReport, FireContext> = async (e) => {
  const [ref] = await e.tx
    .select({ id: meetingReferences.id })
    .from(meetingReferences)
    .where(and(eq(meetingReferences.refKind, 'monthly_report'), eq(meetingReferences.refId, e.record.month)));
  if (!ref) throw new ConflictError('report.no_meeting', { month: e.record.month });
};

/** A report (monthly or half-year) as its review steps see it. */
type ReportRecord = ProcessRecord & { snapshot: unknown };
const requireSnapshot: SideEffect<ReportRecord, FireContext> = async (e) => {
  if (!e.before.snapshot) throw new ConflictError('report.no_snapshot');
};

/**
 * The 報告 row of N 3.1.2.1's RACI, shared by the monthly and the half-year report: 作成 (担当者) → 提出 →
 * レビュー (管理者; 差し戻し with a reason) → 承認 (統括責任者) or 再報告を指示 (back to draft with the reason).
 * `doc` names the document in the submit label ('月次報告書').
 */
export function reportReviewTransitions<R extends ReportRecord>(doc: { ja: string; en: string }): Transition<string, string, R, FireContext>[] {
  return [
    {
      action: 'submit',
      label: { ja: `${doc.ja}の提出（レビュー依頼）`, en: 'Submit for review' },
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
  ];
}

/** Who must act next in `state`: the roles with ○ or ◎ on a step out of it (the inbox's rule). */
export function waitingFor(transitions: readonly { from: string | readonly string[]; raci: Partial<Record<Role, string>> }[], state: string): Role[] {
  const out = new Set<Role>();
  for (const tr of transitions)
    if (fromStates(tr).includes(state)) for (const [role, cell] of Object.entries(tr.raci)) if (cell === '○' || cell === '◎') out.add(role as Role);
  return [...out];
}

/**
 * 月次報告 (N §3.1.3.3, SLM-6), its RACI row of 3.1.2.1 (報告: 担当者 ○ 作成, 管理者 ○ レビュー, 統括責任者 ◎ 承認):
 *   月次報告書の作成 (担当者; the month-end job drafts it with the data) → レビュー (管理者; 差し戻し with a reason)
 *   → 承認 (統括責任者): 承認 / 再報告を指示 (back to draft with the reason) / 次月に持ち越し / 別途報告
 *   → 議事録 (the 月次報告会 meeting that references the report by refKind 'monthly_report', refId YYYY-MM).
 * The person who submitted the draft never approves it (the kernel's self-approval rule).
 */
export const monthlyReportProcess = defineProcess<string, string, MonthlyReport, FireContext>({
  name: 'monthly_report',
  recordType: 'monthly_report',
  table: monthlyReports,
  states: {
    draft: { ja: '作成中', en: 'Drafting' },
    review: { ja: 'レビュー待ち', en: 'Awaiting review' },
    approval: { ja: '承認待ち', en: 'Awaiting approval' },
    approved: { ja: '承認済（報告会へ）', en: 'Approved (to the meeting)' },
    carried_over: { ja: '次月に持ち越し', en: 'Carried over to next month' },
    separate: { ja: '別途報告', en: 'Reported separately' },
    minuted: { ja: '議事録記録済', en: 'Minuted' },
  },
  initial: 'draft',
  final: ['minuted', 'carried_over', 'separate'],
  pathOf: () => ['draft', 'review', 'approval', 'approved', 'minuted'],
  fields: { reason: { kind: 'textarea', label: { ja: '理由', en: 'Reason' }, max: 4000 } },
  events: {
    draft: { ja: '月次報告書の作成（集計）', en: 'Drafted (data assembled)' },
    resnapshot: { ja: '再集計', en: 'Re-assembled' },
    edit: { ja: '記入', en: 'Edited' },
  },
  work: {
    module: { ja: '月次報告', en: 'Monthly report' },
    // report.read: everyone who acts on a report holds it (the supervisor approves but does not manage
    // service levels); which step is whose comes from the RACI cells.
    permission: 'report.read',
    ref: monthlyReports.month,
    title: sql`${monthlyReports.month} || ' 月次報告書'`,
    path: (id) => `/reports/monthly/${id}`,
    scope: () => undefined,
  },
  requesterOf: (r) => r.submittedBy,
  transitions: [
    ...reportReviewTransitions<MonthlyReport>({ ja: '月次報告書', en: 'Monthly report' }),
    {
      action: 'carry_over',
      label: { ja: '次月に持ち越し', en: 'Carry over to next month' },
      from: 'approval',
      to: 'carried_over',
      raci: { supervisor: '◎' },
      requires: ['reason'],
      set: (i) => ({ reason: String(i.reason) }),
    },
    {
      action: 'separate',
      label: { ja: '別途報告', en: 'Report separately' },
      from: 'approval',
      to: 'separate',
      raci: { supervisor: '◎' },
      requires: ['reason'],
      set: (i) => ({ reason: String(i.reason) }),
    },
    {
      action: 'minutes',
      label: { ja: '議事録の記録（月次報告会）', en: 'Minutes recorded' },
      from: 'approved',
      to: 'minuted',
      raci: { vendor_manager: '○', vendor_lead: '△' },
      optional: ['comment'],
      effects: [requireMeeting],
    },
  ],
});
