import { sql } from 'drizzle-orm';
import { defineProcess, type FireContext, type SideEffect } from '../process/index.ts';
import { operationEntryChanges, restoreRequests } from './schema.ts';
import { changeScope, restoreScope } from './scope.ts';

export type EntryChange = typeof operationEntryChanges.$inferSelect;
export type RestoreRequest = typeof restoreRequests.$inferSelect;

export type EntryChangeContext = FireContext & {
  /** Writes the approved change into オペレーション一覧 (register.ts); set by the service. */
  apply?: SideEffect<EntryChange, EntryChangeContext>;
};

const lines = (v: unknown): string[] =>
  (Array.isArray(v) ? v : typeof v === 'string' ? v.split(/\r?\n/) : []).map((x) => String(x).trim()).filter((x) => x !== '');
const needsOwner = (r: EntryChange) => r.departmentId !== null;
const applyIt: SideEffect<EntryChange, EntryChangeContext> = async (e) => {
  if (e.ctx.apply) await e.ctx.apply(e);
};
const approved = (_i: unknown, ctx: FireContext) => ({ approvedBy: ctx.actor.personId, approvedByLabel: ctx.actor.label, approvedAt: ctx.clock.now() });

/**
 * オペレーション作業の追加・変更・削除 (N §3.10.2.1, 3.10.3.5), as Kiban enforces it:
 *
 *   作業内容                          担当者  管理者  責任者  統括責任者  システム所管 (仮想マシン)
 *   オペレーション作業の追加・変更・削除   -       ○       △        ◎          ○/◎
 *
 * The manager drafts the change (対応手順書の作成, 証跡の合意), the lead reviews it (△ — Kiban makes the
 * review a step of its own, as the document process does), the manager records 担当者への教育 (for a
 * delete: 担当者への共有) — a day and the attendees, required before approval (until a training ledger
 * exists) — and the supervisor approves. An entry done on one department's VMs is also agreed by that
 * department's system owner (◎). Approval updates オペレーション一覧 (a new revision, history kept).
 * Nobody approves their own request (requesterOf).
 */
