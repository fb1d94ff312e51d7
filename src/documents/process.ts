import { eq, sql } from 'drizzle-orm';
import { systemActor } from '../iam/actor.ts';
import { defineProcess, fire, type FireContext, type SideEffect } from '../process/index.ts';
import { documentRevisions, documents } from './schema.ts';
import { revisionScope } from './scope.ts';

export type DocumentRevision = typeof documentRevisions.$inferSelect;
export type RevisionContext = FireContext & {
  /** Sends the notice of a published revision (mails.ts); set by the service. */
  notice?: SideEffect<DocumentRevision, RevisionContext>;
};

const byAuthor = (role: DocumentRevision['authorRole']) => (r: DocumentRevision) => r.authorRole === role;
const byReviewer = (role: DocumentRevision['reviewerRole']) => (r: DocumentRevision) => r.reviewerRole === role;
const byApprover = (role: DocumentRevision['approverRole']) => (r: DocumentRevision) => r.approverRole === role;

/**
 * サーバ格納・ドキュメント一覧更新: the revision becomes the document's current one; for a document kept
 * as 最新版 the earlier published revisions become 旧版 (their files and audit stay).
 */
const publishToRegister: SideEffect<DocumentRevision, RevisionContext> = async (e) => {
  const r = e.record;
  const [doc] = await e.tx
    .update(documents)
    .set({ currentRevisionId: r.id, currentRevisionNo: r.revisionNo, updatedAt: e.ctx.clock.now(), version: sql`${documents.version} + 1` })
    .where(eq(documents.id, r.documentId))
    .returning();
  if (doc?.retention === 'latest') {
    const older = await e.tx.select().from(documentRevisions).where(sql`${documentRevisions.documentId} = ${r.documentId}
      AND ${documentRevisions.state} = 'published' AND ${documentRevisions.id} <> ${r.id}`);
    const kiban = { ...e.ctx, actor: systemActor('ドキュメント一覧（最新版管理）') };
    for (const o of older) await fire(e.tx, kiban, revisionProcess, o, 'supersede', { comment: `第${r.revisionNo}版の格納により旧版` });
  }
  if (e.ctx.notice) await e.ctx.notice(e);
};

/**
 * ドキュメントの最新化維持 (DOC-2, N §3.6.2.1) — one revision of a register document:
 *
 *   作業内容                 担当者  管理者  責任者  統括責任者
 *   ドキュメントの最新化維持   ○     △/◎    △/◎      ◎
 *
 * and the flow chart <ドキュメントの最新化維持> (3.6.2.2): 作成・変更 → レビュー (修正が必要なら差戻し) →
 * 統括責任者承認が必要か → 承認 (or 差戻し) → サーバ格納・ドキュメント一覧更新 → 更新箇所の共有. Who
 * writes, reviews and approves is the document's (N §3.6.3.1's table, kept on the revision when it is
 * started), so each step has one variant per role the table names, chosen by `appliesTo`:
 *
 *   step                       作成／修正担当 = 担当者 | 管理者 | システム所管
 *   submit_by_*  レビュー依頼        担当者 ○          管理者 ○   システム所管 ○
 *                              レビュー担当 = 管理者 | 責任者
 *   review_by_*  レビュー完了        管理者 ○          責任者 ○ (管理者 △)
 *   return_by_*  修正が必要          管理者 ○          責任者 ○
 *                              承認担当 = 管理者 | 統括責任者
 *   approve_by_* 承認               管理者 ◎          統括責任者 ◎ (管理者・責任者 △)
 *   reject_by_*  差戻し             管理者 ◎          統括責任者 ◎
 *   publish      サーバ格納          担当者 ○ 管理者 ○ (格納指示 is the approval)
 *
 * The author may not approve their own revision (requesterOf).
 */
