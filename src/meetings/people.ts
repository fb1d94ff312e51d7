import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../db/connection.ts';
import { ROLE_LABELS, type Role } from '../iam/roles.ts';
import { people, roleAssignments } from '../iam/schema.ts';

export interface MeetingPerson {
  id: string;
  displayName: string;
  login: string;
  email: string | null;
  departmentId: string | null;
  roles: Role[];
}

/** Active people with their roles: by id, or (no ids) everyone. */
export async function peopleWithRoles(t: Db, ids?: readonly string[]): Promise<MeetingPerson[]> {
  if (ids && ids.length === 0) return [];
  const rows = await t
    .select({ id: people.id, displayName: people.displayName, login: people.login, email: people.email, departmentId: people.departmentId, role: roleAssignments.role })
    .from(people)
    .leftJoin(roleAssignments, eq(roleAssignments.personId, people.id))
    .where(and(isNull(people.disabledAt), ids ? inArray(people.id, [...ids]) : undefined))
    .orderBy(asc(people.displayName), asc(people.id));
  const byId = new Map<string, MeetingPerson>();
  for (const r of rows) {
    const p = byId.get(r.id) ?? { id: r.id, displayName: r.displayName, login: r.login, email: r.email, departmentId: r.departmentId, roles: [] };
    if (r.role) p.roles.push(r.role as Role);
    byId.set(r.id, p);
  }
  return [...byId.values()];
}

/**
 * The required attendees of a kind (出席者 of N §2.7.3): every active holder of a required role; system
 * owners only of the meeting's department (and none when it names no department).
 */
export function requiredAttendees(all: readonly MeetingPerson[], roles: readonly string[], departmentId: string | null): MeetingPerson[] {
  return all.filter((p) =>
    p.roles.some((r) => roles.includes(r) && (r !== 'system_owner' || (departmentId !== null && p.departmentId === departmentId))),
  );
}

export interface MissingRole {
  role: string;
  label: { ja: string; en: string };
}

/** Required roles no attendee fills (a system owner counts only of the meeting's department, if named). */
export function missingRoles(attendees: readonly MeetingPerson[], roles: readonly string[], departmentId: string | null): MissingRole[] {
  return roles
    .filter((role) => !attendees.some((p) => p.roles.includes(role as Role) && (role !== 'system_owner' || !departmentId || p.departmentId === departmentId)))
    .map((role) => ({ role, label: ROLE_LABELS[role as Role] ?? { ja: role, en: role } }));
}
