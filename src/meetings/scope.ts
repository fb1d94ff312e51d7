import { type SQL, sql } from 'drizzle-orm';
import type { Actor } from '../iam/actor.ts';
import { ForbiddenError } from '../kernel/errors.ts';
import type { Role } from '../iam/roles.ts';
import { meetingActions, meetingAttendees, meetings } from './schema.ts';

/** Who keeps the meetings (creates them, records decisions and action items, writes and shares minutes). */
export const MEETING_EDITORS: readonly Role[] = ['vendor_manager', 'vendor_lead'];
/**
 * Who reads every meeting: the vendor's team and the supervisor (the parties of every 会議体), and
 * Kiban's administrator. Everyone else — the ICT centre, the security officer, system owners — reads
 * the meetings they attend (N §2.7.3: 議事録を作成し、出席者に共有する).
 */
export const MEETING_READERS: readonly Role[] = ['supervisor', 'vendor_lead', 'vendor_manager', 'operator', 'admin'];

export function readsAll(actor: Actor): boolean {
  return actor.kind === 'system' || actor.roles.some((r) => MEETING_READERS.includes(r));
}
export function mayEdit(actor: Actor): boolean {
  return actor.kind === 'system' || actor.roles.some((r) => MEETING_EDITORS.includes(r));
}
export function requireEditor(actor: Actor): void {
  if (!mayEdit(actor)) throw new ForbiddenError('meeting.not_editor');
}

const attends = (actor: Actor, meetingId: SQL | typeof meetings.id) =>
  actor.personId ? sql`EXISTS (SELECT 1 FROM ${meetingAttendees} WHERE ${meetingAttendees.meetingId} = ${meetingId} AND ${meetingAttendees.personId} = ${actor.personId})` : sql`false`;

/** The meetings `actor` may see (attended, or owning one of its action items); the service, the inbox and the search apply it (anything else is a 404). */
export function meetingScope(actor: Actor): SQL | undefined {
  if (readsAll(actor)) return undefined;
  // The owner of one of its action items reads it too (the inbox links the item to its meeting).
  const owns = actor.personId
    ? sql`EXISTS (SELECT 1 FROM ${meetingActions} WHERE ${meetingActions.meetingId} = ${meetings.id} AND ${meetingActions.ownerId} = ${actor.personId})`
    : sql`false`;
  return sql`(${attends(actor, meetings.id)} OR ${owns})`;
}

/** The action items `actor` may see: their own, and those of the meetings they may see. */
export function actionScope(actor: Actor): SQL | undefined {
  if (readsAll(actor)) return undefined;
  const mine = actor.personId ? sql`${meetingActions.ownerId} = ${actor.personId}` : sql`false`;
  return sql`(${mine} OR ${attends(actor, sql`${meetingActions.meetingId}`)})`;
}

/** The instant an action item becomes overdue: the end of its due day in JST. */
export const actionDueAt = sql`((${meetingActions.dueOn}::timestamp + interval '1 day') AT TIME ZONE 'Asia/Tokyo')`;

/** An action item is its owner's work in the inbox once overdue (ORG-6). */
export function actionInbox(actor: Actor, now: Date): SQL {
  if (!actor.personId) return sql`false`;
  return sql`(${meetingActions.ownerId} = ${actor.personId} AND ${actionDueAt} < ${now.toISOString()}::timestamptz)`;
}
