import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../audit/schema.ts';
import { people } from '../iam/schema.ts';
import { admin, TEST_PASSWORD, type TestApp, testApp } from './testing.ts';

let t: TestApp;
let deptA: string;
let deptB: string;

beforeAll(async () => {
  t = await testApp();
  deptA = (await t.iam.createDepartment(admin, { code: 'D10', name: '土木部道路建設課', kind: 'prefecture' })).id;
  deptB = (await t.iam.createDepartment(admin, { code: 'D20', name: '教育庁総務課', kind: 'prefecture' })).id;
  await t.iam.createPerson(admin, { login: 'kanri', displayName: '管理 花子', password: TEST_PASSWORD, roles: ['admin'] });
  await t.iam.createPerson(admin, {
    login: 'owner-a',
    displayName: '道路 太郎',
    departmentId: deptA,
    password: TEST_PASSWORD,
    roles: ['system_owner'],
  });
  await t.iam.createPerson(admin, { login: 'owner-b', displayName: '教育 次郎', departmentId: deptB, password: TEST_PASSWORD, roles: ['system_owner'] });
});
afterAll(() => t.close());

const peopleCount = async () => (await t.database.db.select({ n: count() }).from(people))[0]!.n;
const auditCount = async () => (await t.database.db.select({ n: count() }).from(auditLog))[0]!.n;

