import { sql } from 'drizzle-orm';
import { ROLES } from '../iam/roles.ts';
import { defineProcess, type FireContext, type SideEffect } from '../process/index.ts';
import { minutesApproverOf } from './kinds.ts';
import { meetingActions, meetingKinds, meetings } from './schema.ts';
import { actionDueAt, actionInbox, actionScope, meetingScope } from './scope.ts';

export type Meeting = typeof meetings.$inferSelect;
export type MeetingAction = typeof meetingActions.$inferSelect;
export type MeetingContext = FireContext & {
  /** Mails the approved minutes to the attendees (mails.ts); set by the service. */
  share?: SideEffect<Meeting, MeetingContext>;
};

const approvedBy = (role: 'supervisor' | 'vendor_manager') => (m: Meeting) => minutesApproverOf(m.kind) === role;
const stamp = (_i: unknown, ctx: FireContext) => ({ approvedBy: ctx.actor.personId, approvedByLabel: ctx.actor.label, approvedAt: ctx.clock.now() });

/**
 * 会議体 (ORG-6, N §2.7.3: 会議体では議事録を作成し、出席者に共有する) — one meeting and its minutes:
 *
 *   step                          管理者  責任者  統括責任者
 *   hold     開催（議事録作成へ）      ○      ○
 *   submit   議事録のレビュー・承認依頼  ○      ○
 *   approve_by_supervisor 議事録承認   △      △       ◎     (the kinds the supervisor attends)
 *   approve_by_manager    議事録承認   ◎      ◎             (共有会: the author's colleague approves)
 *   return_* 差戻し                    (the approver)
 *   share    出席者への共有            ○      ○            → mail to every attendee
 *   cancel   中止                      ○      ○
 *
 * As in N §3.1's 月次報告 flow (月次報告承認受領 → 月次報告議事録作成), the vendor writes the minutes and the
 * party reported to approves them; whoever submitted them never approves them (requesterOf).
 */
