import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTx } from '../db/tx.ts';
import { admin, TEST_PASSWORD, type TestApp, testApp } from '../http/testing.ts';
import { enqueueMail, incidentMailTemplates, mailFrom } from './index.ts';

let t: TestApp;
let messageId: string;

beforeAll(async () => {
  t = await testApp();
  const dept = (await t.iam.createDepartment(admin, { code: 'D10', name: '総務部税務課', kind: 'prefecture' })).id;
  await t.iam.createPerson(admin, { login: 'tanto', displayName: '担当 一郎', password: TEST_PASSWORD, roles: ['operator'] });
  await t.iam.createPerson(admin, { login: 'shokan', displayName: '所管 花子', departmentId: dept, password: TEST_PASSWORD, roles: ['system_owner'] });
  const rendered = incidentMailTemplates('第三期サーバ仮想基盤').firstReport({ occurredAt: t.clock.now(), affectedVms: ['zeimu-web01'] });
  messageId = (
    await inTx(t.database.db, (tx) =>
      enqueueMail(tx, t.clock, mailFrom(rendered, { recordType: 'incident', recordId: 'INC-2026-0001', to: ['tokatsu@pref.example.jp'] })),
    )
  ).messageId;
});
afterAll(() => t.close());

describe('GET /api/mails', () => {
  it('shows an operator the mails of a record', async () => {
    const { cookie } = await t.login('tanto');
    const res = await t.app.inject({ url: '/api/mails?recordType=incident&recordId=INC-2026-0001', headers: { cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toEqual([
      expect.objectContaining({
        messageId,
        status: 'pending',
        subject: '【第三期サーバ仮想基盤障害発生】第一報',
        to: ['tokatsu@pref.example.jp'],
        template: 'incident.first_report',
      }),
    ]);
    const other = await t.app.inject({ url: '/api/mails?recordType=incident&recordId=INC-2026-0002', headers: { cookie } });
    expect(other.json().items).toEqual([]);
  });

  it('is refused without the mail.read permission', async () => {
    const { cookie } = await t.login('shokan');
    const res = await t.app.inject({ url: '/api/mails?recordType=incident&recordId=INC-2026-0001', headers: { cookie } });
    expect(res.statusCode).toBe(403);
  });

  it('names the missing query field, and refuses anonymous callers', async () => {
    const { cookie } = await t.login('tanto');
    const res = await t.app.inject({ url: '/api/mails?recordType=incident', headers: { cookie } });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json().error.fields)).toEqual(['recordId']);
    expect((await t.app.inject({ url: '/api/mails?recordType=incident&recordId=x' })).statusCode).toBe(401);
  });

  it('lists undeliverable mails for the operations desk', async () => {
    const { cookie } = await t.login('tanto');
    const res = await t.app.inject({ url: '/api/mails/failed', headers: { cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toEqual([]);
  });
});
