import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoOrganisation } from '../demo/index.ts';
import { TEST_PASSWORD, type TestApp, testApp } from '../http/testing.ts';
import { loadDemoMeetings } from './demo.ts';

/** The meetings demo as its people see it: shared minutes, an approval awaiting the lead, an overdue action item. */
let t: TestApp;
const get = async (login: string, url: string) => {
  const s = await t.login(login);
  const res = await t.app.inject({ url, headers: { cookie: s.cookie } });
  expect(res.statusCode, url).toBe(200);
  return res.json();
};

beforeAll(async () => {
  t = await testApp();
  await loadDemoOrganisation(t.database.db, t.clock, { password: TEST_PASSWORD });
  expect((await loadDemoMeetings(t.database.db, t.clock)).loaded).toBe(true);
}, 120_000);
afterAll(() => t?.close());

describe('the meetings demo', () => {
  it('has meetings in several states, the lead’s approval and the operator’s overdue action item in their inboxes; loads once', async () => {
    const list = (await get('manager', '/api/meetings')).items;
    expect(list.map((m: { state: string }) => m.state).sort()).toEqual(['review', 'scheduled', 'scheduled', 'shared']);
    const lead = (await get('lead', '/api/inbox')).items;
    expect(lead.some((i: { process: string; approval: boolean }) => i.process === 'meeting' && i.approval)).toBe(true);
    const op = (await get('operator', '/api/inbox')).items;
    expect(op.filter((i: { process: string; overdue: boolean }) => i.process === 'meeting_action' && i.overdue)).toHaveLength(1);
    const days = (await get('manager', '/api/changes/maintenance-days')).items;
    expect(days[0].decidedAt).toContain('月次報告会');
    expect((await loadDemoMeetings(t.database.db, t.clock)).loaded).toBe(false);
  });
});
