import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** 所属 — prefecture departments, the platform office, the vendor, the ICT centre, the data centre. */
export const departments = pgTable(
  'departments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    kind: text('kind', {
      enum: ['prefecture', 'platform_office', 'vendor', 'ict_centre', 'datacenter'],
    }).notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    version: integer('version').notNull().default(1),
  },
  (t) => [uniqueIndex('departments_code_uq').on(t.code)],
);

/** People who log in (or are notified). Local accounts carry an argon2 hash; directory accounts none. */
export const people = pgTable(
  'people',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    login: text('login').notNull(),
    displayName: text('display_name').notNull(),
    email: text('email'),
    departmentId: uuid('department_id').references(() => departments.id),
    passwordHash: text('password_hash'),
    authSource: text('auth_source', { enum: ['local', 'ldap'] }).notNull().default('local'),
    disabledAt: ts('disabled_at'),
    lastLoginAt: ts('last_login_at'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    version: integer('version').notNull().default(1),
  },
  (t) => [uniqueIndex('people_login_uq').on(sql`lower(${t.login})`), index('people_department_idx').on(t.departmentId)],
);

/** A role held by a person (N §2.7.2). One row per role; ORG-2 exclusivity is checked in the service. */
export const roleAssignments = pgTable(
  'role_assignments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id),
    role: text('role').notNull(),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [uniqueIndex('role_assignments_person_role_uq').on(t.personId, t.role)],
);

/**
 * Server-side sessions. The cookie holds a random token; only its SHA-256 is stored, so a leaked
 * database does not leak live sessions.
 */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id),
    csrfToken: text('csrf_token').notNull(),
    createdAt: ts('created_at').notNull(),
    lastSeenAt: ts('last_seen_at').notNull(),
    absoluteExpiresAt: ts('absolute_expires_at').notNull(),
    endedAt: ts('ended_at'),
    endReason: text('end_reason'),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_person_idx').on(t.personId)],
);

/**
 * Consecutive failed logins per login ID, whether or not the ID exists, so throttling reveals nothing
 * about which accounts exist.
 */
export const loginAttempts = pgTable('login_attempts', {
  loginKey: text('login_key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  lastFailureAt: ts('last_failure_at'),
  lockedUntil: ts('locked_until'),
});