describe('health and docs', () => {
  it('reports the database', async () => {
    const res = await t.app.inject('/api/health');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', db: { kind: t.database.kind, ok: true } });
  });
  it('serves the OpenAPI document with the login route', async () => {
    const res = await t.app.inject('/api/docs/json');
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json().paths)).toContain('/api/auth/login');
  });
  it('answers unknown API routes with a JSON 404', async () => {
    const res = await t.app.inject('/api/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  });
});

describe('login and sessions', () => {
  it('the same message for an unknown login ID and a wrong password (no enumeration)', async () => {
    const a = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'nobody', password: 'x' } });
    const b = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'kanri', password: 'wrong' } });
    expect(a.statusCode).toBe(401);
    expect(b.statusCode).toBe(401);
    expect(a.json()).toEqual(b.json());
    expect(a.json().error.message).toBe('ログインIDまたはパスワードが正しくありません。');
  });

  it('sets an HttpOnly SameSite=Strict cookie and a new session id at every login', async () => {
    const r1 = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'kanri', password: TEST_PASSWORD } });
    const c1 = r1.cookies.find((c) => c.name === 'kiban_sid')!;
    expect(c1.httpOnly).toBe(true);
    expect(c1.sameSite).toBe('Strict');
    expect(c1.secure).toBeFalsy();
    const r2 = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { login: 'kanri', password: TEST_PASSWORD },
      headers: { cookie: `kiban_sid=${c1.value}` },
    });
    const c2 = r2.cookies.find((c) => c.name === 'kiban_sid')!;
    expect(c2.value).not.toBe(c1.value);
    // The session the browser carried in was ended (no fixation).
    const old = await t.app.inject({ url: '/api/auth/session', headers: { cookie: `kiban_sid=${c1.value}` } });
    expect(old.statusCode).toBe(401);
  });

  it('marks the cookie Secure when served over TLS (behind a trusted proxy)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { login: 'kanri', password: TEST_PASSWORD },
      headers: { 'x-forwarded-proto': 'https' },
    });
    // trustProxy is off in tests, so the forwarded header is ignored: not Secure.
    expect(res.cookies.find((c) => c.name === 'kiban_sid')!.secure).toBeFalsy();
  });

  it('returns the user with roles and permissions, and logout ends the session server-side', async () => {
    const s = await t.login('kanri');
    const me = await t.app.inject({ url: '/api/auth/session', headers: { cookie: s.cookie } });
    expect(me.json().user).toMatchObject({ login: 'kanri', roles: [{ role: 'admin' }] });
    expect(me.json().user.permissions).toContain('org.manage');
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
      payload: {},
    });
    expect(out.statusCode).toBe(204);
    const after = await t.app.inject({ url: '/api/auth/session', headers: { cookie: s.cookie } });
    expect(after.statusCode).toBe(401);
  });

  it('ends a session idle for longer than the idle timeout', async () => {
    const s = await t.login('kanri');
    t.clock.advance(29 * 60_000);
    expect((await t.app.inject({ url: '/api/auth/session', headers: { cookie: s.cookie } })).statusCode).toBe(200);
    t.clock.advance(31 * 60_000);
    const res = await t.app.inject({ url: '/api/auth/session', headers: { cookie: s.cookie, 'accept-language': 'en' } });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toBe('Your session has expired. Please log in again.');
  });

  it('ends a busy session at the absolute timeout', async () => {
    const s = await t.login('kanri');
    for (let i = 0; i < 21; i++) {
      t.clock.advance(29 * 60_000);
      await t.app.inject({ url: '/api/auth/session', headers: { cookie: s.cookie } });
    }
    // 21 × 29 min = 10 h 9 min > 10 h absolute limit, though never idle.
    expect((await t.app.inject({ url: '/api/auth/session', headers: { cookie: s.cookie } })).statusCode).toBe(401);
  });

  it('disabling an account ends its live session at once', async () => {
    const p = await t.iam.createPerson(admin, { login: 'temp', displayName: '臨時', password: TEST_PASSWORD, roles: ['operator'] });
    const s = await t.login('temp');
    const a = await t.login('kanri');
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/people/${p.id}/disabled`,
      headers: { cookie: a.cookie, 'x-csrf-token': a.csrf },
      payload: { disabled: true },
    });
    expect(res.statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/auth/session', headers: { cookie: s.cookie } })).statusCode).toBe(401);
    const relog = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'temp', password: TEST_PASSWORD } });
    expect(relog.statusCode).toBe(401);
  });

  it('locks a login ID after 5 failures, also for IDs that do not exist, until the lock expires', async () => {
    await t.iam.createPerson(admin, { login: 'lockme', displayName: 'ロック', password: TEST_PASSWORD, roles: ['operator'] });
    for (const login of ['lockme', 'ghost']) {
      for (let i = 0; i < 5; i++) {
        await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { login, password: 'bad' } });
      }
    }
    const locked = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'lockme', password: TEST_PASSWORD } });
    const ghost = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'ghost', password: TEST_PASSWORD } });
    expect(locked.statusCode).toBe(429);
    expect(ghost.statusCode).toBe(429);
    expect(locked.json()).toEqual(ghost.json());
    t.clock.advance(16 * 60_000);
    const ok = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'lockme', password: TEST_PASSWORD } });
    expect(ok.statusCode).toBe(200);
  });
});

describe('login throttling per client address', () => {
  it('answers 429 once one address has tried too often in a minute, even with the right password', async () => {
    const small = await testApp({ loginRatePerMinute: 3 });
    try {
      await small.iam.createPerson(admin, { login: 'rl', displayName: '制限', password: TEST_PASSWORD, roles: ['operator'] });
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await small.app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'rl', password: TEST_PASSWORD } });
        codes.push(res.statusCode);
      }
      expect(codes).toEqual([200, 200, 200, 429]);
    } finally {
      await small.close();
    }
  });
});

describe('CSRF and bad input', () => {
  it('refuses a state-changing request without the CSRF token and writes nothing', async () => {
    const s = await t.login('kanri');
    const before = await peopleCount();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/people',
      headers: { cookie: s.cookie },
      payload: { login: 'csrf1', displayName: 'x' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toContain('CSRF');
    expect(await peopleCount()).toBe(before);
  });

  it.each([
    ['a wrong type', { login: 'x2', displayName: 42 }, 'displayName', '文字列'],
    ['a missing field', { login: 'x3' }, 'displayName', '必須項目です。'],
    ['an unknown field', { login: 'x4', displayName: 'x', isAdmin: true }, 'isAdmin', '想定されていない項目です。'],
    ['an unknown role', { login: 'x5', displayName: 'x', roles: ['root'] }, 'roles.0', '選択肢'],
    ['a bad e-mail', { login: 'x6', displayName: 'x', email: 'not-mail' }, 'email', '形式'],
    ['a login ID with markup', { login: '<script>', displayName: 'x' }, 'login', '形式'],
  ])('answers %s with 400 naming the field in Japanese, and writes nothing', async (_what, payload, field, text) => {
    const s = await t.login('kanri');
    const before = [await peopleCount(), await auditCount()];
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/people',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
      payload,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_input');
    expect(res.json().error.fields[field]).toContain(text);
    expect(await peopleCount()).toBe(before[0]);
    expect(await auditCount()).toBe(before[1]);
  });

  it('answers malformed JSON, a non-JSON body and an oversize body with clear 4xx', async () => {
    const s = await t.login('kanri');
    const h = { cookie: s.cookie, 'x-csrf-token': s.csrf };
    const bad = await t.app.inject({ method: 'POST', url: '/api/people', headers: { ...h, 'content-type': 'application/json' }, payload: '{"login":' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('malformed_json');
    const form = await t.app.inject({ method: 'POST', url: '/api/people', headers: { ...h, 'content-type': 'text/plain' }, payload: 'login=x' });
    expect(form.statusCode).toBe(415);
    const big = await t.app.inject({
      method: 'POST',
      url: '/api/people',
      headers: h,
      payload: { login: 'big', displayName: 'x'.repeat(300 * 1024) },
    });
    expect(big.statusCode).toBe(413);
    const proto = await t.app.inject({
      method: 'POST',
      url: '/api/people',
      headers: { ...h, 'content-type': 'application/json' },
      payload: '{"login":"p1","displayName":"x","__proto__":{"roles":["admin"]}}',
    });
    expect(proto.statusCode).toBe(400);
  });

  it('stores and returns SQL and HTML in text as plain data', async () => {
    const s = await t.login('kanri');
    const name = `'); DROP TABLE people; -- <img src=x onerror=alert(1)>`;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/people',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
      payload: { login: 'sqlhtml', displayName: name },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().displayName).toBe(name);
    expect(res.headers['content-type']).toContain('application/json');
    const list = await t.app.inject({ url: '/api/people?q=sqlhtml', headers: { cookie: s.cookie } });
    expect(list.json().items[0].displayName).toBe(name);
  });

  it('answers a bad query string with 400 naming the parameter', async () => {
    const s = await t.login('kanri');
    const res = await t.app.inject({ url: '/api/people?page=0&sort=password', headers: { cookie: s.cookie } });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json().error.fields).sort()).toEqual(['page', 'sort']);
  });
});

