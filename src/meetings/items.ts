import { and, asc, eq, sql } from 'drizzle-orm';
import { audit } from '../audit/index.ts';
import { jaDateTime } from '../notify/index.ts';
import { createMaintenanceDays } from '../changes/index.ts';
import type { Db } from '../db/connection.ts';
import { inTx } from '../db/tx.ts';
import { type Actor, requirePermission } from '../iam/actor.ts';
import { people } from '../iam/schema.ts';
import type { Clock } from '../kernel/clock.ts';
import { ConflictError, fieldError, ForbiddenError, InputError, NotFoundError } from '../kernel/errors.ts';
import { allowedActions, fire, recordEvent } from '../process/index.ts';
import {
  type ActionItemInput,
  type ActionListQuery,
  actionItemInput,
  type DecisionInput,
  decisionInput,
  type ProcessActionInput,
  processActionInput,
  type ReferenceInput,
  referenceInput,
} from './inputs.ts';
import { peopleWithRoles } from './people.ts';
import { type Meeting, type MeetingAction, meetingActionProcess, meetingProcess } from './process.ts';
import { meetingActions, meetingDecisions, meetingKinds, meetingReferences, meetings } from './schema.ts';
import { actionDueAt, actionScope, mayEdit, meetingScope, requireEditor } from './scope.ts';

const EDITABLE = ['scheduled', 'minutes'];
const stateOf = (s: string) => meetingProcess.states[s]?.ja ?? s;

async function editableMeeting(t: Db, actor: Actor, id: string): Promise<Meeting> {
  requireEditor(actor);
  const [m] = await t.select().from(meetings).where(and(eq(meetings.id, id), meetingScope(actor)));
  if (!m) throw new NotFoundError('error.not_found');
  if (!EDITABLE.includes(m.state)) throw new ConflictError('meeting.locked', { state: stateOf(m.state) });
  // Serialise the numbering of decisions and action items of one meeting.
  await t.execute(sql`SELECT 1 FROM ${meetings} WHERE ${meetings.id} = ${id} FOR UPDATE`);
  return m;
}

/** Field errors of the maintenance-day service, named as this form's fields (maintenanceDay.day…). */
function prefixed(e: unknown): unknown {
  if (!(e instanceof InputError)) return e;
  return new InputError(e.key, e.params, Object.fromEntries(Object.entries(e.fields).map(([k, v]) => [`maintenanceDay.${k}`, v])));
}

export type ActionItemView = MeetingAction & {
  ownerLabel: string | null;
  meetingNo: string;
  kindName: string;
  stateLabel: { ja: string; en: string };
  dueAt: Date;
  overdue: boolean;
};

