import { z } from 'zod';
import { listQuery } from '../kernel/paging.ts';
import { INCIDENT_CLASSES, INCIDENT_SOURCES, PRIORITIES, REPORT_CHANNELS } from './schema.ts';

const text = (max: number) => z.string().trim().max(max);
const instant = z.iso.datetime({ offset: true });

export const urgencyInput = z
  .object({
    citizenServiceStopped: z.boolean(),
    citizenImpact: z.boolean(),
    financialOrReputation: z.boolean(),
    wideImpact: z.boolean(),
  })
  .strict();

/** 受付・登録 (INC-1, INC-2, INC-5). Trouble-only fields are checked by the service. */
export const registerInput = z
  .object({
    title: text(200).min(1),
    description: text(10_000).min(1),
    source: z.enum(INCIDENT_SOURCES),
    class: z.enum(INCIDENT_CLASSES),
    requesterId: z.uuid().optional(),
    requesterName: text(200).optional(),
    departmentId: z.uuid().optional(),
    detectedAt: instant.optional(),
    dueAt: instant.optional(),
    urgency: urgencyInput.optional(),
    platformCaused: z.boolean().optional(),
    affected: z
      .object({
        platform: z.boolean().default(false),
        hostIds: z.array(z.uuid()).max(100).default([]),
        vmIds: z.array(z.uuid()).max(1000).default([]),
      })
      .strict()
      .optional(),
    symptom: text(4000).optional(),
    businessImpact: text(4000).optional(),
  })
  .strict();
export type RegisterInput = z.input<typeof registerInput>;

/** The body of every process step; the step's table row says which fields it requires. */
export const actionInput = z
  .object({
    version: z.number().int().min(1),
    comment: text(4000).optional(),
    route: z.enum(['monitoring_suppression', 'operation', 'change']).optional(),
    routeRef: text(200).optional(),
    assigneeId: z.uuid().optional(),
    dueAt: instant.optional(),
    probableCause: text(4000).optional(),
    steps: text(20_000).optional(),
    checklist: text(20_000).optional(),
    schedule: text(4000).optional(),
    risks: text(4000).optional(),
    fallback: text(4000).optional(),
    procedureRef: text(400).optional(),
    workFrom: instant.optional(),
    workTo: instant.optional(),
    workers: z.array(text(100).min(1)).max(50).optional(),
    description: text(4000).optional(),
    businessImpact: text(4000).optional(),
    vmsMoved: z.boolean().optional(),
    requesterApproval: text(1000).optional(),
    resolution: text(10_000).optional(),
  })
  .strict();
export type ActionInput = z.input<typeof actionInput>;

/** 第一報・継続報・最終報 (INC-7, INC-8). */
export const reportInput = z
  .object({
    version: z.number().int().min(1),
    kind: z.enum(['first', 'continuing', 'final']),
    channel: z.enum(REPORT_CHANNELS).optional(),
    symptom: text(4000).optional(),
    businessImpact: text(4000).optional(),
    expectedRecovery: text(200).optional(),
    probableCause: text(4000).optional(),
    progress: text(20_000).optional(),
    recoveredAt: instant.optional(),
  })
  .strict();
export type ReportInput = z.input<typeof reportInput>;

/** Priority review with the supervisor (N §3.2.3.4: 適宜、優先度を見直す). */
export const reprioritiseInput = z.object({ version: z.number().int().min(1), urgency: urgencyInput, reason: text(2000).min(1) }).strict();
export type ReprioritiseInput = z.input<typeof reprioritiseInput>;

const bool = z.enum(['true', 'false']).optional();
export const incidentListQuery = listQuery(['receiptNo', 'registeredAt', 'detectedAt', 'state', 'priority', 'class', 'nextReportDueAt', 'title']).extend({
  state: z.string().trim().max(40).optional(),
  class: z.enum(INCIDENT_CLASSES).optional(),
  source: z.enum(INCIDENT_SOURCES).optional(),
  priority: z.enum(PRIORITIES).optional(),
  departmentId: z.uuid().optional(),
  open: bool,
  overdue: bool,
  /** Keyset paging: the `next` cursor of the page before (then `page` is not used). */
  after: z.string().trim().min(1).max(2000).optional(),
});
export type IncidentListQuery = z.infer<typeof incidentListQuery>;

export const similarQuery = z
  .object({
    q: text(2000).min(1),
    class: z.enum(INCIDENT_CLASSES).optional(),
    exclude: z.uuid().optional(),
    limit: z.coerce.number().int().min(1).max(50).default(10),
  })
  .strict();
export type SimilarQuery = z.input<typeof similarQuery>;

/** 棚卸の記録 (INC-9): quality targets at risk → reported to the supervisor; corrective action kept. */
export const stocktakeInput = z.object({ atRisk: z.boolean(), note: text(4000).optional(), correctiveAction: text(4000).optional() }).strict();
export type StocktakeInput = z.input<typeof stocktakeInput>;
