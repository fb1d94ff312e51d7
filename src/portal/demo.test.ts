import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../demo/index.ts';
import { TEST_PASSWORD, type TestApp, testApp } from '../http/testing.ts';
import { planProcess } from './process.ts';
import { requestProcess } from './requests.process.ts';

/** The owners' portal in the demo (issue 11 item 10): plans and requests in every state, for several departments, each owner seeing only theirs. */
let t: TestApp;
beforeAll(async () => {
  t = await testApp();
  await loadDemo(t.database.db, t.clock, { password: TEST_PASSWORD });
}, 240_000);
afterAll(() => t?.close());

const json = async (u: { cookie: string }, url: string) => {
  const res = await t.app.inject({ url, headers: { cookie: u.cookie } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

describe('the portal demo', () => {
  it('the vendor sees integration plans and VM requests in every state, from several departments', async () => {
    const mgr = await t.login('manager');
    const plans = await json(mgr, '/api/portal/plans');
    const planItems = (plans.items ?? plans) as Array<{ state: string; systemId: string }>;
    for (const s of Object.keys(planProcess.states)) expect(new Set(planItems.map((p) => p.state)), s).toContain(s);
    const reqs = (await json(mgr, '/api/portal/requests')).items as Array<{
      state: string;
      kind: string;
      departmentId?: string;
      systemId: string;
    }>;
    for (const s of Object.keys(requestProcess.states)) expect(new Set(reqs.map((r) => r.state)), s).toContain(s);
    expect(new Set(reqs.map((r) => r.kind))).toEqual(new Set(['provision', 'resource_change']));
    expect(new Set(reqs.map((r) => r.systemId)).size).toBeGreaterThanOrEqual(3);
  });

  it('the demo owner sees only their department’s requests, and the supervisor has one waiting for her decision', async () => {
    const owner = await t.login('owner');
    const mine = (await json(owner, '/api/portal/requests')).items as Array<{ systemId: string }>;
    const all = (await json(await t.login('manager'), '/api/portal/requests')).items as Array<{ systemId: string }>;
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.length).toBeLessThan(all.length);
    const sup = (await json(await t.login('supervisor'), '/api/portal/requests?state=supervisor_review')).items;
    expect(sup.length).toBeGreaterThan(0);
  });
});
