import { eq, sql } from 'drizzle-orm';
import { integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJstLocal } from '../calendar/index.ts';
import { createCmdbService } from '../cmdb/index.ts';
import { admin, type TestApp, testApp } from '../http/testing.ts';
import { visibleDepartments } from '../iam/actor.ts';
import { outbox } from '../notify/index.ts';
import { defineProcess } from '../process/index.ts';
import { createWorkbench } from './index.ts';

/**
 * The workbench through the HTTP API: each person's inbox over every process on the kernel, the
 * header's search, and the approval digest. Incidents and problems are real; one more process is
 * defined here only on the kernel, to show that a new process needs no inbox code of its own.
 */

// A process the product does not have, defined the way every module defines its own.
const drills = pgTable('wb_test_drills', {
  id: uuid('id').primaryKey().defaultRandom(),
  refNo: text('ref_no').notNull(),
  title: text('title').notNull(),
  state: text('state').notNull(),
  version: integer('version').notNull().default(1),
  departmentId: uuid('department_id'),
  dueAt: timestamp('due_at', { withTimezone: true, mode: 'date' }),
});
type Drill = typeof drills.$inferSelect;
defineProcess<string, string, Drill>({
  name: 'wb_test_drill',
  recordType: 'wb_test_drill',
  table: drills,
  states: { planned: { ja: '計画済', en: 'Planned' }, done: { ja: '実施済', en: 'Done' } },
  initial: 'planned',
  requesterOf: () => null,
  departmentOf: (r) => r.departmentId,
  work: {
    module: { ja: 'DR訓練', en: 'DR drill' },
    permission: 'incident.read',
    ref: drills.refNo,
    title: drills.title,
    due: drills.dueAt,
    path: (id) => `/drills/${id}`,
    scope: (actor) => {
      const d = visibleDepartments(actor);
      return d === null ? undefined : d.length ? sql`${drills.departmentId} = ANY(${`{${d.join(',')}}`}::uuid[])` : sql`false`;
    },
  },
  transitions: [{ action: 'report', from: 'planned', to: 'done', raci: { system_owner: '○' }, label: { ja: '実施報告', en: 'Report' } }],
});

let t: TestApp;
let deptA: string;
let deptB: string;
let sup1Id: string;
type Session = { cookie: string; csrf: string };
const s = {} as Record<'op' | 'mgr' | 'sup1' | 'sup2' | 'ownerA' | 'ownerB', Session>;

const get = (who: Session, url: string) => t.app.inject({ url, headers: { cookie: who.cookie } });
const post = (who: Session, url: string, payload: unknown, method: 'POST' | 'PUT' = 'POST') =>
  t.app.inject({ method, url, payload: payload as object, headers: { cookie: who.cookie, 'x-csrf-token': who.csrf } });
const act = async (who: Session, id: string, action: string, body: Record<string, unknown> = {}) => {
  const version = (await get(s.op, `/api/incidents/${id}`)).json().version;
  const res = await post(who, `/api/incidents/${id}/actions/${action}`, { version, ...body });
  if (res.statusCode !== 200) throw new Error(`${action}: ${res.statusCode} ${res.body}`);
  return res.json();
};
type Entry = { process: string; recordId: string; ref: string; approval: boolean; overdue: boolean; dueAt: string | null; actions: { action: string }[]; path: string };
const inbox = async (who: Session) => (await get(who, '/api/inbox')).json() as { items: Entry[]; total: number; approvals: number; overdue: number };
const idsIn = async (who: Session) => (await inbox(who)).items.map((e) => e.recordId);

const noUrgency = { citizenServiceStopped: false, citizenImpact: false, financialOrReputation: false, wideImpact: false };
const procedure = { probableCause: 'HBA故障', steps: '1. 退避 2. 交換', schedule: '本日中', risks: '再起動', fallback: '元に戻す' };

