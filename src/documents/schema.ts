import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { storedFiles } from '../files/schema.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** N §3.6.3.1: 文書 (kept as the latest version) or 記録 (kept for the operating period). */
export const DOCUMENT_KINDS = ['document', 'record'] as const;
/** 管理方法: 最新版 (latest only) or 運用期間 (every version for the operating period). */
export const DOCUMENT_RETENTIONS = ['latest', 'operating_period'] as const;
/** 作成／修正担当・レビュー担当・承認担当 as N's table names them. */
export const DOCUMENT_ROLES = ['operator', 'vendor_manager', 'vendor_lead', 'supervisor', 'system_owner'] as const;

/** ドキュメント一覧 (DOC-1, N §3.6.3.1). */
export const documents = pgTable(
  'documents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** DOC-NNNN as the list quotes it. */
    docNo: text('doc_no').notNull(),
    name: text('name').notNull(),
    kind: text('kind', { enum: DOCUMENT_KINDS }).notNull(),
    /** 管理場所 (e.g. ファイルサーバ ¥¥ops¥docs¥設計). */
    location: text('location').notNull(),
    retention: text('retention', { enum: DOCUMENT_RETENTIONS }).notNull(),
    authorRole: text('author_role', { enum: DOCUMENT_ROLES }).notNull(),
    reviewerRole: text('reviewer_role', { enum: DOCUMENT_ROLES }).notNull(),
    approverRole: text('approver_role', { enum: DOCUMENT_ROLES }).notNull(),
    /** A change of this document is notified to system owners too (N §3.6.3.2). */
    affectsOwners: boolean('affects_owners').notNull().default(false),
    /** The published revision (null until the first is published). */
    currentRevisionId: uuid('current_revision_id'),
    currentRevisionNo: integer('current_revision_no'),
    /** Optimistic concurrency of register edits. */
    version: integer('version').notNull().default(1),
    createdBy: uuid('created_by'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [uniqueIndex('documents_doc_no_uq').on(t.docNo), uniqueIndex('documents_name_uq').on(t.name)],
);

/**
 * A revision of a document (改版): author → reviewer → approver → publish, moved by the process kernel.
 * 改版日, 改版理由, 改版者, 承認者 are what ドキュメント一覧 records for every change.
 */
export const documentRevisions = pgTable(
  'document_revisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id),
    revisionNo: integer('revision_no').notNull(),
    state: text('state').notNull(),
    version: integer('version').notNull().default(1),
    /** 改版理由. */
    reason: text('reason').notNull(),
    /** What changed (shown to the team and owners in the notice). */
    summary: text('summary'),
    fileId: uuid('file_id').references(() => storedFiles.id),
    /**
     * The document's 作成／修正担当・レビュー担当・承認担当 when this revision was started: the process
     * routes the revision by them (a later edit of the register does not re-route work in flight).
     */
    authorRole: text('author_role', { enum: DOCUMENT_ROLES }).notNull(),
    reviewerRole: text('reviewer_role', { enum: DOCUMENT_ROLES }).notNull(),
    approverRole: text('approver_role', { enum: DOCUMENT_ROLES }).notNull(),
    /** The change or release this revision belongs to, if any (a procedure document). */
    changeId: uuid('change_id'),
    authorId: uuid('author_id'),
    authorLabel: text('author_label').notNull(),
    reviewedBy: uuid('reviewed_by'),
    reviewedAt: ts('reviewed_at'),
    approvedBy: uuid('approved_by'),
    approvedByLabel: text('approved_by_label'),
    approvedAt: ts('approved_at'),
    publishedAt: ts('published_at'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('document_revisions_no_uq').on(t.documentId, t.revisionNo),
    index('document_revisions_state_idx').on(t.state),
    index('document_revisions_published_idx').on(t.publishedAt),
  ],
);
