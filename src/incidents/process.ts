import type { BusinessCalendar } from '../calendar/index.ts';
import { ConflictError, type DomainError } from '../kernel/errors.ts';
import type { IncidentMailTemplates } from '../notify/index.ts';
import { defineProcess, type FireContext, type SideEffect, type TransitionInput } from '../process/index.ts';
import { sendRecoveryMail } from './mails.ts';
import { incidentRouting, incidents } from './schema.ts';

export type Incident = typeof incidents.$inferSelect;
export type IncidentClass = Incident['class'];

/** What incident side effects need besides the clock and the actor. */
export interface IncidentContext extends FireContext {
  calendar: BusinessCalendar;
  mails: IncidentMailTemplates;
}

const date = (v: unknown): Date | null => (v instanceof Date ? v : typeof v === 'string' && v !== '' ? new Date(v) : null);
const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/** INC-3: a routing decision is kept as its own record (who sent the request where, and why). */
const recordRouting =
  (decision: string): SideEffect<Incident, IncidentContext> =>
  async (e) => {
    await e.tx.insert(incidentRouting).values({
      incidentId: e.record.id,
      decision: decision === 'route' ? String(e.input.route) : decision,
      ref: text(e.input.routeRef),
      reason: text(e.input.comment),
      decidedBy: e.ctx.actor.personId,
      decidedByLabel: e.ctx.actor.label,
      at: e.ctx.clock.now(),
    });
  };

const recoveryMail =
  (kind: 'recovery_start' | 'recovery_complete'): SideEffect<Incident, IncidentContext> =>
  (e) =>
    sendRecoveryMail(e.tx, e.ctx, e.record, kind, e.input);

/**
 * インシデント管理 (N §3.2), its RACI table (3.2.2.1) as Kiban enforces it:
 *
 *   作業内容               担当者  管理者  責任者  統括責任者  ICT管理者  システム所管
 *   受付・登録               ○       -       -        -          -           -
 *   依頼作業対応             ○       △       -        ◎          -           -
 *   ＱＡ対応                 ○       -       -        -          -           -
 *   トラブル対応             ○       △       -        ◎          -           -
 *   進捗管理                 -       ○       -        -          -           -
 *   重大障害における進捗管理 -       ○       -        ◎          -           -
 *   クローズ                 ○      △/◎      -        -          -           -
 *
 * 受付・登録 creates the record (service.register); 進捗管理 is the daily stocktake (service.stocktake)
 * and reports (service.report). Each row below is one step of N's flow chart (3.2.2.2) with its cells.
 * The manager (管理者) decides in-scope work requests and reviews recovery procedures; the supervisor
 * (統括責任者) decides out-of-scope work and approves recovery procedures (3.2.3.2, 3.2.3.4).
 */
