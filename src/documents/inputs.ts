import { z } from 'zod';
import { listQuery } from '../kernel/paging.ts';
import { APPROVER_ROLES, AUTHOR_ROLES, REVIEWER_ROLES } from './register.ts';
import { DOCUMENT_KINDS, DOCUMENT_RETENTIONS } from './schema.ts';

const text = (max: number) => z.string().trim().max(max);

/** A register entry (ドキュメント一覧, DOC-1): the manager adds and edits them. */
export const documentInput = z
  .object({
    name: text(200).min(1),
    kind: z.enum(DOCUMENT_KINDS),
    location: text(500).min(1),
    retention: z.enum(DOCUMENT_RETENTIONS),
    authorRole: z.enum(AUTHOR_ROLES),
    reviewerRole: z.enum(REVIEWER_ROLES),
    approverRole: z.enum(APPROVER_ROLES),
    affectsOwners: z.boolean().default(false),
  })
  .strict();
export type DocumentInput = z.input<typeof documentInput>;
export const documentUpdate = documentInput.partial().extend({ version: z.number().int().min(1) }).strict();
export type DocumentUpdate = z.input<typeof documentUpdate>;

export const documentListQuery = listQuery(['docNo', 'name', 'kind', 'retention', 'updatedAt', 'currentRevisionNo']).extend({
  kind: z.enum(DOCUMENT_KINDS).optional(),
  retention: z.enum(DOCUMENT_RETENTIONS).optional(),
  affectsOwners: z.enum(['true', 'false']).optional(),
  /** Documents with a revision in flight (true) or none (false). */
  inProgress: z.enum(['true', 'false']).optional(),
});
export type DocumentListQuery = z.infer<typeof documentListQuery>;

/** The text fields of a revision upload (multipart, beside the file). */
export const revisionFields = z
  .object({
    reason: text(4000).min(1),
    summary: text(4000).optional(),
    changeId: z.uuid().optional(),
  })
  .strict();
export type RevisionFields = z.input<typeof revisionFields>;
/** Replacing the file of a draft (after a return): the version, and optionally new reason/summary. */
export const replaceFields = z
  .object({ version: z.coerce.number().int().min(1), reason: text(4000).min(1).optional(), summary: text(4000).optional() })
  .strict();

export const revisionActionInput = z
  .object({
    version: z.number().int().min(1),
    comment: text(4000).optional(),
    reason: text(4000).optional(),
    notifyIct: z.boolean().optional(),
  })
  .strict();
export type RevisionActionInput = z.input<typeof revisionActionInput>;

export const diffQuery = z.object({ from: z.coerce.number().int().min(1), to: z.coerce.number().int().min(1) }).strict();
export const monthQuery = z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/) }).strict();
export const attachInput = z.object({ documentId: z.uuid() }).strict();
