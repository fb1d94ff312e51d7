import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** オペレーション対象 (N §3.10.3.1): the platform's own work, or work on a department's virtual machines. */
export const OPERATION_SCOPES = ['platform', 'vm'] as const;
/** 実施頻度 of an entry. */
export const OPERATION_FREQUENCIES = ['daily', 'weekly', 'monthly', 'yearly', 'on_request'] as const;
/** N §3.10.3.1's three kinds of operation: 定期定型作業, 標準の変更 (password reset…), 代行依頼作業. */
export const OPERATION_CATEGORIES = ['routine', 'standard_change', 'delegated'] as const;
/** Who carries an entry out (担当者 ○ / 管理者 ◎ of N §3.10.2.1's オペレーション作業 row). */
export const OPERATION_OWNER_ROLES = ['operator', 'vendor_manager'] as const;
/** Restore requests (BAK-5, M §1.2/§3.1): 仮想マシン単位, 仮想ディスク単位, ファイル/フォルダ単位, 遠隔地から. */
export const RESTORE_KINDS = ['vm', 'disk', 'file', 'remote'] as const;
export type RestoreKind = (typeof RESTORE_KINDS)[number];
export const ENTRY_CHANGE_KINDS = ['add', 'change', 'delete'] as const;

/** What an entry of the list says (and what a change proposes). */
export interface EntryContent {
  title: string;
  scope: (typeof OPERATION_SCOPES)[number];
  category: (typeof OPERATION_CATEGORIES)[number];
  /** オペレーション手順 (the procedure document and its steps). */
  procedure: string;
  frequency: (typeof OPERATION_FREQUENCIES)[number];
  /** 実施日程 (e.g. 毎朝 9:00, 毎月第1営業日). */
  schedule: string;
  /** 作業証跡 (what is kept and where). */
  evidence: string;
  /** オペレーション実施にあたっての前提条件. */
  preconditions: string;
  ownerRole: (typeof OPERATION_OWNER_ROLES)[number];
  /** The department a VM-scope entry is done for (its system owner agrees, N ○/◎); null: every department. */
  departmentId: string | null;
  /** The restore kinds whose requests this entry carries out (BAK-5 routing). */
  restoreKinds: RestoreKind[];
  /** Words of a work request (INC-3) that route it to this entry. */
  keywords: string[];
}

/** オペレーション一覧 (OPS-1, N §3.10.3.1): the current content of each entry; deleted entries stay (inactive). */
export const operationEntries = pgTable(
  'operation_entries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** OPS-NNN as the list quotes it. */
    entryNo: text('entry_no').notNull(),
    title: text('title').notNull(),
    scope: text('scope', { enum: OPERATION_SCOPES }).notNull(),
    category: text('category', { enum: OPERATION_CATEGORIES }).notNull(),
    procedure: text('procedure').notNull(),
    frequency: text('frequency', { enum: OPERATION_FREQUENCIES }).notNull(),
    schedule: text('schedule').notNull(),
    evidence: text('evidence').notNull(),
    preconditions: text('preconditions').notNull(),
    ownerRole: text('owner_role', { enum: OPERATION_OWNER_ROLES }).notNull(),
    departmentId: uuid('department_id'),
    restoreKinds: jsonb('restore_kinds').$type<RestoreKind[]>().notNull().default([]),
    keywords: jsonb('keywords').$type<string[]>().notNull().default([]),
    active: boolean('active').notNull().default(true),
    /** The approved revision now in force (1 = as first approved). */
    revisionNo: integer('revision_no').notNull().default(1),
    version: integer('version').notNull().default(1),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [uniqueIndex('operation_entries_no_uq').on(t.entryNo), index('operation_entries_active_idx').on(t.active)],
);

