import { z } from 'zod';
import { SERVICE_LEVELS } from '../incidents/schema.ts';
import { listQuery } from '../kernel/paging.ts';
import { CHANGE_CI_TYPES, CHANGE_SOURCES } from './schema.ts';

const text = (max: number) => z.string().trim().max(max);
const instant = z.iso.datetime({ offset: true });

export const changeCriteriaInput = z
  .object({ problemHigh: z.boolean(), citizensOrManyDepartments: z.boolean(), financialOrReputation: z.boolean() })
  .strict();

/** A target: a CMDB CI by its kind and id ('platform' = 基盤全体, no id). */
export const changeTargetInput = z.object({ ciType: z.enum(CHANGE_CI_TYPES), ciId: z.uuid().optional() }).strict();

/** 受付・登録 (CHG-1): directly, from a problem's permanent fix, preventive maintenance or a service-level change. */
export const changeInput = z
  .object({
    title: text(200).min(1),
    description: text(10_000).min(1),
    source: z.enum(CHANGE_SOURCES),
    targets: z.array(changeTargetInput).max(200).default([]),
    problemId: z.uuid().optional(),
    pmPatch: text(2000).optional(),
    slSystemId: z.uuid().optional(),
    slToLevel: z.enum(SERVICE_LEVELS).optional(),
    slToProduction: z.boolean().default(false),
    slStartsAt: instant.optional(),
  })
  .strict();
export type ChangeInput = z.input<typeof changeInput>;

export const changeActionInput = z
  .object({
    version: z.number().int().min(1),
    comment: text(4000).optional(),
    reason: text(4000).optional(),
    criteria: changeCriteriaInput.optional(),
    dueAt: instant.optional(),
    implementation: text(10_000).optional(),
    completionReport: text(10_000).optional(),
  })
  .strict();
export type ChangeActionInput = z.input<typeof changeActionInput>;

export const CHANGE_SORTS = ['receiptNo', 'registeredAt', 'state', 'priority', 'dueAt', 'title', 'source'] as const;
export const changeListQuery = listQuery(CHANGE_SORTS).extend({
  state: z.string().trim().max(40).optional(),
  source: z.enum(CHANGE_SOURCES).optional(),
  priority: z.enum(['high', 'low']).optional(),
  open: z.enum(['true', 'false']).optional(),
  problemId: z.uuid().optional(),
});
export type ChangeListQuery = z.infer<typeof changeListQuery>;
