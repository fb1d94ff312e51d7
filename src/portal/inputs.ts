import { z } from 'zod';

const ymd = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const rowInput = z.record(z.string(), z.unknown());

export const planCreate = z.object({ systemId: z.uuid(), title: z.string().trim().min(1).max(200), provisionUntil: ymd, note: z.string().max(5000).optional() }).strict();
export type PlanCreate = z.infer<typeof planCreate>;
export const planSave = z
  .object({ version: z.number().int().min(1), title: z.string().trim().min(1).max(200).optional(), provisionUntil: ymd.optional(), note: z.string().max(5000).optional(), rows: z.array(rowInput).max(500), imported: z.boolean().optional() })
  .strict();
export type PlanSave = z.infer<typeof planSave>;
export const planAction = z.object({ version: z.number().int().min(1), comment: z.string().max(5000).optional(), reason: z.string().max(5000).optional() }).strict();
export const osUpdate = z
  .object({ version: z.number().int().min(1), name: z.string().trim().min(1).max(200).optional(), endOfSupportOn: ymd.optional(), allowed: z.boolean().optional(), note: z.string().max(1000).optional() })
  .strict();
export type OsUpdate = z.infer<typeof osUpdate>;
export const osCreate = z
  .object({ code: z.string().trim().regex(/^[a-z0-9-]{1,40}$/), name: z.string().trim().min(1).max(200), family: z.enum(['windows', 'linux']), endOfSupportOn: ymd, allowed: z.boolean().optional(), note: z.string().max(1000).optional() })
  .strict();
const n = z.number().int().min(1).max(1024);
export const templateUpdate = z
  .object({ version: z.number().int().min(1), name: z.string().trim().min(1).max(200).optional(), vcpu: n.optional(), memoryGb: n.optional(), diskGb: z.number().int().min(1).max(100_000).optional(), nics: n.optional(), maxVcpu: n.optional(), maxMemoryGb: n.optional(), partitioning: z.string().max(1000).optional(), install: z.string().max(1000).optional() })
  .strict();
export type TemplateUpdate = z.infer<typeof templateUpdate>;
