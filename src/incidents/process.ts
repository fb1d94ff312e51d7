import { eq, sql } from 'drizzle-orm';
import type { BusinessCalendar } from '../calendar/index.ts';
import { ConflictError, type DomainError } from '../kernel/errors.ts';
import type { IncidentMailTemplates } from '../notify/index.ts';
import { defineProcess, type FieldSpec, type FireContext, type SideEffect, type TransitionInput } from '../process/index.ts';
import { routeWorkRequest } from '../operations/register.ts';
import { sendDeclineMail, sendRecoveryMail } from './mails.ts';
import { incidentScope } from './scope.ts';
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

/**
 * 振り分け to オペレーション (N §3.2.3.2 「オペレーション一覧に記載がある場合は 3.10 に基づき対応」): the reference
 * must name an active entry of the operations list (400 on routeRef otherwise); without one, the entry
 * matching the request's text is taken and recorded as the reference (src/operations).
 */
const routeToOperation: SideEffect<Incident, IncidentContext> = async (e) => {
  if (e.input.route !== 'operation') return;
  const entry = await routeWorkRequest(e.tx, { ref: text(e.input.routeRef), text: `${e.record.title}\n${e.record.description ?? ''}` });
  if (!entry || e.record.routeRef === entry.entryNo) return;
  e.input.routeRef = entry.entryNo;
  await e.tx.update(incidents).set({ routeRef: entry.entryNo }).where(eq(incidents.id, e.record.id));
};

const recoveryMail =
  (kind: 'recovery_start' | 'recovery_complete'): SideEffect<Incident, IncidentContext> =>
  (e) =>
    sendRecoveryMail(e.tx, e.ctx, e.record, kind, e.input);

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

/** Each class-specific step applies only to records of its classes (ACTION_CLASSES). */
function byClass<T extends { action: string }>(ts: T[]): (T & { appliesTo?: (r: Incident) => boolean })[] {
  return ts.map((t) => {
    const classes = ACTION_CLASSES[t.action];
    return classes ? { ...t, appliesTo: (r: Incident) => classes.includes(r.class) } : t;
  });
}

