import { eq } from 'drizzle-orm';
import { defineProcess, type FireContext, type SideEffect } from '../process/index.ts';
import { InputError } from '../kernel/errors.ts';
import { listOs, listTemplates } from './catalog.ts';
import { validatePlanRows } from './rows.ts';
import { integrationPlanRows, integrationPlans } from './schema.ts';
import { planScope } from './scope.ts';

export type IntegrationPlan = typeof integrationPlans.$inferSelect;

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/** A plan is submitted only with at least one row and every row valid against today's allow-list. */
const requireValidRows: SideEffect<IntegrationPlan, FireContext> = async (e) => {
  const rows = await e.tx.select().from(integrationPlanRows).where(eq(integrationPlanRows.planId, e.record.id));
  if (rows.length === 0) throw new InputError('portal.rows_required', {}, { rows: { key: 'portal.rows_required' } });
  const catalog = { os: await listOs(e.tx), templates: await listTemplates(e.tx) };
  const sorted = rows.sort((a, b) => a.position - b.position) as unknown as Record<string, unknown>[];
  const { errors } = validatePlanRows(sorted, e.record.provisionUntil, catalog);
  if (Object.keys(errors).length > 0) throw new InputError('error.invalid_input', {}, errors);
};

/**
 * 統合計画書 (OPS-7, M §5.1 / §5.2 利用の流れ) as Kiban runs it:
 *
 *   作業内容                 担当者  管理者  責任者  統括責任者  システム所管
 *   統合計画書の作成・提出      -       -       -        -           ○
 *   内容の確認（差し戻し）       △       ○       △        -           -
 *   承認（差し戻し）            -       △       △        ◎           -
 *
 * (システム所管 system_owner = M's 情報システム担当, 管理者 vendor_manager = 統合サーバ管理担当の受託事業者,
 * 統括責任者 supervisor). Returned plans go back to the owner's draft with the reason; the submitter never
 * approves (ORG-3). An approved plan is what provisioning requests are checked against (approvedPlanRows).
 */
export const planProcess = defineProcess<string, string, IntegrationPlan, FireContext>({
  name: 'integration_plan',
  recordType: 'integration_plan',
  table: integrationPlans,
  states: {
    draft: { ja: '下書き', en: 'Draft' },
    submitted: { ja: '提出済（管理者の確認待ち）', en: 'Submitted (awaiting review)' },
    reviewed: { ja: '確認済（統括責任者の承認待ち）', en: 'Reviewed (awaiting approval)' },
    approved: { ja: '承認済', en: 'Approved' },
    withdrawn: { ja: '取下げ', en: 'Withdrawn' },
  },
  initial: 'draft',
  final: ['approved', 'withdrawn'],
  pathOf: () => ['draft', 'submitted', 'reviewed', 'approved'],
  events: { create: { ja: '統合計画書の作成', en: 'Plan created' }, save: { ja: '下書き保存', en: 'Draft saved' }, import: { ja: 'XLSX 取込み', en: 'XLSX imported' } },
  work: {
    module: { ja: '統合計画書', en: 'Integration plan' },
    permission: 'portal.read',
    ref: integrationPlans.planNo,
    title: integrationPlans.title,
    path: (id) => `/portal/plans/${id}`,
    scope: planScope,
  },
  requesterOf: (r) => r.submittedBy ?? r.createdBy,
  transitions: [
    {
      action: 'submit',
      label: { ja: '提出', en: 'Submit' },
      optional: ['comment'],
      from: 'draft',
      to: 'submitted',
      raci: { system_owner: '○' },
      set: (_i, ctx) => ({ submittedBy: ctx.actor.personId, submittedAt: ctx.clock.now(), returnReason: null }),
      effects: [requireValidRows],
    },
    {
      action: 'review',
      label: { ja: '内容を確認（統括責任者へ）', en: 'Reviewed: to the supervisor' },
      optional: ['comment'],
      from: 'submitted',
      to: 'reviewed',
      raci: { operator: '△', vendor_manager: '○', vendor_lead: '△' },
      set: (_i, ctx) => ({ reviewedBy: ctx.actor.personId }),
      effects: [requireValidRows],
    },
    {
      action: 'return',
      label: { ja: '差し戻し', en: 'Return to the owner' },
      from: 'submitted',
      to: 'draft',
      raci: { vendor_manager: '○', vendor_lead: '△' },
      requires: ['reason'],
      set: (i) => ({ returnReason: text(i.reason) }),
    },
    {
      action: 'approve',
      label: { ja: '承認', en: 'Approve' },
      optional: ['comment'],
      from: 'reviewed',
      to: 'approved',
      raci: { vendor_manager: '△', vendor_lead: '△', supervisor: '◎' },
      set: (_i, ctx) => ({ approvedBy: ctx.actor.personId, approvedAt: ctx.clock.now() }),
    },
    {
      action: 'send_back',
      label: { ja: '差し戻し（承認しない）', en: 'Return (not approved)' },
      from: 'reviewed',
      to: 'draft',
      raci: { supervisor: '◎' },
      requires: ['reason'],
      set: (i) => ({ returnReason: text(i.reason) }),
    },
    {
      action: 'withdraw',
      label: { ja: '取下げ', en: 'Withdraw' },
      from: ['draft', 'submitted'],
      to: 'withdrawn',
      raci: { system_owner: '○' },
      requires: ['reason'],
      set: (i) => ({ returnReason: text(i.reason) }),
    },
  ],
});
