import { defineProcess, type FireContext } from '../process/index.ts';
import { IMPACT_CRITERIA_OPTIONS } from '../problems/process.ts';
import { CHECKLIST_EVENTS, generateChangeTasks } from './checklists.ts';
import { changes } from './schema.ts';
import { changeScope } from './scope.ts';
import { cancelReleases, closeProblemWithChange, requireFinishedReleases, requireTasksDone } from './guards.ts';

export type Change = typeof changes.$inferSelect;

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/**
 * 変更管理 (N §3.4), its RACI table (3.4.2.1) as Kiban enforces it:
 *
 *   作業内容                  担当者  管理者  責任者  統括責任者  ICTｾﾝﾀｰ管理者  システム所管
 *   変更・リリース作業          ○       △       △        ◎            -              -
 *   ESXi のスケールアップ・アウト ○       △       △        ◎            -              -
 *   予防保守                    ○       △       △        ◎            -              -
 *   報告                        -       ○       △        ◎            -              -
 *
 * (担当者 operator, 管理者 vendor_manager, 責任者 vendor_lead, 統括責任者 supervisor) and the <変更作業>
 * chart (3.4.2.2):
 *   受付・登録 (担当者) → 優先度・納期の確認・報告 (管理者) → 優先度・納期の承認 = 変更の準備指示 (統括責任者)
 *   → 変更手法・手順の調査, 変更スケジュール・方針・手順の作成 (担当者) → レビュー (管理者; 問題があれば差し戻し)
 *   → 変更方針の検討 (統括責任者): 実施する → リリース作業 (release process) / 実施しない → 変更中止 /
 *     再検討を指示 → 調査へ戻る — each "no" with its reason
 *   → リリース完了報告 (担当者) → 確認 (管理者) → 変更完了を承認・クローズ指示 (統括責任者; 再検討が必要なら
 *     再検討を指示) → 変更管理台帳 完了登録, 問題管理を合わせてクローズ.
 * The supervisor may stop a change (変更中止) from any open state, with a reason.
 */
const OPEN_STATES = ['registered', 'priority_review', 'preparing', 'plan_review', 'policy_review', 'implementing', 'completion_review', 'close_review'] as const;

/** The High-priority criteria of a change (N §3.4.3.2): any one → 優先度『高』. */
export const CHANGE_CRITERIA_OPTIONS = [
  { value: 'problemHigh', label: { ja: '問題管理で優先度『高』と登録された問題である', en: 'A problem registered with High priority' } },
  ...IMPACT_CRITERIA_OPTIONS,
] as const;