export const entryChangeProcess = defineProcess<string, string, EntryChange, EntryChangeContext>({
  name: 'operation_entry_change',
  recordType: 'operation_entry_change',
  table: operationEntryChanges,
  states: {
    draft: { ja: '作成中', en: 'Drafting' },
    review: { ja: 'レビュー待ち（責任者）', en: 'Awaiting review (lead)' },
    training: { ja: '教育・共有の記録待ち', en: 'Awaiting the training record' },
    approval: { ja: '承認待ち（統括責任者）', en: 'Awaiting approval (supervisor)' },
    owner_agreement: { ja: 'システム所管の合意待ち', en: 'Awaiting the system owner' },
    applied: { ja: '承認済（一覧に反映）', en: 'Approved (list updated)' },
    withdrawn: { ja: '取下げ', en: 'Withdrawn' },
  },
  initial: 'draft',
  final: ['applied', 'withdrawn'],
  pathOf: (r) =>
    needsOwner(r) ? ['draft', 'review', 'training', 'approval', 'owner_agreement', 'applied'] : ['draft', 'review', 'training', 'approval', 'applied'],
  fields: {
    trainingDate: {
      kind: 'date',
      label: { ja: '教育・共有の実施日', en: 'Training day' },
      hint: { ja: 'N §3.10.3.5「担当者への教育」（削除の場合は「担当者への共有」）', en: 'N §3.10.3.5' },
    },
    trainingAttendees: { kind: 'lines', label: { ja: '出席者（1行に1名）', en: 'Attendees (one a line)' } },
  },
  events: {
    create: { ja: '追加・変更・削除の依頼受付', en: 'Change drafted' },
    edit: { ja: '内容の修正', en: 'Content edited' },
  },
  work: {
    module: { ja: 'オペレーション一覧', en: 'Operations list' },
    permission: 'operations.read',
    ref: operationEntryChanges.changeNo,
    title: sql`(${operationEntryChanges.content} ->> 'title')`,
    path: (id) => `/operations/changes/${id}`,
    scope: changeScope,
  },
  requesterOf: (r) => r.requestedBy,
  departmentOf: (r) => r.departmentId,
  transitions: [
    {
      action: 'submit',
      label: { ja: 'レビュー依頼', en: 'Ask for review' },
      optional: ['comment'],
      from: 'draft',
      to: 'review',
      raci: { vendor_manager: '○' },
    },
    {
      action: 'review_ok',
      label: { ja: 'レビュー完了', en: 'Reviewed' },
      optional: ['comment'],
      from: 'review',
      to: 'training',
      raci: { vendor_lead: '○', vendor_manager: '△' },
    },
    {
      action: 'return',
      label: { ja: '修正が必要（差戻し）', en: 'Needs changes (return)' },
      requires: ['reason'],
      from: 'review',
      to: 'draft',
      raci: { vendor_lead: '○' },
    },
    {
      action: 'record_training',
      label: { ja: '教育・共有の記録', en: 'Record the training' },
      requires: ['trainingDate', 'trainingAttendees'],
      optional: ['comment'],
      from: 'training',
      to: 'approval',
      raci: { vendor_manager: '○' },
      set: (i) => ({ trainingDate: String(i.trainingDate), trainingAttendees: lines(i.trainingAttendees) }),
    },
    {
      action: 'approve',
      label: { ja: '承認（オペレーション一覧に反映）', en: 'Approve (update the list)' },
      optional: ['comment'],
      from: 'approval',
      to: 'applied',
      raci: { vendor_manager: '△', vendor_lead: '△', supervisor: '◎' },
      appliesTo: (r) => !needsOwner(r),
      set: (i, ctx) => ({ ...approved(i, ctx), appliedAt: ctx.clock.now() }),
      effects: [applyIt],
    },
    {
      action: 'approve_for_owner',
      label: { ja: '承認（システム所管の合意へ）', en: 'Approve (to the system owner)' },
      optional: ['comment'],
      from: 'approval',
      to: 'owner_agreement',
      raci: { vendor_manager: '△', vendor_lead: '△', supervisor: '◎' },
      appliesTo: needsOwner,
      set: approved,
    },
    {
      action: 'reject',
      label: { ja: '承認しない（差戻し）', en: 'Not approved (return)' },
      requires: ['reason'],
      from: 'approval',
      to: 'draft',
      raci: { supervisor: '◎' },
    },
    {
      action: 'agree',
      label: { ja: 'システム所管の合意（一覧に反映）', en: 'Owner agrees (update the list)' },
      optional: ['comment'],
      from: 'owner_agreement',
      to: 'applied',
      raci: { system_owner: '◎' },
      set: (_i, ctx) => ({ appliedAt: ctx.clock.now() }),
      effects: [applyIt],
    },
    {
      action: 'disagree',
      label: { ja: '合意しない（差戻し）', en: 'Owner disagrees (return)' },
      requires: ['reason'],
      from: 'owner_agreement',
      to: 'draft',
      raci: { system_owner: '◎' },
    },
    {
      action: 'withdraw',
      label: { ja: '取下げ', en: 'Withdraw' },
      requires: ['reason'],
      from: ['draft', 'review', 'training', 'approval', 'owner_agreement'],
      to: 'withdrawn',
      raci: { vendor_manager: '○' },
    },
  ],
});

/**
 * リストア依頼 (BAK-5; M §3.1 「情報システム担当からの作業依頼に基づき、仮想マシン単位、ディスク単位または
 * ファイル/フォルダ単位でのリストアを行います」; N §3.2.3.2: a work request listed in オペレーション一覧 is done
 * by 3.10), with N §3.10.2.1's オペレーション作業 row:
 *
 *   作業内容            担当者  管理者  システム所管
 *   オペレーション作業     ○       ◎        ○/◎
 *
 * The owner (their own department's VMs) or the vendor asks; the request is routed to the entry of the
 * list that does that kind of restore. The operator accepts it (or, with no entry, the manager instructs
 * with the procedure — 3.2.3.2 「手順が無い場合→管理者で手順を作成して担当者に対応指示」, or declines),
 * works the checklist, records the evidence (実施結果は所定のフォルダに格納), and the owner's confirmation
 * closes it (or sends it back).
 */
