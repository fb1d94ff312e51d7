import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openConfigured } from '../db/datadir.ts';

// The real `kiban` command in child processes, on a PGlite data directory of its own.
const BIN = join(import.meta.dirname, '../../bin/kiban.js');
const dir = mkdtempSync(join(tmpdir(), 'kiban-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { ...process.env, KIBAN_DATA_DIR: dir, DATABASE_URL: '', KIBAN_LANG: 'ja', KIBAN_LOG_LEVEL: 'warn' };

async function kiban(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { env, timeout: 150_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

// Each test starts real `kiban` processes (tsx + PGlite + migrations): slow on a busy 2-core machine.
describe('kiban CLI', { timeout: 300_000 }, () => {
  it('a production start on an empty database serves the API and asks for the first administrator', async () => {
    const child = spawn(process.execPath, [BIN, 'start'], { env: { ...env, KIBAN_PORT: '0', KIBAN_HOST: '127.0.0.1' } });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /Kiban is running on (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`start exited ${code}: ${out}`)));
    });
    expect(out).toContain('user add');
    expect(out).not.toContain('Demo logins');
    const health = await fetch(`${url}/api/health`);
    expect(await health.json()).toMatchObject({ status: 'ok', db: { kind: 'pglite', ok: true } });
    const setup = await (await fetch(`${url}/api/setup/status`)).json();
    expect(setup).toMatchObject({ needsAdmin: true });
    // While it runs, the CLI may not open the same data directory.
    const busy = await kiban('user', 'add', 'early', '--name', '早すぎ', '--admin');
    expect(busy.code).toBe(2);
    expect(busy.stderr).toContain('使用中');
    child.kill('SIGTERM');
    expect(await new Promise((r) => child.once('exit', r))).toBe(0);
  });

  it('documents seed loads N §3.6.3.1’s twelve documents once; a second run adds nothing', async () => {
    const first = await kiban('documents', 'seed');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('12 件を登録: DOC-0001,');
    expect(first.stdout).toContain('DOC-0012');
    const again = await kiban('documents', 'seed');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('登録済み');
  });

  it('operations seed loads N’s standard operations into オペレーション一覧 once; a second run adds nothing', async () => {
    const first = await kiban('operations', 'seed');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/1\d 件を登録: /);
    expect(first.stdout).toContain('OPS-001,');
    const again = await kiban('operations', 'seed');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('登録済み');
  });

  it('creates the first administrator with a generated password shown once, and refuses a duplicate with exit code 2', async () => {
    const r = await kiban('user', 'add', 'root', '--name', '管理 一郎', '--admin', '--email', 'root@example.jp');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Password .*: \S{16,}/);
    const dup = await kiban('user', 'add', 'ROOT', '--name', '二重', '--admin');
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain('login: このログインIDは既に使われています。');
    const bad = await kiban('user', 'add', 'x y', '--name', 'x', '--role', 'root');
    expect(bad.code).toBe(2);
  });

  it('audit verify passes on an intact chain and names the first broken link after tampering', async () => {
    const ok = await kiban('audit', 'verify');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^OK: \d+ audit records verified/);
    // Tamper as a database superuser would: switch the append-only trigger off and edit a record.
    const d = await openConfigured({ dataDir: dir }, 'tamper');
    let id = 0;
    try {
      await d.db.execute(sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`);
      const res = (await d.db.execute(sql`SELECT min(id)::int AS id FROM audit_log`)) as unknown as { rows: Array<{ id: number }> };
      const [row] = res.rows;
      id = row!.id;
      await d.db.execute(sql`UPDATE audit_log SET action = 'person.tampered' WHERE id = ${id}`);
      await d.db.execute(sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update`);
    } finally {
      await d.close();
    }
    const broken = await kiban('audit', 'verify');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`BROKEN: audit record ${id}`);
  });

  it('demo load fills a new database with the organisation, estate and one login per role, and refuses a second load', async () => {
    const demoDir = mkdtempSync(join(tmpdir(), 'kiban-demo-'));
    try {
      const run = (...args: string[]) =>
        promisify(execFile)(process.execPath, [BIN, ...args], { env: { ...env, KIBAN_DATA_DIR: demoDir, KIBAN_DEMO_PASSWORD: 'cli-demo-password' } });
      const first = await run('demo', 'load');
      expect(first.stdout).toMatch(/42 departments, \d+ people/);
      expect(first.stdout).toMatch(/Estate: 2 sites, .* \d{2} systems, \d{3} VMs/);
      expect(first.stdout).toMatch(/Operations: \d+ entries in the operations list, 5 add\/change\/delete requests, [1-9] restore requests/);
      expect(first.stdout).toMatch(/Owners' portal: \d+ integration plans, \d+ VM and resource-change requests/);
      for (const login of ['supervisor', 'lead', 'manager', 'operator', 'owner', 'ict', 'security', 'datacenter', 'admin']) {
        expect(first.stdout).toMatch(new RegExp(`^  ${login} +cli-demo-password`, 'm'));
      }
      const second = await run('demo', 'load').catch((e) => e as { code: number; stderr: string });
      expect(second).toMatchObject({ code: 2 });
      expect((second as { stderr: string }).stderr).toContain('空ではありません');
    } finally {
      rmSync(demoDir, { recursive: true, force: true });
    }
  });

  it('answers the calendar questions of an operator and rejects a bad date by name', async () => {
    expect((await kiban('calendar', 'is-business-day', '2027-01-04')).stdout.trim()).toBe('true');
    expect((await kiban('calendar', 'add-business-hours', '2026-12-28T17:00', '2')).stdout.trim()).toBe('2027-01-04T10:15:00+09:00');
    const bad = await kiban('calendar', 'is-business-day', '2026-13-01');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('date');
  });

  it('prints help for every command and exits 2 on an unknown one', async () => {
    const help = await kiban('--help');
    expect(help.code).toBe(0);
    for (const c of ['start', 'migrate', 'user', 'demo', 'audit', 'calendar']) expect(help.stdout).toContain(c);
    expect((await kiban('nope')).code).toBe(2);
  });
});
