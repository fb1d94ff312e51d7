import { and, asc, count, desc, eq, gte, lt, max, ne, type SQL, sql } from 'drizzle-orm';
import { audit } from '../audit/index.ts';
import { daysFromCivil, jstInstant, toJstYmd } from '../calendar/jst.ts';
import type { Db } from '../db/connection.ts';
import { inTx } from '../db/tx.ts';
import { type FileInput, readStoredFile, STORED_FILE_INFO, type StoredFile, storedFiles, storeFile } from '../files/index.ts';
import { type Actor, can, requirePermission } from '../iam/actor.ts';
import { departments } from '../iam/schema.ts';
import type { Clock } from '../kernel/clock.ts';
import { ConflictError, fieldError, NotFoundError } from '../kernel/errors.ts';
import { listMailsFor } from '../notify/index.ts';
import { fire, processView, recordEvent } from '../process/index.ts';
import { createMeetingItems } from './items.ts';
import { CADENCE_LABELS, ensureMeetingKinds, nextDue } from './kinds.ts';
import { type KindUpdate, kindUpdate, type MeetingInput, type MeetingListQuery, type MeetingUpdate, meetingInput, meetingUpdate, type ProcessActionInput, processActionInput } from './inputs.ts';
import { minutesMail } from './mails.ts';
import { missingRoles, peopleWithRoles, requiredAttendees } from './people.ts';
import { type Meeting, type MeetingContext, meetingProcess } from './process.ts';
import { meetingActions, meetingAttendees, meetingKinds, meetings } from './schema.ts';
import { mayEdit, meetingScope, requireEditor } from './scope.ts';

export interface MeetingDeps {
  db: Db;
  clock: Clock;
  platformName?: string;
}

export type MeetingKindRow = typeof meetingKinds.$inferSelect;
/** States in which the meeting (agenda, attendees, decisions, action items, minutes) may still change. */
export const EDITABLE_STATES = ['scheduled', 'minutes'];

const stateLabel = (s: string) => meetingProcess.states[s] ?? { ja: s, en: s };

export function requireEditable(m: Meeting): void {
  if (!EDITABLE_STATES.includes(m.state)) throw new ConflictError('meeting.locked', { state: stateLabel(m.state).ja });
}

export async function loadMeeting(t: Db, actor: Actor, id: string): Promise<Meeting> {
  const [row] = await t.select().from(meetings).where(and(eq(meetings.id, id), meetingScope(actor)));
  if (!row) throw new NotFoundError('error.not_found');
  return row;
}

async function loadKind(t: Db, code: string): Promise<MeetingKindRow> {
  const [k] = await t.select().from(meetingKinds).where(eq(meetingKinds.code, code));
  if (!k) throw fieldError('kind', 'error.not_found');
  return k;
}

async function nextMeetingNo(t: Db, now: Date): Promise<string> {
  const year = toJstYmd(now).slice(0, 4);
  await t.execute(sql`SELECT pg_advisory_xact_lock(hashtext('meetings.meeting_no'))`);
  const [{ n }] = (await t.select({ n: count() }).from(meetings).where(sql`${meetings.meetingNo} LIKE ${`MTG-${year}-%`}`)) as [{ n: number }];
  return `MTG-${year}-${String(Number(n) + 1).padStart(4, '0')}`;
}

async function checkDepartment(t: Db, id: string | null | undefined) {
  if (!id) return;
  const [d] = await t.select({ id: departments.id }).from(departments).where(eq(departments.id, id));
  if (!d) throw fieldError('departmentId', 'meeting.unknown_department');
}

/** Attendees given by id must all be active people of the organisation. */
async function checkPeople(t: Db, ids: readonly string[]) {
  const unique = [...new Set(ids)];
  const found = await peopleWithRoles(t, unique);
  if (found.length !== unique.length) throw fieldError('attendeeIds', 'meeting.unknown_person');
  return found;
}

async function setAttendees(t: Db, meetingId: string, ids: readonly string[], now: Date) {
  await t.delete(meetingAttendees).where(eq(meetingAttendees.meetingId, meetingId));
  const unique = [...new Set(ids)];
  if (unique.length) await t.insert(meetingAttendees).values(unique.map((personId) => ({ meetingId, personId, createdAt: now })));
}

