import { randomUUID } from 'node:crypto';
import { and, count, eq, sql } from 'drizzle-orm';
import { integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../audit/schema.ts';
import { verifyAuditChain } from '../audit/index.ts';
import type { Database } from '../db/index.ts';
import { inTx } from '../db/tx.ts';
import { testDatabase } from '../db/testing.ts';
import { type Actor, systemActor } from '../iam/actor.ts';
import type { Role } from '../iam/roles.ts';
import { FakeClock } from '../kernel/clock.ts';
import { ConflictError, ForbiddenError, InputError } from '../kernel/errors.ts';
import { translate } from '../kernel/messages.ts';
import { enqueueMail, outbox } from '../notify/index.ts';
import { actionableStates, allowedActions, defineProcess, type FireContext, fire, finalStates, historyOf, processFlow, processHistory, processView, type SideEffect } from './index.ts';

/**
 * A two-step request used only by these tests: someone asks (申請), the supervising officer approves
 * (承認) or returns it (差戻し). Its RACI table, as N would print it:
 *
 *   step      担当者 システム所管 管理者 統括責任者
 *   申請        ○        ○                ○
 *   承認                          △        ◎
 *   差戻し                                 ◎
 */
const requests = pgTable('example_requests', {
  id: uuid('id').primaryKey().defaultRandom(),
  title: text('title').notNull(),
  state: text('state').notNull(),
  version: integer('version').notNull().default(1),
  requestedBy: uuid('requested_by'),
  departmentId: uuid('department_id'),
  approvedBy: uuid('approved_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }),
});
type Req = typeof requests.$inferSelect;

const approvalMail: SideEffect<Req, FireContext> = async (e) => {
  await enqueueMail(e.tx, e.ctx.clock, {
    recordType: 'example_request',
    recordId: e.record.id,
    to: ['tokatsu@pref.example.jp'],
    subject: `【申請】${e.record.title}`,
    text: `状態: ${e.to}`,
  });
};

const exampleProcess = defineProcess({
  name: 'example',
  recordType: 'example_request',
  table: requests,
  states: {
    draft: { ja: '下書き', en: 'Draft' },
    submitted: { ja: '申請中', en: 'Submitted' },
    approved: { ja: '承認済', en: 'Approved' },
  },
  initial: 'draft',
  requesterOf: (r: Req) => r.requestedBy,
  departmentOf: (r: Req) => r.departmentId,
  transitions: [
    {
      action: 'submit',
      from: 'draft',
      to: 'submitted',
      raci: { operator: '○', system_owner: '○', supervisor: '○' },
      requires: ['reason'],
      effects: [approvalMail],
      label: { ja: '申請', en: 'Submit' },
    },
    {
      action: 'approve',
      from: 'submitted',
      to: 'approved',
      raci: { vendor_manager: '△', supervisor: '◎' },
      set: (_input, ctx) => ({ approvedBy: ctx.actor.personId }),
      effects: [
        approvalMail,
        async (e) => {
          // A side effect that fails after the mail was enqueued: everything must roll back.
          if (e.input.failAfterMail) throw new Error('CMDB update failed');
        },
      ],
      label: { ja: '承認', en: 'Approve' },
    },
    {
      action: 'return',
      from: 'submitted',
      to: 'draft',
      raci: { supervisor: '◎' },
      requires: ['comment'],
      label: { ja: '差戻し', en: 'Return' },
    },
  ],
});

let database: Database;
const clock = new FakeClock('2026-11-24T01:00:00Z');
const deptA = randomUUID();
const deptB = randomUUID();

function person(label: string, roles: Role[], departmentId: string | null = null): Actor {
  return { kind: 'person', personId: randomUUID(), label, roles, departmentId };
}
const operator = person('担当 一郎', ['operator']);
const operator2 = person('担当 二郎', ['operator']);
const manager = person('管理 花子', ['vendor_manager']);
const supervisor = person('統括 太郎', ['supervisor']);
const supervisor2 = person('統括 次郎', ['supervisor']);
const ictManager = person('ICT 三郎', ['ict_manager']);
const ownerA = person('所管 A', ['system_owner'], deptA);
const ownerB = person('所管 B', ['system_owner'], deptB);

beforeAll(async () => {
  database = await testDatabase();
  await database.db.execute(sql`
    CREATE TABLE example_requests (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      title text NOT NULL,
      state text NOT NULL,
      version integer NOT NULL DEFAULT 1,
      requested_by uuid,
      department_id uuid,
      approved_by uuid,
      updated_at timestamptz
    )`);
});
afterAll(() => database.close());

async function newRequest(by: Actor, title = 'VM追加の申請'): Promise<Req> {
  const [r] = await database.db
    .insert(requests)
    .values({ title, state: 'draft', requestedBy: by.personId, departmentId: by.departmentId ?? deptA })
    .returning();
  return r!;
}
const load = async (id: string) => (await database.db.select().from(requests).where(eq(requests.id, id)))[0]!;
const go = (actor: Actor, r: Req, action: 'submit' | 'approve' | 'return', input: Record<string, unknown> = {}) =>
  inTx(database.db, (t) => fire(t, { clock, actor }, exampleProcess, r, action, input));
async function counts(id: string) {
  const db = database.db;
  const n = async (q: Promise<{ n: number }[]>) => (await q)[0]!.n;
  return {
    audit: await n(db.select({ n: count() }).from(auditLog).where(eq(auditLog.entityId, id))),
    mails: await n(db.select({ n: count() }).from(outbox).where(eq(outbox.recordId, id))),
    history: await n(db.select({ n: count() }).from(processHistory).where(eq(processHistory.recordId, id))),
  };
}
async function submitted(by: Actor = operator): Promise<Req> {
  return go(by, await newRequest(by), 'submit', { reason: '業務システム更改のため' });
}

describe('fire: the RACI gates, enforced on the server', () => {
  it('an operator (○) submits a draft: new state and version, history, audit record and mail', async () => {
    const r = await newRequest(operator);
    const after = await go(operator, r, 'submit', { reason: '業務システム更改のため', comment: '至急' });
    expect(after).toMatchObject({ state: 'submitted', version: 2 });
    expect(await load(r.id)).toMatchObject({ state: 'submitted', version: 2 });
    expect((await load(r.id)).updatedAt?.toISOString()).toBe(clock.now().toISOString());

    const [h] = await historyOf(database.db, 'example', r.id);
    expect(h).toMatchObject({
      action: 'submit',
      fromState: 'draft',
      toState: 'submitted',
      actorId: operator.personId,
      actor: '担当 一郎',
      actorRole: 'operator',
      comment: '至急',
    });
    expect(h!.at.toISOString()).toBe(clock.now().toISOString());

    const [a] = await database.db.select().from(auditLog).where(and(eq(auditLog.entityId, r.id), eq(auditLog.action, 'example.submit')));
    expect(a).toMatchObject({ entityType: 'example_request', actorId: operator.personId, before: { state: 'draft', version: 1 } });
    expect(a!.after).toMatchObject({ state: 'submitted', version: 2, role: 'operator' });
    const mails = await database.db.select().from(outbox).where(eq(outbox.recordId, r.id));
    expect(mails.map((m) => [m.subject, m.status])).toEqual([['【申請】VM追加の申請', 'pending']]);
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true });
  });

  it('the supervising officer (◎) approves someone else’s request and is recorded as approver', async () => {
    const r = await submitted();
    const after = await go(supervisor, r, 'approve');
    expect(after).toMatchObject({ state: 'approved', version: 3, approvedBy: supervisor.personId });
    expect((await historyOf(database.db, 'example', r.id)).map((h) => [h.action, h.actorRole])).toEqual([
      ['submit', 'operator'],
      ['approve', 'supervisor'],
    ]);
  });

  it.each([
    ['the ICT centre manager (no mark)', ictManager],
    ['the manager, who only reviews (△)', manager],
    ['an operator (○ on submit only)', operator2],
  ])('refuses approval by %s, and changes nothing', async (_who, actor) => {
    const r = await submitted();
    const before = await counts(r.id);
    const err = await go(actor, r, 'approve').catch((e) => e);
    expect(err).toBeInstanceOf(ForbiddenError);
    expect(err.key).toBe('process.role_refused');
    expect(translate(err.key, err.params)).toBe('「承認」を実行できるのは 統括責任者 です。');
    expect(await load(r.id)).toMatchObject({ state: 'submitted', version: 2 });
    expect(await counts(r.id)).toEqual(before);
  });

  it('refuses a missing required field, naming it, and changes nothing', async () => {
    const r = await newRequest(operator);
    const err = await go(operator, r, 'submit', { reason: '   ' }).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).fields).toEqual({ reason: { key: 'field.required' } });
    const r2 = await submitted();
    const err2 = await go(supervisor, r2, 'return', {}).catch((e) => e);
    expect((err2 as InputError).fields).toEqual({ comment: { key: 'field.required' } });
    expect(await counts(r.id)).toEqual({ audit: 0, mails: 0, history: 0 });
    expect(await load(r.id)).toMatchObject({ state: 'draft', version: 1 });
  });

  it('refuses approval of one’s own request (ORG-3), even by the supervising officer', async () => {
    const r = await submitted(supervisor);
    const err = await go(supervisor, r, 'approve').catch((e) => e);
    expect(err).toBeInstanceOf(ForbiddenError);
    expect(err.key).toBe('process.self_approval');
    expect(await load(r.id)).toMatchObject({ state: 'submitted' });
    expect((await go(supervisor2, r, 'approve')).state).toBe('approved');
  });

  it('refuses a stale version: the second of two people working from the same screen gets a conflict', async () => {
    const r = await submitted();
    const seenByBoth = await load(r.id);
    await go(supervisor, seenByBoth, 'return', { comment: '費用の記載がありません' });
    const err = await go(supervisor2, seenByBoth, 'approve').catch((e) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.key).toBe('error.stale_version');
    expect(await load(r.id)).toMatchObject({ state: 'draft', version: 3, approvedBy: null });
  });

  it('refuses an action the current state does not have', async () => {
    const r = await newRequest(operator);
    const err = await go(supervisor, r, 'approve').catch((e) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(translate(err.key, err.params)).toBe('現在の状態（下書き）では「承認」は実行できません。');
  });

  it('a system owner acts only on its own department’s records (ORG-4)', async () => {
    const r = await newRequest(ownerA);
    const err = await go(ownerB, r, 'submit', { reason: 'x' }).catch((e) => e);
    expect(err.key).toBe('process.other_department');
    expect((await go(ownerA, r, 'submit', { reason: '所管課の依頼' })).state).toBe('submitted');
  });

  it('Kiban itself (system actor) may not fire a step that is not marked system', async () => {
    const r = await newRequest(operator);
    const err = await go(systemActor('scheduler'), r, 'submit', { reason: 'x' }).catch((e) => e);
    expect(err).toBeInstanceOf(ForbiddenError);
  });
});

