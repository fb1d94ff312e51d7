import { z } from 'zod';
import { ROLES } from '../iam/roles.ts';
import { KIND_CODES } from './kinds.ts';
import { MEETING_CADENCES } from './schema.ts';

const text = (max: number) => z.string().trim().max(max);
const instant = z.iso.datetime({ offset: true });
const ymd = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/);

/** A meeting as the manager registers it. Attendees left out are pre-filled with the kind's required roles. */
export const meetingInput = z
  .object({
    kind: z.enum(KIND_CODES),
    title: text(200).min(1).optional(),
    startsAt: instant,
    endsAt: instant.optional(),
    place: text(200).min(1),
    /** The department concerned (移行・受入会議: whose system owners attend). */
    departmentId: z.uuid().optional(),
    agenda: z.array(text(500).min(1)).max(50).optional(),
    attendeeIds: z.array(z.uuid()).max(200).optional(),
  })
  .strict();
export type MeetingInput = z.input<typeof meetingInput>;

export const meetingUpdate = z
  .object({
    version: z.number().int().min(1),
    title: text(200).min(1).optional(),
    startsAt: instant.optional(),
    endsAt: instant.nullable().optional(),
    place: text(200).min(1).optional(),
    departmentId: z.uuid().nullable().optional(),
    agenda: z.array(text(500).min(1)).max(50).optional(),
    attendeeIds: z.array(z.uuid()).max(200).optional(),
    minutes: text(50_000).optional(),
  })
  .strict();
export type MeetingUpdate = z.input<typeof meetingUpdate>;

export const meetingListQuery = z
  .object({
    kind: z.enum(KIND_CODES).optional(),
    state: z.enum(['scheduled', 'minutes', 'review', 'approved', 'shared', 'cancelled']).optional(),
    from: ymd.optional(),
    to: ymd.optional(),
  })
  .strict();
export type MeetingListQuery = z.infer<typeof meetingListQuery>;

/** The maintenance day a 「次回メンテナンス日」 decision puts in the change schedule (CHG-3). */
const maintenanceDay = z
  .object({ day: ymd, startsAt: instant, endsAt: instant, note: text(2000).optional() })
  .strict();

export const decisionInput = z
  .object({
    kind: z.enum(['general', 'maintenance_day']).default('general'),
    text: text(2000).min(1),
    maintenanceDay: maintenanceDay.optional(),
  })
  .strict();
export type DecisionInput = z.input<typeof decisionInput>;

export const actionItemInput = z.object({ title: text(500).min(1), ownerId: z.uuid(), dueOn: ymd }).strict();
export type ActionItemInput = z.input<typeof actionItemInput>;

export const actionListQuery = z
  .object({ state: z.enum(['open', 'done']).optional(), mine: z.enum(['true', 'false']).optional(), overdue: z.enum(['true', 'false']).optional() })
  .strict();
export type ActionListQuery = z.infer<typeof actionListQuery>;

/**
 * A reference by kind and id to a record of another module (monthly_report, incident, change, document,
 * file…): the meeting keeps the label; the other module owns the record.
 */
export const referenceInput = z
  .object({ refKind: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/), refId: text(100).min(1), label: text(200).min(1) })
  .strict();
export type ReferenceInput = z.input<typeof referenceInput>;

export const processActionInput = z
  .object({ version: z.number().int().min(1), comment: text(4000).optional(), reason: text(4000).optional() })
  .strict();
export type ProcessActionInput = z.input<typeof processActionInput>;

/** A revision of a kind (N §2.7.3: 目的が変更になった場合は、会議内容、開催時期、必須出席者の見直しを行う). */
export const kindUpdate = z
  .object({
    purpose: text(1000).min(1).optional(),
    agenda: z.array(text(500).min(1)).min(1).max(50).optional(),
    cadence: z.enum(MEETING_CADENCES).optional(),
    cadenceLabel: text(200).min(1).optional(),
    requiredRoles: z.array(z.enum(ROLES)).min(1).max(10).optional(),
    /** Optimistic concurrency on the kind's last update (ISO instant as read). */
    updatedAt: z.iso.datetime({ offset: true }),
  })
  .strict();
export type KindUpdate = z.input<typeof kindUpdate>;
