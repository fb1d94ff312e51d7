import { eq, ne, sql } from 'drizzle-orm';
import { visibleDepartments } from '../iam/actor.ts';
import { systemActor } from '../iam/actor.ts';
import { defineProcess, type FireContext, fire, type SideEffect } from '../process/index.ts';
import { KPI_DEFINITIONS } from './kpis.ts';
import { slMenuVersions, slTargets } from './schema.ts';

/** The KPI's Japanese label in SQL (the inbox and search title of a target). */
const kpiLabelSql = sql.raw(`CASE ${KPI_DEFINITIONS.map((d) => `WHEN "sl_targets"."kpi" = '${d.key}' THEN '${d.label.ja}'`).join(' ')} ELSE "sl_targets"."kpi" END`);

export type Target = typeof slTargets.$inferSelect;
export type MenuVersion = typeof slMenuVersions.$inferSelect;

/**
 * 品質目標の作成・見直し (SLM-5, N §3.1.3.1), its RACI row of 3.1.2.1:
 *
 *   作業内容                 担当者  管理者  責任者  統括責任者
 *   品質目標の作成・見直し      -       ○       △        ◎
 *
 * The manager proposes a target (at go-live, at the half-year review, or mid-year with a reason:
 * 「年度の途中で品質目標の見直しを行う必要がある場合は、統括責任者の承認を得ること」); the supervisor
 * agrees (approve) or sends it back (reject, with a reason); the proposer may withdraw it. The
 * requester never approves their own proposal (a manager who is also supervisor cannot).
 */
export const slTargetProcess = defineProcess<string, string, Target, FireContext>({
  name: 'sl_target',
  recordType: 'sl_target',
  table: slTargets,
  states: {
    submitted: { ja: '承認待ち', en: 'Awaiting approval' },
    approved: { ja: '承認済（適用）', en: 'Approved (in force)' },
    rejected: { ja: '差戻し', en: 'Rejected' },
    withdrawn: { ja: '取下げ', en: 'Withdrawn' },
  },
  initial: 'submitted',
  final: ['approved', 'rejected', 'withdrawn'],
  pathOf: () => ['submitted', 'approved'],
  fields: { reason: { kind: 'textarea', label: { ja: '理由', en: 'Reason' }, max: 4000 } },
  events: { request: { ja: '品質目標の提示', en: 'Target proposed' } },
  work: {
    module: { ja: '品質目標', en: 'Quality target' },
    permission: 'servicelevel.read',
    ref: slTargets.refNo,
    title: sql`'品質目標 ' || ${kpiLabelSql} || ' ' || ${slTargets.targetPercent} || '%'`,
    path: (id) => `/servicelevels/targets/${id}`,
    // Targets are the platform's, not a department's: owners see none in their inbox.
    scope: (actor) => (visibleDepartments(actor) === null ? undefined : sql`false`),
  },
  requesterOf: (r) => r.requestedBy,
  transitions: [
    {
      action: 'approve',
      label: { ja: '承認（合意）', en: 'Approve (agree)' },
      from: 'submitted',
      to: 'approved',
      raci: { vendor_lead: '△', supervisor: '◎' },
      optional: ['comment'],
      set: (_i, ctx) => ({ decidedBy: ctx.actor.personId, decidedAt: ctx.clock.now() }),
    },
    {
      action: 'reject',
      label: { ja: '差戻し', en: 'Reject' },
      from: 'submitted',
      to: 'rejected',
      raci: { supervisor: '◎' },
      requires: ['comment'],
      set: (_i, ctx) => ({ decidedBy: ctx.actor.personId, decidedAt: ctx.clock.now() }),
    },
    { action: 'withdraw', label: { ja: '取下げ', en: 'Withdraw' }, from: 'submitted', to: 'withdrawn', raci: { vendor_manager: '○' }, requires: ['comment'] },
  ],
});