describe('role and department scope on the server (ORG-4)', () => {
  it('a system owner lists only their department, even when asking for another', async () => {
    const s = await t.login('owner-a');
    const mine = await t.app.inject({ url: '/api/people', headers: { cookie: s.cookie } });
    expect(mine.json().items.map((p: { login: string }) => p.login)).toEqual(['owner-a']);
    const theirs = await t.app.inject({ url: `/api/people?departmentId=${deptB}`, headers: { cookie: s.cookie } });
    expect(theirs.json().total).toBe(0);
    const depts = await t.app.inject({ url: '/api/departments', headers: { cookie: s.cookie } });
    expect(depts.json().items.map((d: { code: string }) => d.code)).toEqual(['D10']);
  });

  it('a system owner may not read the audit log nor create people', async () => {
    const s = await t.login('owner-a');
    expect((await t.app.inject({ url: '/api/audit', headers: { cookie: s.cookie } })).statusCode).toBe(403);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/people',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
      payload: { login: 'sneaky', displayName: 'x', roles: ['admin'] },
    });
    expect(res.statusCode).toBe(403);
  });

  it('an anonymous request to any module is 401', async () => {
    for (const url of ['/api/people', '/api/departments', '/api/audit', '/api/auth/session']) {
      expect((await t.app.inject(url)).statusCode).toBe(401);
    }
  });

  it('the administrator sees the audit trail of logins and changes', async () => {
    const s = await t.login('kanri');
    const res = await t.app.inject({ url: '/api/audit?q=person.create', headers: { cookie: s.cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.json().total).toBeGreaterThanOrEqual(3);
  });
});
