import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/connection.ts';
import type { Actor } from './actor.ts';
import type { Role } from './roles.ts';
import { people, roleAssignments } from './schema.ts';

/**
 * Actors for the named logins, as a session would build them — for scripts that act as known people
 * (the demo loaders). The returned function throws when a login is missing.
 */
export async function actorsByLogin(db: Db, logins: readonly string[]): Promise<(login: string) => Actor> {
  const rows = await db
    .select({ id: people.id, login: people.login, displayName: people.displayName, departmentId: people.departmentId, role: roleAssignments.role })
    .from(people)
    .innerJoin(roleAssignments, eq(roleAssignments.personId, people.id))
    .where(inArray(people.login, [...logins]));
  return (login) => {
    const mine = rows.filter((r) => r.login === login);
    const p = mine[0];
    if (!p) throw new Error(`demo person ${login} missing: load the demo organisation first`);
    return { kind: 'person', personId: p.id, label: `${p.displayName} (${p.login})`, roles: mine.map((r) => r.role as Role), departmentId: p.departmentId };
  };
}
