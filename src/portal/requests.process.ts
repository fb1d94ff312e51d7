import { eq, inArray, type SQL, sql } from 'drizzle-orm';
import { type Actor, visibleDepartments } from '../iam/actor.ts';
import { defineProcess, type FireContext, type SideEffect } from '../process/index.ts';
import { portalRequests } from './schema.ts';

export type VmRequest = typeof portalRequests.$inferSelect;

/** What the completion steps need besides the kernel's context: the CMDB and monitoring writes (requests.complete.ts). */
export interface RequestFireContext extends FireContext {
  complete: SideEffect<VmRequest, RequestFireContext>;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/** The requests `actor` may see (ORG-4): all for the vendor and the supervisor; an owner's department's only. */
export function requestScope(actor: Actor): SQL | undefined {
  const depts = visibleDepartments(actor);
  if (depts === null) return undefined;
  if (depts.length === 0) return sql`false`;
  return inArray(portalRequests.departmentId, depts);
}

/** Adds the time waited on the requester (差し戻し → 再提出) to the record: the KPI leaves it out. */
const endWaiting: SideEffect<VmRequest, RequestFireContext> = async (e) => {
  const since = e.before.waitingSince;
  const minutes = since ? Math.max(0, Math.round((e.ctx.clock.now().getTime() - since.getTime()) / 60_000)) : 0;
  await e.tx
    .update(portalRequests)
    .set({ waitingSince: null, requesterWaitMinutes: e.before.requesterWaitMinutes + minutes })
    .where(eq(portalRequests.id, e.record.id));
};
const complete: SideEffect<VmRequest, RequestFireContext> = (e) => e.ctx.complete(e);

const isProvision = (r: VmRequest) => r.kind === 'provision';

/**
 * 仮想マシンの払い出し and 仮想マシンに対するリソースの追加・変更・削除 (N §3.10.2.1/§3.10.2.2; OPS-2, OPS-6),
 * one process for both kinds:
 *
 *   作業内容                         担当者  管理者  責任者  統括責任者  システム所管
 *   仮想マシンの払い出し                ○       ◎       -        ◎           (依頼・受領)
 *   リソースの追加・変更・削除          ○       ◎       -        ◎           (依頼・受領)
 *
 * The owner asks (申請書) → the manager receives it: as the approved plan says (or only a reduction) →
 * the manager instructs the work (作成指示); not in the plan, other resources, or any addition → the
 * manager reports the resource use to the supervisor, who approves or refuses (払い出しを承認／不可).
 * The operator does the work with the checklist; completion updates the CMDB (構築・移行) and adds the
 * monitoring items disabled (MON-7); the owner's receipt (受領) closes it — the on-time KPI counts to
 * there, leaving out the time the request waited on its requester (差し戻し).
 */
export const requestProcess = defineProcess<string, string, VmRequest, RequestFireContext>({
  name: 'vm_request',
  recordType: 'vm_request',
  table: portalRequests,
  states: {
    submitted: { ja: '受付（管理者の確認待ち）', en: 'Received (manager to check)' },
    supervisor_review: { ja: '統括責任者の判断待ち', en: 'Awaiting the supervisor' },
    instructed: { ja: '作業中（担当者）', en: 'In work (operator)' },
    waiting_requester: { ja: '依頼元の確認待ち', en: 'Waiting on the requester' },
    completed: { ja: '完了報告済（依頼元の受領待ち）', en: 'Done (awaiting the requester)' },
    closed: { ja: '完了', en: 'Closed' },
    rejected: { ja: '不可', en: 'Refused' },
    withdrawn: { ja: '取下げ', en: 'Withdrawn' },
  },
  initial: 'submitted',
  final: ['closed', 'rejected', 'withdrawn'],
  pathOf: (r) =>
    r.route === 'supervisor' || r.decidedBy
      ? ['submitted', 'supervisor_review', 'instructed', 'completed', 'closed']
      : ['submitted', 'instructed', 'completed', 'closed'],
  events: { create: { ja: '申請', en: 'Requested' }, save: { ja: '申請内容の修正', en: 'Request corrected' } },
  fields: {
    hostId: {
      kind: 'select',
      label: { ja: '配置先 ESXi サーバ', en: 'ESXi host' },
      hint: { ja: '提案の理由は申請ページの「配置の提案」に表示', en: 'The proposal and its reasons are on the request page' },
      options: [],
    },
    checklist: {
      kind: 'checks',
      label: { ja: '払い出し作業チェック', en: 'Provisioning checklist' },
      options: [
        { value: 'template', label: { ja: 'テンプレートからの仮想マシン作成', en: 'VM created from the template' } },
        {
          value: 'antivirus',
          label: { ja: 'アンチウイルスソフトの提供（県庁 LAN に接続する仮想マシンのみ）', en: 'Antivirus provided (prefectural-LAN VMs only)' },
        },
        { value: 'migration_tool', label: { ja: '移行ツールの提供（移行に伴う払い出し）', en: 'Migration tool provided (migrations)' } },
        { value: 'media', label: { ja: 'インストールメディアの提供（要望があった場合）', en: 'Install media provided (if asked)' } },
      ],
    },
    changeChecklist: {
      kind: 'checks',
      label: { ja: 'リソース変更作業チェック', en: 'Resource change checklist' },
      options: [
        { value: 'backup', label: { ja: '変更前のバックアップ取得', en: 'Backup taken before the change' } },
        { value: 'resources', label: { ja: 'CPU・メモリ・ディスク・NIC の変更作業', en: 'CPU / memory / disk / NIC changed' } },
      ],
    },
  },
  work: {
    module: { ja: '払い出し・リソース変更申請', en: 'VM requests' },
    permission: 'portal.read',
    ref: portalRequests.requestNo,
    title: portalRequests.title,
    due: sql`((${portalRequests.dueOn}::timestamp + interval '1 day') AT TIME ZONE 'Asia/Tokyo')`,
    path: (id) => `/portal/requests/${id}`,
    scope: requestScope,
  },
  requesterOf: (r) => r.createdBy,
  departmentOf: (r) => r.departmentId,
  transitions: [
    {
      action: 'instruct',
      label: { ja: '作業指示（計画通りの依頼）', en: 'Instruct the work (as planned)' },
      optional: ['comment'],
      from: 'submitted',
      to: 'instructed',
      appliesTo: (r) => r.route === 'manager',
      raci: { vendor_manager: '◎' },
      set: (_i, ctx) => ({ instructedAt: ctx.clock.now() }),
    },
    {
      action: 'escalate',
      label: { ja: 'リソース使用状況を統括責任者へ報告', en: 'Report resource use to the supervisor' },
      optional: ['comment'],
      from: 'submitted',
      to: 'supervisor_review',
      raci: { operator: '○', vendor_manager: '○' },
    },
    {
      action: 'approve',
      label: { ja: '承認（作業指示）', en: 'Approve (instruct the work)' },
      optional: ['comment'],
      from: 'supervisor_review',
      to: 'instructed',
      raci: { vendor_manager: '△', supervisor: '◎' },
      set: (i, ctx) => ({ decidedBy: ctx.actor.personId, decisionReason: text(i.comment), instructedAt: ctx.clock.now() }),
    },
    {
      action: 'reject',
      label: { ja: '不可（対応不可連絡）', en: 'Refuse' },
      requires: ['reason'],
      from: 'supervisor_review',
      to: 'rejected',
      raci: { vendor_manager: '△', supervisor: '◎' },
      set: (i, ctx) => ({ decidedBy: ctx.actor.personId, decisionReason: text(i.reason) }),
    },
    {
      action: 'return',
      label: { ja: '依頼元へ確認（差し戻し）', en: 'Ask the requester (return)' },
      requires: ['reason'],
      from: ['submitted', 'supervisor_review', 'instructed'],
      to: 'waiting_requester',
      raci: { operator: '○', vendor_manager: '○', supervisor: '◎' },
      set: (i, ctx) => ({ returnReason: text(i.reason), waitingSince: ctx.clock.now() }),
    },
    {
      action: 'resubmit',
      label: { ja: '再提出', en: 'Resubmit' },
      optional: ['comment'],
      from: 'waiting_requester',
      to: 'submitted',
      raci: { system_owner: '○' },
      effects: [endWaiting],
    },
    {
      action: 'withdraw',
      label: { ja: '取下げ', en: 'Withdraw' },
      requires: ['reason'],
      from: ['submitted', 'waiting_requester'],
      to: 'withdrawn',
      raci: { system_owner: '○' },
      set: (i) => ({ returnReason: text(i.reason) }),
      effects: [endWaiting],
    },
    {
      action: 'provision',
      label: { ja: '払い出し完了報告', en: 'Report provisioning done' },
      requires: ['hostId', 'checklist'],
      optional: ['comment'],
      from: 'instructed',
      to: 'completed',
      appliesTo: isProvision,
      raci: { operator: '○', vendor_manager: '○' },
      set: (_i, ctx) => ({ completedAt: ctx.clock.now(), completedBy: ctx.actor.personId }),
      effects: [complete],
    },
    {
      action: 'apply_change',
      label: { ja: 'リソース変更完了報告', en: 'Report the change done' },
      requires: ['changeChecklist'],
      optional: ['hostId', 'comment'],
      from: 'instructed',
      to: 'completed',
      appliesTo: (r) => !isProvision(r),
      raci: { operator: '○', vendor_manager: '○' },
      set: (_i, ctx) => ({ completedAt: ctx.clock.now(), completedBy: ctx.actor.personId }),
      effects: [complete],
    },
    {
      action: 'confirm',
      label: { ja: '受領（完了を確認）', en: 'Confirm receipt' },
      optional: ['comment'],
      from: 'completed',
      to: 'closed',
      raci: { system_owner: '○' },
      set: (_i, ctx) => ({ confirmedAt: ctx.clock.now() }),
    },
  ],
});