/** How each step's input fields are asked for (the workbench's action dialog renders these). */
const INCIDENT_FIELDS: Record<string, FieldSpec> = {
  route: {
    kind: 'select',
    label: { ja: '振り分け先', en: 'Route to' },
    options: [
      { value: 'monitoring_suppression', label: { ja: '監視抑止', en: 'Monitoring suppression' } },
      { value: 'operation', label: { ja: 'オペレーション', en: 'Operation' } },
      { value: 'change', label: { ja: '変更', en: 'Change' } },
    ],
  },
  routeRef: { kind: 'text', label: { ja: '参照番号（抑止・作業・変更）', en: 'Reference (suppression / work / change)' }, max: 200 },
  assigneeId: {
    kind: 'person',
    label: { ja: '担当者', en: 'Assignee' },
    roles: ['operator', 'vendor_manager'],
    hint: { ja: '未選択なら自分', en: 'Yourself if not chosen' },
  },
  dueAt: { kind: 'datetime', label: { ja: '納期', en: 'Due' } },
  probableCause: { kind: 'textarea', label: { ja: '想定原因', en: 'Probable cause' }, max: 4000 },
  steps: { kind: 'textarea', label: { ja: '復旧手順', en: 'Recovery steps' }, max: 20_000 },
  checklist: { kind: 'textarea', label: { ja: 'チェックリスト', en: 'Checklist' }, max: 20_000 },
  schedule: { kind: 'textarea', label: { ja: 'スケジュール', en: 'Schedule' }, max: 4000 },
  risks: { kind: 'textarea', label: { ja: 'リスク', en: 'Risks' }, max: 4000 },
  fallback: { kind: 'textarea', label: { ja: '切り戻し手順', en: 'Fallback' }, max: 4000 },
  procedureRef: { kind: 'text', label: { ja: '承認済みの復旧手順書', en: 'Approved procedure document' }, max: 400 },
  workFrom: { kind: 'datetime', label: { ja: '作業開始', en: 'Work from' } },
  workTo: { kind: 'datetime', label: { ja: '作業終了', en: 'Work to' } },
  workers: { kind: 'lines', label: { ja: '作業者（1行に1名）', en: 'Workers (one a line)' } },
  description: { kind: 'textarea', label: { ja: '作業内容', en: 'Work' }, max: 4000 },
  businessImpact: { kind: 'textarea', label: { ja: '業務への影響', en: 'Business impact' }, max: 4000 },
  vmsMoved: { kind: 'boolean', label: { ja: 'HA/vMotionで仮想マシンが移動した', en: 'VMs were moved by HA/vMotion' } },
  requesterApproval: { kind: 'text', label: { ja: '依頼元の承認（誰が・いつ・どの手段で）', en: 'Requester approval (who, when, how)' }, max: 1000 },
  resolution: { kind: 'textarea', label: { ja: '回答・対応結果', en: 'Resolution' }, max: 10_000 },
};

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
    awaiting_confirmation: { ja: '依頼元承認待ち', en: 'Awaiting the requester' },
    provisionally_closed: { ja: '仮クローズ', en: 'Provisionally closed' },
    closed: { ja: 'クローズ', en: 'Closed' },
  },
  initial: 'registered',
  final: ['closed'],
  pathOf: (r) =>
    r.class === 'trouble'
      ? [
          'registered',
          'in_progress',
          'procedure_review',
          'procedure_approval',
          'recovering',
          'recovered',
          'awaiting_confirmation',
          'provisionally_closed',
          'closed',
        ]
      : r.class === 'work_request'
        ? ['registered', 'manager_review', 'supervisor_review', 'in_progress', 'awaiting_confirmation', 'provisionally_closed', 'closed']
        : ['registered', 'in_progress', 'awaiting_confirmation', 'provisionally_closed', 'closed'],
  fields: INCIDENT_FIELDS,
  events: {
    register: { ja: '受付・登録', en: 'Registered' },
    report_first: { ja: '第一報', en: 'First report' },
    report_continuing: { ja: '継続報', en: 'Continuing report' },
    report_final: { ja: '最終報', en: 'Final report' },
    reprioritise: { ja: '優先度の見直し', en: 'Priority reviewed' },
    link_problem: { ja: '問題の紐付け', en: 'Problem linked' },
    unlink_problem: { ja: '問題の紐付け解除', en: 'Problem unlinked' },
  },
  work: {
    module: { ja: 'インシデント', en: 'Incident' },
    permission: 'incident.read',
    ref: incidents.receiptNo,
    title: incidents.title,
    // The nearest of the next report due (INC-7) and the 納期 / action-plan date (INC-9).
    due: sql`least(${incidents.nextReportDueAt}, ${incidents.dueAt})`,
    path: (id) => `/incidents/${id}`,
    grams: incidents.grams,
    scope: incidentScope,
  },
  requesterOf: (r) =>
    r.state === 'procedure_approval'
      ? r.procedureSubmittedBy
      : r.state === 'provisionally_closed'
        ? r.provisionallyClosedBy
        : (r.requesterId ?? r.registeredBy),
  departmentOf: (r) => r.departmentId,
  transitions: byClass([
    // ── 依頼作業対応 (3.2.3.2) ──────────────────────────────────────────────────────────────
    {
      action: 'route',
      label: { ja: '振り分け（監視抑止・オペレーション・変更）', en: 'Route (suppression / operation / change)' },
      from: 'registered',
      to: 'in_progress',
      raci: { operator: '○', vendor_manager: '△' },
      requires: ['route'],
      optional: ['routeRef', 'comment'],
      set: (i, ctx) => ({ routeTo: i.route, routeRef: text(i.routeRef), assigneeId: ctx.actor.personId, dispatchedAt: ctx.clock.now() }),
      effects: [routeToOperation, recordRouting('route')],
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
      optional: ['comment'],
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
      // INC-3: 「実施しない場合は、その旨を統括責任者からシステム所管に通知する」 (mails.ts).
      effects: [recordRouting('supervisor_declined'), (e) => sendDeclineMail(e.tx, e.ctx, e.record, e.input)],
    },
    // ── 受付後の割当（QA・トラブル） ──────────────────────────────────────────────────────────
    {
      action: 'dispatch',
      label: { ja: '担当割当・着手', en: 'Dispatch' },
      from: 'registered',
      to: 'in_progress',
      raci: { operator: '○', vendor_manager: '○' },
      optional: ['assigneeId', 'dueAt', 'comment'],
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
      optional: ['checklist'],
      set: (i, ctx) => ({
        probableCause: text(i.probableCause),
        procedure: {
          steps: String(i.steps),
          schedule: String(i.schedule),
          risks: String(i.risks),
          fallback: String(i.fallback),
          checklist: text(i.checklist) ?? '',
        },
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
      optional: ['comment'],
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
      optional: ['comment'],
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
      optional: ['procedureRef'],
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
      optional: ['vmsMoved'],
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
    // ── クローズ (3.2.3.7): 回答 → 依頼元のクローズ承認 → 仮クローズ → クローズ ─────────────────
    {
      action: 'request_confirmation',
      label: { ja: '回答（依頼元へクローズ承認を依頼）', en: 'Answer (ask the requester to confirm)' },
      from: ['in_progress', 'recovered', 'handed_over'],
      to: 'awaiting_confirmation',
      raci: { operator: '○', vendor_manager: '△' },
      requires: ['resolution'],
      set: (i, ctx) => ({ resolution: text(i.resolution), provisionallyClosedBy: ctx.actor.personId }),
    },
    {
      // The requester's クローズ承認 in N's flow chart: the department's system owner confirms in Kiban
      // (an operator may record a confirmation received by phone or mail instead).
      action: 'confirm',
      label: { ja: '依頼元承認（解決を確認）', en: 'Confirm resolved (requester)' },
      from: 'awaiting_confirmation',
      to: 'provisionally_closed',
      raci: { system_owner: '○', operator: '○' },
      optional: ['comment'],
      set: (i, ctx) => ({ requesterApproval: text(i.comment) ?? `${ctx.actor.label}（Kibanで承認）` }),
    },
    {
      action: 'reopen',
      label: { ja: '未解決（再対応を依頼）', en: 'Not resolved (ask again)' },
      from: 'awaiting_confirmation',
      to: 'in_progress',
      raci: { system_owner: '○', operator: '○' },
      requires: ['comment'],
      set: () => ({ provisionallyClosedBy: null }),
    },
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
      optional: ['comment'],
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
  ]),
});

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
/** A class-specific step asked of a record of another class (a trouble's step on a QA…). */
export function wrongClass(i: Incident, action: string): DomainError | null {
  const classes = ACTION_CLASSES[action];
  if (classes && !classes.includes(i.class))
    return new ConflictError('incident.wrong_class', { action: incidentProcess.transitions.find((t) => t.action === action)?.label.ja ?? action });
  return null;
}

export function guard(i: Incident, action: string, input: TransitionInput, facts: GuardFacts): DomainError | null {
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