async function incident(title: string, extra: Record<string, unknown> = {}): Promise<{ id: string; receiptNo: string }> {
  const res = await post(s.op, '/api/incidents', { title, description: 'テスト', source: 'system_owner', class: 'qa', departmentId: deptA, ...extra });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json();
}

beforeAll(async () => {
  t = await testApp();
  t.clock.set(parseJstLocal('2026-12-01T10:00'));
  await t.database.db.execute(sql`CREATE TABLE wb_test_drills (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), ref_no text NOT NULL, title text NOT NULL,
    state text NOT NULL, version integer NOT NULL DEFAULT 1, department_id uuid, due_at timestamptz)`);
  deptA = (await t.iam.createDepartment(admin, { code: 'W10', name: '土木部道路建設課', kind: 'prefecture' })).id;
  deptB = (await t.iam.createDepartment(admin, { code: 'W20', name: '教育庁総務課', kind: 'prefecture' })).id;
  const person = t.person;
  await person('op', ['operator'], { email: 'op@vendor.example.jp' });
  await person('mgr', ['vendor_manager'], { email: 'mgr@vendor.example.jp' });
  sup1Id = (await person('sup1', ['supervisor'], { email: 'sup1@pref.example.lg.jp' })).id;
  await person('sup2', ['supervisor'], { email: 'sup2@pref.example.lg.jp' });
  await person('ownerA', ['system_owner'], { departmentId: deptA, email: 'owner-a@pref.example.lg.jp' });
  await person('ownerB', ['system_owner'], { departmentId: deptB });
  for (const k of Object.keys(s).length ? [] : (['op', 'mgr', 'sup1', 'sup2', 'ownerA', 'ownerB'] as const)) s[k] = await t.login(k);

  const cmdb = createCmdbService({ db: t.database.db, clock: t.clock });
  const why = { reason: 'テスト' };
  const site = await cmdb.create(admin, 'site', { name: '県庁舎', code: 'WB', status: 'active', ...why });
  const cluster = await cmdb.create(admin, 'cluster', { name: 'wb-cl01', siteId: site.id, status: 'active', ...why });
  const host = await cmdb.create(admin, 'host', { name: 'wb-esx01', siteId: site.id, clusterId: cluster.id, cpuCores: 8, cpuGhz: 2, memoryGib: 64, ip: '10.20.3.11', status: 'active', ...why });
  const sysA = await cmdb.create(admin, 'system', { name: '道路台帳システム', code: 'wbdoro', departmentId: deptA, serviceLevel: 'B', ...why });
  const sysB = await cmdb.create(admin, 'system', { name: '教育ネットワーク', code: 'wbkyo', departmentId: deptB, serviceLevel: 'A', ...why });
  await cmdb.create(admin, 'vm', { name: 'bp-wbdoro-web01', systemId: sysA.id, hostId: host.id, vcpu: 2, memoryGib: 8, diskGib: 100, nics: [{ network: 'vl10', ip: '10.30.1.5' }], ...why });
  await cmdb.create(admin, 'vm', { name: 'ap-wbkyo-db01', systemId: sysB.id, hostId: host.id, vcpu: 2, memoryGib: 8, diskGib: 100, nics: [{ network: 'vl20', ip: '10.30.2.7' }], ...why });
});
afterAll(() => t.close());