describe('one transaction', () => {
  it('a side effect that throws rolls back the state, history, audit record and the mail it enqueued', async () => {
    const r = await submitted();
    const before = await counts(r.id);
    expect(before).toEqual({ audit: 1, mails: 1, history: 1 });
    const err = await go(supervisor, r, 'approve', { failAfterMail: true }).catch((e) => e);
    expect((err as Error).message).toBe('CMDB update failed');
    expect(await counts(r.id)).toEqual(before);
    expect(await load(r.id)).toMatchObject({ state: 'submitted', version: 2, approvedBy: null });
  });

  it('the caller failing after fire rolls everything back too', async () => {
    const r = await submitted();
    const before = await counts(r.id);
    await inTx(database.db, async (t) => {
      await fire(t, { clock, actor: supervisor }, exampleProcess, r, 'approve');
      throw new Error('later step of the use case failed');
    }).catch(() => {});
    expect(await counts(r.id)).toEqual(before);
    expect(await load(r.id)).toMatchObject({ state: 'submitted', version: 2 });
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true });
  });
});

describe('allowedActions (what the UI offers)', () => {
  it.each<[string, Actor, string, string[]]>([
    ['operator on a draft', operator, 'draft', ['submit']],
    ['manager (△) on a submitted request', manager, 'submitted', []],
    ['another supervisor on a submitted request', supervisor2, 'submitted', ['approve', 'return']],
    ['ICT centre manager on a draft', ictManager, 'draft', []],
  ])('%s', async (_name, actor, state, expected) => {
    const r = { ...(await newRequest(operator)), state };
    expect(allowedActions(exampleProcess, r, actor).map((a) => a.action)).toEqual(expected);
  });

  it('does not offer the requester approval of their own request', async () => {
    const r = await submitted(supervisor);
    expect(allowedActions(exampleProcess, r, supervisor)).toEqual([]);
    expect(allowedActions(exampleProcess, r, supervisor2)).toEqual([
      { action: 'approve', to: 'approved', toLabel: { ja: '承認済', en: 'Approved' }, label: { ja: '承認', en: 'Approve' }, requires: [], fields: [], approval: true },
      {
        action: 'return',
        to: 'draft',
        toLabel: { ja: '下書き', en: 'Draft' },
        label: { ja: '差戻し', en: 'Return' },
        requires: ['comment'],
        fields: [{ name: 'comment', required: true, kind: 'textarea', label: { ja: 'コメント', en: 'Comment' }, max: 4000 }],
        approval: true,
      },
    ]);
  });
});