export const meetingProcess = defineProcess<string, string, Meeting, MeetingContext>({
  name: 'meeting',
  recordType: 'meeting',
  table: meetings,
  states: {
    scheduled: { ja: '開催予定', en: 'Scheduled' },
    minutes: { ja: '議事録作成中', en: 'Minutes being written' },
    review: { ja: '議事録承認待ち', en: 'Minutes awaiting approval' },
    approved: { ja: '議事録承認済（共有待ち）', en: 'Minutes approved (to share)' },
    shared: { ja: '議事録共有済', en: 'Minutes shared' },
    cancelled: { ja: '中止', en: 'Cancelled' },
  },
  initial: 'scheduled',
  final: ['shared', 'cancelled'],
  pathOf: () => ['scheduled', 'minutes', 'review', 'approved', 'shared'],
  events: {
    create: { ja: '会議の登録', en: 'Meeting registered' },
    decision: { ja: '決定事項の記録', en: 'Decision recorded' },
    maintenance_day: { ja: '次回メンテナンス日の決定（変更スケジュールへ登録）', en: 'Next maintenance day decided (added to the change schedule)' },
    action_item: { ja: '宿題の登録', en: 'Action item added' },
    minutes_file: { ja: '議事録ファイルの登録', en: 'Minutes file uploaded' },
    reference: { ja: '資料の添付', en: 'Reference attached' },
  },
  work: {
    module: { ja: '会議', en: 'Meeting' },
    permission: 'org.read',
    ref: meetings.meetingNo,
    title: sql`(SELECT ${meetingKinds.name} FROM ${meetingKinds} WHERE ${meetingKinds.code} = ${meetings.kind}) || ' ' || ${meetings.title}`,
    due: meetings.startsAt,
    path: (id) => `/meetings/${id}`,
    scope: meetingScope,
  },
  requesterOf: (m) => m.minutesAuthorId,
  transitions: [
    { action: 'hold', label: { ja: '開催（議事録作成へ）', en: 'Held (write the minutes)' }, optional: ['comment'], from: 'scheduled', to: 'minutes', raci: { vendor_manager: '○', vendor_lead: '○' } },
    {
      action: 'submit',
      label: { ja: '議事録の承認依頼', en: 'Submit the minutes' },
      optional: ['comment'],
      from: 'minutes',
      to: 'review',
      raci: { vendor_manager: '○', vendor_lead: '○' },
      set: (_i, ctx) => ({ minutesAuthorId: ctx.actor.personId }),
    },
    {
      action: 'approve_by_supervisor',
      label: { ja: '議事録の承認（統括責任者）', en: 'Approve the minutes (supervisor)' },
      optional: ['comment'],
      from: 'review',
      to: 'approved',
      raci: { vendor_manager: '△', vendor_lead: '△', supervisor: '◎' },
      appliesTo: approvedBy('supervisor'),
      set: stamp,
    },
    {
      action: 'approve_by_manager',
      label: { ja: '議事録の承認', en: 'Approve the minutes' },
      optional: ['comment'],
      from: 'review',
      to: 'approved',
      raci: { vendor_manager: '◎', vendor_lead: '◎' },
      appliesTo: approvedBy('vendor_manager'),
      set: stamp,
    },
    { action: 'return_by_supervisor', label: { ja: '差戻し（修正依頼）', en: 'Return for changes' }, requires: ['reason'], from: 'review', to: 'minutes', raci: { supervisor: '◎' }, appliesTo: approvedBy('supervisor') },
    { action: 'return_by_manager', label: { ja: '差戻し（修正依頼）', en: 'Return for changes' }, requires: ['reason'], from: 'review', to: 'minutes', raci: { vendor_manager: '◎', vendor_lead: '◎' }, appliesTo: approvedBy('vendor_manager') },
    {
      action: 'share',
      label: { ja: '出席者へ共有（メール）', en: 'Share with the attendees (mail)' },
      optional: ['comment'],
      from: 'approved',
      to: 'shared',
      raci: { vendor_manager: '○', vendor_lead: '○' },
      set: (_i, ctx) => ({ sharedAt: ctx.clock.now() }),
      effects: [async (e) => e.ctx.share?.(e)],
    },
    { action: 'cancel', label: { ja: '中止', en: 'Cancel' }, requires: ['reason'], from: 'scheduled', to: 'cancelled', raci: { vendor_manager: '○', vendor_lead: '○' } },
  ],
});

/** Everyone who may own an action item (any person of the organisation) may mark their own done. */
const ANYONE = Object.fromEntries(ROLES.map((r) => [r, '○' as const]));

/**
 * 宿題（アクションアイテム）of a meeting: open → done by its owner (or the meeting's keepers), reopened by
 * the keepers. Overdue open items are in the owner's inbox (work.inbox); done ones leave it.
 */
export const meetingActionProcess = defineProcess<string, string, MeetingAction>({
  name: 'meeting_action',
  recordType: 'meeting_action',
  table: meetingActions,
  states: {
    open: { ja: '未完了', en: 'Open' },
    done: { ja: '完了', en: 'Done' },
  },
  initial: 'open',
  final: ['done'],
  events: { create: { ja: '宿題の登録', en: 'Action item added' } },
  work: {
    module: { ja: '会議の宿題', en: 'Meeting action item' },
    permission: 'org.read',
    ref: sql`(SELECT ${meetings.meetingNo} FROM ${meetings} WHERE ${meetings.id} = ${meetingActions.meetingId}) || '-' || ${meetingActions.seq}`,
    title: meetingActions.title,
    due: actionDueAt,
    path: (id) => `/meetings/actions/${id}`,
    scope: actionScope,
    inbox: actionInbox,
  },
  requesterOf: () => null,
  transitions: [
    { action: 'complete', label: { ja: '完了にする', en: 'Mark done' }, optional: ['comment'], from: 'open', to: 'done', raci: ANYONE, set: (_i, ctx) => ({ doneAt: ctx.clock.now() }) },
    { action: 'reopen', label: { ja: '未完了に戻す', en: 'Reopen' }, requires: ['reason'], from: 'done', to: 'open', raci: { vendor_manager: '○', vendor_lead: '○' }, set: () => ({ doneAt: null }) },
  ],
});
