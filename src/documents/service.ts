import { and, asc, count, desc, eq, gte, ilike, inArray, lt, notInArray, or, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { audit } from '../audit/index.ts';
import { daysFromCivil, jstInstant } from '../calendar/jst.ts';
import { changes } from '../changes/schema.ts';
import type { Db } from '../db/connection.ts';
import { inTx } from '../db/tx.ts';
import { type FileInput, readStoredFile, STORED_FILE_INFO, type StoredFile, storedFiles, storeFile } from '../files/index.ts';
import { type Actor, can, requirePermission } from '../iam/actor.ts';
import { ROLE_LABELS } from '../iam/roles.ts';
import { jstCell, type LedgerColumn, type LedgerFile, ledgerFile } from '../incidents/index.ts';
import type { Clock } from '../kernel/clock.ts';
import { ConflictError, fieldError, ForbiddenError, InputError, NotFoundError } from '../kernel/errors.ts';
import { likePattern, type Page, parseSort } from '../kernel/paging.ts';
import { listMailsFor } from '../notify/index.ts';
import { fire, processView, recordEvent } from '../process/index.ts';
import {
  type DocumentInput,
  type DocumentListQuery,
  type DocumentUpdate,
  documentInput,
  documentUpdate,
  type RevisionActionInput,
  replaceFields,
  revisionActionInput,
  revisionFields,
} from './inputs.ts';
import { revisionNotice } from './mails.ts';
import { type DocumentRevision, type RevisionContext, revisionProcess } from './process.ts';
import { KIND_LABELS, nextDocNo, RETENTION_LABELS, seedDocumentRegister } from './register.ts';
import { documentRevisions, documents } from './schema.ts';
import { documentScope, revisionScope } from './scope.ts';

export interface DocumentDeps {
  db: Db;
  clock: Clock;
  /** The platform's name as N's mails print it (config KIBAN_PLATFORM_NAME). */
  platformName?: string;
}

export type Document = typeof documents.$inferSelect;

/** Revision states in which the document has work in flight (one at a time). */
const OPEN_STATES = ['draft', 'review', 'approval', 'approved'];

const current = alias(documentRevisions, 'current_revision');

const roleLabel = (r: string) => ROLE_LABELS[r as keyof typeof ROLE_LABELS]?.ja ?? r;
const stateLabel = (s: string) => revisionProcess.states[s] ?? { ja: s, en: s };

/** One row of ドキュメント一覧 as lists, exports and the document page show it. */
export interface RegisterEntry extends Document {
  kindLabel: string;
  retentionLabel: string;
  authorRoleLabel: string;
  reviewerRoleLabel: string;
  approverRoleLabel: string;
  /** 改版日・改版理由・改版者・承認者 of the current (published) revision. */
  revisedAt: Date | null;
  revisionReason: string | null;
  revisedBy: string | null;
  approvedBy: string | null;
}

const entrySelect = {
  doc: documents,
  revisedAt: current.publishedAt,
  revisionReason: current.reason,
  revisedBy: current.authorLabel,
  approvedBy: current.approvedByLabel,
};
type EntryRow = { doc: Document; revisedAt: Date | null; revisionReason: string | null; revisedBy: string | null; approvedBy: string | null };
const entry = (r: EntryRow): RegisterEntry => ({
  ...r.doc,
  kindLabel: KIND_LABELS[r.doc.kind],
  retentionLabel: RETENTION_LABELS[r.doc.retention],
  authorRoleLabel: roleLabel(r.doc.authorRole),
  reviewerRoleLabel: roleLabel(r.doc.reviewerRole),
  approverRoleLabel: roleLabel(r.doc.approverRole),
  revisedAt: r.revisedAt,
  revisionReason: r.revisionReason,
  revisedBy: r.revisedBy,
  approvedBy: r.approvedBy,
});

const LEDGER: LedgerColumn<RegisterEntry>[] = [
  { header: '文書番号', value: (r) => r.docNo, width: 12 },
  { header: '種別', value: (r) => r.kindLabel, width: 8 },
  { header: 'ドキュメント名', value: (r) => r.name, width: 40 },
  { header: '管理場所', value: (r) => r.location, width: 30 },
  { header: '管理方法', value: (r) => r.retentionLabel, width: 10 },
  { header: '作成／修正担当', value: (r) => r.authorRoleLabel, width: 14 },
  { header: 'レビュー担当', value: (r) => r.reviewerRoleLabel, width: 14 },
  { header: '承認担当', value: (r) => r.approverRoleLabel, width: 14 },
  { header: 'システム所管に影響', value: (r) => (r.affectsOwners ? '有' : '無'), width: 10 },
  { header: '現行版', value: (r) => (r.currentRevisionNo ? `第${r.currentRevisionNo}版` : null), width: 8 },
  { header: '改版日', value: (r) => jstCell(r.revisedAt), width: 18 },
  { header: '改版理由', value: (r) => r.revisionReason, width: 40 },
  { header: '改版者', value: (r) => r.revisedBy, width: 18 },
  { header: '承認者', value: (r) => r.approvedBy, width: 18 },
  { header: 'ID', value: (r) => r.id, width: 38 },
];

const SORTS: Record<string, SQL> = {
  docNo: sql`${documents.docNo}`,
  name: sql`${documents.name}`,
  kind: sql`${documents.kind}`,
  retention: sql`${documents.retention}`,
  updatedAt: sql`${documents.updatedAt}`,
  currentRevisionNo: sql`${documents.currentRevisionNo}`,
};

/** The metadata compared between two revisions (diff of metadata, DOC-1 「改版日、改版理由、改版者、承認者」). */
const DIFF_FIELDS: { key: string; label: string; value: (r: RevisionView) => string | null }[] = [
  { key: 'state', label: '状態', value: (r) => r.stateLabel.ja },
  { key: 'reason', label: '改版理由', value: (r) => r.reason },
  { key: 'summary', label: '変更内容', value: (r) => r.summary },
  { key: 'publishedAt', label: '改版日', value: (r) => jstCell(r.publishedAt) },
  { key: 'authorLabel', label: '改版者', value: (r) => r.authorLabel },
  { key: 'approvedByLabel', label: '承認者', value: (r) => r.approvedByLabel },
  { key: 'fileName', label: 'ファイル名', value: (r) => r.file?.fileName ?? null },
  { key: 'size', label: 'サイズ（バイト）', value: (r) => (r.file ? String(r.file.size) : null) },
  { key: 'sha256', label: 'SHA-256', value: (r) => r.file?.sha256 ?? null },
  { key: 'reviewerRole', label: 'レビュー担当', value: (r) => roleLabel(r.reviewerRole) },
  { key: 'approverRole', label: '承認担当', value: (r) => roleLabel(r.approverRole) },
];

export type RevisionView = DocumentRevision & {
  stateLabel: { ja: string; en: string };
  file: { id: string; fileName: string; mediaType: string; size: number; sha256: string; uploadedAt: Date; uploadedByLabel: string } | null;
};

function requireRead(actor: Actor): void {
  requirePermission(actor, 'document.read');
}

export function createDocumentService(deps: DocumentDeps) {
  const { db, clock } = deps;
  const notice = revisionNotice(deps.platformName ?? '第三期サーバ仮想化統合基盤', clock);
  const ctxOf = (actor: Actor): RevisionContext => ({ clock, actor, notice });

  async function loadDoc(t: Db, actor: Actor, id: string): Promise<Document> {
    requireRead(actor);
    const [row] = await t.select().from(documents).where(and(eq(documents.id, id), documentScope(actor)));
    if (!row) throw new NotFoundError('error.not_found');
    return row;
  }

  async function loadRevision(t: Db, actor: Actor, id: string): Promise<DocumentRevision> {
    requireRead(actor);
    const [row] = await t.select().from(documentRevisions).where(and(eq(documentRevisions.id, id), revisionScope(actor)));
    if (!row) throw new NotFoundError('error.not_found');
    return row;
  }

  async function revisionViews(t: Db, where: SQL | undefined): Promise<RevisionView[]> {
    const rows = await t
      .select({ r: documentRevisions, file: STORED_FILE_INFO })
      .from(documentRevisions)
      .leftJoin(storedFiles, eq(storedFiles.id, documentRevisions.fileId))
      .where(where)
      .orderBy(desc(documentRevisions.revisionNo));
    return rows.map(({ r, file }) => ({ ...r, stateLabel: stateLabel(r.state), file: file?.id ? file : null }));
  }

  function where(actor: Actor, q: Partial<DocumentListQuery>): SQL | undefined {
    const open = sql`EXISTS (SELECT 1 FROM ${documentRevisions} WHERE ${documentRevisions.documentId} = ${documents.id} AND ${inArray(documentRevisions.state, OPEN_STATES)})`;
    return and(
      documentScope(actor),
      q.kind ? eq(documents.kind, q.kind) : undefined,
      q.retention ? eq(documents.retention, q.retention) : undefined,
      q.affectsOwners ? eq(documents.affectsOwners, q.affectsOwners === 'true') : undefined,
      q.inProgress === 'true' ? open : q.inProgress === 'false' ? sql`NOT ${open}` : undefined,
      q.q ? or(ilike(documents.docNo, likePattern(q.q)), ilike(documents.name, likePattern(q.q)), ilike(documents.location, likePattern(q.q))) : undefined,
    );
  }

  /** ドキュメント一覧 (DOC-1) with server-side filter, sort and page. */
  async function list(actor: Actor, q: DocumentListQuery): Promise<Page<RegisterEntry>> {
    requireRead(actor);
    const w = where(actor, q);
    const { field, desc: d } = parseSort(q.sort, 'docNo');
    const order = SORTS[field] ?? SORTS.docNo!;
    const rows = await db
      .select(entrySelect)
      .from(documents)
      .leftJoin(current, eq(current.id, documents.currentRevisionId))
      .where(w)
      .orderBy(d ? sql`${order} DESC NULLS LAST` : sql`${order} ASC NULLS LAST`, asc(documents.docNo))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize);
    const total = Number((await db.select({ n: count() }).from(documents).where(w))[0]?.n ?? 0);
    return { items: rows.map(entry), total, page: q.page, pageSize: q.pageSize };
  }

  async function exportLedger(actor: Actor, format: 'xlsx' | 'csv', q: Partial<DocumentListQuery> = {}): Promise<LedgerFile> {
    requireRead(actor);
    const rows = await db.select(entrySelect).from(documents).leftJoin(current, eq(current.id, documents.currentRevisionId)).where(where(actor, q)).orderBy(asc(documents.docNo));
    return ledgerFile({ en: 'documents', ja: 'ドキュメント一覧' }, format, LEDGER, rows.map(entry), clock.now());
  }

  /** A document with every revision the actor may see (newest first), each with its file's metadata. */
  async function get(actor: Actor, id: string) {
    const doc = await loadDoc(db, actor, id);
    const [row] = await db.select(entrySelect).from(documents).leftJoin(current, eq(current.id, documents.currentRevisionId)).where(eq(documents.id, doc.id));
    const revisions = await revisionViews(db, and(eq(documentRevisions.documentId, id), revisionScope(actor)));
    return {
      ...entry(row!),
      revisions,
      canRevise: mayAuthor(actor, doc) && !revisions.some((r) => OPEN_STATES.includes(r.state)),
      canManage: can(actor, 'document.manage'),
    };
  }

  function checkName(t: Db, name: string, except?: string) {
    return t
      .select({ id: documents.id })
      .from(documents)
      .where(and(sql`lower(${documents.name}) = lower(${name})`, except ? sql`${documents.id} <> ${except}` : undefined))
      .then((r) => {
        if (r.length) throw fieldError('name', 'document.name_taken');
      });
  }

  async function create(actor: Actor, raw: DocumentInput) {
    requirePermission(actor, 'document.manage');
    const input = documentInput.parse(raw);
    const now = clock.now();
    return inTx(db, async (t) => {
      await checkName(t, input.name);
      const [doc] = await t.insert(documents).values({ ...input, docNo: await nextDocNo(t), createdBy: actor.personId, createdAt: now, updatedAt: now }).returning();
      await audit(t, clock, actor, { action: 'document.create', entityType: 'document', entityId: doc!.id, after: doc });
      return doc!;
    });
  }

  async function update(actor: Actor, id: string, raw: DocumentUpdate) {
    requirePermission(actor, 'document.manage');
    const { version, ...patch } = documentUpdate.parse(raw);
    return inTx(db, async (t) => {
      const before = await loadDoc(t, actor, id);
      if (patch.name) await checkName(t, patch.name, id);
      const [row] = await t
        .update(documents)
        .set({ ...patch, updatedAt: clock.now(), version: sql`${documents.version} + 1` })
        .where(and(eq(documents.id, id), eq(documents.version, version)))
        .returning();
      if (!row) throw new ConflictError('error.stale_version');
      await audit(t, clock, actor, { action: 'document.update', entityType: 'document', entityId: id, before, after: row });
      return row;
    });
  }

  /** N's register (§3.6.3.1) loaded into ドキュメント一覧; rows already there are left alone. */
  async function seed(actor: Actor) {
    requirePermission(actor, 'document.manage');
    return inTx(db, (t) => seedDocumentRegister(t, clock, actor));
  }

  /** Only the document's 作成／修正担当 starts and corrects its revisions. */
  function mayAuthor(actor: Actor, doc: Pick<Document, 'authorRole'>): boolean {
    return actor.kind === 'system' || actor.roles.includes(doc.authorRole);
  }
  function requireAuthor(actor: Actor, doc: Pick<Document, 'authorRole'>): void {
    if (!mayAuthor(actor, doc)) throw new ForbiddenError('document.not_author', { role: roleLabel(doc.authorRole) });
  }

  async function history(t: Db, actor: Actor, r: DocumentRevision, action: string, comment: string | null) {
    await recordEvent(t, clock.now(), actor, { process: revisionProcess.name, recordId: r.id, action, state: r.state, fromState: action === 'create' ? '' : r.state, comment });
  }

  /**
   * ドキュメントの作成・修正の受付: the author uploads the new version with its 改版理由. The file and the
   * revision are written in one transaction (a refused file writes neither). One open revision per document.
   */
  async function createRevision(actor: Actor, documentId: string, upload: { file: FileInput | undefined; fields: Record<string, unknown> }) {
    requireRead(actor);
    const input = revisionFields.parse(upload.fields);
    if (!upload.file) throw fieldError('file', 'file.required');
    const file = upload.file;
    return inTx(db, async (t) => {
      const doc = await loadDoc(t, actor, documentId);
      requireAuthor(actor, doc);
      // Serialise revisions of one document: the open-revision check and the number below.
      await t.execute(sql`SELECT 1 FROM ${documents} WHERE ${documents.id} = ${doc.id} FOR UPDATE`);
      const [open] = await t.select().from(documentRevisions).where(and(eq(documentRevisions.documentId, doc.id), inArray(documentRevisions.state, OPEN_STATES)));
      if (open) throw new ConflictError('document.revision_open', { revisionNo: open.revisionNo, state: stateLabel(open.state).ja });
      if (input.changeId) {
        const [c] = await t.select({ id: changes.id }).from(changes).where(eq(changes.id, input.changeId));
        if (!c) throw fieldError('changeId', 'document.change_not_found');
      }
      const stored = await storeFile(t, clock, actor, file);
      const [{ n }] = (await t.select({ n: sql<number>`coalesce(max(${documentRevisions.revisionNo}), 0) + 1` }).from(documentRevisions).where(eq(documentRevisions.documentId, doc.id))) as [{ n: number }];
      const now = clock.now();
      const [r] = await t
        .insert(documentRevisions)
        .values({
          documentId: doc.id,
          revisionNo: Number(n),
          state: revisionProcess.initial,
          reason: input.reason,
          summary: input.summary ?? null,
          fileId: stored.id,
          changeId: input.changeId ?? null,
          authorRole: doc.authorRole,
          reviewerRole: doc.reviewerRole,
          approverRole: doc.approverRole,
          authorId: actor.personId,
          authorLabel: actor.label,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      await history(t, actor, r!, 'create', input.reason);
      await audit(t, clock, actor, { action: 'document_revision.create', entityType: 'document_revision', entityId: r!.id, after: { ...r, file: stored } });
      return { ...r!, stateLabel: stateLabel(r!.state), file: stored };
    });
  }

  /** A corrected file (and reason) for a draft — after 修正が必要 — by the document's author role. */
  async function replaceFile(actor: Actor, id: string, upload: { file: FileInput | undefined; fields: Record<string, unknown> }) {
    const input = replaceFields.parse(upload.fields);
    if (!upload.file) throw fieldError('file', 'file.required');
    const file = upload.file;
    return inTx(db, async (t) => {
      const r = await loadRevision(t, actor, id);
      requireAuthor(actor, r);
      if (r.state !== 'draft') throw new ConflictError('document.revision_not_draft', { state: stateLabel(r.state).ja });
      const stored = await storeFile(t, clock, actor, file);
      const [after] = await t
        .update(documentRevisions)
        .set({
          fileId: stored.id,
          ...(input.reason ? { reason: input.reason } : {}),
          ...(input.summary !== undefined ? { summary: input.summary } : {}),
          updatedAt: clock.now(),
          version: sql`${documentRevisions.version} + 1`,
        })
        .where(and(eq(documentRevisions.id, id), eq(documentRevisions.version, input.version)))
        .returning();
      if (!after) throw new ConflictError('error.stale_version');
      await history(t, actor, after, 'replace_file', `${stored.fileName}（SHA-256 ${stored.sha256.slice(0, 12)}…）`);
      await audit(t, clock, actor, { action: 'document_revision.replace_file', entityType: 'document_revision', entityId: id, before: { fileId: r.fileId, reason: r.reason }, after: { fileId: stored.id, reason: after.reason, file: stored } });
      return { ...after, stateLabel: stateLabel(after.state), file: stored };
    });
  }

  async function getRevision(actor: Actor, id: string) {
    const r = await loadRevision(db, actor, id);
    const [view] = await revisionViews(db, eq(documentRevisions.id, id));
    const doc = await get(actor, r.documentId).catch(() => null);
    return {
      ...view!,
      document: doc ? { id: doc.id, docNo: doc.docNo, name: doc.name, kindLabel: doc.kindLabel, retentionLabel: doc.retentionLabel, location: doc.location, affectsOwners: doc.affectsOwners, currentRevisionNo: doc.currentRevisionNo } : null,
      canReplaceFile: r.state === 'draft' && mayAuthor(actor, r),
      process: await processView(db, revisionProcess, r, actor),
      mails: can(actor, 'mail.read') ? await listMailsFor(db, actor, 'document_revision', id) : [],
    };
  }

  async function act(actor: Actor, id: string, action: string, raw: RevisionActionInput) {
    const { version, ...input } = revisionActionInput.parse(raw);
    // A return's reason is what the author reads in the history.
    const comment = input.comment ?? input.reason;
    return inTx(db, async (t) => {
      const r = await loadRevision(t, actor, id);
      const after = await fire(t, ctxOf(actor), revisionProcess, { ...r, version }, action, { ...input, comment });
      return { ...after, stateLabel: stateLabel(after.state) };
    });
  }

  /** The file of one revision (the caller sends it with sendStoredFile). */
  async function revisionFile(actor: Actor, id: string): Promise<StoredFile> {
    const r = await loadRevision(db, actor, id);
    if (!r.fileId) throw new NotFoundError('document.no_file');
    return readStoredFile(db, r.fileId);
  }

  /** What changed in the metadata between two revisions of a document (by revision number). */
  async function diff(actor: Actor, documentId: string, from: number, to: number) {
    const doc = await loadDoc(db, actor, documentId);
    const revs = await revisionViews(db, and(eq(documentRevisions.documentId, doc.id), inArray(documentRevisions.revisionNo, [from, to]), revisionScope(actor)));
    const a = revs.find((r) => r.revisionNo === from);
    const b = revs.find((r) => r.revisionNo === to);
    if (!a) throw new InputError('error.invalid_input', {}, { from: { key: 'document.revision_not_found', params: { revisionNo: from } } });
    if (!b) throw new InputError('error.invalid_input', {}, { to: { key: 'document.revision_not_found', params: { revisionNo: to } } });
    return {
      document: { id: doc.id, docNo: doc.docNo, name: doc.name },
      from: a.revisionNo,
      to: b.revisionNo,
      fields: DIFF_FIELDS.map((f) => ({ key: f.key, label: f.label, from: f.value(a), to: f.value(b), changed: f.value(a) !== f.value(b) })),
      sameFile: a.file?.sha256 === b.file?.sha256,
    };
  }

  /**
   * ドキュメント一覧の変更 of one month (JST), for the monthly report (N §3.6.3.2: 管理者は、月次報告会にて
   * 統括責任者にドキュメント一覧の変更を報告する): the revisions published in it with reason, author, approver.
   */
  async function monthlyChanges(actor: Actor, month: string) {
    requireRead(actor);
    const m = /^(\d{4})-(\d{2})$/.exec(month);
    if (!m) throw fieldError('month', 'document.bad_month');
    const y = Number(m[1]);
    const mo = Number(m[2]);
    const start = jstInstant(daysFromCivil(y, mo, 1), 0);
    const end = jstInstant(mo === 12 ? daysFromCivil(y + 1, 1, 1) : daysFromCivil(y, mo + 1, 1), 0);
    const rows = await db
      .select({ r: documentRevisions, doc: { id: documents.id, docNo: documents.docNo, name: documents.name, kind: documents.kind } })
      .from(documentRevisions)
      .innerJoin(documents, eq(documents.id, documentRevisions.documentId))
      .where(and(gte(documentRevisions.publishedAt, start), lt(documentRevisions.publishedAt, end), notInArray(documentRevisions.state, OPEN_STATES), revisionScope(actor), documentScope(actor)))
      .orderBy(asc(documentRevisions.publishedAt), asc(documents.docNo));
    return {
      month,
      items: rows.map(({ r, doc }) => ({
        revisionId: r.id,
        documentId: doc.id,
        docNo: doc.docNo,
        name: doc.name,
        kindLabel: KIND_LABELS[doc.kind],
        revisionNo: r.revisionNo,
        publishedAt: r.publishedAt,
        reason: r.reason,
        summary: r.summary,
        authorLabel: r.authorLabel,
        approvedByLabel: r.approvedByLabel,
        state: r.state,
        stateLabel: stateLabel(r.state),
      })),
    };
  }

  return { list, exportLedger, get, create, update, seed, createRevision, replaceFile, getRevision, act, revisionFile, diff, monthlyChanges };
}

export type DocumentService = ReturnType<typeof createDocumentService>;