/** Decisions, action items and references of a meeting (決定事項・宿題・資料). */
export function createMeetingItems(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  async function actionRows(t: Db, where: ReturnType<typeof and>): Promise<ActionItemView[]> {
    const now = clock.now();
    const rows = await t
      .select({ a: meetingActions, ownerLabel: people.displayName, meetingNo: meetings.meetingNo, kindName: meetingKinds.name, dueAt: sql<string | Date>`${actionDueAt}` })
      .from(meetingActions)
      .innerJoin(meetings, eq(meetings.id, meetingActions.meetingId))
      .innerJoin(meetingKinds, eq(meetingKinds.code, meetings.kind))
      .leftJoin(people, eq(people.id, meetingActions.ownerId))
      .where(where)
      .orderBy(asc(meetingActions.dueOn), asc(meetings.meetingNo), asc(meetingActions.seq));
    return rows.map((r) => {
      const dueAt = new Date(r.dueAt);
      return { ...r.a, ownerLabel: r.ownerLabel, meetingNo: r.meetingNo, kindName: r.kindName, stateLabel: meetingActionProcess.states[r.a.state]!, dueAt, overdue: r.a.state === 'open' && dueAt < now };
    });
  }

  async function itemsOf(actor: Actor, m: Meeting) {
    const decisions = await db.select().from(meetingDecisions).where(eq(meetingDecisions.meetingId, m.id)).orderBy(asc(meetingDecisions.seq));
    const actions = (await actionRows(db, and(eq(meetingActions.meetingId, m.id)))).map((a) => ({
      ...a,
      actions: mayComplete(actor, a) ? allowedActions(meetingActionProcess, a, actor).map((x) => ({ action: x.action, label: x.label, fields: x.fields })) : [],
    }));
    const references = await db.select().from(meetingReferences).where(eq(meetingReferences.meetingId, m.id)).orderBy(asc(meetingReferences.addedAt));
    return { decisions, actionItems: actions, references };
  }

  function mayComplete(actor: Actor, a: Pick<MeetingAction, 'ownerId'>): boolean {
    return mayEdit(actor) || (actor.personId !== null && actor.personId === a.ownerId);
  }

  /**
   * 決定事項. A 「次回メンテナンス日」 decision creates the maintenance day in the change schedule (CHG-3)
   * through the changes module, in the same transaction, with 決定 naming this meeting.
   */
  async function addDecision(actor: Actor, meetingId: string, raw: DecisionInput) {
    const input = decisionInput.parse(raw);
    if (input.kind === 'maintenance_day' && !input.maintenanceDay) throw fieldError('maintenanceDay', 'meeting.maintenance_day_required');
    return inTx(db, async (t) => {
      const m = await editableMeeting(t, actor, meetingId);
      const [kind] = await t.select({ name: meetingKinds.name }).from(meetingKinds).where(eq(meetingKinds.code, m.kind));
      const label = `${m.meetingNo} ${kind?.name ?? m.kind}（${jaDateTime(m.startsAt)}）`;
      let maintenanceDayId: string | null = null;
      if (input.kind === 'maintenance_day' && input.maintenanceDay) {
        const md = input.maintenanceDay;
        const day = await createMaintenanceDays({ db: t, clock })
          .create(actor, { day: md.day, startsAt: md.startsAt, endsAt: md.endsAt, note: md.note ?? input.text, decidedAt: label.slice(0, 200) })
          .catch((e) => {
            throw prefixed(e);
          });
        maintenanceDayId = day.id;
        await audit(t, clock, actor, { action: 'maintenance_day.decided_in_meeting', entityType: 'maintenance_day', entityId: day.id, after: { meetingId: m.id, meetingNo: m.meetingNo, decidedAt: label } });
      }
      const [{ n }] = (await t.select({ n: sql<number>`coalesce(max(${meetingDecisions.seq}), 0) + 1` }).from(meetingDecisions).where(eq(meetingDecisions.meetingId, m.id))) as [{ n: number }];
      const [d] = await t
        .insert(meetingDecisions)
        .values({ meetingId: m.id, seq: Number(n), kind: input.kind, text: input.text, maintenanceDayId, createdBy: actor.personId, createdAt: clock.now() })
        .returning();
      await recordEvent(t, clock.now(), actor, { process: meetingProcess.name, recordId: m.id, action: maintenanceDayId ? 'maintenance_day' : 'decision', state: m.state, comment: input.maintenanceDay ? `${input.text}（${input.maintenanceDay.day}）` : input.text });
      await audit(t, clock, actor, { action: 'meeting.decision', entityType: 'meeting', entityId: m.id, after: d });
      return d!;
    });
  }

  /** 宿題: an owner (a person of the organisation) and a due day. */
  async function addAction(actor: Actor, meetingId: string, raw: ActionItemInput) {
    const input = actionItemInput.parse(raw);
    return inTx(db, async (t) => {
      const m = await editableMeeting(t, actor, meetingId);
      const [owner] = await peopleWithRoles(t, [input.ownerId]);
      if (!owner) throw fieldError('ownerId', 'meeting.unknown_person');
      const [{ n }] = (await t.select({ n: sql<number>`coalesce(max(${meetingActions.seq}), 0) + 1` }).from(meetingActions).where(eq(meetingActions.meetingId, m.id))) as [{ n: number }];
      const now = clock.now();
      const [a] = await t
        .insert(meetingActions)
        .values({ meetingId: m.id, seq: Number(n), title: input.title, ownerId: owner.id, dueOn: input.dueOn, state: meetingActionProcess.initial, createdAt: now, updatedAt: now })
        .returning();
      await recordEvent(t, now, actor, { process: meetingActionProcess.name, recordId: a!.id, action: 'create', state: a!.state, fromState: '', comment: input.title });
      await recordEvent(t, now, actor, { process: meetingProcess.name, recordId: m.id, action: 'action_item', state: m.state, comment: `${input.title}（${owner.displayName}、${input.dueOn}）` });
      await audit(t, clock, actor, { action: 'meeting_action.create', entityType: 'meeting_action', entityId: a!.id, after: a });
      return a!;
    });
  }

  async function loadAction(t: Db, actor: Actor, id: string): Promise<MeetingAction> {
    requirePermission(actor, 'org.read');
    const [a] = await t.select().from(meetingActions).where(and(eq(meetingActions.id, id), actionScope(actor)));
    if (!a) throw new NotFoundError('error.not_found');
    return a;
  }

  async function getAction(actor: Actor, id: string) {
    const a = await loadAction(db, actor, id);
    const [view] = await actionRows(db, and(eq(meetingActions.id, a.id)));
    return view!;
  }

  /** 完了 by the owner (or the meeting's keepers), 未完了に戻す by the keepers. */
  async function actOnAction(actor: Actor, id: string, action: string, raw: ProcessActionInput) {
    const { version, ...input } = processActionInput.parse(raw);
    await inTx(db, async (t) => {
      const a = await loadAction(t, actor, id);
      if (!mayComplete(actor, a)) throw new ForbiddenError('meeting.not_action_owner');
      await fire(t, { clock, actor }, meetingActionProcess, { ...a, version }, action, { ...input, comment: input.comment ?? input.reason });
    });
    return getAction(actor, id);
  }

  /** Every action item the actor may see (mine: owned by them), nearest due first. */
  async function listActions(actor: Actor, q: Partial<ActionListQuery> = {}) {
    requirePermission(actor, 'org.read');
    const now = clock.now().toISOString();
    return {
      items: await actionRows(
        db,
        and(
          actionScope(actor),
          q.state ? eq(meetingActions.state, q.state) : undefined,
          q.mine === 'true' ? (actor.personId ? eq(meetingActions.ownerId, actor.personId) : sql`false`) : undefined,
          q.overdue === 'true' ? sql`${meetingActions.state} = 'open' AND ${actionDueAt} < ${now}::timestamptz` : undefined,
        ),
      ),
    };
  }

  /** A record of another module by kind and id (e.g. the monthly report of a 月次報告会). */
  async function addReference(actor: Actor, meetingId: string, raw: ReferenceInput) {
    const input = referenceInput.parse(raw);
    return inTx(db, async (t) => {
      const m = await editableMeeting(t, actor, meetingId);
      const [taken] = await t
        .select({ id: meetingReferences.id })
        .from(meetingReferences)
        .where(and(eq(meetingReferences.meetingId, m.id), eq(meetingReferences.refKind, input.refKind), eq(meetingReferences.refId, input.refId)));
      if (taken) throw fieldError('refId', 'meeting.reference_taken');
      const [r] = await t.insert(meetingReferences).values({ meetingId: m.id, ...input, addedBy: actor.personId, addedAt: clock.now() }).returning();
      await recordEvent(t, clock.now(), actor, { process: meetingProcess.name, recordId: m.id, action: 'reference', state: m.state, comment: `${input.refKind}: ${input.label}` });
      await audit(t, clock, actor, { action: 'meeting.reference_add', entityType: 'meeting', entityId: m.id, after: r });
      return r!;
    });
  }

  async function removeReference(actor: Actor, meetingId: string, refId: string) {
    return inTx(db, async (t) => {
      const m = await editableMeeting(t, actor, meetingId);
      const [r] = await t.delete(meetingReferences).where(and(eq(meetingReferences.meetingId, m.id), eq(meetingReferences.id, refId))).returning();
      if (!r) throw new NotFoundError('error.not_found');
      await audit(t, clock, actor, { action: 'meeting.reference_remove', entityType: 'meeting', entityId: m.id, before: r });
      return { deleted: true };
    });
  }

  return { itemsOf, addDecision, addAction, getAction, actOnAction, listActions, addReference, removeReference, actionRows };
}
export type MeetingItems = ReturnType<typeof createMeetingItems>;