describe('inbox (自分の作業)', () => {
  it("follows one trouble's life: each step appears in the inbox of exactly the person who acts next", async () => {
    const tr = await incident('ESXi障害（受信箱）', {
      class: 'trouble',
      source: 'monitoring',
      urgency: noUrgency,
      platformCaused: true,
      affected: { platform: true },
    });
    expect(await idsIn(s.op)).toContain(tr.id);
    expect(await idsIn(s.sup1)).not.toContain(tr.id);
    await act(s.op, tr.id, 'dispatch');
    await act(s.op, tr.id, 'submit_procedure', procedure);
    const mgr = (await inbox(s.mgr)).items.find((e) => e.recordId === tr.id);
    expect(mgr).toMatchObject({ process: 'incident', ref: tr.receiptNo, path: `/incidents/${tr.id}`, actions: [{ action: 'review_procedure' }, { action: 'return_procedure' }] });
    expect(await idsIn(s.sup1)).not.toContain(tr.id);
    await act(s.mgr, tr.id, 'review_procedure');
    const sup = (await inbox(s.sup1)).items.find((e) => e.recordId === tr.id);
    expect(sup).toMatchObject({ approval: true, actions: [{ action: 'approve_procedure' }, { action: 'reject_procedure' }] });
    expect(await idsIn(s.mgr)).not.toContain(tr.id);
  });

  it('a system owner sees what awaits their department (the requester confirmation), never another department', async () => {
    const qa = await incident('土木部の問合せ（受信箱）');
    await act(s.op, qa.id, 'dispatch');
    expect(await idsIn(s.ownerA)).not.toContain(qa.id);
    await act(s.op, qa.id, 'request_confirmation', { resolution: '回答しました' });
    const mine = (await inbox(s.ownerA)).items.find((e) => e.recordId === qa.id);
    expect(mine?.actions.map((a) => a.action)).toEqual(['confirm', 'reopen']);
    expect(await idsIn(s.ownerB)).not.toContain(qa.id);
    await act(s.ownerA, qa.id, 'confirm');
    expect(await idsIn(s.ownerA)).not.toContain(qa.id);
    expect((await inbox(s.mgr)).items.find((e) => e.recordId === qa.id)).toMatchObject({ approval: true, actions: [{ action: 'close' }, { action: 'return' }] });
  });

  it('never lists an approval for its own requester', async () => {
    const wr = await incident('統括責任者の依頼（受信箱）', { class: 'work_request', source: 'supervisor', requesterId: sup1Id });
    await act(s.op, wr.id, 'escalate', { comment: '範囲外' });
    await act(s.mgr, wr.id, 'refer', { comment: '統括責任者判断' });
    expect(await idsIn(s.sup1)).not.toContain(wr.id);
    expect(await idsIn(s.sup2)).toContain(wr.id);
  });

  it('puts approvals first, then the nearest deadline; marks the overdue; counts them in the header', async () => {
    const later = await incident('納期の遅い問合せ', { dueAt: '2026-12-20T00:00:00Z' });
    const sooner = await incident('納期の近い問合せ', { dueAt: '2026-12-02T00:00:00Z' });
    const none = await incident('納期のない問合せ');
    t.clock.set(parseJstLocal('2026-12-03T10:00'));
    for (const k of Object.keys(s) as (keyof typeof s)[]) s[k] = await t.login(k);
    const box = await inbox(s.mgr);
    const order = box.items.map((e) => e.recordId);
    const approvals = box.items.filter((e) => e.approval).length;
    expect(approvals).toBeGreaterThan(0);
    expect(box.items.slice(0, approvals).every((e) => e.approval)).toBe(true);
    expect(order.indexOf(sooner.id)).toBeLessThan(order.indexOf(later.id));
    expect(order.indexOf(later.id)).toBeLessThan(order.indexOf(none.id));
    expect(box.items.find((e) => e.recordId === sooner.id)?.overdue).toBe(true);
    expect(box.items.find((e) => e.recordId === later.id)?.overdue).toBe(false);
    const count = (await get(s.mgr, '/api/inbox/count')).json();
    expect(count).toEqual({ total: box.total, approvals: box.approvals, overdue: box.overdue });
    expect(count.overdue).toBeGreaterThanOrEqual(1);
  });

  it('a process defined only on the kernel appears in the inbox of whoever may act on it', async () => {
    await t.database.db.insert(drills).values([
      { refNo: 'DR-2026-01', title: '第2四半期DR訓練', state: 'planned', departmentId: deptA },
      { refNo: 'DR-2026-02', title: '教育庁DR訓練', state: 'planned', departmentId: deptB },
    ]);
    const a = (await inbox(s.ownerA)).items.filter((e) => e.process === 'wb_test_drill');
    expect(a.map((e) => e.ref)).toEqual(['DR-2026-01']);
    expect((await inbox(s.op)).items.some((e) => e.process === 'wb_test_drill')).toBe(false);
  });

  it('needs a session', async () => {
    expect((await t.app.inject({ url: '/api/inbox' })).statusCode).toBe(401);
  });
});