describe('what the workbench reads from a definition', () => {
  const urgent = defineProcess({
    ...exampleProcess,
    name: 'example_urgent',
    fields: { reason: { kind: 'select', label: { ja: '申請理由', en: 'Reason' }, options: [{ value: 'renewal', label: { ja: '更改', en: 'Renewal' } }] } },
    transitions: exampleProcess.transitions.map((t) =>
      t.action === 'approve' ? { ...t, optional: ['comment'], appliesTo: (r: Req) => !r.title.includes('保留') } : t,
    ),
  });

  it('offers a step only where it applies to the record, and fire refuses it elsewhere', async () => {
    const held = { ...(await submitted()), title: '保留中の申請' };
    expect(allowedActions(urgent, held, supervisor).map((a) => a.action)).toEqual(['return']);
    await expect(inTx(database.db, (t) => fire(t, { clock, actor: supervisor }, urgent, held, 'approve'))).rejects.toThrow(ConflictError);
  });

  it("lists each action's dialog fields, required first, described by the definition or the common fields", async () => {
    const r = await newRequest(operator);
    expect(allowedActions(urgent, r, operator)[0]!.fields).toEqual([
      { name: 'reason', required: true, kind: 'select', label: { ja: '申請理由', en: 'Reason' }, options: [{ value: 'renewal', label: { ja: '更改', en: 'Renewal' } }] },
    ]);
    const s = await submitted();
    expect(allowedActions(urgent, s, supervisor).find((a) => a.action === 'approve')!.fields.map((f) => [f.name, f.required])).toEqual([['comment', false]]);
  });

  it('knows the states a role may act in, and the final ones', () => {
    expect(actionableStates(exampleProcess, ['supervisor']).sort()).toEqual(['draft', 'submitted']);
    expect(actionableStates(exampleProcess, ['vendor_manager'])).toEqual([]);
    expect(finalStates(exampleProcess)).toEqual(['approved']);
    const flow = processFlow(exampleProcess);
    expect(flow.states.map((x) => [x.key, x.final])).toEqual([['draft', false], ['submitted', false], ['approved', true]]);
    expect(flow.transitions.find((t) => t.action === 'approve')).toMatchObject({ from: ['submitted'], to: 'approved', approval: true });
  });

  it("gives a record's page its state, path, the viewer's actions and its history in one shape", async () => {
    const r = await submitted();
    const v = await processView(database.db, exampleProcess, r, supervisor2);
    expect(v).toMatchObject({ process: 'example', state: 'submitted', stateLabel: { ja: '申請中' }, final: false, version: r.version });
    expect(v.path.map((p) => p.key)).toEqual(['draft', 'submitted', 'approved']);
    expect(v.actions.map((a) => a.action)).toEqual(['approve', 'return']);
    expect(v.history.map((h) => [h.fromState, h.toState, h.actor])).toEqual([['draft', 'submitted', '担当 一郎']]);
    expect((await processView(database.db, exampleProcess, r, operator)).actions).toEqual([]);
  });
});

