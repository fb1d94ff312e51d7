import { sql } from 'drizzle-orm';
import type { BusinessCalendar } from '../calendar/index.ts';
import { defineProcess, type FireContext } from '../process/index.ts';
import './release-messages.ts';
import { emergencyNotice, endChain, startChain, suppressOnApproval, withdrawOnCancel } from './release-effects.ts';
import { changes, releases } from './schema.ts';
import { changeScope } from './scope.ts';

export type Release = typeof releases.$inferSelect;

/** What the release steps need besides the actor and the clock (mails, lead time). */
export interface ReleaseContext extends FireContext {
  platformName: string;
  calendar: BusinessCalendar;
  /** Business days before the maintenance day by which the supervisor approves (config). */
  approvalLeadBusinessDays: number;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/** The release states H1's change process relies on by name (shared contract of issue 10). */
export const RELEASE_FINAL_STATES = ['completed', 'rolled_back', 'cancelled'] as const;
/** States in which the work has begun (a release there cannot simply be cancelled). */
export const RELEASE_RUNNING_STATES = ['in_progress', 'anomaly', 'rolling_back'] as const;
/** States before the work begins: cancelling the change cancels these. */
export const RELEASE_UNSTARTED_STATES = ['planning', 'plan_review', 'plan_approval', 'approved'] as const;

/**
 * リリース作業 (N §3.4.2.2, the second chart), its RACI row (3.4.2.1) as Kiban enforces it:
 *
 *   作業内容                  担当者  管理者  責任者  統括責任者
 *   変更・リリース作業          ○       △       △        ◎
 *
 * and the chart's lanes:
 *
 *   step                                    担当者  管理者  統括責任者    state
 *   リリース計画作成・報告 (submit_plan)      ○       △                  作成中 → 管理者レビュー待ち
 *   内容は適切か: 否 (return_plan, reason)            ○                  → 作成中
 *   内容は適切か: 適 (review_plan)                    ○                  → 統括責任者承認待ち
 *   計画内容を承認 (approve_plan)                     △        ◎         → 承認済・リリース準備 (抑止の承認)
 *   リリース計画の見直しを指示 (revise_plan)                    ◎         → 作成中 (reason)
 *   リリース作業開始連絡 (start)              ○                          → リリース作業中 (開始連絡)
 *   正常終了 (complete)                       ○                          → 正常完了 (終了連絡)
 *   発生事象報告 (report_anomaly)             ○                          → 異常発生・調査中
 *   調査指示・異常発生報告 (report_investigation)     ○                  (stays; the report is recorded)
 *   切戻し指示 (order_rollback, reason)               △        ◎         → 切戻し実施中
 *   業務影響無・切戻し不要 (continue_work)            △        ◎         → リリース作業中
 *   切戻し実施 (complete_rollback)            ○                          → 切戻し完了 (終了連絡)
 *   中止 (cancel, reason)                     ○       ○        ○         → 中止 (before the work starts)
 *
 * Every "no" needs a reason. Nobody approves a plan they prepared (the kernel refuses). The chain
 * (suppression, mails) hangs on these steps in release-chain.ts / release-service.ts.
 */
export const releaseProcess = defineProcess<string, string, Release, ReleaseContext>({
  name: 'release',
  recordType: 'release',
  table: releases,
  states: {
    planning: { ja: '作成中', en: 'Planning' },
    plan_review: { ja: '管理者レビュー待ち', en: 'Awaiting the manager’s review' },
    plan_approval: { ja: '統括責任者承認待ち', en: 'Awaiting the supervisor’s approval' },
    approved: { ja: '承認済・リリース準備', en: 'Approved (preparing)' },
    in_progress: { ja: 'リリース作業中', en: 'Release in progress' },
    anomaly: { ja: '異常発生・調査中', en: 'Anomaly (investigating)' },
    rolling_back: { ja: '切戻し実施中', en: 'Rolling back' },
    completed: { ja: '正常完了', en: 'Completed' },
    rolled_back: { ja: '切戻し完了', en: 'Rolled back' },
    cancelled: { ja: '中止', en: 'Cancelled' },
  },
  initial: 'planning',
  final: RELEASE_FINAL_STATES,
  pathOf: (r) =>
    r.state === 'anomaly' || r.state === 'rolling_back' || r.state === 'rolled_back'
      ? ['planning', 'plan_review', 'plan_approval', 'approved', 'in_progress', 'anomaly', 'rolling_back', 'rolled_back']
      : ['planning', 'plan_review', 'plan_approval', 'approved', 'in_progress', 'completed'],
  events: {
    create: { ja: 'リリース計画作成', en: 'Plan created' },
    edit: { ja: 'リリース計画の修正', en: 'Plan edited' },
    evidence: { ja: '作業証跡の登録', en: 'Evidence added' },
    overrun: { ja: '作業終了予定の超過', en: 'Past the planned end' },
    overrun_ceiling: { ja: '抑止の上限到達（監視再開）', en: 'Suppression ceiling reached (monitoring resumed)' },
  },
  fields: {
    anomalyReport: { kind: 'textarea', label: { ja: '発生事象', en: 'What happened' }, max: 10_000 },
    investigation: { kind: 'textarea', label: { ja: '調査結果・異常発生報告', en: 'Investigation report' }, max: 10_000 },
    completionNote: { kind: 'textarea', label: { ja: '作業結果', en: 'Result' }, max: 10_000 },
  },
  work: {
    module: { ja: 'リリース', en: 'Release' },
    permission: 'change.read',
    ref: releases.releaseNo,
    title: sql`(SELECT ${changes.title} FROM ${changes} WHERE ${changes.id} = ${releases.changeId})`,
    // Before the work: its planned start; while it runs: its planned end (an overrun shows as overdue).
    due: sql`CASE WHEN ${releases.state} IN ('in_progress', 'anomaly', 'rolling_back') THEN ${releases.plannedEnd} ELSE ${releases.plannedStart} END`,
    // The inbox knows only the id: the web route resolves the change and redirects.
    path: (id) => `/changes/releases/${id}`,
    scope: (actor) => {
      const s = changeScope(actor);
      return s ? sql`EXISTS (SELECT 1 FROM ${changes} WHERE ${changes.id} = ${releases.changeId} AND ${s})` : undefined;
    },
  },
  requesterOf: (r) => r.preparedBy,
  transitions: [
    {
      action: 'submit_plan',
      label: { ja: 'リリース計画報告', en: 'Submit the plan' },
      optional: ['comment'],
      from: 'planning',
      to: 'plan_review',
      raci: { operator: '○', vendor_manager: '△' },
      set: (_i, ctx) => ({ submittedAt: ctx.clock.now() }),
    },
    {
      action: 'return_plan',
      label: { ja: 'リリース計画の差し戻し（内容が適切でない）', en: 'Return the plan' },
      from: 'plan_review',
      to: 'planning',
      raci: { vendor_manager: '○' },
      requires: ['reason'],
    },
    {
      action: 'review_plan',
      label: { ja: 'リリース計画のレビュー（内容は適切）', en: 'Plan reviewed' },
      optional: ['comment'],
      from: 'plan_review',
      to: 'plan_approval',
      raci: { vendor_manager: '○', vendor_lead: '△' },
      set: (_i, ctx) => ({ reviewedBy: ctx.actor.personId, reviewedAt: ctx.clock.now() }),
    },
    {
      action: 'approve_plan',
      label: { ja: '計画内容を承認', en: 'Approve the plan' },
      optional: ['comment'],
      from: 'plan_approval',
      to: 'approved',
      raci: { vendor_manager: '△', supervisor: '◎' },
      set: (_i, ctx) => ({ approvedBy: ctx.actor.personId, approvedAt: ctx.clock.now() }),
      effects: [suppressOnApproval, emergencyNotice],
    },
    {
      action: 'revise_plan',
      label: { ja: 'リリース計画の見直しを指示', en: 'Ask to revise the plan' },
      from: 'plan_approval',
      to: 'planning',
      raci: { supervisor: '◎' },
      requires: ['reason'],
    },
    {
      action: 'start',
      label: { ja: 'リリース作業開始（開始連絡）', en: 'Start (start mail)' },
      optional: ['comment'],
      from: 'approved',
      to: 'in_progress',
      raci: { operator: '○', vendor_manager: '△' },
      set: (_i, ctx) => ({ actualStart: ctx.clock.now() }),
      effects: [startChain],
    },
    {
      action: 'complete',
      label: { ja: '正常終了（終了連絡）', en: 'Completed (end mail)' },
      optional: ['completionNote', 'comment'],
      from: 'in_progress',
      to: 'completed',
      raci: { operator: '○', vendor_manager: '△' },
      set: (i, ctx) => ({ actualEnd: ctx.clock.now(), completionNote: text(i.completionNote) }),
      effects: [endChain],
    },
    {
      action: 'report_anomaly',
      label: { ja: '発生事象報告（異常発生）', en: 'Report an anomaly' },
      from: 'in_progress',
      to: 'anomaly',
      raci: { operator: '○', vendor_manager: '△' },
      requires: ['anomalyReport'],
      set: (i) => ({ anomalyReport: text(i.anomalyReport) }),
    },
    {
      action: 'report_investigation',
      label: { ja: '調査指示・異常発生報告', en: 'Report the investigation' },
      from: 'anomaly',
      to: 'anomaly',
      raci: { vendor_manager: '○', vendor_lead: '△' },
      requires: ['investigation'],
      set: (i) => ({ investigation: text(i.investigation) }),
    },
    {
      action: 'order_rollback',
      label: { ja: '切戻し指示（業務影響有）', en: 'Order a rollback' },
      from: 'anomaly',
      to: 'rolling_back',
      raci: { vendor_manager: '△', supervisor: '◎' },
      requires: ['reason'],
      set: (i) => ({ rollbackReason: text(i.reason) }),
    },
    {
      action: 'continue_work',
      label: { ja: '業務影響無（切戻し不要・作業継続）', en: 'No business impact (continue)' },
      from: 'anomaly',
      to: 'in_progress',
      raci: { vendor_manager: '△', supervisor: '◎' },
      requires: ['reason'],
    },
    {
      action: 'complete_rollback',
      label: { ja: '切戻し実施完了（終了連絡）', en: 'Rollback done (end mail)' },
      optional: ['completionNote', 'comment'],
      from: 'rolling_back',
      to: 'rolled_back',
      raci: { operator: '○', vendor_manager: '△' },
      set: (i, ctx) => ({ actualEnd: ctx.clock.now(), result: 'rolled_back', completionNote: text(i.completionNote) }),
      effects: [endChain],
    },
    {
      action: 'cancel',
      label: { ja: 'リリースの中止', en: 'Cancel the release' },
      from: RELEASE_UNSTARTED_STATES,
      to: 'cancelled',
      raci: { operator: '○', vendor_manager: '○', supervisor: '○' },
      requires: ['reason'],
      effects: [withdrawOnCancel],
    },
  ],
});
