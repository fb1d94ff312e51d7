import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, TEST_PASSWORD, type TestApp, testApp } from '../http/testing.ts';
import { createLdapAuthenticator } from './ldap.ts';
import { type Slapd, startSlapd, SUFFIX } from './slapd-testing.ts';

// Directory login against a real OpenLDAP server (Debian's slapd) on loopback.
let slapd: Slapd;
let t: TestApp;
const DIR_PW = 'directory-pass-9f2k';

beforeAll(async () => {
  slapd = await startSlapd();
  await slapd.addPerson('yamada', DIR_PW, '山田 太郎');
  await slapd.addPerson('notinkiban', DIR_PW);
  await slapd.addPerson('suzuki', 'other-directory-pw');
  t = await testApp({
    directory: createLdapAuthenticator({ url: slapd.url, baseDn: `ou=people,${SUFFIX}`, loginAttribute: 'uid' }),
  });
  await t.iam.createPerson(admin, { login: 'yamada', displayName: '山田 太郎', authSource: 'ldap', roles: ['operator'] });
  await t.iam.createPerson(admin, { login: 'suzuki', displayName: '鈴木', password: TEST_PASSWORD, roles: ['operator'] });
});
afterAll(async () => {
  await t?.close();
  await slapd?.stop();
});

const login = (l: string, password: string) => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: l, password } });

describe('directory login (LDAP, slapd)', () => {
  it('a directory person logs in with the directory password and gets their Kiban roles', async () => {
    const res = await login('yamada', DIR_PW);
    expect(res.statusCode).toBe(200);
    expect(res.json().user).toMatchObject({ login: 'yamada', roles: [{ role: 'operator' }] });
  });

  it('refuses a wrong directory password, an empty one and filter syntax in the login, with the usual message', async () => {
    const wrong = await login('yamada', 'not-the-password');
    const empty = await login('yamada', '');
    const injected = await login('yamada)(uid=*', DIR_PW);
    const star = await login('*', DIR_PW);
    for (const r of [wrong, empty, injected, star]) expect(r.statusCode).toBe(401);
    expect(wrong.json()).toEqual(star.json());
  });

  it('the directory alone does not let anyone in: no Kiban person, no login', async () => {
    expect((await login('notinkiban', DIR_PW)).statusCode).toBe(401);
  });

  it('a local account is checked against its own hash, never against the directory', async () => {
    expect((await login('suzuki', 'other-directory-pw')).statusCode).toBe(401);
    expect((await login('suzuki', TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('an unreachable directory refuses the login with 503 and a clear message instead of failing open', async () => {
    const down = await testApp({
      directory: createLdapAuthenticator({ url: 'ldap://127.0.0.1:1', baseDn: SUFFIX, loginAttribute: 'uid', timeoutMs: 500 }),
    });
    try {
      await down.iam.createPerson(admin, { login: 'yamada', displayName: '山田 太郎', authSource: 'ldap', roles: ['operator'] });
      const res = await down.app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'yamada', password: DIR_PW } });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.message).toContain('ディレクトリサーバ');
      expect(res.cookies.find((c) => c.name === 'kiban_sid')).toBeUndefined();
    } finally {
      await down.close();
    }
  });
});
