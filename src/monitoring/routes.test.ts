import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, TEST_PASSWORD, type TestApp, testApp } from '../http/testing.ts';
import { createItem, createTarget } from './store.ts';

let t: TestApp;
type Session = { cookie: string; csrf: string };
let operator: Session;
let pusher: Session;
let owner: Session;

beforeAll(async () => {
  t = await testApp();
  await t.iam.createPerson(admin, { login: 'tanto', displayName: '監視 担当', password: TEST_PASSWORD, roles: ['operator'] });
  await t.iam.createPerson(admin, { login: 'integration', displayName: '連携アカウント', password: TEST_PASSWORD, roles: ['admin'] });
  const dept = await t.iam.createDepartment(admin, { code: 'D10', name: '土木部道路建設課', kind: 'prefecture' });
  await t.iam.createPerson(admin, { login: 'owner', displayName: '道路 太郎', departmentId: dept.id, password: TEST_PASSWORD, roles: ['system_owner'] });
  operator = await t.login('tanto');
  pusher = await t.login('integration');
  owner = await t.login('owner');
  const target = await createTarget(t.database.db, t.clock, { ciType: 'vm', ciId: randomUUID(), name: 'bp-doro-web01', address: '10.0.0.5' });
  await createItem(t.database.db, t.clock, { targetId: target.id, type: 'resource', key: 'system.cpu.util', collect: 'push' });
});
afterAll(() => t.close());

const push = (s: Session, payload: unknown) =>
  t.app.inject({ method: 'POST', url: '/api/monitoring/values', payload: payload as object, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });

describe('/api/monitoring', () => {
  it('takes pushed JSON values, judges them, and shows the state and the alert', async () => {
    const now = Math.floor(t.clock.now().getTime() / 1000);
    const r1 = await push(pusher, { data: [{ host: 'bp-doro-web01', key: 'system.cpu.util', value: 95, clock: now }] });
    expect(r1.statusCode).toBe(200);
    expect(r1.json()).toEqual({ response: 'success', processed: 1, failed: 0, total: 1 });
    const r2 = await push(pusher, {
      data: [
        { host: 'bp-doro-web01', key: 'system.cpu.util', value: '96', clock: now + 300 },
        { host: 'unknown', key: 'system.cpu.util', value: '1' },
      ],
    });
    expect(r2.json()).toMatchObject({ processed: 1, failed: 1, total: 2 });
    const s = await t.app.inject({ url: '/api/monitoring/status', headers: { cookie: operator.cookie } });
    expect(s.statusCode).toBe(200);
    const body = s.json();
    expect(body.items[0]).toMatchObject({ target: 'bp-doro-web01', state: 'problem', severity: 'critical', consecutive: 2, lastValue: '96' });
    expect(body.events[0]).toMatchObject({ kind: 'problem', severity: 'critical', value: '96' });
  });

  it('refuses malformed bodies and callers without the permission', async () => {
    expect((await push(pusher, { data: [{ host: 'x' }] })).statusCode).toBe(400);
    expect((await push(operator, { data: [{ host: 'bp-doro-web01', key: 'system.cpu.util', value: 1 }] })).statusCode).toBe(403);
    // A system owner reads the status of their own department's CIs only (none here).
    const own = await t.app.inject({ url: '/api/monitoring/status', headers: { cookie: owner.cookie } });
    expect(own.statusCode).toBe(200);
    expect(own.json()).toEqual({ items: [], events: [] });
  });
});
