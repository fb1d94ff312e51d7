import { defineProcess, type FireContext, type SideEffect } from '../process/index.ts';
import { problemDecisions, problems } from './schema.ts';
import { problemScope } from './scope.ts';

export type Problem = typeof problems.$inferSelect;

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/** PRB-3: every decision of the flow is kept with its answer and, for each "no", its reason. */
const decision =
  (question: string, answer: boolean): SideEffect<Problem, FireContext> =>
  async (e) => {
    await e.tx.insert(problemDecisions).values({
      problemId: e.record.id,
      question,
      answer,
      reason: text(e.input.reason) ?? text(e.input.comment),
      decidedBy: e.ctx.actor.personId,
      decidedByLabel: e.ctx.actor.label,
      at: e.ctx.clock.now(),
    });
  };

/**
 * The two High-priority criteria problems (N §3.3) and changes (N §3.4.3.2) share, one definition:
 * 県民、県庁全体または多数の部門に影響 / 財務上の損失、社会的評判に影響 (if not done or delayed).
 */
export const IMPACT_CRITERIA_OPTIONS = [
  { value: 'citizensOrManyDepartments', label: { ja: '県民、県庁全体または多数の部門に影響を及ぼす可能性がある', en: 'May affect citizens, the whole prefecture or many departments' } },
  { value: 'financialOrReputation', label: { ja: '財務上の損失、社会的評判に影響を及ぼす可能性がある', en: 'May cause financial loss or harm reputation' } },
] as const;

/**
 * 問題管理 (N §3.3), its RACI table (3.3.2.1) as Kiban enforces it:
 *
 *   作業内容                  担当者  管理者  責任者  統括責任者
 *   受付・登録                  ○       -       -        -
 *   原因調査・対処方針の検討    ○       △       △        ◎
 *   恒久対処の検討              ○       △       △        ◎
 *   予防保守情報の収集          ○       △       △        ◎
 *   進捗管理                    ○       △       -        -
 *
 * and the flow chart (3.3.2.2): priority and 納期 proposed by the manager and agreed by the supervisor;
 * investigate → report → 継続して恒久対処を検討するか → study → 恒久対処を実施するか → via 変更・リリース
 * 管理 → 問題解決を承認するか → close. Every "no" requires a reason (evidence).
 */