export const incidentProcess = defineProcess<string, string, Incident, IncidentContext>({
  name: 'incident',
  recordType: 'incident',
  table: incidents,
  states: {
    registered: { ja: '受付済（未ディスパッチ）', en: 'Registered (not dispatched)' },
    manager_review: { ja: '管理者判断待ち', en: 'Awaiting manager decision' },
    supervisor_review: { ja: '統括責任者判断待ち', en: 'Awaiting supervisor decision' },
    in_progress: { ja: '対応中', en: 'In progress' },
    procedure_review: { ja: '復旧手順 査読待ち', en: 'Recovery procedure: manager review' },
    procedure_approval: { ja: '復旧手順 承認待ち', en: 'Recovery procedure: supervisor approval' },
    recovering: { ja: '復旧作業中', en: 'Recovering' },
    recovered: { ja: '復旧済', en: 'Recovered' },
    handed_over: { ja: 'システム所管へ復旧依頼済', en: 'Handed to the system owner' },
    provisionally_closed: { ja: '仮クローズ', en: 'Provisionally closed' },
    closed: { ja: 'クローズ', en: 'Closed' },
  },
  initial: 'registered',
  requesterOf: (r) =>
    r.state === 'procedure_approval'
      ? r.procedureSubmittedBy
      : r.state === 'provisionally_closed'
        ? r.provisionallyClosedBy
        : (r.requesterId ?? r.registeredBy),
  departmentOf: (r) => r.departmentId,
  transitions: [
    // ── 依頼作業対応 (3.2.3.2) ──────────────────────────────────────────────────────────────
    {
      action: 'route',
      label: { ja: '振り分け（監視抑止・オペレーション・変更）', en: 'Route (suppression / operation / change)' },
      from: 'registered',
      to: 'in_progress',
      raci: { operator: '○', vendor_manager: '△' },
      requires: ['route'],
      set: (i, ctx) => ({ routeTo: i.route, routeRef: text(i.routeRef), assigneeId: ctx.actor.personId, dispatchedAt: ctx.clock.now() }),
      effects: [recordRouting('route')],
    },
    {
      action: 'escalate',
      label: { ja: '管理者へエスカレーション', en: 'Escalate to the manager' },
      from: 'registered',
      to: 'manager_review',
      raci: { operator: '○' },
      requires: ['comment'],
      effects: [recordRouting('escalated_to_manager')],
    },
    {
      action: 'instruct',
      label: { ja: '対応指示（保守対象範囲・手順作成）', en: 'Instruct (in scope, procedure written)' },
      from: 'manager_review',
      to: 'in_progress',
      raci: { operator: '△', vendor_manager: '◎' },
      requires: ['comment'],
      set: (i, ctx) => ({ routeTo: 'manager_procedure', routeRef: text(i.routeRef), dispatchedAt: ctx.clock.now() }),
      effects: [recordRouting('in_scope_instructed')],
    },
    {
      action: 'refer',
      label: { ja: '統括責任者へ報告（保守対象範囲外）', en: 'Refer to the supervisor (out of scope)' },
      from: 'manager_review',
      to: 'supervisor_review',
      raci: { vendor_manager: '○' },
      requires: ['comment'],
      effects: [recordRouting('referred_to_supervisor')],
    },
    {
      action: 'accept',
      label: { ja: '実施を指示', en: 'Decide to do it' },
      from: 'supervisor_review',
      to: 'in_progress',
      raci: { vendor_manager: '△', supervisor: '◎' },
      set: (_i, ctx) => ({ routeTo: 'supervisor_accepted', dispatchedAt: ctx.clock.now() }),
      effects: [recordRouting('supervisor_accepted')],
    },
    {
      action: 'decline',
      label: { ja: '実施しない（システム所管へ通知）', en: 'Decline (the owner is told)' },
      from: 'supervisor_review',
      to: 'closed',
      raci: { supervisor: '◎' },
      requires: ['comment'],
      set: (i, ctx) => ({ routeTo: 'declined', resolution: text(i.comment), closedBy: ctx.actor.personId, closedAt: ctx.clock.now() }),
      effects: [recordRouting('supervisor_declined')],
    },
    // ── 受付後の割当（QA・トラブル） ──────────────────────────────────────────────────────────
    {
      action: 'dispatch',
      label: { ja: '担当割当・着手', en: 'Dispatch' },
      from: 'registered',
      to: 'in_progress',
      raci: { operator: '○', vendor_manager: '○' },
      set: (i, ctx) => ({
        assigneeId: text(i.assigneeId) ?? ctx.actor.personId,
        dispatchedAt: ctx.clock.now(),
        ...(date(i.dueAt) ? { dueAt: date(i.dueAt) } : {}),
      }),
    },
    // ── トラブル対応 (3.2.3.4) ────────────────────────────────────────────────────────────
    {
      action: 'submit_procedure',
      label: { ja: '復旧手順の報告（想定原因・手順・スケジュール・リスク）', en: 'Submit a recovery procedure' },
      from: 'in_progress',
      to: 'procedure_review',
      raci: { operator: '○', vendor_manager: '○' },
      requires: ['probableCause', 'steps', 'schedule', 'risks', 'fallback'],
      set: (i, ctx) => ({
        probableCause: text(i.probableCause),
        procedure: { steps: String(i.steps), schedule: String(i.schedule), risks: String(i.risks), fallback: String(i.fallback), checklist: text(i.checklist) ?? '' },
        procedureSubmittedBy: ctx.actor.personId,
        procedureApprovedBy: null,
        procedureApprovedAt: null,
      }),
    },
    {
      action: 'review_procedure',
      label: { ja: '復旧手順の査読', en: 'Review the procedure' },
      from: 'procedure_review',
      to: 'procedure_approval',
      raci: { vendor_manager: '○' },
    },
    {
      action: 'return_procedure',
      label: { ja: '復旧手順の修正指示', en: 'Return the procedure' },
      from: 'procedure_review',
      to: 'in_progress',
      raci: { vendor_manager: '○' },
      requires: ['comment'],
    },
    {
      action: 'approve_procedure',
      label: { ja: '復旧手順の承認', en: 'Approve the procedure' },
      from: 'procedure_approval',
      to: 'in_progress',
      raci: { vendor_manager: '△', supervisor: '◎' },
      set: (_i, ctx) => ({ procedureApprovedBy: ctx.actor.personId, procedureApprovedAt: ctx.clock.now() }),
    },
    {
      action: 'reject_procedure',
      label: { ja: '復旧手順の差戻し', en: 'Reject the procedure' },
      from: 'procedure_approval',
      to: 'in_progress',
      raci: { supervisor: '◎' },
      requires: ['comment'],
    },
    {
      action: 'start_recovery',
      label: { ja: '復旧作業開始（開始連絡）', en: 'Start recovery (notice)' },
      from: 'in_progress',
      to: 'recovering',
      raci: { operator: '○', vendor_manager: '○' },
      requires: ['workFrom', 'workTo', 'workers', 'description', 'businessImpact'],
      set: (i) => (text(i.procedureRef) ? { procedureRef: text(i.procedureRef) } : {}),
      effects: [recoveryMail('recovery_start')],
    },
    {
      action: 'complete_recovery',
      label: { ja: '復旧作業完了（完了連絡）', en: 'Complete recovery (notice)' },
      from: 'recovering',
      to: 'recovered',
      raci: { operator: '○', vendor_manager: '○' },
      requires: ['workFrom', 'workTo', 'workers', 'description', 'businessImpact'],
      set: (i) => ({ recoveredAt: date(i.workTo), vmReturnRequired: i.vmsMoved === true }),
      effects: [recoveryMail('recovery_complete')],
    },
    {
      action: 'confirm_vm_return',
      label: { ja: 'HA/vMotionで移動した仮想マシンの戻し完了', en: 'VMs moved by HA/vMotion returned' },
      from: 'recovered',
      to: 'recovered',
      raci: { operator: '○', vendor_manager: '○' },
      requires: ['comment'],
      set: (_i, ctx) => ({ vmReturnDoneAt: ctx.clock.now() }),
    },
    {
      action: 'hand_over',
      label: { ja: 'システム所管へ復旧依頼（基盤起因でない）', en: 'Hand to the owner (not platform-caused)' },
      from: 'in_progress',
      to: 'handed_over',
      raci: { operator: '○', vendor_manager: '△' },
      requires: ['comment'],
    },
    // ── クローズ (3.2.3.7) ───────────────────────────────────────────────────────────────
    {
      action: 'provisional_close',
      label: { ja: '仮クローズ（依頼元承認済）', en: 'Provisionally close (requester agreed)' },
      from: ['in_progress', 'recovered', 'handed_over'],
      to: 'provisionally_closed',
      raci: { operator: '○', vendor_manager: '△' },
      requires: ['requesterApproval', 'resolution'],
      set: (i, ctx) => ({ requesterApproval: text(i.requesterApproval), resolution: text(i.resolution), provisionallyClosedBy: ctx.actor.personId }),
    },
    {
      action: 'close',
      label: { ja: 'クローズ', en: 'Close' },
      from: 'provisionally_closed',
      to: 'closed',
      raci: { operator: '△', vendor_manager: '◎' },
      set: (_i, ctx) => ({ closedBy: ctx.actor.personId, closedAt: ctx.clock.now(), nextReportDueAt: null }),
    },
    {
      action: 'return',
      label: { ja: '差戻し（修正指示）', en: 'Return for correction' },
      from: 'provisionally_closed',
      to: 'in_progress',
      raci: { vendor_manager: '◎' },
      requires: ['comment'],
      set: () => ({ provisionallyClosedBy: null }),
    },
  ],
});

