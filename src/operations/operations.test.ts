import { parse } from 'csv-parse/sync';
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJstLocal } from '../calendar/index.ts';
import { createCmdbService } from '../cmdb/index.ts';
import { admin, type TestApp, testApp } from '../http/testing.ts';
import { operationEntries, operationEntryChanges, restoreRequests } from './schema.ts';

/** オペレーション管理 (OPS-1, BAK-5, OPS-8) through the HTTP API. */
let t: TestApp;
type Session = { cookie: string; csrf: string };
const who = ['op', 'mgr', 'lead', 'sup', 'mgrsup', 'owner', 'ownerB'] as const;
const s = {} as Record<(typeof who)[number], Session>;
let deptA = '';
let vmA = '';
let vmB = '';

const get = (u: Session, url: string) => t.app.inject({ url, headers: { cookie: u.cookie } });
const send = (u: Session, method: 'POST' | 'PATCH', url: string, payload?: unknown) =>
  t.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }), headers: { cookie: u.cookie, 'x-csrf-token': u.csrf } });
const changeAct = async (u: Session, id: string, action: string, body: Record<string, unknown> = {}) =>
  send(u, 'POST', `/api/operations/changes/${id}/actions/${action}`, { version: (await get(s.mgr, `/api/operations/changes/${id}`)).json().version, ...body });
const restoreAct = async (u: Session, id: string, action: string, body: Record<string, unknown> = {}) =>
  send(u, 'POST', `/api/operations/restores/${id}/actions/${action}`, { version: (await get(s.op, `/api/operations/restores/${id}`)).json().version, ...body });
const n = async (table: typeof operationEntries | typeof operationEntryChanges | typeof restoreRequests) =>
  (await t.database.db.select({ n: count() }).from(table))[0]!.n;
const entryByTitle = async (title: string) => {
  const list = (await get(s.op, `/api/operations/entries?pageSize=100&q=${encodeURIComponent(title)}`)).json();
  return list.items.find((e: { title: string }) => e.title === title) as { id: string; entryNo: string; revisionNo: number; title: string };
};
const content = (over: Record<string, unknown> = {}) => ({
  title: '証明書の有効期限確認',
  scope: 'platform',
  category: 'routine',
  procedure: '証明書一覧を確認し、90日以内に期限切れとなるものを管理者に報告する。',
  frequency: 'monthly',
  schedule: '毎月第1営業日',
  evidence: '証明書一覧の画面写し',
  preconditions: '証明書一覧が最新であること',
  ownerRole: 'operator',
  keywords: ['証明書'],
  ...over,
});

beforeAll(async () => {
  t = await testApp();
  t.clock.set(parseJstLocal('2026-12-01T10:00'));
  deptA = (await t.iam.createDepartment(admin, { code: 'D10', name: '土木部', kind: 'prefecture' })).id;
  const deptB = (await t.iam.createDepartment(admin, { code: 'D20', name: '教育庁', kind: 'prefecture' })).id;
  await t.person('op', ['operator']);
  await t.person('mgr', ['vendor_manager']);
  await t.person('lead', ['vendor_lead']);
  await t.person('sup', ['supervisor']);
  await t.person('mgrsup', ['vendor_manager', 'supervisor']);
  await t.person('owner', ['system_owner'], { departmentId: deptA });
  await t.person('ownerB', ['system_owner'], { departmentId: deptB });
  const cmdb = createCmdbService({ db: t.database.db, clock: t.clock });
  const why = { reason: 'テスト' };
  const site = (await cmdb.create(admin, 'site', { name: '県庁舎サーバルーム', code: 'HQ', status: 'active', ...why })).id;
  const cl = (await cmdb.create(admin, 'cluster', { name: 'cl-main', siteId: site, status: 'active', ...why })).id;
  const hosts = [];
  for (const h of ['esx01', 'esx02', 'esx03'])
    hosts.push(
      (await cmdb.create(admin, 'host', { name: h, siteId: site, clusterId: cl, cpuSockets: 2, cpuCores: 32, cpuGhz: 2.6, memoryGib: 512, ...why })).id,
    );
  const sysA = (await cmdb.create(admin, 'system', { name: '道路台帳システム', code: 'doro', departmentId: deptA, serviceLevel: 'B', ...why })).id;
  const sysB = (await cmdb.create(admin, 'system', { name: '学籍システム', code: 'gaku', departmentId: deptB, serviceLevel: 'C', ...why })).id;
  vmA = (await cmdb.create(admin, 'vm', { name: 'bp-doro-web01', systemId: sysA, hostId: hosts[0], vcpu: 4, memoryGib: 8, diskGib: 100, ...why })).id;
  vmB = (
    await cmdb.create(admin, 'vm', { name: 'cp-gaku-db01', systemId: sysB, hostId: hosts[1], vcpu: 2, memoryGib: 8, diskGib: 100, hostPinned: true, ...why })
  ).id;
  for (const k of who) s[k] = await t.login(k);
});
afterAll(() => t.close());

