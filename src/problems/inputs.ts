import { z } from 'zod';
import { listQuery } from '../kernel/paging.ts';
import { PROBLEM_SOURCES } from './schema.ts';

const text = (max: number) => z.string().trim().max(max);
const instant = z.iso.datetime({ offset: true });

export const criteriaInput = z
  .object({ missedRecoveryTarget: z.boolean(), citizensOrManyDepartments: z.boolean(), financialOrReputation: z.boolean() })
  .strict();

/** 受付・登録 (PRB-1). */
export const problemInput = z
  .object({
    title: text(200).min(1),
    description: text(10_000).min(1),
    source: z.enum(PROBLEM_SOURCES),
    incidentIds: z.array(z.uuid()).max(100).default([]),
    critical: z.boolean().default(false),
    preventiveTargetId: z.uuid().optional(),
  })
  .strict();
export type ProblemInput = z.input<typeof problemInput>;

export const problemActionInput = z
  .object({
    version: z.number().int().min(1),
    comment: text(4000).optional(),
    reason: text(4000).optional(),
    criteria: criteriaInput.optional(),
    dueAt: instant.optional(),
    assigneeId: z.uuid().optional(),
    cause: text(10_000).optional(),
    policy: text(10_000).optional(),
    permanentFix: text(10_000).optional(),
    changeRef: text(200).optional(),
    result: text(10_000).optional(),
  })
  .strict();
export type ProblemActionInput = z.input<typeof problemActionInput>;

export const linkInput = z.object({ incidentId: z.uuid() }).strict();
/** Unlinking an incident needs a reason (kept in both records' history). */
export const unlinkInput = z.object({ reason: z.string().trim().max(2000) }).strict();
export type UnlinkInput = z.input<typeof unlinkInput>;

export const problemListQuery = listQuery(['receiptNo', 'registeredAt', 'state', 'priority', 'dueAt', 'title']).extend({
  state: z.string().trim().max(40).optional(),
  source: z.enum(PROBLEM_SOURCES).optional(),
  priority: z.enum(['high', 'low']).optional(),
  open: z.enum(['true', 'false']).optional(),
});
export type ProblemListQuery = z.infer<typeof problemListQuery>;

export const targetInput = z
  .object({
    category: z.enum(['hardware', 'software']),
    kind: z.enum(['esxi', 'management_server', 'storage', 'network']),
    name: text(200).min(1),
    ciType: text(40).optional(),
    ciId: z.uuid().optional(),
    vendor: text(200).optional(),
    collectionMethod: text(1000).optional(),
    notes: text(2000).optional(),
  })
  .strict();
export type TargetInput = z.input<typeof targetInput>;
export const targetUpdate = targetInput.partial().extend({ version: z.number().int().min(1), active: z.boolean().optional() }).strict();
export type TargetUpdate = z.input<typeof targetUpdate>;
export const targetQuery = z
  .object({ category: z.enum(['hardware', 'software']).optional(), active: z.enum(['true', 'false']).optional() })
  .strict();