/**
 * Which class each class-specific step belongs to (N §3.2.3.2–3.2.3.4); unlisted steps suit all —
 * escalation to the manager (and on to the supervisor) is also how an inquiry of doubtful scope is
 * decided (3.2.3.1 「対応の要否について管理者にエスカレーション」).
 */
export const ACTION_CLASSES: Record<string, readonly IncidentClass[]> = {
  route: ['work_request'],
  dispatch: ['qa', 'trouble'],
  submit_procedure: ['trouble'],
  review_procedure: ['trouble'],
  return_procedure: ['trouble'],
  approve_procedure: ['trouble'],
  reject_procedure: ['trouble'],
  start_recovery: ['trouble'],
  complete_recovery: ['trouble'],
  confirm_vm_return: ['trouble'],
  hand_over: ['trouble'],
};

/** Facts about a record the guards need from outside its row. */
export interface GuardFacts {
  hasProblem: boolean;
}

/**
 * Conditions of N that a RACI table cannot say, checked before the kernel fires:
 *  - recovery runs only on an approved procedure (an existing approved 復旧手順書, or one approved here);
 *  - a trouble not caused by the platform is handed to its owner, not recovered by us;
 *  - provisional close waits for the VMs moved by HA/vMotion to be back (INC-6 follow-up);
 *  - a High-priority trouble closes only with a problem opened for its root cause (3.2.3.7, INC-10).
 */
export function guard(i: Incident, action: string, input: TransitionInput, facts: GuardFacts): DomainError | null {
  const classes = ACTION_CLASSES[action];
  if (classes && !classes.includes(i.class)) return new ConflictError('incident.wrong_class', { action: incidentProcess.transitions.find((t) => t.action === action)?.label.ja ?? action });
  if (action === 'start_recovery' && !i.procedureApprovedAt && !text(input.procedureRef)) {
    return new ConflictError('incident.procedure_not_approved');
  }
  if (action === 'start_recovery' && i.platformCaused === false) return new ConflictError('incident.not_platform_caused');
  if (action === 'provisional_close' && i.vmReturnRequired && !i.vmReturnDoneAt) return new ConflictError('incident.vm_return_pending');
  if (action === 'close' && i.class === 'trouble' && i.priority === 'high' && !facts.hasProblem) {
    return new ConflictError('incident.problem_required');
  }
  return null;
}