describe('global search', () => {
  type Group = { source: string; hits: { ref: string; title: string; path: string }[] };
  const search = async (who: Session, q: string) => {
    const res = await get(who, `/api/search?q=${encodeURIComponent(q)}`);
    expect(res.statusCode).toBe(200);
    return (res.json().groups as Group[]).flatMap((g) => g.hits.map((h) => ({ source: g.source, ...h })));
  };

  it('finds a record by its receipt number, any case, and by words of its title', async () => {
    const r = await incident('仮想マシンが起動しない 道路台帳');
    expect((await search(s.op, r.receiptNo.toLowerCase())).map((h) => h.path)).toEqual([`/incidents/${r.id}`]);
    const byWords = await search(s.op, '起動しない 道路');
    expect(byWords.map((h) => h.ref)).toContain(r.receiptNo);
    expect((await search(s.op, '起動しない 教育')).map((h) => h.ref)).not.toContain(r.receiptNo);
  });

  it('finds CIs by name, host name and IP address (whole or leading part)', async () => {
    expect((await search(s.op, 'wb-esx01')).map((h) => h.ref)).toContain('wb-esx01');
    expect((await search(s.op, '10.20.3.11')).map((h) => h.ref)).toEqual(['wb-esx01']);
    expect((await search(s.op, '10.30.')).map((h) => h.ref).sort()).toEqual(['ap-wbkyo-db01', 'bp-wbdoro-web01']);
  });

  it("an owner never finds another department's record or CI", async () => {
    const theirs = await incident('教育庁の問合せ（検索）', { departmentId: deptB });
    expect(await search(s.ownerA, theirs.receiptNo)).toEqual([]);
    expect((await search(s.ownerB, theirs.receiptNo)).map((h) => h.ref)).toEqual([theirs.receiptNo]);
    expect((await search(s.ownerA, '10.30.')).map((h) => h.ref)).toEqual(['bp-wbdoro-web01']);
    expect(await search(s.ownerA, 'wb-esx01')).toEqual([]);
  });

  it('treats SQL, HTML and LIKE wildcards as text', async () => {
    const odd = await incident("100%_完了 <b>x</b> ' OR 1=1 --");
    expect((await search(s.op, '%')).map((h) => h.ref)).toEqual([odd.receiptNo]);
    expect((await search(s.op, '_')).map((h) => h.ref)).toEqual([odd.receiptNo]);
    expect((await search(s.op, "' OR 1=1 --")).map((h) => h.ref)).toEqual([odd.receiptNo]);
    expect((await search(s.op, '<b>x</b>')).map((h) => h.title)).toEqual([odd.receiptNo ? "100%_完了 <b>x</b> ' OR 1=1 --" : '']);
    expect((await get(s.op, '/api/search?q=')).statusCode).toBe(400);
  });
});

