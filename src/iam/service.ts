import { and, asc, count, desc, eq, ilike, inArray, isNull, or, sql } from 'drizzle-orm';
import { hash } from '@node-rs/argon2';
import { audit } from '../audit/audit.ts';
import type { Db } from '../db/connection.ts';
import { inTx } from '../db/tx.ts';
import type { Clock } from '../kernel/clock.ts';
import { ConflictError, fieldError, ForbiddenError, NotFoundError } from '../kernel/errors.ts';
import { likePattern, type ListQuery, type Page, parseSort } from '../kernel/paging.ts';
import { type Actor, requirePermission, visibleDepartments } from './actor.ts';
import {
  type DepartmentInput,
  departmentInput,
  type PersonInput,
  type PersonUpdate,
  password as passwordSchema,
  personInput,
} from './inputs.ts';
import { MUTUALLY_EXCLUSIVE_ROLES, ROLE_LABELS, type Role } from './roles.ts';
import { departments, people, roleAssignments, sessions } from './schema.ts';

export interface IamDeps {
  db: Db;
  clock: Clock;
}

export type DepartmentRow = typeof departments.$inferSelect;
export type PersonView = {
  id: string;
  login: string;
  displayName: string;
  email: string | null;
  department: { id: string; code: string; name: string } | null;
  roles: Role[];
  disabled: boolean;
  authSource: 'local' | 'ldap';
  version: number;
};

/** ORG-2: 責任者・管理者・担当者 are held by different people. Returns the clashing role, if any. */
export function exclusiveClash(existing: readonly Role[], adding: Role): Role | undefined {
  if (!MUTUALLY_EXCLUSIVE_ROLES.includes(adding)) return undefined;
  return existing.find((r) => r !== adding && MUTUALLY_EXCLUSIVE_ROLES.includes(r));
}

export function hashPassword(plain: string): Promise<string> {
  return hash(plain);
}