/** The meetings of 会議体 (ORG-6): kinds, meetings and their minutes on the process kernel. */
export function createMeetingService(deps: MeetingDeps) {
  const { db, clock } = deps;
  const platformName = deps.platformName ?? '第三期サーバ仮想化統合基盤';
  const fileNameOf = async (tx: Db, m: Meeting) => {
    if (!m.minutesFileId) return null;
    const [f] = await tx.select({ fileName: storedFiles.fileName }).from(storedFiles).where(eq(storedFiles.id, m.minutesFileId));
    return f?.fileName ?? null;
  };
  const ctxOf = (actor: Actor): MeetingContext => ({ clock, actor, share: minutesMail(platformName, clock, fileNameOf) });
  const ready = () => ensureMeetingKinds(db, clock);
  const items = createMeetingItems({ db, clock });

  /** N §2.7.3's table with, per kind, the last meeting held, the next planned and when the next is due. */
  async function kinds(actor: Actor) {
    requirePermission(actor, 'org.read');
    await ready();
    const rows = await db.select().from(meetingKinds).orderBy(asc(meetingKinds.no));
    const now = clock.now();
    const held = await db
      .select({ kind: meetings.kind, last: max(meetings.startsAt) })
      .from(meetings)
      .where(and(ne(meetings.state, 'cancelled'), lt(meetings.startsAt, now), meetingScope(actor)))
      .groupBy(meetings.kind);
    const planned = await db
      .select({ kind: meetings.kind, next: sql<Date | string>`min(${meetings.startsAt})` })
      .from(meetings)
      .where(and(eq(meetings.state, 'scheduled'), gte(meetings.startsAt, now), meetingScope(actor)))
      .groupBy(meetings.kind);
    const today = toJstYmd(now);
    return rows.map((k) => {
      const last = held.find((h) => h.kind === k.code)?.last ?? null;
      const lastYmd = last ? toJstYmd(new Date(last)) : null;
      const next = planned.find((p) => p.kind === k.code)?.next ?? null;
      const due = nextDue(k.cadence, lastYmd);
      return {
        ...k,
        cadenceKind: CADENCE_LABELS[k.cadence],
        lastHeldOn: lastYmd,
        nextPlannedAt: next ? new Date(next) : null,
        nextDueOn: due,
        dueOverdue: due !== null && due < today && !next,
      };
    });
  }

  /** 見直し of a kind's purpose, agenda, cadence or required attendees by the meetings' keepers (audited). */
  async function updateKind(actor: Actor, code: string, raw: KindUpdate) {
    requireEditor(actor);
    const { updatedAt, ...patch } = kindUpdate.parse(raw);
    await ready();
    return inTx(db, async (t) => {
      const [before] = await t.select().from(meetingKinds).where(eq(meetingKinds.code, code));
      if (!before) throw new NotFoundError('error.not_found');
      if (before.updatedAt.toISOString() !== new Date(updatedAt).toISOString()) throw new ConflictError('error.stale_version');
      const [after] = await t
        .update(meetingKinds)
        .set({ ...patch, updatedAt: clock.now() })
        .where(and(eq(meetingKinds.code, code), eq(meetingKinds.updatedAt, before.updatedAt)))
        .returning();
      if (!after) throw new ConflictError('error.stale_version');
      await audit(t, clock, actor, { action: 'meeting_kind.update', entityType: 'meeting_kind', entityId: code, before, after });
      return after;
    });
  }

  function where(actor: Actor, q: Partial<MeetingListQuery>): SQL | undefined {
    const day = (ymd: string) => {
      const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
      return daysFromCivil(y, m, d);
    };
    return and(
      meetingScope(actor),
      q.kind ? eq(meetings.kind, q.kind) : undefined,
      q.state ? eq(meetings.state, q.state) : undefined,
      q.from ? gte(meetings.startsAt, jstInstant(day(q.from), 0)) : undefined,
      q.to ? lt(meetings.startsAt, jstInstant(day(q.to) + 1, 0)) : undefined,
    );
  }

  async function list(actor: Actor, q: Partial<MeetingListQuery> = {}) {
    requirePermission(actor, 'org.read');
    await ready();
    const open = sql<number>`(SELECT count(*) FROM ${meetingActions} WHERE ${meetingActions.meetingId} = ${meetings.id} AND ${meetingActions.state} = 'open')`;
    const attendees = sql<number>`(SELECT count(*) FROM ${meetingAttendees} WHERE ${meetingAttendees.meetingId} = ${meetings.id})`;
    const rows = await db
      .select({ m: meetings, kindName: meetingKinds.name, openActions: open, attendees })
      .from(meetings)
      .innerJoin(meetingKinds, eq(meetingKinds.code, meetings.kind))
      .where(where(actor, q))
      .orderBy(desc(meetings.startsAt), desc(meetings.meetingNo))
      .limit(1000);
    return {
      items: rows.map((r) => ({ ...r.m, kindName: r.kindName, stateLabel: stateLabel(r.m.state), openActions: Number(r.openActions), attendeeCount: Number(r.attendees) })),
    };
  }

  async function create(actor: Actor, raw: MeetingInput) {
    requireEditor(actor);
    const input = meetingInput.parse(raw);
    await ready();
    const startsAt = new Date(input.startsAt);
    const endsAt = input.endsAt ? new Date(input.endsAt) : null;
    if (endsAt && endsAt <= startsAt) throw fieldError('endsAt', 'meeting.ends_before_start');
    const id = await inTx(db, async (t) => {
      const kind = await loadKind(t, input.kind);
      await checkDepartment(t, input.departmentId);
      const dept = input.departmentId ?? null;
      const attendeeIds = input.attendeeIds
        ? (await checkPeople(t, input.attendeeIds)).map((p) => p.id)
        : requiredAttendees(await peopleWithRoles(t), kind.requiredRoles, dept).map((p) => p.id);
      const now = clock.now();
      const [m] = await t
        .insert(meetings)
        .values({
          meetingNo: await nextMeetingNo(t, now),
          kind: kind.code,
          title: input.title ?? `${kind.name}（${toJstYmd(startsAt)}）`,
          startsAt,
          endsAt,
          place: input.place,
          departmentId: dept,
          agenda: input.agenda ?? kind.agenda,
          state: meetingProcess.initial,
          createdBy: actor.personId,
          createdByLabel: actor.label,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      await setAttendees(t, m!.id, attendeeIds, now);
      await recordEvent(t, now, actor, { process: meetingProcess.name, recordId: m!.id, action: 'create', state: m!.state, fromState: '', comment: m!.title });
      await audit(t, clock, actor, { action: 'meeting.create', entityType: 'meeting', entityId: m!.id, after: { ...m, attendeeIds } });
      return m!.id;
    });
    return get(actor, id);
  }

  /** The meeting page: the record, its kind, attendees (missing required roles warned), items, process. */
  async function get(actor: Actor, id: string) {
    requirePermission(actor, 'org.read');
    await ready();
    const m = await loadMeeting(db, actor, id);
    const kind = await loadKind(db, m.kind);
    const ids = (await db.select({ id: meetingAttendees.personId }).from(meetingAttendees).where(eq(meetingAttendees.meetingId, id))).map((r) => r.id);
    const attendees = await peopleWithRoles(db, ids);
    const required = new Set(requiredAttendees(attendees, kind.requiredRoles, m.departmentId).map((p) => p.id));
    const [file] = m.minutesFileId ? await db.select(STORED_FILE_INFO).from(storedFiles).where(eq(storedFiles.id, m.minutesFileId)) : [];
    const [dept] = m.departmentId ? await db.select({ id: departments.id, name: departments.name }).from(departments).where(eq(departments.id, m.departmentId)) : [];
    return {
      ...m,
      stateLabel: stateLabel(m.state),
      kindInfo: { ...kind, cadenceKind: CADENCE_LABELS[kind.cadence] },
      department: dept ?? null,
      attendees: attendees.map((p) => ({ id: p.id, displayName: p.displayName, login: p.login, roles: p.roles, departmentId: p.departmentId, required: required.has(p.id) })),
      warnings: { missingRequired: missingRoles(attendees, kind.requiredRoles, m.departmentId) },
      ...(await items.itemsOf(actor, m)),
      minutesFile: file ?? null,
      canEdit: mayEdit(actor) && EDITABLE_STATES.includes(m.state),
      process: await processView(db, meetingProcess, m, actor),
      mails: can(actor, 'mail.read') ? await listMailsFor(db, actor, 'meeting', id) : [],
    };
  }

  async function update(actor: Actor, id: string, raw: MeetingUpdate) {
    requireEditor(actor);
    const { version, attendeeIds, ...patch } = meetingUpdate.parse(raw);
    await inTx(db, async (t) => {
      const before = await loadMeeting(t, actor, id);
      requireEditable(before);
      if (patch.departmentId) await checkDepartment(t, patch.departmentId);
      const people = attendeeIds ? await checkPeople(t, attendeeIds) : null;
      const startsAt = patch.startsAt ? new Date(patch.startsAt) : before.startsAt;
      const endsAt = patch.endsAt === null ? null : patch.endsAt ? new Date(patch.endsAt) : before.endsAt;
      if (endsAt && endsAt <= startsAt) throw fieldError('endsAt', 'meeting.ends_before_start');
      const now = clock.now();
      const [after] = await t
        .update(meetings)
        .set({ ...patch, startsAt, endsAt, updatedAt: now, version: sql`${meetings.version} + 1` })
        .where(and(eq(meetings.id, id), eq(meetings.version, version)))
        .returning();
      if (!after) throw new ConflictError('error.stale_version');
      if (people) await setAttendees(t, id, people.map((p) => p.id), now);
      await audit(t, clock, actor, { action: 'meeting.update', entityType: 'meeting', entityId: id, before, after: { ...after, ...(people ? { attendeeIds: people.map((p) => p.id) } : {}) } });
    });
    return get(actor, id);
  }

  async function act(actor: Actor, id: string, action: string, raw: ProcessActionInput) {
    const { version, ...input } = processActionInput.parse(raw);
    const comment = input.comment ?? input.reason;
    await inTx(db, async (t) => {
      const m = await loadMeeting(t, actor, id);
      if (action === 'submit' && m.state === 'minutes' && !m.minutes.trim() && !m.minutesFileId) throw fieldError('minutes', 'meeting.minutes_required');
      await fire(t, ctxOf(actor), meetingProcess, { ...m, version }, action, { ...input, comment });
    });
    return get(actor, id);
  }

  /** 議事録ファイル (optional beside the text): stored through src/files with the meeting, one transaction. */
  async function uploadMinutesFile(actor: Actor, id: string, upload: { file: FileInput | undefined; fields: Record<string, unknown> }) {
    requireEditor(actor);
    if (!upload.file) throw fieldError('file', 'file.required');
    const file = upload.file;
    await inTx(db, async (t) => {
      const m = await loadMeeting(t, actor, id);
      requireEditable(m);
      const stored = await storeFile(t, clock, actor, file);
      await t.update(meetings).set({ minutesFileId: stored.id, updatedAt: clock.now(), version: sql`${meetings.version} + 1` }).where(eq(meetings.id, id));
      await recordEvent(t, clock.now(), actor, { process: meetingProcess.name, recordId: id, action: 'minutes_file', state: m.state, comment: stored.fileName });
      await audit(t, clock, actor, { action: 'meeting.minutes_file', entityType: 'meeting', entityId: id, before: { minutesFileId: m.minutesFileId }, after: { file: stored } });
    });
    return get(actor, id);
  }

  async function minutesFile(actor: Actor, id: string): Promise<StoredFile> {
    const m = await loadMeeting(db, actor, id);
    if (!m.minutesFileId) throw new NotFoundError('meeting.no_file');
    return readStoredFile(db, m.minutesFileId);
  }

  /** The people who may be invited (the attendee picker), with their roles. */
  async function candidates(actor: Actor) {
    requireEditor(actor);
    return { items: (await peopleWithRoles(db)).map((p) => ({ id: p.id, displayName: p.displayName, login: p.login, roles: p.roles, departmentId: p.departmentId })) };
  }

  return { kinds, updateKind, list, where, create, get, update, act, uploadMinutesFile, minutesFile, candidates, items, ready };
}
export type MeetingService = ReturnType<typeof createMeetingService>;