/** Every approved revision of an entry (the list's history): what it said, by which change, who approved. */
export const operationEntryRevisions = pgTable(
  'operation_entry_revisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    entryId: uuid('entry_id')
      .notNull()
      .references(() => operationEntries.id),
    revisionNo: integer('revision_no').notNull(),
    kind: text('kind', { enum: ENTRY_CHANGE_KINDS }).notNull(),
    content: jsonb('content').$type<EntryContent>().notNull(),
    changeId: uuid('change_id'),
    reason: text('reason').notNull(),
    approvedByLabel: text('approved_by_label'),
    trainingDate: text('training_date'),
    trainingAttendees: jsonb('training_attendees').$type<string[]>(),
    at: ts('at').notNull(),
  },
  (t) => [uniqueIndex('operation_entry_revisions_no_uq').on(t.entryId, t.revisionNo)],
);

/**
 * オペレーション作業の追加・変更・削除 (N §3.10.3.5): a proposed add/change/delete of one entry, moved by the
 * process kernel (管理者 ○ drafts, 責任者 △ reviews, the training is recorded, 統括責任者 ◎ approves).
 */
export const operationEntryChanges = pgTable(
  'operation_entry_changes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    changeNo: text('change_no').notNull(),
    kind: text('kind', { enum: ENTRY_CHANGE_KINDS }).notNull(),
    /** The entry changed or deleted; for an add, set when the change is applied. */
    entryId: uuid('entry_id').references(() => operationEntries.id),
    /** The entry's revision the change was drafted on (a change applied since makes it stale). */
    baseRevisionNo: integer('base_revision_no'),
    content: jsonb('content').$type<EntryContent>().notNull(),
    reason: text('reason').notNull(),
    state: text('state').notNull(),
    version: integer('version').notNull().default(1),
    /** The department whose owner agrees (a VM-scope entry for one department), else null. */
    departmentId: uuid('department_id'),
    requestedBy: uuid('requested_by'),
    requestedByLabel: text('requested_by_label').notNull(),
    /** 担当者への教育 (or, for a delete, 担当者への共有): the day and who attended. */
    trainingDate: text('training_date'),
    trainingAttendees: jsonb('training_attendees').$type<string[]>(),
    approvedBy: uuid('approved_by'),
    approvedByLabel: text('approved_by_label'),
    approvedAt: ts('approved_at'),
    appliedAt: ts('applied_at'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('operation_entry_changes_no_uq').on(t.changeNo),
    index('operation_entry_changes_state_idx').on(t.state),
    index('operation_entry_changes_entry_idx').on(t.entryId),
  ],
);

export type ChecklistItem = { key: string; label: string; done: boolean; doneBy: string | null; doneAt: string | null };

/** リストア依頼 (BAK-5): a work request from the owner or the vendor, routed to an operations-list entry. */
export const restoreRequests = pgTable(
  'restore_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    requestNo: text('request_no').notNull(),
    kind: text('kind', { enum: RESTORE_KINDS }).notNull(),
    state: text('state').notNull(),
    version: integer('version').notNull().default(1),
    vmId: uuid('vm_id').notNull(),
    vmName: text('vm_name').notNull(),
    /** The department owning the VM's system (scope; its owner confirms). */
    departmentId: uuid('department_id').notNull(),
    /** 対象 (disk name, file/folder path), as the requester wrote it. */
    target: text('target').notNull(),
    /** リストア時点 (the backup generation / day wanted). */
    restorePoint: text('restore_point').notNull(),
    reason: text('reason').notNull(),
    /** The operations-list entry it is routed to, and its revision then. */
    entryId: uuid('entry_id').references(() => operationEntries.id),
    entryRevisionNo: integer('entry_revision_no'),
    checklist: jsonb('checklist').$type<ChecklistItem[]>().notNull().default([]),
    evidence: text('evidence'),
    requestedBy: uuid('requested_by'),
    requestedByLabel: text('requested_by_label').notNull(),
    requesterKind: text('requester_kind', { enum: ['owner', 'vendor'] }).notNull(),
    /** The day the work is due (business calendar; see restores.ts restoreDueAt); null on rows written before it existed. */
    dueAt: ts('due_at'),
    completedAt: ts('completed_at'),
    confirmedAt: ts('confirmed_at'),
    confirmedByLabel: text('confirmed_by_label'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('restore_requests_no_uq').on(t.requestNo),
    index('restore_requests_state_idx').on(t.state),
    index('restore_requests_department_idx').on(t.departmentId),
  ],
);
