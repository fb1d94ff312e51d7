import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ldapts';

/**
 * A real OpenLDAP server (Debian's slapd) for tests, on a free loopback port with its own config and
 * database in a temporary directory. Fails — never skips — when slapd is not installed
 * (`npm test` installs it via scripts/ensure-ldap.sh).
 */
export const SLAPD = '/usr/sbin/slapd';
export const SUFFIX = 'dc=kiban,dc=test';
export const ROOT_DN = `cn=admin,${SUFFIX}`;
export const ROOT_PW = 'slapd-root-secret';

export interface Slapd {
  url: string;
  addPerson(uid: string, password: string, cn?: string): Promise<string>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export async function startSlapd(): Promise<Slapd> {
  if (!existsSync(SLAPD)) throw new Error(`${SLAPD} missing: install Debian's slapd (npm test does)`);
  const dir = mkdtempSync(join(tmpdir(), 'kiban-slapd-'));
  mkdirSync(join(dir, 'db'));
  writeFileSync(
    join(dir, 'slapd.conf'),
    [
      'include /etc/ldap/schema/core.schema',
      'include /etc/ldap/schema/cosine.schema',
      'include /etc/ldap/schema/inetorgperson.schema',
      'include /etc/ldap/schema/nis.schema',
      `pidfile ${join(dir, 'slapd.pid')}`,
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      'database mdb',
      'maxsize 10485760',
      `suffix "${SUFFIX}"`,
      `rootdn "${ROOT_DN}"`,
      `rootpw ${ROOT_PW}`,
      `directory ${join(dir, 'db')}`,
      'access to attrs=userPassword by self write by anonymous auth by * none',
      'access to * by * read',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}`;
  const proc: ChildProcess = spawn(SLAPD, ['-f', join(dir, 'slapd.conf'), '-h', `${url}/`, '-d', '0'], { stdio: 'ignore' });
  const admin = new Client({ url, timeout: 3000, connectTimeout: 1000 });
  // Wait until it answers (bounded).
  for (let i = 0; ; i++) {
    try {
      await admin.bind(ROOT_DN, ROOT_PW);
      break;
    } catch (e) {
      if (i > 100 || proc.exitCode !== null) throw new Error(`slapd did not start: ${(e as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await admin.add(SUFFIX, { objectClass: ['top', 'dcObject', 'organization'], dc: 'kiban', o: 'Kiban test' });
  await admin.add(`ou=people,${SUFFIX}`, { objectClass: ['organizationalUnit'], ou: 'people' });
  return {
    url,
    async addPerson(uid, password, cn = uid) {
      const dn = `uid=${uid},ou=people,${SUFFIX}`;
      await admin.add(dn, { objectClass: ['inetOrgPerson'], uid, cn, sn: cn, userPassword: password });
      return dn;
    },
    async stop() {
      await admin.unbind().catch(() => {});
      proc.kill('SIGTERM');
      await new Promise((r) => (proc.exitCode !== null ? r(null) : proc.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