export const problemProcess = defineProcess<string, string, Problem, FireContext>({
  name: 'problem',
  recordType: 'problem',
  table: problems,
  states: {
    registered: { ja: '受付・登録済', en: 'Registered' },
    priority_review: { ja: '優先度 承認待ち', en: 'Priority awaiting agreement' },
    investigating: { ja: '原因調査・対処方針の検討中', en: 'Investigating' },
    investigation_reported: { ja: '調査結果報告済（継続判断待ち）', en: 'Investigation reported' },
    studying: { ja: '恒久対処の検討中', en: 'Studying a permanent fix' },
    study_reported: { ja: '恒久対処検討結果報告済（実施判断待ち）', en: 'Permanent fix proposed' },
    implementing: { ja: '恒久対処実施中（変更・リリース管理）', en: 'Implementing (via change)' },
    resolution_review: { ja: '解決確認待ち', en: 'Awaiting resolution approval' },
    closed: { ja: 'クローズ', en: 'Closed' },
  },
  initial: 'registered',
  fields: {
    criteria: {
      kind: 'checks',
      label: { ja: '優先度『高』の基準', en: 'High-priority criteria' },
      hint: { ja: 'いずれかに該当すれば優先度『高』', en: 'High if any applies' },
      options: [
        { value: 'missedRecoveryTarget', label: { ja: '目標復旧時間内に復旧できなかった', en: 'Recovery target missed' } },
        ...IMPACT_CRITERIA_OPTIONS,
      ],
    },
    dueAt: { kind: 'datetime', label: { ja: '納期', en: 'Due' } },
    cause: { kind: 'textarea', label: { ja: '原因', en: 'Cause' }, max: 10_000 },
    policy: { kind: 'textarea', label: { ja: '対処方針', en: 'Policy' }, max: 10_000 },
    permanentFix: { kind: 'textarea', label: { ja: '恒久対処策', en: 'Permanent fix' }, max: 10_000 },
    changeRef: { kind: 'text', label: { ja: '変更番号', en: 'Change reference' }, max: 200 },
    result: { kind: 'textarea', label: { ja: '実施結果', en: 'Result' }, max: 10_000 },
  },
  events: {
    register: { ja: '受付・登録', en: 'Registered' },
    link_incident: { ja: 'インシデントの紐付け', en: 'Incident linked' },
    unlink_incident: { ja: 'インシデントの紐付け解除', en: 'Incident unlinked' },
    link_change: { ja: '変更の登録（恒久対処）', en: 'Change registered' },
  },
  work: {
    module: { ja: '問題', en: 'Problem' },
    permission: 'problem.read',
    ref: problems.receiptNo,
    title: problems.title,
    due: problems.dueAt,
    path: (id) => `/problems/${id}`,
    scope: problemScope,
  },
  requesterOf: (r) => r.registeredBy,
  transitions: [
    {
      action: 'propose_priority',
      label: { ja: '優先度・納期の確認・報告', en: 'Propose priority and due date' },
      optional: ['comment'],
      from: 'registered',
      to: 'priority_review',
      raci: { operator: '△', vendor_manager: '○' },
      requires: ['criteria', 'dueAt'],
      set: (i) => {
        const c = i.criteria as Problem['criteria'];
        const high = !!c && (c.missedRecoveryTarget || c.citizensOrManyDepartments || c.financialOrReputation);
        return { criteria: c, priority: high ? 'high' : 'low', dueAt: new Date(String(i.dueAt)), assigneeId: text(i.assigneeId) };
      },
    },
    {
      action: 'agree_priority',
      label: { ja: '優先度の承認', en: 'Agree the priority' },
      optional: ['comment'],
      from: 'priority_review',
      to: 'investigating',
      raci: { vendor_manager: '△', supervisor: '◎' },
      set: (_i, ctx) => ({ priorityAgreedBy: ctx.actor.personId, priorityAgreedAt: ctx.clock.now() }),
      effects: [decision('優先度を承認するか', true)],
    },
    {
      action: 'revise_priority',
      label: { ja: '優先度の見直し指示', en: 'Ask to revise the priority' },
      from: 'priority_review',
      to: 'registered',
      raci: { supervisor: '◎' },
      requires: ['reason'],
      effects: [decision('優先度を承認するか', false)],
    },
    {
      action: 'report_investigation',
      label: { ja: '調査結果報告（原因・対処方針）', en: 'Report the investigation' },
      optional: ['comment'],
      from: 'investigating',
      to: 'investigation_reported',
      raci: { operator: '○', vendor_manager: '△', vendor_lead: '△' },
      requires: ['cause', 'policy'],
      set: (i) => ({ cause: text(i.cause), policy: text(i.policy) }),
    },
    {
      action: 'continue_to_fix',
      label: { ja: '恒久対処の検討を継続', en: 'Continue to a permanent fix' },
      optional: ['comment'],
      from: 'investigation_reported',
      to: 'studying',
      raci: { vendor_manager: '△', vendor_lead: '△', supervisor: '◎' },
      effects: [decision('継続して恒久対処を検討するか', true)],
    },
    {
      action: 'close_without_fix',
      label: { ja: '恒久対処検討不要（クローズ）', en: 'No permanent fix needed (close)' },
      from: 'investigation_reported',
      to: 'closed',
      raci: { supervisor: '◎' },
      requires: ['reason'],
      set: (i, ctx) => ({ noFixReason: text(i.reason), closedAt: ctx.clock.now() }),
      effects: [decision('継続して恒久対処を検討するか', false)],
    },
    {
      action: 'report_study',
      label: { ja: '恒久対処の調査結果報告', en: 'Report the permanent-fix study' },
      optional: ['comment'],
      from: 'studying',
      to: 'study_reported',
      raci: { operator: '○', vendor_manager: '△', vendor_lead: '△' },
      requires: ['permanentFix'],
      set: (i) => ({ permanentFix: text(i.permanentFix) }),
    },
    {
      action: 'implement',
      label: { ja: '恒久対処を実施（変更・リリース管理へ）', en: 'Implement (via change management)' },
      optional: ['changeRef', 'comment'],
      from: 'study_reported',
      to: 'implementing',
      raci: { vendor_manager: '△', vendor_lead: '△', supervisor: '◎' },
      set: (i) => (text(i.changeRef) ? { changeRef: text(i.changeRef) } : {}),
      effects: [decision('恒久対処を実施するか', true)],
    },
    {
      action: 'decline_fix',
      label: { ja: '恒久対処を実施しない（クローズ）', en: 'Do not implement (close)' },
      from: 'study_reported',
      to: 'closed',
      raci: { supervisor: '◎' },
      requires: ['reason'],
      set: (i, ctx) => ({ noImplementReason: text(i.reason), closedAt: ctx.clock.now() }),
      effects: [decision('恒久対処を実施するか', false)],
    },
    {
      action: 'report_result',
      label: { ja: '恒久対処結果の報告', en: 'Report the result' },
      optional: ['changeRef'],
      from: 'implementing',
      to: 'resolution_review',
      raci: { operator: '○', vendor_manager: '△' },
      requires: ['result'],
      set: (i) => ({ result: text(i.result), ...(text(i.changeRef) ? { changeRef: text(i.changeRef) } : {}) }),
    },
    {
      // N §3.4.2.2: the change's close approval closes the problem too (問題管理を合わせてクローズの処理を実施);
      // fired by the change service inside the change's approve_close, with the same actor.
      action: 'close_with_change',
      label: { ja: '変更完了に合わせてクローズ', en: 'Closed with its change' },
      from: 'implementing',
      to: 'closed',
      raci: { supervisor: '◎' },
      // Only as part of the change's close: never a button of its own nor an inbox entry.
      appliesTo: (r) => (r as Problem & { closingWithChange?: boolean }).closingWithChange === true,
      set: (_i, ctx) => ({ closedAt: ctx.clock.now() }),
      effects: [decision('問題解決を承認するか', true)],
    },
    {
      action: 'approve_resolution',
      label: { ja: '問題解決を承認（クローズ）', en: 'Approve the resolution (close)' },
      optional: ['comment'],
      from: 'resolution_review',
      to: 'closed',
      raci: { vendor_manager: '△', supervisor: '◎' },
      set: (_i, ctx) => ({ closedAt: ctx.clock.now() }),
      effects: [decision('問題解決を承認するか', true)],
    },
    {
      action: 'reject_resolution',
      label: { ja: '承認しない（恒久対処の再検討）', en: 'Not resolved (study again)' },
      from: 'resolution_review',
      to: 'studying',
      raci: { supervisor: '◎' },
      requires: ['reason'],
      effects: [decision('問題解決を承認するか', false)],
    },
  ],
});