describe('オペレーション一覧 (OPS-1)', () => {
  it('is seeded with N’s regular operations once, by the manager only; owners read it; XLSX and CSV export', async () => {
    expect((await send(s.op, 'POST', '/api/operations/entries/seed')).statusCode).toBe(403);
    const seeded = (await send(s.mgr, 'POST', '/api/operations/entries/seed')).json();
    expect(seeded.added.length).toBeGreaterThanOrEqual(12);
    expect((await send(s.mgr, 'POST', '/api/operations/entries/seed')).json().added).toEqual([]);
    const list = (await get(s.owner, '/api/operations/entries?pageSize=100')).json();
    expect(list.items.map((e: { title: string }) => e.title)).toEqual(
      expect.arrayContaining(['バックアップ実行結果確認', 'ログ取得確認（Syslog）', 'パスワードリセット', 'リストア（ファイル/フォルダ単位）']),
    );
    const backup = list.items.find((e: { title: string }) => e.title === 'バックアップ実行結果確認');
    expect(backup).toMatchObject({ entryNo: 'OPS-001', frequencyLabel: '毎日', ownerRoleLabel: '担当者', revisionNo: 1 });
    expect(backup.evidence).toContain('日次作業チェックシート');
    const csv = await get(s.op, '/api/operations/entries.csv');
    expect(csv.headers['content-type']).toContain('text/csv');
    const rows = parse(csv.body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
    expect(rows[0]).toMatchObject({ 番号: 'OPS-001', オペレーション: 'バックアップ実行結果確認', 実施頻度: '毎日' });
    const xlsx = await get(s.op, '/api/operations/entries.xlsx');
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
  });

  it('an addition: drafted by the manager, reviewed by the lead, training recorded, approved by the supervisor → in the list with history', async () => {
    const before = await n(operationEntries);
    expect((await send(s.op, 'POST', '/api/operations/changes', { kind: 'add', content: content(), reason: '証明書切れの防止' })).statusCode).toBe(403);
    const bad = await send(s.mgr, 'POST', '/api/operations/changes', { kind: 'add', content: content({ schedule: '' }), reason: '証明書切れの防止' });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().error.fields)).toEqual(['content.schedule']);
    const c = await send(s.mgr, 'POST', '/api/operations/changes', { kind: 'add', content: content(), reason: '証明書切れの防止' });
    expect(c.statusCode).toBe(201);
    const id = c.json().id;
    expect(c.json().changeNo).toBe('OPC-2026-0001');
    expect((await changeAct(s.mgr, id, 'submit')).statusCode).toBe(200);
    expect((await changeAct(s.mgr, id, 'review_ok')).statusCode).toBe(403);
    expect((await changeAct(s.lead, id, 'review_ok')).statusCode).toBe(200);
    // The supervisor cannot approve before the training is recorded (no such step yet).
    expect((await changeAct(s.sup, id, 'approve')).statusCode).toBe(409);
    const noAttendees = await changeAct(s.mgr, id, 'record_training', { trainingDate: '2026-11-30', trainingAttendees: [] });
    expect(noAttendees.statusCode).toBe(400);
    expect(noAttendees.json().error.fields).toHaveProperty('trainingAttendees');
    const future = await changeAct(s.mgr, id, 'record_training', { trainingDate: '2026-12-24', trainingAttendees: ['担当者A'] });
    expect(future.statusCode).toBe(400);
    expect(future.json().error.fields.trainingDate).toContain('未来');
    expect((await changeAct(s.mgr, id, 'record_training', { trainingDate: '2026-11-30', trainingAttendees: ['担当者A', '担当者B'] })).statusCode).toBe(200);
    expect(await n(operationEntries)).toBe(before);
    expect((await changeAct(s.sup, id, 'approve')).statusCode).toBe(200);
    expect(await n(operationEntries)).toBe(before + 1);
    const e = await entryByTitle('証明書の有効期限確認');
    const page = (await get(s.op, `/api/operations/entries/${e.id}`)).json();
    expect(page.revisions).toHaveLength(1);
    expect(page.revisions[0]).toMatchObject({
      kind: 'add',
      trainingDate: '2026-11-30',
      trainingAttendees: ['担当者A', '担当者B'],
      approvedByLabel: 'sup (sup)',
    });
  });

  it('a change: the requester may not approve it (mgrsup), another supervisor may; a stale version is 409; a second open change is 409', async () => {
    const e = await entryByTitle('パスワードリセット');
    const c = (
      await send(s.mgrsup, 'POST', '/api/operations/changes', {
        kind: 'change',
        entryId: e.id,
        content: content({
          title: 'パスワードリセット',
          scope: 'vm',
          category: 'standard_change',
          frequency: 'on_request',
          schedule: '依頼の都度（24時間以内）',
          keywords: ['パスワード'],
        }),
        reason: '対応時間の明記',
      })
    ).json();
    expect((await send(s.mgr, 'POST', '/api/operations/changes', { kind: 'delete', entryId: e.id, reason: '重複' })).statusCode).toBe(409);
    const stale = await send(s.mgrsup, 'POST', `/api/operations/changes/${c.id}/actions/submit`, { version: c.version + 5 });
    expect(stale.statusCode).toBe(409);
    await changeAct(s.mgrsup, c.id, 'submit');
    await changeAct(s.lead, c.id, 'review_ok');
    await changeAct(s.mgrsup, c.id, 'record_training', { trainingDate: '2026-12-01', trainingAttendees: ['担当者A'] });
    const self = await changeAct(s.mgrsup, c.id, 'approve');
    expect(self.statusCode).toBe(403);
    expect((await changeAct(s.sup, c.id, 'approve')).statusCode).toBe(200);
    const page = (await get(s.op, `/api/operations/entries/${e.id}`)).json();
    expect(page).toMatchObject({ revisionNo: 2, schedule: '依頼の都度（24時間以内）' });
    expect(page.revisions.map((r: { revisionNo: number }) => r.revisionNo)).toEqual([2, 1]);
  });

  it('a VM entry for one department is agreed by that department’s owner; the other department sees neither entry nor change (404)', async () => {
    const c = (
      await send(s.mgr, 'POST', '/api/operations/changes', {
        kind: 'add',
        content: content({ title: '道路台帳の月次再起動', scope: 'vm', departmentId: deptA, keywords: ['再起動'] }),
        reason: '所管からの代行依頼',
      })
    ).json();
    expect((await get(s.ownerB, `/api/operations/changes/${c.id}`)).statusCode).toBe(404);
    await changeAct(s.mgr, c.id, 'submit');
    await changeAct(s.lead, c.id, 'review_ok');
    await changeAct(s.mgr, c.id, 'record_training', { trainingDate: '2026-12-01', trainingAttendees: ['担当者A'] });
    expect((await changeAct(s.sup, c.id, 'approve_for_owner')).statusCode).toBe(200);
    expect((await changeAct(s.ownerB, c.id, 'agree')).statusCode).toBe(404);
    expect((await changeAct(s.owner, c.id, 'agree')).statusCode).toBe(200);
    const e = (await get(s.owner, '/api/operations/entries?q=再起動')).json().items[0];
    expect(e.title).toBe('道路台帳の月次再起動');
    expect((await get(s.ownerB, `/api/operations/entries/${e.id}`)).statusCode).toBe(404);
    expect((await get(s.ownerB, '/api/operations/entries?q=再起動')).json().total).toBe(0);
  });

  it('a deletion makes the entry inactive (listed only with deleted ones); its history stays', async () => {
    const e = await entryByTitle('証明書の有効期限確認');
    const c = (await send(s.mgr, 'POST', '/api/operations/changes', { kind: 'delete', entryId: e.id, reason: '監視で代替' })).json();
    await changeAct(s.mgr, c.id, 'submit');
    await changeAct(s.lead, c.id, 'review_ok');
    await changeAct(s.mgr, c.id, 'record_training', { trainingDate: '2026-12-01', trainingAttendees: ['担当者A'] });
    await changeAct(s.sup, c.id, 'approve');
    expect(await entryByTitle('証明書の有効期限確認')).toBeUndefined();
    const all = (await get(s.op, '/api/operations/entries?includeDeleted=true&q=証明書')).json();
    expect(all.items.find((x: { title: string }) => x.title === '証明書の有効期限確認')).toMatchObject({ active: false, revisionNo: 2 });
  });

  it('a work request’s text finds its entry (INC-3): the incident routed to オペレーション names it, a wrong reference is 400', async () => {
    const hits = (await get(s.op, `/api/operations/entries/match?q=${encodeURIComponent('業務アカウントのパスワードリセットをお願いします')}`)).json();
    expect(hits[0].title).toBe('パスワードリセット');
    const reset = await entryByTitle('パスワードリセット');
    const inc = (
      await send(s.op, 'POST', '/api/incidents', {
        title: 'パスワードリセット依頼',
        description: '道路台帳の管理者アカウントがロックされた',
        source: 'system_owner',
        class: 'work_request',
        departmentId: deptA,
      })
    ).json();
    const route = (body: Record<string, unknown>) => send(s.op, 'POST', `/api/incidents/${inc.id}/actions/route`, { version: inc.version, ...body });
    const wrong = await route({ route: 'operation', routeRef: 'OPS-999' });
    expect(wrong.statusCode).toBe(400);
    expect(Object.keys(wrong.json().error.fields)).toEqual(['routeRef']);
    expect((await get(s.op, `/api/incidents/${inc.id}`)).json().state).toBe('registered');
    expect((await route({ route: 'operation' })).statusCode).toBe(200);
    expect((await get(s.op, `/api/incidents/${inc.id}`)).json()).toMatchObject({ routeTo: 'operation', routeRef: reset.entryNo });
    const page = (await get(s.op, `/api/operations/entries/${reset.id}`)).json();
    expect(page.workRequests.map((w: { id: string }) => w.id)).toEqual([inc.id]);
  });
});

