import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Database } from '../db/connection.ts';
import { testDatabase } from '../db/testing.ts';
import { systemActor } from '../iam/actor.ts';
import type { DirectoryAuthenticator } from '../iam/auth.ts';
import { createIamService, type IamService } from '../iam/service.ts';
import { FakeClock } from '../kernel/clock.ts';
import { buildApp } from './app.ts';

export const TEST_PASSWORD = 'correct horse battery staple';

export interface TestApp {
  app: FastifyInstance;
  database: Database;
  clock: FakeClock;
  iam: IamService;
  /** Creates a person whose display name is the login, with the test password (tests log in as them). */
  person(login: string, roles: string[], extra?: Record<string, unknown>): ReturnType<IamService['createPerson']>;
  /** Logs in and returns what a browser would keep: the cookie and the CSRF token. */
  login(login: string, password?: string): Promise<{ cookie: string; csrf: string }>;
  close(): Promise<void>;
}

/** The whole HTTP app on a fresh test database, called in memory (no socket). */
export async function testApp(opts: { loginRatePerMinute?: number; directory?: DirectoryAuthenticator; serveWeb?: boolean } = {}): Promise<TestApp> {
  const database = await testDatabase();
  const clock = new FakeClock('2026-11-24T00:00:00Z');
  const app = await buildApp({
    db: database.db,
    dbKind: database.kind,
    clock,
    config: { session: { idleMinutes: 30, absoluteHours: 10 }, secureCookies: 'auto', trustProxy: false, logLevel: 'silent' },
    serveWeb: opts.serveWeb ?? false,
    directory: opts.directory,
    // Many logins from one address in a test run: the per-address limit has its own test.
    loginRatePerMinute: opts.loginRatePerMinute ?? 10_000,
    logger: false,
  });
  const iam = createIamService({ db: database.db, clock });
  return {
    app,
    database,
    clock,
    iam,
    person: (login, roles, extra = {}) => iam.createPerson(admin, { login, displayName: login, password: TEST_PASSWORD, roles: roles as never, ...extra }),
    async login(login, password = TEST_PASSWORD) {
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { login, password } });
      if (res.statusCode !== 200) throw new Error(`login ${login} failed: ${res.statusCode} ${res.body}`);
      return { cookie: sessionCookie(res), csrf: res.json().csrfToken };
    },
    async close() {
      await app.close();
      await database.close();
    },
  };
}

export function sessionCookie(res: LightMyRequestResponse): string {
  const c = res.cookies.find((x) => x.name === 'kiban_sid');
  if (!c) throw new Error('no session cookie');
  return `kiban_sid=${c.value}`;
}

export const admin = systemActor('test');