export const revisionProcess = defineProcess<string, string, DocumentRevision, RevisionContext>({
  name: 'document_revision',
  recordType: 'document_revision',
  table: documentRevisions,
  states: {
    draft: { ja: '作成・修正中', en: 'Drafting' },
    review: { ja: 'レビュー待ち', en: 'Awaiting review' },
    approval: { ja: '承認待ち', en: 'Awaiting approval' },
    approved: { ja: '承認済（サーバ格納待ち）', en: 'Approved (to be stored)' },
    published: { ja: '格納済（現行版）', en: 'Published (current)' },
    superseded: { ja: '旧版', en: 'Superseded' },
    withdrawn: { ja: '取下げ', en: 'Withdrawn' },
  },
  initial: 'draft',
  final: ['published', 'superseded', 'withdrawn'],
  pathOf: () => ['draft', 'review', 'approval', 'approved', 'published'],
  fields: {
    notifyIct: {
      kind: 'boolean',
      label: { ja: 'ICTサービスセンター管理者にも共有する', en: 'Share with the ICT service-centre manager too' },
      hint: { ja: 'N §3.6.3.2「（必要に応じて）ICT サービスセンター管理者に更新箇所を共有する」', en: 'N §3.6.3.2: as needed' },
    },
  },
  events: {
    create: { ja: 'ドキュメントの作成・修正の受付', en: 'Revision started' },
    replace_file: { ja: 'ファイルの差替え', en: 'File replaced' },
  },
  work: {
    module: { ja: 'ドキュメント', en: 'Document' },
    permission: 'document.read',
    ref: sql`(SELECT ${documents.docNo} FROM ${documents} WHERE ${documents.id} = ${documentRevisions.documentId}) || ' 第' || ${documentRevisions.revisionNo} || '版'`,
    title: sql`(SELECT ${documents.name} FROM ${documents} WHERE ${documents.id} = ${documentRevisions.documentId})`,
    path: (id) => `/documents/revisions/${id}`,
    scope: revisionScope,
  },
  requesterOf: (r) => r.authorId,
  transitions: [
    { action: 'submit_by_operator', label: { ja: 'レビュー依頼', en: 'Ask for review' }, optional: ['comment'], from: 'draft', to: 'review', raci: { operator: '○' }, appliesTo: byAuthor('operator') },
    { action: 'submit_by_manager', label: { ja: 'レビュー依頼', en: 'Ask for review' }, optional: ['comment'], from: 'draft', to: 'review', raci: { vendor_manager: '○' }, appliesTo: byAuthor('vendor_manager') },
    { action: 'submit_by_owner', label: { ja: 'レビュー依頼', en: 'Ask for review' }, optional: ['comment'], from: 'draft', to: 'review', raci: { system_owner: '○' }, appliesTo: byAuthor('system_owner') },
    {
      action: 'review_by_manager',
      label: { ja: 'レビュー完了（修正不要）', en: 'Reviewed (no changes needed)' },
      optional: ['comment'],
      from: 'review',
      to: 'approval',
      raci: { vendor_manager: '○' },
      appliesTo: byReviewer('vendor_manager'),
      set: (_i, ctx) => ({ reviewedBy: ctx.actor.personId, reviewedAt: ctx.clock.now() }),
    },
    {
      action: 'review_by_lead',
      label: { ja: 'レビュー完了（修正不要）', en: 'Reviewed (no changes needed)' },
      optional: ['comment'],
      from: 'review',
      to: 'approval',
      raci: { vendor_manager: '△', vendor_lead: '○' },
      appliesTo: byReviewer('vendor_lead'),
      set: (_i, ctx) => ({ reviewedBy: ctx.actor.personId, reviewedAt: ctx.clock.now() }),
    },
    { action: 'return_by_manager', label: { ja: '修正が必要（差戻し）', en: 'Needs changes (return)' }, requires: ['reason'], from: 'review', to: 'draft', raci: { vendor_manager: '○' }, appliesTo: byReviewer('vendor_manager') },
    { action: 'return_by_lead', label: { ja: '修正が必要（差戻し）', en: 'Needs changes (return)' }, requires: ['reason'], from: 'review', to: 'draft', raci: { vendor_lead: '○' }, appliesTo: byReviewer('vendor_lead') },
    {
      action: 'approve_by_manager',
      label: { ja: 'ドキュメントの承認', en: 'Approve the document' },
      optional: ['comment'],
      from: 'approval',
      to: 'approved',
      raci: { vendor_manager: '◎' },
      appliesTo: byApprover('vendor_manager'),
      set: (_i, ctx) => ({ approvedBy: ctx.actor.personId, approvedByLabel: ctx.actor.label, approvedAt: ctx.clock.now() }),
    },
    {
      action: 'approve_by_supervisor',
      label: { ja: 'ドキュメントの承認（統括責任者）', en: 'Approve the document (supervisor)' },
      optional: ['comment'],
      from: 'approval',
      to: 'approved',
      raci: { vendor_manager: '△', vendor_lead: '△', supervisor: '◎' },
      appliesTo: byApprover('supervisor'),
      set: (_i, ctx) => ({ approvedBy: ctx.actor.personId, approvedByLabel: ctx.actor.label, approvedAt: ctx.clock.now() }),
    },
    { action: 'reject_by_manager', label: { ja: '承認しない（差戻し）', en: 'Not approved (return)' }, requires: ['reason'], from: 'approval', to: 'draft', raci: { vendor_manager: '◎' }, appliesTo: byApprover('vendor_manager') },
    { action: 'reject_by_supervisor', label: { ja: '承認しない（差戻し）', en: 'Not approved (return)' }, requires: ['reason'], from: 'approval', to: 'draft', raci: { supervisor: '◎' }, appliesTo: byApprover('supervisor') },
    {
      action: 'publish',
      label: { ja: 'サーバ格納・ドキュメント一覧更新', en: 'Store and update the register' },
      optional: ['notifyIct', 'comment'],
      from: 'approved',
      to: 'published',
      raci: { operator: '○', vendor_manager: '○' },
      set: (_i, ctx) => ({ publishedAt: ctx.clock.now() }),
      effects: [publishToRegister],
    },
    { action: 'withdraw', label: { ja: '改版の取下げ', en: 'Withdraw the revision' }, requires: ['reason'], from: ['draft', 'review', 'approval', 'approved'], to: 'withdrawn', raci: { vendor_manager: '○' } },
    { action: 'supersede', label: { ja: '旧版化（最新版管理）', en: 'Superseded' }, from: 'published', to: 'superseded', raci: {}, system: true },
  ],
});
