import { z } from 'zod';
import { CASE_OUTCOMES, KPI_KEYS } from './schema.ts';

const text = (max: number) => z.string().trim().max(max);

export const kpiParam = z.object({ kpi: z.enum(KPI_KEYS) }).strict();
export const caseParam = z.object({ kpi: z.enum(KPI_KEYS), recordId: z.uuid() }).strict();
export const caseMarkInput = z.object({ outcome: z.enum([...CASE_OUTCOMES, 'clear']), reason: text(2000).optional() }).strict();
export const manualFigureInput = z
  .object({ month: z.string().trim(), numerator: z.number().min(0), denominator: z.number().min(0), note: text(1000).optional() })
  .strict();
export const targetInput = z
  .object({ kpi: z.enum(KPI_KEYS), targetPercent: z.number(), effectiveFrom: z.string().trim(), reason: text(4000).optional() })
  .strict();
export const actionInput = z.object({ version: z.number().int().min(1), comment: text(4000).optional() }).strict();

export const menuItemInput = z
  .object({
    code: text(40).min(1),
    name: text(200).min(1),
    description: text(4000).min(1),
    levels: z.object({ A: text(200).optional(), B: text(200).optional(), C: text(200).optional() }).strict().default({}),
  })
  .strict();
export const menuCreateInput = z.object({ reason: text(2000).min(1) }).strict();
export const menuEditInput = z.object({ version: z.number().int().min(1), items: z.array(menuItemInput).max(200), reason: text(2000).min(1).optional() }).strict();
