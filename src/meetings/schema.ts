import { date, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { storedFiles } from '../files/schema.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** 開催時期 as a rule Kiban can compute the next meeting from (ad hoc kinds have none). */
export const MEETING_CADENCES = ['monthly', 'half_yearly', 'weekly', 'ad_hoc'] as const;
export type MeetingCadence = (typeof MEETING_CADENCES)[number];

/**
 * 会議体 (ORG-6, N §2.7.3): the kinds of meeting, seeded from N's table (kinds.ts). Kept in the database
 * because N asks for their review when a purpose changes (目的が変更になった場合は…見直しを行う).
 */
export const meetingKinds = pgTable('meeting_kinds', {
  code: text('code').primaryKey(),
  /** 項番 of N's table. */
  no: integer('no').notNull(),
  name: text('name').notNull(),
  purpose: text('purpose').notNull(),
  /** 会議内容: the standing agenda. */
  agenda: jsonb('agenda').$type<string[]>().notNull(),
  cadence: text('cadence', { enum: MEETING_CADENCES }).notNull(),
  /** 開催時期 as N prints it (月一回, 重大障害発生時…). */
  cadenceLabel: text('cadence_label').notNull(),
  /** 出席者 (必須出席者): roles of src/iam. */
  requiredRoles: jsonb('required_roles').$type<string[]>().notNull(),
  /** Who approves the minutes: the supervisor where they attend, else the vendor's manager. */
  minutesApprover: text('minutes_approver', { enum: ['supervisor', 'vendor_manager'] }).notNull(),
  updatedAt: ts('updated_at').notNull(),
});

/** One meeting held (or planned) and its minutes (議事録), moved by the process kernel (process.ts). */
export const meetings = pgTable(
  'meetings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** MTG-2026-0001 as people quote it. */
    meetingNo: text('meeting_no').notNull(),
    kind: text('kind')
      .notNull()
      .references(() => meetingKinds.code),
    title: text('title').notNull(),
    startsAt: ts('starts_at').notNull(),
    endsAt: ts('ends_at'),
    place: text('place').notNull(),
    /** The department concerned (移行・受入会議: the system owner's), whose owners are required attendees. */
    departmentId: uuid('department_id'),
    agenda: jsonb('agenda').$type<string[]>().notNull(),
    minutes: text('minutes').notNull().default(''),
    minutesFileId: uuid('minutes_file_id').references(() => storedFiles.id),
    state: text('state').notNull(),
    version: integer('version').notNull().default(1),
    createdBy: uuid('created_by'),
    createdByLabel: text('created_by_label').notNull(),
    /** Who submitted the minutes for approval: they never approve them (requesterOf). */
    minutesAuthorId: uuid('minutes_author_id'),
    approvedBy: uuid('approved_by'),
    approvedByLabel: text('approved_by_label'),
    approvedAt: ts('approved_at'),
    sharedAt: ts('shared_at'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [uniqueIndex('meetings_no_uq').on(t.meetingNo), index('meetings_kind_starts_idx').on(t.kind, t.startsAt)],
);

/** 出席者: people of the organisation; `required` marks those who fill a required role of the kind. */
export const meetingAttendees = pgTable(
  'meeting_attendees',
  {
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id),
    personId: uuid('person_id').notNull(),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [uniqueIndex('meeting_attendees_uq').on(t.meetingId, t.personId), index('meeting_attendees_person_idx').on(t.personId)],
);

/** 決定事項. A `maintenance_day` decision created that day in the change schedule (maintenanceDayId). */
export const meetingDecisions = pgTable(
  'meeting_decisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id),
    seq: integer('seq').notNull(),
    kind: text('kind', { enum: ['general', 'maintenance_day'] }).notNull(),
    text: text('text').notNull(),
    maintenanceDayId: uuid('maintenance_day_id'),
    createdBy: uuid('created_by'),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [uniqueIndex('meeting_decisions_seq_uq').on(t.meetingId, t.seq)],
);

/** 宿題（アクションアイテム）: an owner and a due day; overdue open ones are in the owner's inbox. */
export const meetingActions = pgTable(
  'meeting_actions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id),
    seq: integer('seq').notNull(),
    title: text('title').notNull(),
    ownerId: uuid('owner_id').notNull(),
    /** A JST calendar day; overdue from the next day 00:00 JST. */
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    state: text('state').notNull(),
    version: integer('version').notNull().default(1),
    doneAt: ts('done_at'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [uniqueIndex('meeting_actions_seq_uq').on(t.meetingId, t.seq), index('meeting_actions_owner_idx').on(t.ownerId, t.state)],
);

/**
 * What a meeting refers to, by kind and id (the monthly report for 月次報告会, an incident, a change, a
 * document…). The referenced module is not imported: the meeting keeps the kind, id and a label.
 */
export const meetingReferences = pgTable(
  'meeting_references',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id),
    refKind: text('ref_kind').notNull(),
    refId: text('ref_id').notNull(),
    label: text('label').notNull(),
    addedBy: uuid('added_by'),
    addedAt: ts('added_at').notNull(),
  },
  (t) => [uniqueIndex('meeting_references_uq').on(t.meetingId, t.refKind, t.refId)],
);