describe('リストア依頼 (BAK-5)', () => {
  it('the owner asks for their own VM only; another department’s VM is refused naming vmId; a file restore needs its path', async () => {
    const before = await n(restoreRequests);
    const other = await send(s.owner, 'POST', '/api/operations/restores', { vmId: vmB, kind: 'vm', restorePoint: '2026-11-30 夜間', reason: '誤削除' });
    expect(other.statusCode).toBe(400);
    expect(other.json().error.fields).toHaveProperty('vmId');
    const noPath = await send(s.owner, 'POST', '/api/operations/restores', { vmId: vmA, kind: 'file', restorePoint: '2026-11-30 夜間', reason: '誤削除' });
    expect(noPath.statusCode).toBe(400);
    expect(noPath.json().error.fields.target).toContain('ファイル/フォルダのパス');
    expect(await n(restoreRequests)).toBe(before);
  });

  it('routed to the list’s entry; checklist and evidence; the owner’s confirmation closes it; the other department gets 404', async () => {
    const r = await send(s.owner, 'POST', '/api/operations/restores', {
      vmId: vmA,
      kind: 'file',
      target: 'D:\\share\\道路台帳\\2026',
      restorePoint: '2026-11-30 夜間',
      reason: 'フォルダを誤って削除した',
    });
    expect(r.statusCode).toBe(201);
    const id = r.json().id;
    expect((await get(s.ownerB, `/api/operations/restores/${id}`)).statusCode).toBe(404);
    const page = (await get(s.op, `/api/operations/restores/${id}`)).json();
    expect(page.entry.title).toBe('リストア（ファイル/フォルダ単位）');
    expect(page.checklist.map((c: { key: string }) => c.key)).toContain('owner_console');
    expect(page.requesterKind).toBe('owner');
    expect((await restoreAct(s.owner, id, 'accept')).statusCode).toBe(403);
    expect((await restoreAct(s.op, id, 'accept')).statusCode).toBe(200);
    const early = await restoreAct(s.op, id, 'complete', { evidence: '\\\\ops\\evidence\\RST' });
    expect(early.statusCode).toBe(409);
    expect(early.json().error.message).toContain('未完了');
    for (const c of page.checklist) {
      const v = (await get(s.op, `/api/operations/restores/${id}`)).json().version;
      expect((await send(s.op, 'POST', `/api/operations/restores/${id}/checklist`, { version: v, key: c.key, done: true })).statusCode).toBe(200);
    }
    expect((await send(s.op, 'POST', `/api/operations/restores/${id}/checklist`, { version: 1, key: 'attach', done: true })).statusCode).toBe(409);
    expect((await restoreAct(s.op, id, 'complete', {})).statusCode).toBe(400);
    expect((await restoreAct(s.op, id, 'complete', { evidence: '\\\\ops\\evidence\\RST-2026-0001 作業前後の画面写し' })).statusCode).toBe(200);
    expect((await restoreAct(s.op, id, 'confirm')).statusCode).toBe(403);
    expect((await restoreAct(s.ownerB, id, 'confirm')).statusCode).toBe(404);
    expect((await restoreAct(s.owner, id, 'confirm')).statusCode).toBe(200);
    const done = (await get(s.owner, `/api/operations/restores/${id}`)).json();
    expect(done).toMatchObject({ state: 'closed', confirmedByLabel: 'owner (owner)' });
    expect(done.process.history.map((h: { action: string }) => h.action)).toEqual(expect.arrayContaining(['create', 'accept', 'check', 'complete', 'confirm']));
    // The entry page lists the restore routed to it.
    const entry = (await get(s.op, `/api/operations/entries/${page.entry.id}`)).json();
    expect(entry.restores.map((x: { id: string }) => x.id)).toContain(id);
    expect((await get(s.ownerB, '/api/operations/restores')).json().total).toBe(0);
  });

  it('the vendor may ask too (for any department); with no entry in the list the manager instructs', async () => {
    const e = await entryByTitle('リストア（遠隔地（副環境）からの復旧）');
    const c = (await send(s.mgr, 'POST', '/api/operations/changes', { kind: 'delete', entryId: e.id, reason: 'テスト' })).json();
    await changeAct(s.mgr, c.id, 'submit');
    await changeAct(s.lead, c.id, 'review_ok');
    await changeAct(s.mgr, c.id, 'record_training', { trainingDate: '2026-12-01', trainingAttendees: ['担当者A'] });
    await changeAct(s.sup, c.id, 'approve');
    const r = (
      await send(s.op, 'POST', '/api/operations/restores', { vmId: vmB, kind: 'remote', restorePoint: '最新', reason: '主環境ストレージ障害' })
    ).json();
    expect(r).toMatchObject({ requesterKind: 'vendor', entryId: null });
    const page = (await get(s.mgr, `/api/operations/restores/${r.id}`)).json();
    expect(page.process.actions.map((a: { action: string }) => a.action)).toEqual(expect.arrayContaining(['instruct', 'decline']));
    expect((await restoreAct(s.op, r.id, 'accept')).statusCode).toBe(409);
    expect((await restoreAct(s.mgr, r.id, 'instruct', { comment: '副環境のレプリカから復旧する手順を作成した' })).statusCode).toBe(200);
  });
});