export const changeProcess = defineProcess<string, string, Change, FireContext>({
  name: 'change',
  recordType: 'change',
  table: changes,
  states: {
    registered: { ja: '受付・登録済', en: 'Registered' },
    priority_review: { ja: '優先度・納期 承認待ち', en: 'Priority awaiting approval' },
    preparing: { ja: '変更手法・手順の調査・作成中', en: 'Preparing the method and procedure' },
    plan_review: { ja: 'スケジュール・方針・手順 レビュー待ち', en: 'Plan awaiting review' },
    policy_review: { ja: '変更方針の検討中', en: 'Policy under review' },
    implementing: { ja: '変更実施中（リリース）', en: 'Implementing (release)' },
    completion_review: { ja: 'リリース完了報告 確認待ち', en: 'Completion report awaiting check' },
    close_review: { ja: '変更完了 承認待ち', en: 'Awaiting close approval' },
    closed: { ja: 'クローズ', en: 'Closed' },
    not_implemented: { ja: '実施しない（クローズ）', en: 'Not implemented (closed)' },
    cancelled: { ja: '変更中止', en: 'Cancelled' },
  },
  initial: 'registered',
  final: ['closed', 'not_implemented', 'cancelled'],
  pathOf: () => ['registered', 'priority_review', 'preparing', 'plan_review', 'policy_review', 'implementing', 'completion_review', 'close_review', 'closed'],
  fields: {
    criteria: {
      kind: 'checks',
      label: { ja: '優先度『高』の基準', en: 'High-priority criteria' },
      hint: { ja: 'いずれかに該当すれば優先度『高』', en: 'High if any applies' },
      options: CHANGE_CRITERIA_OPTIONS,
    },
    dueAt: { kind: 'datetime', label: { ja: '納期（リリース予定）', en: 'Due (planned release)' } },
    implementation: { kind: 'textarea', label: { ja: '変更スケジュール・方針・手順', en: 'Schedule, policy and procedure' }, max: 10_000 },
    completionReport: { kind: 'textarea', label: { ja: 'リリース完了報告', en: 'Completion report' }, max: 10_000 },
  },
  events: {
    register: { ja: '受付・登録', en: 'Registered' },
    // written by the document register when a procedure document is attached (src/documents/attach.ts)
    attach_document: { ja: '手順書・関連ドキュメントの添付', en: 'Document attached' },
    detach_document: { ja: '手順書・関連ドキュメントの添付解除', en: 'Document detached' },
    ...CHECKLIST_EVENTS, // checklist items done / waived, coverage added, service level applied
  },
  work: {
    module: { ja: '変更', en: 'Change' },
    permission: 'change.read',
    ref: changes.receiptNo,
    title: changes.title,
    due: changes.dueAt,
    path: (id) => `/changes/${id}`,
    scope: changeScope,
  },
  requesterOf: (r) => r.registeredBy,
  transitions: [
    {
      action: 'report_priority',
      label: { ja: '優先度・納期の確認・報告', en: 'Report priority and due date' },
      optional: ['comment'],
      from: 'registered',
      to: 'priority_review',
      raci: { operator: '△', vendor_manager: '○', vendor_lead: '△' },
      requires: ['criteria', 'dueAt'],
      set: (i) => {
        const c = i.criteria as Change['criteria'];
        const high = !!c && (c.problemHigh || c.citizensOrManyDepartments || c.financialOrReputation);
        return { criteria: c, priority: high ? 'high' : 'low', dueAt: new Date(String(i.dueAt)) };
      },
    },
    {
      action: 'approve_priority',
      label: { ja: '優先度・納期の承認（変更の準備指示）', en: 'Approve priority and due date' },
      optional: ['comment'],
      from: 'priority_review',
      to: 'preparing',
      raci: { vendor_manager: '△', vendor_lead: '△', supervisor: '◎' },
      set: (_i, ctx) => ({ priorityAgreedBy: ctx.actor.personId, priorityAgreedAt: ctx.clock.now() }),
      effects: [generateChangeTasks], // the checklist: N §3.4.3.4's items, or PM coverage and BAK-4's backups (checklists.ts)
    },
    {
      action: 'revise_priority',
      label: { ja: '優先度・納期の見直し指示', en: 'Ask to revise priority' },
      from: 'priority_review',
      to: 'registered',
      raci: { supervisor: '◎' },
      requires: ['reason'],
    },
    {
      action: 'submit_plan',
      label: { ja: '変更スケジュール・方針・手順の提出', en: 'Submit the plan' },
      optional: ['comment'],
      from: 'preparing',
      to: 'plan_review',
      raci: { operator: '○', vendor_manager: '△', vendor_lead: '△' },
      requires: ['implementation'],
      set: (i) => ({ implementation: text(i.implementation) }),
    },
    {
      action: 'review_plan',
      label: { ja: 'レビュー結果の報告（変更スケジュール・方針の報告）', en: 'Plan reviewed and reported' },
      optional: ['comment'],
      from: 'plan_review',
      to: 'policy_review',
      raci: { vendor_manager: '○', vendor_lead: '△' },
    },
    {
      action: 'return_plan',
      label: { ja: 'レビュー差し戻し（スケジュールに問題あり）', en: 'Return the plan' },
      from: 'plan_review',
      to: 'preparing',
      raci: { vendor_manager: '○', vendor_lead: '△' },
      requires: ['reason'],
    },
    {
      action: 'implement',
      label: { ja: '変更方針を実施する（作業承認）', en: 'Implement (approve the work)' },
      optional: ['comment'],
      from: 'policy_review',
      to: 'implementing',
      raci: { vendor_manager: '△', vendor_lead: '△', supervisor: '◎' },
      set: (i, ctx) => ({ policyDecision: 'implement', policyReason: text(i.comment), policyDecidedBy: ctx.actor.personId, policyDecidedAt: ctx.clock.now() }),
    },
    {
      action: 'do_not_implement',
      label: { ja: '変更方針を実施しない（変更中止の指示）', en: 'Do not implement (stop the change)' },
      from: 'policy_review',
      to: 'not_implemented',
      raci: { supervisor: '◎' },
      requires: ['reason'],
      set: (i, ctx) => ({ policyDecision: 'do_not_implement', policyReason: text(i.reason), policyDecidedBy: ctx.actor.personId, policyDecidedAt: ctx.clock.now(), closedAt: ctx.clock.now() }),
      effects: [cancelReleases],
    },
    {
      action: 're_examine',
      label: { ja: '再検討を指示', en: 'Re-examine' },
      from: 'policy_review',
      to: 'preparing',
      raci: { supervisor: '◎' },
      requires: ['reason'],
      set: (i, ctx) => ({ policyDecision: 're_examine', policyReason: text(i.reason), policyDecidedBy: ctx.actor.personId, policyDecidedAt: ctx.clock.now() }),
    },
    {
      action: 'report_completion',
      label: { ja: 'リリース完了報告', en: 'Report completion' },
      optional: ['comment'],
      from: 'implementing',
      to: 'completion_review',
      raci: { operator: '○', vendor_manager: '△', vendor_lead: '△' },
      requires: ['completionReport'],
      set: (i, ctx) => ({ completionReport: text(i.completionReport), completedAt: ctx.clock.now() }),
      effects: [requireFinishedReleases],
    },
    {
      action: 'check_completion',
      label: { ja: 'リリース完了報告の確認（統括責任者へ報告）', en: 'Check the completion report' },
      optional: ['comment'],
      from: 'completion_review',
      to: 'close_review',
      raci: { vendor_manager: '○', vendor_lead: '△' },
    },
    {
      action: 'approve_close',
      label: { ja: '変更完了を承認（クローズ指示）', en: 'Approve completion and close' },
      optional: ['comment'],
      from: 'close_review',
      to: 'closed',
      raci: { vendor_manager: '△', vendor_lead: '△', supervisor: '◎' },
      set: (_i, ctx) => ({ closedAt: ctx.clock.now() }),
      effects: [requireTasksDone, closeProblemWithChange],
    },
    {
      action: 'reject_close',
      label: { ja: '再検討を指示（変更完了を承認しない）', en: 'Not complete: re-examine' },
      from: 'close_review',
      to: 'preparing',
      raci: { supervisor: '◎' },
      requires: ['reason'],
    },
    {
      action: 'cancel',
      label: { ja: '変更中止', en: 'Cancel the change' },
      from: OPEN_STATES,
      to: 'cancelled',
      raci: { supervisor: '◎' },
      requires: ['reason'],
      set: (i, ctx) => ({ policyDecision: 'cancel', policyReason: text(i.reason), policyDecidedBy: ctx.actor.personId, policyDecidedAt: ctx.clock.now(), closedAt: ctx.clock.now() }),
      effects: [cancelReleases],
    },
  ],
});