describe('approval digest (opt-in, at most one an hour, through the outbox)', () => {
  it('mails a person who opted in when a new approval awaits them, once an hour at most', async () => {
    const wb = createWorkbench({ db: t.database.db, clock: t.clock, baseUrl: 'https://kiban.example.lg.jp' });
    const mails = async () => (await t.database.db.select().from(outbox).where(eq(outbox.template, 'approval_digest'))).filter((m) => m.toAddresses.includes('sup1@pref.example.lg.jp'));
    expect(await wb.runDigests()).toBe(0);
    expect((await post(s.sup1, '/api/workbench/settings', { approvalDigest: 'yes' }, 'PUT')).statusCode).toBe(400);
    expect((await post(s.sup1, '/api/workbench/settings', { approvalDigest: true }, 'PUT')).json()).toMatchObject({ approvalDigest: true });
    expect(await wb.runDigests()).toBeGreaterThanOrEqual(1);
    const [first] = await mails();
    expect(first!.subject).toMatch(/^【Kiban】承認待ちの案件があります（\d+件）$/);
    expect(first!.body).toContain('https://kiban.example.lg.jp/incidents/');
    // Nothing new: no second mail, even hours later.
    t.clock.set(new Date(t.clock.now().getTime() + 3 * 3600_000));
    for (const k of Object.keys(s) as (keyof typeof s)[]) s[k] = await t.login(k);
    expect(await wb.runDigests()).toBe(0);
    // Something new within the hour: it waits for the hour to pass.
    const tr = await incident('承認が必要なトラブル', { class: 'trouble', source: 'monitoring', urgency: noUrgency, platformCaused: true, affected: { platform: true } });
    await act(s.op, tr.id, 'dispatch');
    await act(s.op, tr.id, 'submit_procedure', procedure);
    await act(s.mgr, tr.id, 'review_procedure');
    expect(await wb.runDigests()).toBeGreaterThanOrEqual(1);
    expect((await mails()).length).toBe(2);
    const tr2 = await incident('もう一件のトラブル', { class: 'trouble', source: 'monitoring', urgency: noUrgency, platformCaused: true, affected: { platform: true } });
    await act(s.op, tr2.id, 'dispatch');
    await act(s.op, tr2.id, 'submit_procedure', procedure);
    await act(s.mgr, tr2.id, 'review_procedure');
    t.clock.set(new Date(t.clock.now().getTime() + 30 * 60_000));
    await wb.runDigests();
    expect((await mails()).length).toBe(2);
    t.clock.set(new Date(t.clock.now().getTime() + 31 * 60_000));
    await wb.runDigests();
    const all = await mails();
    expect(all.length).toBe(3);
    expect(all[2]!.body).toContain(tr2.receiptNo);
  });
});

describe('process flows', () => {
  beforeAll(async () => {
    s.op = await t.login('op');
  });

  it('gives every process on the kernel as its flow chart: states, steps, RACI cells', async () => {
    const flows = (await get(s.op, '/api/processes')).json().items as { process: string }[];
    expect(flows.map((f) => f.process)).toEqual(expect.arrayContaining(['incident', 'problem', 'change', 'monitoring_alert', 'monitoring_suppression']));
    const inc = (await get(s.op, '/api/processes/incident')).json();
    expect(inc.transitions.find((x: { action: string }) => x.action === 'approve_procedure')).toMatchObject({ approval: true, raci: { supervisor: '◎' } });
    expect(inc.states.find((x: { key: string }) => x.key === 'closed')).toMatchObject({ final: true });
    expect((await get(s.op, '/api/processes/nothing')).statusCode).toBe(404);
    // The one source of every module's process definition (the ledgers' state filters read it).
    for (const name of ['incident', 'problem', 'change', 'monitoring_alert', 'monitoring_suppression']) {
      const flow = (await get(s.op, `/api/processes/${name}`)).json();
      expect(flow.process).toBe(name);
      expect(flow.states.length).toBeGreaterThan(2);
    }
  });

  it('offers the holders of a role as assignees', async () => {
    const people = (await get(s.op, '/api/workbench/people?roles=operator,vendor_manager')).json().items as { label: string }[];
    expect(people.map((p) => p.label)).toEqual(expect.arrayContaining(['op (op)', 'mgr (mgr)']));
    expect(people.map((p) => p.label)).not.toContain('sup1 (sup1)');
    expect((await get(s.op, '/api/workbench/people?roles=root')).statusCode).toBe(400);
  });
});