describe('リストア依頼の期限', () => {
  it('due 2 business days after receipt (Friday → Tuesday, the weekend skipped); shown on the record and in the inbox, overdue once passed', async () => {
    // Moving the clock ends idle sessions: sign in again at each time.
    const at = async (local: string) => {
      t.clock.set(parseJstLocal(local));
      for (const k of who) s[k] = await t.login(k);
    };
    await at('2026-12-04T10:00');
    try {
      const r = (
        await send(s.owner, 'POST', '/api/operations/restores', { vmId: vmA, kind: 'vm', restorePoint: '2026-12-03 夜間', reason: 'OS が起動しない' })
      ).json();
      expect(new Date(r.dueAt).toISOString()).toBe(parseJstLocal('2026-12-08T10:00').toISOString());
      const due = (await get(s.op, `/api/operations/restores/${r.id}`)).json().process.deadlines;
      expect(due).toMatchObject([{ key: 'restore', overdue: false }]);
      const inInbox = async () => (await get(s.op, '/api/inbox')).json().items.find((i: { recordId: string }) => i.recordId === r.id);
      expect(await inInbox()).toMatchObject({ overdue: false });
      await at('2026-12-08T10:01');
      expect((await get(s.op, `/api/operations/restores/${r.id}`)).json().process.deadlines[0].overdue).toBe(true);
      expect(await inInbox()).toMatchObject({ overdue: true });
      expect((await get(s.owner, '/api/operations/restores?open=true')).json().items.find((x: { id: string }) => x.id === r.id).overdue).toBe(true);
      // Reported to the owner: no longer overdue work.
      await restoreAct(s.op, r.id, 'accept');
      for (const c of (await get(s.op, `/api/operations/restores/${r.id}`)).json().checklist) {
        const v = (await get(s.op, `/api/operations/restores/${r.id}`)).json().version;
        await send(s.op, 'POST', `/api/operations/restores/${r.id}/checklist`, { version: v, key: c.key, done: true });
      }
      expect((await restoreAct(s.op, r.id, 'complete', { evidence: '作業記録' })).statusCode).toBe(200);
      const after = (await get(s.owner, `/api/operations/restores/${r.id}`)).json().process.deadlines[0];
      expect(after).toMatchObject({ overdue: false });
      expect(after.doneAt).not.toBeNull();
    } finally {
      await at('2026-12-01T10:00');
    }
  });
});

describe('ライセンス (OPS-8)', () => {
  it('counts every host of the cluster unless pinned; an owner sees only their own VMs', async () => {
    const a = (await get(s.owner, `/api/operations/licences?vmId=${vmA}&users=20`)).json();
    expect(a.mayRunOn).toEqual(['esx01', 'esx02', 'esx03']);
    expect(a.lines.find((l: { unit: string }) => l.unit === 'processor').count).toBe(6);
    expect(a.lines.find((l: { unit: string }) => l.unit === 'user').count).toBe(20);
    const b = (await get(s.op, `/api/operations/licences?vmId=${vmB}`)).json();
    expect(b.mayRunOn).toEqual(['esx02']);
    expect(b.lines.find((l: { unit: string }) => l.unit === 'processor').count).toBe(2);
    expect((await get(s.owner, `/api/operations/licences?vmId=${vmB}`)).statusCode).toBe(404);
    expect((await get(s.owner, `/api/operations/licences?vmId=${vmA}&users=-1`)).statusCode).toBe(400);
  });
});
