import { z } from 'zod';

const text = (max: number) => z.string().trim().max(max);
const instant = z.iso.datetime({ offset: true });
const hhmm = z.string().trim().regex(/^([01]\d|2[0-3]):[0-5]\d$/);

/**
 * リリース計画書 (CHG-2, N §3.4.3.2), for both 実績のある変更 and 実績がない変更 (`proven`). Fields may be
 * left empty while the plan is being prepared; submitting it (リリース計画報告) requires them all
 * (PLAN_REQUIRED), a rollback procedure and decision time first of all.
 */
export const releasePlanInput = z
  .object({
    proven: z.boolean().default(false),
    emergency: z.boolean().default(false),
    emergencyReason: text(2000).optional(),
    plannedStart: instant,
    plannedEnd: instant,
    timeline: z.array(z.object({ at: hhmm, task: text(500).min(1) }).strict()).max(100).default([]),
    backupTime: text(200).optional(),
    rollbackCriteria: text(4000).optional(),
    rollbackDecisionAt: instant.optional(),
    staffing: z.array(z.object({ name: text(200).min(1), role: text(200).default(''), nextBusinessDay: z.boolean().default(false) }).strict()).max(50).default([]),
    impactScope: text(4000).optional(),
    risks: z.array(z.object({ risk: text(1000).min(1), mitigation: text(1000).min(1) }).strict()).max(50).default([]),
    contacts: text(4000).optional(),
    rollbackProcedure: text(10_000).optional(),
    workContent: text(4000).min(1),
    businessImpact: text(2000).min(1),
    workerLabel: text(200).optional(),
    suppressionMethod: z.enum(['watch', 'stop']).default('watch'),
  })
  .strict();
export type ReleasePlanInput = z.input<typeof releasePlanInput>;

export const releaseUpdateInput = releasePlanInput.extend({ version: z.number().int().min(1) }).strict();
export type ReleaseUpdateInput = z.input<typeof releaseUpdateInput>;

/** What リリース計画報告 needs filled in, in the form's order (the first missing one is named). */
export const PLAN_REQUIRED = ['rollbackProcedure', 'rollbackDecisionAt', 'rollbackCriteria', 'timeline', 'backupTime', 'staffing', 'impactScope', 'risks', 'contacts', 'workerLabel'] as const;

export const releaseActionInput = z
  .object({
    version: z.number().int().min(1),
    comment: text(4000).optional(),
    reason: text(4000).optional(),
    anomalyReport: text(10_000).optional(),
    investigation: text(10_000).optional(),
    completionNote: text(10_000).optional(),
  })
  .strict();
export type ReleaseActionInput = z.input<typeof releaseActionInput>;

const ymd = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** メンテナンス日 (CHG-3), decided at the monthly meeting. */
export const maintenanceDayInput = z
  .object({ day: ymd, startsAt: instant, endsAt: instant, note: text(2000).optional(), decidedAt: text(200).optional() })
  .strict();
export type MaintenanceDayInput = z.input<typeof maintenanceDayInput>;
export const maintenanceDayQuery = z.object({ from: ymd.optional(), to: ymd.optional() }).strict();

/** 変更スケジュール: one month (YYYY-MM), optionally one target CI. */
export const scheduleQuery = z
  .object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/), ciId: z.uuid().optional() })
  .strict();
export type ScheduleQuery = z.infer<typeof scheduleQuery>;