describe('defineProcess', () => {
  const base = {
    name: 'bad',
    recordType: 'bad',
    table: requests,
    states: { a: { ja: 'A', en: 'A' }, b: { ja: 'B', en: 'B' } },
    initial: 'a' as const,
    requesterOf: () => null,
  };
  const label = { ja: 'x', en: 'x' };
  it.each([
    ['an unknown state', [{ action: 'go', from: 'a', to: 'c', raci: { operator: '○' }, label }], /unknown to-state c/],
    [
      'the same action twice from one state',
      [
        { action: 'go', from: 'a', to: 'b', raci: { operator: '○' }, label },
        { action: 'go', from: 'a', to: 'a', raci: { operator: '○' }, label },
      ],
      /defined twice/,
    ],
    ['a step nobody may fire', [{ action: 'go', from: 'a', to: 'b', raci: { vendor_manager: '△' }, label }], /nobody may fire/],
    ['an approval fired by the system', [{ action: 'go', from: 'a', to: 'b', raci: { supervisor: '◎' }, system: true, label }], /approval/],
  ])('rejects %s', (_name, transitions, message) => {
    // biome-ignore lint/suspicious/noExplicitAny: deliberately malformed tables
    expect(() => defineProcess({ ...base, transitions } as any)).toThrow(message);
  });
});