export const restoreProcess = defineProcess<string, string, RestoreRequest>({
  name: 'restore_request',
  recordType: 'restore_request',
  table: restoreRequests,
  states: {
    requested: { ja: '依頼受付', en: 'Requested' },
    in_progress: { ja: '作業中', en: 'In progress' },
    awaiting_confirmation: { ja: '依頼元の確認待ち', en: 'Awaiting the owner' },
    closed: { ja: '完了', en: 'Closed' },
    declined: { ja: '対応不可', en: 'Declined' },
    withdrawn: { ja: '取下げ', en: 'Withdrawn' },
  },
  initial: 'requested',
  final: ['closed', 'declined', 'withdrawn'],
  pathOf: () => ['requested', 'in_progress', 'awaiting_confirmation', 'closed'],
  fields: {
    evidence: { kind: 'textarea', label: { ja: '作業証跡（格納先・結果）', en: 'Evidence (where stored, result)' }, max: 4000 },
  },
  events: {
    create: { ja: 'リストア依頼の受付', en: 'Restore requested' },
    check: { ja: 'チェックリスト', en: 'Checklist' },
  },
  work: {
    module: { ja: 'リストア依頼', en: 'Restore request' },
    permission: 'operations.read',
    ref: restoreRequests.requestNo,
    title: sql`${restoreRequests.vmName} || ' ' || ${restoreRequests.target}`,
    // Due until the work is reported (the owner's confirmation after that has no deadline).
    due: sql`CASE WHEN ${restoreRequests.state} IN ('requested', 'in_progress') THEN ${restoreRequests.dueAt} ELSE NULL END`,
    path: (id) => `/operations/restores/${id}`,
    scope: restoreScope,
  },
  requesterOf: (r) => r.requestedBy,
  departmentOf: (r) => r.departmentId,
  transitions: [
    {
      action: 'accept',
      label: { ja: '受付（オペレーション一覧の手順で作業）', en: 'Accept (by the listed procedure)' },
      optional: ['comment'],
      from: 'requested',
      to: 'in_progress',
      raci: { operator: '○', vendor_manager: '○' },
      appliesTo: (r) => r.entryId !== null,
    },
    {
      action: 'instruct',
      label: { ja: '手順を作成して対応指示（管理者）', en: 'Write the procedure and instruct (manager)' },
      requires: ['comment'],
      from: 'requested',
      to: 'in_progress',
      raci: { operator: '△', vendor_manager: '◎' },
      appliesTo: (r) => r.entryId === null,
    },
    { action: 'decline', label: { ja: '対応不可', en: 'Decline' }, requires: ['reason'], from: 'requested', to: 'declined', raci: { vendor_manager: '◎' } },
    {
      action: 'complete',
      label: { ja: '作業完了報告', en: 'Report completion' },
      requires: ['evidence'],
      optional: ['comment'],
      from: 'in_progress',
      to: 'awaiting_confirmation',
      raci: { operator: '○', vendor_manager: '○' },
      set: (i, ctx) => ({ evidence: String(i.evidence).trim(), completedAt: ctx.clock.now() }),
    },
    {
      action: 'confirm',
      label: { ja: 'リストア結果の確認（完了）', en: 'Confirm the restore (close)' },
      optional: ['comment'],
      from: 'awaiting_confirmation',
      to: 'closed',
      raci: { system_owner: '○' },
      set: (_i, ctx) => ({ confirmedAt: ctx.clock.now(), confirmedByLabel: ctx.actor.label }),
    },
    {
      action: 'reopen',
      label: { ja: '再作業を依頼', en: 'Send back' },
      requires: ['reason'],
      from: 'awaiting_confirmation',
      to: 'in_progress',
      raci: { system_owner: '○' },
    },
    {
      action: 'withdraw',
      label: { ja: '依頼の取下げ', en: 'Withdraw the request' },
      requires: ['reason'],
      from: 'requested',
      to: 'withdrawn',
      raci: { system_owner: '○', operator: '○', vendor_manager: '○' },
    },
  ],
});
