import { z } from 'zod';
import { listQuery } from '../kernel/paging.ts';
import { ENTRY_CHANGE_KINDS, OPERATION_CATEGORIES, OPERATION_FREQUENCIES, OPERATION_OWNER_ROLES, OPERATION_SCOPES, RESTORE_KINDS } from './schema.ts';

const text = (max: number) => z.string().trim().max(max);
const words = z.array(text(100).min(1)).max(30);

/** What an entry says (OPS-1: procedure, frequency/schedule, evidence, preconditions, owner role). */
export const entryContent = z
  .object({
    title: text(200).min(1),
    scope: z.enum(OPERATION_SCOPES),
    category: z.enum(OPERATION_CATEGORIES),
    procedure: text(8000).min(1),
    frequency: z.enum(OPERATION_FREQUENCIES),
    schedule: text(500).min(1),
    evidence: text(2000).min(1),
    preconditions: text(4000).min(1),
    ownerRole: z.enum(OPERATION_OWNER_ROLES),
    departmentId: z.uuid().nullable().default(null),
    restoreKinds: z.array(z.enum(RESTORE_KINDS)).max(4).default([]),
    keywords: words.default([]),
  })
  .strict();
export type EntryContentInput = z.input<typeof entryContent>;

/** A request to add, change or delete an entry (管理者 drafts it, N §3.10.3.5). */
export const changeInput = z
  .object({
    kind: z.enum(ENTRY_CHANGE_KINDS),
    entryId: z.uuid().optional(),
    /** For add/change: the full proposed content; for delete: not given (the entry's current content is kept). */
    content: entryContent.optional(),
    reason: text(4000).min(1),
  })
  .strict();
export type ChangeInput = z.input<typeof changeInput>;

export const changeEdit = z.object({ version: z.number().int().min(1), content: entryContent.optional(), reason: text(4000).min(1).optional() }).strict();
export type ChangeEdit = z.input<typeof changeEdit>;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
export const changeActionInput = z
  .object({
    version: z.number().int().min(1),
    comment: text(4000).optional(),
    reason: text(4000).optional(),
    trainingDate: day.optional(),
    trainingAttendees: z.array(text(100)).max(100).optional(),
  })
  .strict();
export type ChangeActionInput = z.input<typeof changeActionInput>;

export const entryListQuery = listQuery(['entryNo', 'title', 'frequency', 'category', 'updatedAt']).extend({
  scope: z.enum(OPERATION_SCOPES).optional(),
  frequency: z.enum(OPERATION_FREQUENCIES).optional(),
  category: z.enum(OPERATION_CATEGORIES).optional(),
  /** Deleted entries too (their history stays). */
  includeDeleted: z.enum(['true', 'false']).optional(),
});
export type EntryListQuery = z.infer<typeof entryListQuery>;

export const matchQuery = z.object({ q: text(4000).min(1) }).strict();

/** A restore request (BAK-5): which VM, which kind, what and from when. */
export const restoreInput = z
  .object({
    vmId: z.uuid(),
    kind: z.enum(RESTORE_KINDS),
    /** The disk (仮想ディスク単位) or the path (ファイル/フォルダ単位); for a whole VM, optional. */
    target: text(1000).default(''),
    restorePoint: text(200).min(1),
    reason: text(4000).min(1),
  })
  .strict();
export type RestoreInput = z.input<typeof restoreInput>;

export const restoreListQuery = listQuery(['requestNo', 'createdAt', 'state', 'vmName']).extend({
  state: z.string().trim().max(40).optional(),
  kind: z.enum(RESTORE_KINDS).optional(),
  /** Open requests only (not closed, declined or withdrawn). */
  open: z.enum(['true', 'false']).optional(),
});
export type RestoreListQuery = z.infer<typeof restoreListQuery>;

export const restoreActionInput = z
  .object({ version: z.number().int().min(1), comment: text(4000).optional(), reason: text(4000).optional(), evidence: text(4000).optional() })
  .strict();
export type RestoreActionInput = z.input<typeof restoreActionInput>;

export const checkInput = z.object({ version: z.number().int().min(1), key: text(40).min(1), done: z.boolean() }).strict();

export const licenceQuery = z
  .object({
    vmId: z.uuid(),
    users: z.coerce.number().int().min(0).max(1_000_000).optional(),
    devices: z.coerce.number().int().min(0).max(1_000_000).optional(),
    servers: z.coerce.number().int().min(1).max(10_000).optional(),
  })
  .strict();