/** People, departments and role assignments (ORG-1, ORG-2, ORG-4). */
export function createIamService({ db, clock }: IamDeps) {
  async function createDepartment(actor: Actor, raw: DepartmentInput, tx?: Db): Promise<DepartmentRow> {
    requirePermission(actor, 'org.manage');
    const input = departmentInput.parse(raw);
    const run = async (t: Db) => {
      const dup = await t.select({ id: departments.id }).from(departments).where(eq(departments.code, input.code));
      if (dup.length) throw fieldError('code', 'iam.code_taken');
      const now = clock.now();
      const [row] = await t.insert(departments).values({ ...input, createdAt: now, updatedAt: now }).returning();
      if (!row) throw new Error('insert returned nothing');
      await audit(t, clock, actor, { action: 'department.create', entityType: 'department', entityId: row.id, after: row });
      return row;
    };
    return tx ? run(tx) : inTx(db, run);
  }

  async function listDepartments(actor: Actor, q: ListQuery): Promise<Page<DepartmentRow & { peopleCount: number }>> {
    requirePermission(actor, 'org.read');
    const visible = visibleDepartments(actor);
    const where = and(
      visible ? (visible.length ? inArray(departments.id, visible) : sql`false`) : undefined,
      q.q ? or(ilike(departments.name, likePattern(q.q)), ilike(departments.code, likePattern(q.q))) : undefined,
    );
    const { field, desc: d } = parseSort(q.sort, 'code');
    const col = { code: departments.code, name: departments.name, kind: departments.kind }[field] ?? departments.code;
    // Written out in full: Drizzle leaves column names unqualified inside a sub-select.
    const peopleCount = sql<number>`(select count(*)::int from people p where p.department_id = "departments"."id")`;
    const [rows, [total]] = await Promise.all([
      db
        .select({ d: departments, peopleCount })
        .from(departments)
        .where(where)
        .orderBy(d ? desc(col) : asc(col), asc(departments.id))
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize),
      db.select({ n: count() }).from(departments).where(where),
    ]);
    return {
      items: rows.map((r) => ({ ...r.d, peopleCount: Number(r.peopleCount) })),
      total: total?.n ?? 0,
      page: q.page,
      pageSize: q.pageSize,
    };
  }

  async function rolesOf(t: Db, personId: string): Promise<Role[]> {
    const rows = await t.select({ role: roleAssignments.role }).from(roleAssignments).where(eq(roleAssignments.personId, personId));
    return rows.map((r) => r.role as Role).sort();
  }

  async function view(t: Db, personId: string): Promise<PersonView> {
    const rows = await t
      .select({ p: people, d: { id: departments.id, code: departments.code, name: departments.name } })
      .from(people)
      .leftJoin(departments, eq(departments.id, people.departmentId))
      .where(eq(people.id, personId));
    const r = rows[0];
    if (!r) throw new NotFoundError('error.not_found');
    return toView(r.p, r.d, await rolesOf(t, personId));
  }

  function toView(
    p: typeof people.$inferSelect,
    d: { id: string; code: string; name: string } | null,
    roles: Role[],
  ): PersonView {
    return {
      id: p.id,
      login: p.login,
      displayName: p.displayName,
      email: p.email,
      department: d,
      roles,
      disabled: p.disabledAt !== null,
      authSource: p.authSource,
      version: p.version,
    };
  }

  async function checkDepartment(t: Db, departmentId: string | null | undefined): Promise<void> {
    if (!departmentId) return;
    const d = await t.select({ id: departments.id }).from(departments).where(eq(departments.id, departmentId));
    if (!d.length) throw fieldError('departmentId', 'iam.unknown_department');
  }

  function checkRoleSet(name: string, roles: readonly Role[], departmentId: string | null | undefined): void {
    const seen: Role[] = [];
    for (const r of roles) {
      const clash = exclusiveClash(seen, r);
      if (clash) throw fieldError('roles', 'iam.role_exclusive', { name, existing: ROLE_LABELS[clash].ja });
      seen.push(r);
    }
    if (roles.includes('system_owner') && !departmentId) throw fieldError('departmentId', 'iam.owner_needs_department');
  }

  /** Creates a person with roles. The first administrator is created through this by the CLI. */
  async function createPerson(actor: Actor, raw: PersonInput, tx?: Db): Promise<PersonView> {
    requirePermission(actor, 'org.manage');
    const input = personInput.parse(raw);
    const roles = [...new Set(input.roles)];
    checkRoleSet(input.displayName, roles, input.departmentId);
    const passwordHash = input.password ? await hashPassword(input.password) : null;
    const run = async (t: Db) => {
      await checkDepartment(t, input.departmentId);
      const dup = await t.select({ id: people.id }).from(people).where(sql`lower(${people.login}) = lower(${input.login})`);
      if (dup.length) throw fieldError('login', 'iam.login_taken');
      const now = clock.now();
      const [p] = await t
        .insert(people)
        .values({
          login: input.login,
          displayName: input.displayName,
          email: input.email ?? null,
          departmentId: input.departmentId ?? null,
          passwordHash,
          authSource: input.authSource,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      if (!p) throw new Error('insert returned nothing');
      if (roles.length) await t.insert(roleAssignments).values(roles.map((role) => ({ personId: p.id, role, createdAt: now })));
      const v = await view(t, p.id);
      await audit(t, clock, actor, { action: 'person.create', entityType: 'person', entityId: p.id, after: v });
      return v;
    };
    return tx ? run(tx) : inTx(db, run);
  }

  async function updatePerson(actor: Actor, personId: string, input: PersonUpdate): Promise<PersonView> {
    requirePermission(actor, 'org.manage');
    return inTx(db, async (t) => {
      const before = await view(t, personId);
      if (before.version !== input.version) throw new ConflictError('error.stale_version');
      if (input.departmentId !== undefined) await checkDepartment(t, input.departmentId);
      const departmentId = input.departmentId === undefined ? before.department?.id : input.departmentId;
      checkRoleSet(before.displayName, before.roles, departmentId);
      const updated = await t
        .update(people)
        .set({
          ...(input.displayName !== undefined && { displayName: input.displayName }),
          ...(input.email !== undefined && { email: input.email }),
          ...(input.departmentId !== undefined && { departmentId: input.departmentId }),
          updatedAt: clock.now(),
          version: sql`${people.version} + 1`,
        })
        .where(and(eq(people.id, personId), eq(people.version, input.version)))
        .returning({ id: people.id });
      if (!updated.length) throw new ConflictError('error.stale_version');
      const after = await view(t, personId);
      await audit(t, clock, actor, { action: 'person.update', entityType: 'person', entityId: personId, before, after });
      return after;
    });
  }

  async function assignRole(actor: Actor, personId: string, role: Role): Promise<PersonView> {
    requirePermission(actor, 'org.manage');
    return inTx(db, async (t) => {
      const before = await view(t, personId);
      if (before.roles.includes(role)) return before;
      checkRoleSet(before.displayName, [...before.roles, role], before.department?.id);
      await t.insert(roleAssignments).values({ personId, role, createdAt: clock.now() });
      const after = await view(t, personId);
      await audit(t, clock, actor, { action: 'person.role_assign', entityType: 'person', entityId: personId, before, after });
      return after;
    });
  }

  async function revokeRole(actor: Actor, personId: string, role: Role): Promise<PersonView> {
    requirePermission(actor, 'org.manage');
    return inTx(db, async (t) => {
      const before = await view(t, personId);
      if (!before.roles.includes(role)) return before;
      await t.delete(roleAssignments).where(and(eq(roleAssignments.personId, personId), eq(roleAssignments.role, role)));
      const after = await view(t, personId);
      await audit(t, clock, actor, { action: 'person.role_revoke', entityType: 'person', entityId: personId, before, after });
      return after;
    });
  }

  /** Disabling ends every live session of the person at once (server-side). */
  async function setDisabled(actor: Actor, personId: string, disabled: boolean): Promise<PersonView> {
    requirePermission(actor, 'org.manage');
    if (disabled && actor.personId === personId) throw new ForbiddenError('iam.cannot_disable_self');
    return inTx(db, async (t) => {
      const before = await view(t, personId);
      const now = clock.now();
      await t
        .update(people)
        .set({ disabledAt: disabled ? now : null, updatedAt: now, version: sql`${people.version} + 1` })
        .where(eq(people.id, personId));
      if (disabled) {
        await t
          .update(sessions)
          .set({ endedAt: now, endReason: 'account_disabled' })
          .where(and(eq(sessions.personId, personId), isNull(sessions.endedAt)));
      }
      const after = await view(t, personId);
      await audit(t, clock, actor, {
        action: disabled ? 'person.disable' : 'person.enable',
        entityType: 'person',
        entityId: personId,
        before,
        after,
      });
      return after;
    });
  }

  async function setPassword(actor: Actor, personId: string, plain: string): Promise<void> {
    if (actor.personId !== personId) requirePermission(actor, 'org.manage');
    const parsed = passwordSchema.safeParse(plain);
    if (!parsed.success) throw fieldError('password', 'iam.password_policy');
    const passwordHash = await hashPassword(plain);
    await inTx(db, async (t) => {
      await view(t, personId);
      const now = clock.now();
      await t.update(people).set({ passwordHash, updatedAt: now, version: sql`${people.version} + 1` }).where(eq(people.id, personId));
      // A new password ends the other sessions: whoever knew the old one is logged out.
      await t
        .update(sessions)
        .set({ endedAt: now, endReason: 'password_changed' })
        .where(and(eq(sessions.personId, personId), isNull(sessions.endedAt)));
      await audit(t, clock, actor, { action: 'person.password_set', entityType: 'person', entityId: personId });
    });
  }

  async function listPeople(
    actor: Actor,
    q: ListQuery & { departmentId?: string },
  ): Promise<Page<PersonView>> {
    requirePermission(actor, 'org.read');
    const visible = visibleDepartments(actor);
    const where = and(
      visible ? (visible.length ? inArray(people.departmentId, visible) : sql`false`) : undefined,
      q.departmentId ? eq(people.departmentId, q.departmentId) : undefined,
      q.q
        ? or(
            ilike(people.login, likePattern(q.q)),
            ilike(people.displayName, likePattern(q.q)),
            ilike(people.email, likePattern(q.q)),
          )
        : undefined,
    );
    const { field, desc: d } = parseSort(q.sort, 'login');
    const col =
      { login: people.login, displayName: people.displayName, email: people.email, department: departments.name }[field] ??
      people.login;
    const [rows, [total]] = await Promise.all([
      db
        .select({ p: people, d: { id: departments.id, code: departments.code, name: departments.name } })
        .from(people)
        .leftJoin(departments, eq(departments.id, people.departmentId))
        .where(where)
        .orderBy(d ? desc(col) : asc(col), asc(people.id))
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize),
      db.select({ n: count() }).from(people).where(where),
    ]);
    const ids = rows.map((r) => r.p.id);
    const roleRows = ids.length
      ? await db.select().from(roleAssignments).where(inArray(roleAssignments.personId, ids))
      : [];
    const byPerson = new Map<string, Role[]>();
    for (const r of roleRows) byPerson.set(r.personId, [...(byPerson.get(r.personId) ?? []), r.role as Role]);
    return {
      items: rows.map((r) => toView(r.p, r.d, (byPerson.get(r.p.id) ?? []).sort())),
      total: total?.n ?? 0,
      page: q.page,
      pageSize: q.pageSize,
    };
  }

  /** A person as seen by someone else: hidden (404) when outside the actor's departments. */
  async function getPerson(actor: Actor, personId: string): Promise<PersonView> {
    requirePermission(actor, 'org.read');
    const v = await view(db, personId);
    const visible = visibleDepartments(actor);
    if (visible && !(v.department && visible.includes(v.department.id))) throw new NotFoundError('error.not_found');
    return v;
  }

  async function hasActiveAdmin(): Promise<boolean> {
    const rows = await db
      .select({ n: count() })
      .from(roleAssignments)
      .innerJoin(people, eq(people.id, roleAssignments.personId))
      .where(and(eq(roleAssignments.role, 'admin'), isNull(people.disabledAt)));
    return (rows[0]?.n ?? 0) > 0;
  }

  return {
    createDepartment,
    listDepartments,
    createPerson,
    updatePerson,
    assignRole,
    revokeRole,
    setDisabled,
    setPassword,
    listPeople,
    getPerson,
    hasActiveAdmin,
    /** Internal: the person's view without permission checks (sessions, CLI). */
    viewPerson: (personId: string) => view(db, personId),
  };
}

export type IamService = ReturnType<typeof createIamService>;
