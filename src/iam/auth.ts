import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { verify } from '@node-rs/argon2';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { audit } from '../audit/audit.ts';
import type { Db } from '../db/connection.ts';
import { inTx } from '../db/tx.ts';
import type { Clock } from '../kernel/clock.ts';
import { TooManyError, UnauthenticatedError, UnavailableError } from '../kernel/errors.ts';
import type { Actor } from './actor.ts';
import { hashPassword, type IamService, type PersonView } from './service.ts';
import { loginAttempts, people, sessions } from './schema.ts';

export interface AuthPolicy {
  idleMinutes: number;
  absoluteHours: number;
  /** Consecutive failures for one login ID before it is locked. */
  maxFailures: number;
  lockMinutes: number;
}

export const DEFAULT_AUTH_POLICY: AuthPolicy = { idleMinutes: 30, absoluteHours: 10, maxFailures: 5, lockMinutes: 15 };

/** Something that can check a password for a login held elsewhere (LDAP, AD). */
export interface DirectoryAuthenticator {
  authenticate(login: string, password: string): Promise<boolean>;
}

export interface SessionInfo {
  token: string;
  csrfToken: string;
  user: PersonView;
  actor: Actor;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const newToken = () => randomBytes(32).toString('base64url');

/** Equal-time comparison for CSRF tokens. */
export function tokensEqual(a: string | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function actorFor(user: PersonView): Actor {
  return {
    kind: 'person',
    personId: user.id,
    label: `${user.displayName} (${user.login})`,
    roles: user.roles,
    departmentId: user.department?.id ?? null,
  };
}

/**
 * Login, sessions, logout. Messages never tell whether a login ID exists: unknown IDs, wrong
 * passwords and disabled accounts all answer auth.bad_credentials after the same argon2 work, and
 * throttling counts failures per login ID whether or not it exists.
 */
export function createAuthService(deps: {
  db: Db;
  clock: Clock;
  iam: IamService;
  policy?: Partial<AuthPolicy>;
  directory?: DirectoryAuthenticator;
}) {
  const { db, clock, iam, directory } = deps;
  const policy = { ...DEFAULT_AUTH_POLICY, ...deps.policy };
  // A real hash so that a login ID that does not exist costs the same time as a wrong password.
  const dummyHash = hashPassword(newToken());
  const anonymous = (login: string): Actor => ({
    kind: 'person',
    personId: null,
    label: `anonymous (${login.slice(0, 64)})`,
    roles: [],
    departmentId: null,
  });

  async function recordFailure(loginKey: string, attempted: string): Promise<void> {
    const now = clock.now();
    await inTx(db, async (t) => {
      const rows = await t
        .insert(loginAttempts)
        .values({ loginKey, failures: 1, lastFailureAt: now })
        .onConflictDoUpdate({
          target: loginAttempts.loginKey,
          set: { failures: sql`${loginAttempts.failures} + 1`, lastFailureAt: now },
        })
        .returning();
      const failures = rows[0]?.failures ?? 1;
      if (failures >= policy.maxFailures) {
        await t
          .update(loginAttempts)
          .set({ lockedUntil: new Date(now.getTime() + policy.lockMinutes * 60_000), failures: 0 })
          .where(eq(loginAttempts.loginKey, loginKey));
      }
      await audit(t, clock, anonymous(attempted), {
        action: 'auth.login_failed',
        entityType: 'login',
        entityId: loginKey.slice(0, 64),
        after: { failures, locked: failures >= policy.maxFailures },
      });
    });
  }

  async function login(input: {
    login: string;
    password: string;
    ip?: string;
    userAgent?: string;
    previousToken?: string;
  }): Promise<SessionInfo> {
    const loginKey = input.login.trim().toLowerCase();
    const now = clock.now();
    const [attempt] = await db.select().from(loginAttempts).where(eq(loginAttempts.loginKey, loginKey));
    if (attempt?.lockedUntil && attempt.lockedUntil > now) throw new TooManyError('auth.locked');

    const [person] = await db.select().from(people).where(sql`lower(${people.login}) = ${loginKey}`);
    let ok = false;
    if (person && !person.disabledAt) {
      if (person.authSource === 'ldap') {
        // A directory that cannot be reached refuses the login (never fails open) and says so.
        ok = directory
          ? await directory.authenticate(person.login, input.password).catch((e: unknown) => {
              throw new UnavailableError('auth.directory_unavailable', { detail: (e as Error).message });
            })
          : false;
      }
      else if (person.passwordHash) ok = await verify(person.passwordHash, input.password).catch(() => false);
      else await verify(await dummyHash, input.password).catch(() => false);
    } else {
      await verify(await dummyHash, input.password).catch(() => false);
    }
    if (!ok || !person) {
      await recordFailure(loginKey, input.login);
      throw new UnauthenticatedError('auth.bad_credentials');
    }

    const token = newToken();
    const csrfToken = newToken();
    const user = await iam.viewPerson(person.id);
    await inTx(db, async (t) => {
      // A fresh session id at every login; any session the browser carried in is ended (fixation).
      if (input.previousToken) {
        await t
          .update(sessions)
          .set({ endedAt: now, endReason: 'replaced_by_login' })
          .where(and(eq(sessions.id, sha256(input.previousToken)), isNull(sessions.endedAt)));
      }
      await t.insert(sessions).values({
        id: sha256(token),
        personId: person.id,
        csrfToken,
        createdAt: now,
        lastSeenAt: now,
        absoluteExpiresAt: new Date(now.getTime() + policy.absoluteHours * 3_600_000),
        ip: input.ip ?? null,
        userAgent: input.userAgent?.slice(0, 300) ?? null,
      });
      await t.update(people).set({ lastLoginAt: now }).where(eq(people.id, person.id));
      await t.delete(loginAttempts).where(eq(loginAttempts.loginKey, loginKey));
      await audit(t, clock, actorFor(user), {
        action: 'auth.login',
        entityType: 'person',
        entityId: person.id,
        after: { ip: input.ip ?? null },
      });
    });
    return { token, csrfToken, user, actor: actorFor(user) };
  }

  /** Resolves a cookie token to a live session, ending it when idle or past its absolute limit. */
  async function authenticate(token: string | undefined): Promise<SessionInfo> {
    if (!token || token.length > 100) throw new UnauthenticatedError('error.unauthenticated');
    const id = sha256(token);
    const [s] = await db.select().from(sessions).where(eq(sessions.id, id));
    if (!s || s.endedAt) throw new UnauthenticatedError('error.unauthenticated');
    const now = clock.now();
    const idleExpired = now.getTime() - s.lastSeenAt.getTime() > policy.idleMinutes * 60_000;
    const absoluteExpired = now >= s.absoluteExpiresAt;
    const [person] = await db.select({ disabledAt: people.disabledAt }).from(people).where(eq(people.id, s.personId));
    if (idleExpired || absoluteExpired || !person || person.disabledAt) {
      await db
        .update(sessions)
        .set({ endedAt: now, endReason: idleExpired ? 'idle_timeout' : absoluteExpired ? 'absolute_timeout' : 'account_disabled' })
        .where(eq(sessions.id, id));
      throw new UnauthenticatedError('error.session_expired');
    }
    // Touch at most once a minute: enough for the idle timeout, far fewer writes.
    if (now.getTime() - s.lastSeenAt.getTime() > 60_000) {
      await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, id));
    }
    const user = await iam.viewPerson(s.personId);
    return { token, csrfToken: s.csrfToken, user, actor: actorFor(user) };
  }

  async function logout(token: string): Promise<void> {
    const id = sha256(token);
    const now = clock.now();
    const [live] = await db
      .select({ personId: sessions.personId })
      .from(sessions)
      .where(and(eq(sessions.id, id), isNull(sessions.endedAt)));
    if (!live) return;
    // Read outside the transaction: PGlite has a single connection, so no query may bypass `t` inside it.
    const user = await iam.viewPerson(live.personId);
    await inTx(db, async (t) => {
      const [s] = await t
        .update(sessions)
        .set({ endedAt: now, endReason: 'logout' })
        .where(and(eq(sessions.id, id), isNull(sessions.endedAt)))
        .returning();
      if (s) await audit(t, clock, actorFor(user), { action: 'auth.logout', entityType: 'person', entityId: s.personId });
    });
  }

  return { login, authenticate, logout, policy };
}

export type AuthService = ReturnType<typeof createAuthService>;
