import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../audit/index.ts';
import type { Database } from '../db/index.ts';
import { testDatabase } from '../db/testing.ts';
import { FakeClock } from '../kernel/clock.ts';
import { ForbiddenError, InputError } from '../kernel/errors.ts';
import { actorFor, createIamService, type IamService, systemActor } from './index.ts';

let database: Database;
let iam: IamService;
const clock = new FakeClock('2026-11-24T01:00:00Z');
const admin = systemActor('test');
let deptA: string;
let deptB: string;

beforeAll(async () => {
  database = await testDatabase();
  iam = createIamService({ db: database.db, clock });
  deptA = (await iam.createDepartment(admin, { code: 'D001', name: '総務部総務課', kind: 'prefecture' })).id;
  deptB = (await iam.createDepartment(admin, { code: 'D002', name: '健康福祉部福祉保健課', kind: 'prefecture' })).id;
});
afterAll(() => database.close());

function fieldsOf(e: unknown): string[] {
  expect(e).toBeInstanceOf(InputError);
  return Object.keys((e as InputError).fields);
}

describe('roles of N §2.7.2', () => {
  it('refuses one person as both 管理者 and 担当者, naming the roles field, and writes nothing', async () => {
    const err = await iam
      .createPerson(admin, { login: 'dual', displayName: '兼務 太郎', roles: ['vendor_manager', 'operator'] })
      .catch((e) => e);
    expect(fieldsOf(err)).toEqual(['roles']);
    expect((err as InputError).fields.roles?.key).toBe('iam.role_exclusive');
    const page = await iam.listPeople(admin, { q: 'dual', page: 1, pageSize: 10 });
    expect(page.total).toBe(0);
  });

  it('refuses adding 責任者 to an existing 担当者', async () => {
    const p = await iam.createPerson(admin, { login: 'op1', displayName: '担当 一郎', roles: ['operator'] });
    const err = await iam.assignRole(admin, p.id, 'vendor_lead').catch((e) => e);
    expect(fieldsOf(err)).toEqual(['roles']);
    expect((await iam.viewPerson(p.id)).roles).toEqual(['operator']);
  });

  it('allows 担当者 together with a non-exclusive role such as システム管理者', async () => {
    const p = await iam.createPerson(admin, { login: 'op2', displayName: '担当 二郎', roles: ['operator', 'admin'] });
    expect(p.roles).toEqual(['admin', 'operator']);
  });

  it('a system owner needs a department', async () => {
    const err = await iam.createPerson(admin, { login: 'own0', displayName: '所管', roles: ['system_owner'] }).catch((e) => e);
    expect(fieldsOf(err)).toEqual(['departmentId']);
  });

  it('duplicate login IDs are refused case-insensitively', async () => {
    await iam.createPerson(admin, { login: 'Suzuki', displayName: '鈴木' });
    const err = await iam.createPerson(admin, { login: 'suzuki', displayName: '鈴木2' }).catch((e) => e);
    expect(fieldsOf(err)).toEqual(['login']);
  });
});

describe('department scope (ORG-4)', () => {
  it('a system owner sees only people and the department of their own department', async () => {
    const ownerA = await iam.createPerson(admin, {
      login: 'ownerA',
      displayName: '所管 A',
      departmentId: deptA,
      roles: ['system_owner'],
    });
    const other = await iam.createPerson(admin, { login: 'ownerB', displayName: '所管 B', departmentId: deptB, roles: ['system_owner'] });
    const actor = actorFor(ownerA);
    const ppl = await iam.listPeople(actor, { page: 1, pageSize: 100 });
    expect(ppl.items.map((p) => p.login)).toEqual(['ownerA']);
    const depts = await iam.listDepartments(actor, { page: 1, pageSize: 100 });
    expect(depts.items.map((d) => d.code)).toEqual(['D001']);
    // The head-count shown on the department list counts its people.
    expect(depts.items[0]!.peopleCount).toBe((await iam.listPeople(admin, { departmentId: deptA, page: 1, pageSize: 100 })).total);
    expect(depts.items[0]!.peopleCount).toBeGreaterThan(0);
    await expect(iam.getPerson(actor, other.id)).rejects.toThrow('error.not_found');
  });

  it('a system owner cannot create people', async () => {
    const owner = (await iam.listPeople(admin, { q: 'ownerA', page: 1, pageSize: 1 })).items[0]!;
    await expect(iam.createPerson(actorFor(owner), { login: 'x1', displayName: 'x' })).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe('optimistic concurrency', () => {
  it('a stale version is refused and changes nothing', async () => {
    const p = await iam.createPerson(admin, { login: 'ver', displayName: '版 太郎' });
    await iam.updatePerson(admin, p.id, { version: p.version, displayName: '版 次郎' });
    await expect(iam.updatePerson(admin, p.id, { version: p.version, displayName: '版 三郎' })).rejects.toThrow(
      'error.stale_version',
    );
    expect((await iam.viewPerson(p.id)).displayName).toBe('版 次郎');
  });
});

describe('audit log (X-2)', () => {
  it('every write above left an audit record and the chain verifies', async () => {
    const r = await verifyAuditChain(database.db);
    expect(r).toMatchObject({ ok: true });
    expect(r.checked).toBeGreaterThanOrEqual(8);
  });

  it('UPDATE, DELETE and TRUNCATE of the audit log are refused by the database', async () => {
    const refusal = (q: ReturnType<typeof sql>) =>
      database.db.execute(q).then(
        () => 'allowed',
        (e: Error & { cause?: Error }) => (e.cause ?? e).message,
      );
    expect(await refusal(sql`UPDATE audit_log SET actor = 'x'`)).toMatch(/append-only \(UPDATE refused\)/);
    expect(await refusal(sql`DELETE FROM audit_log`)).toMatch(/append-only \(DELETE refused\)/);
    expect(await refusal(sql`TRUNCATE audit_log`)).toMatch(/append-only \(TRUNCATE refused\)/);
  });

  it('verify reports the first broken link when someone bypasses the trigger', async () => {
    const before = await verifyAuditChain(database.db);
    await database.db.execute(sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`);
    await database.db.execute(sql`UPDATE audit_log SET actor = 'tampered' WHERE id = 3`);
    await database.db.execute(sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update`);
    const after = await verifyAuditChain(database.db);
    expect(before.ok).toBe(true);
    expect(after).toMatchObject({ ok: false, brokenAt: 3, reason: 'hash_mismatch' });
  });
});