/** The newly published menu version supersedes the one before (kept as history). */
const supersedeOthers: SideEffect<MenuVersion, FireContext> = async (e) => {
  const older = await e.tx.select().from(slMenuVersions).where(sql`${slMenuVersions.state} = 'published' AND ${ne(slMenuVersions.id, e.record.id)}`);
  const kiban = { ...e.ctx, actor: systemActor('サービスメニュー（版管理）') };
  for (const o of older) await fire(e.tx, kiban, slMenuProcess, o, 'supersede', { comment: `第${e.record.versionNo}版の公開により旧版` });
  await e.tx.update(slMenuVersions).set({ publishedAt: e.ctx.clock.now() }).where(eq(slMenuVersions.id, e.record.id));
};

/**
 * サービスメニュー (SLM-8, N §2.5 「提供するサービスは、サービスメニューとして一覧化し、サービスの変更に
 * 応じて、見直しを実施する」; N §3.6.3.1 lists it with 作成 管理者, レビュー 責任者, 承認 統括責任者):
 * the manager drafts a version (edits its items), the lead reviews, the supervisor approves and it
 * is published to the owners; the author never approves it.
 */
export const slMenuProcess = defineProcess<string, string, MenuVersion, FireContext>({
  name: 'sl_menu',
  recordType: 'sl_menu',
  table: slMenuVersions,
  states: {
    draft: { ja: '作成・修正中', en: 'Drafting' },
    review: { ja: 'レビュー待ち', en: 'Awaiting review' },
    approval: { ja: '承認待ち', en: 'Awaiting approval' },
    published: { ja: '公開中（現行版）', en: 'Published (current)' },
    superseded: { ja: '旧版', en: 'Superseded' },
    withdrawn: { ja: '取下げ', en: 'Withdrawn' },
  },
  initial: 'draft',
  final: ['published', 'superseded', 'withdrawn'],
  pathOf: () => ['draft', 'review', 'approval', 'published'],
  fields: { reason: { kind: 'textarea', label: { ja: '理由', en: 'Reason' }, max: 4000 } },
  events: { create: { ja: '改版の開始', en: 'Version started' }, edit: { ja: 'メニューの編集', en: 'Menu edited' } },
  work: {
    module: { ja: 'サービスメニュー', en: 'Service menu' },
    permission: 'servicelevel.manage',
    ref: sql`'サービスメニュー 第' || ${slMenuVersions.versionNo} || '版'`,
    title: slMenuVersions.reason,
    path: () => '/servicelevels?tab=menu',
    scope: () => undefined,
  },
  requesterOf: (r) => r.authorId,
  transitions: [
    { action: 'submit', label: { ja: 'レビュー依頼', en: 'Ask for review' }, from: 'draft', to: 'review', raci: { vendor_manager: '○' }, optional: ['comment'] },
    { action: 'review', label: { ja: 'レビュー完了', en: 'Reviewed' }, from: 'review', to: 'approval', raci: { vendor_lead: '○' }, optional: ['comment'] },
    { action: 'return', label: { ja: '修正が必要（差戻し）', en: 'Return for changes' }, from: ['review', 'approval'], to: 'draft', raci: { vendor_lead: '○', supervisor: '◎' }, requires: ['comment'] },
    {
      action: 'approve',
      label: { ja: '承認（公開）', en: 'Approve (publish)' },
      from: 'approval',
      to: 'published',
      raci: { vendor_manager: '△', supervisor: '◎' },
      optional: ['comment'],
      set: (_i, ctx) => ({ approvedBy: ctx.actor.personId }),
      effects: [supersedeOthers],
    },
    { action: 'withdraw', label: { ja: '取下げ', en: 'Withdraw' }, from: ['draft', 'review'], to: 'withdrawn', raci: { vendor_manager: '○' }, requires: ['comment'] },
    { action: 'supersede', label: { ja: '旧版化', en: 'Superseded' }, from: 'published', to: 'superseded', raci: {}, system: true },
  ],
});
