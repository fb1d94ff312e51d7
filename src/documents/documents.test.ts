import { createHash } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJstLocal } from '../calendar/index.ts';
import { changes } from '../changes/schema.ts';
import { storedFiles } from '../files/index.ts';
import { multipartBody, samplePdf, sampleOoxml } from '../files/testing.ts';
import { admin, type TestApp, testApp } from '../http/testing.ts';
import { outbox } from '../notify/index.ts';
import { documentRevisions } from './schema.ts';

/** システム運用ドキュメント管理 (DOC-1, DOC-2) through the HTTP API. */
let t: TestApp;
type Session = { cookie: string; csrf: string };
const who = ['op', 'mgr', 'lead', 'sup', 'mgrsup', 'owner', 'ownerB', 'ict'] as const;
const s = {} as Record<(typeof who)[number], Session>;
let docs: Record<string, { id: string; docNo: string }> = {};

const jst = (x: string) => parseJstLocal(x);
const get = (u: Session, url: string) => t.app.inject({ url, headers: { cookie: u.cookie } });
const send = (u: Session, method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
  t.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }), headers: { cookie: u.cookie, 'x-csrf-token': u.csrf } });
const upload = (u: Session, url: string, file: { fileName: string; data: Buffer } | null, fields: Record<string, string>) => {
  const body = multipartBody(file ? [file] : [], fields);
  return t.app.inject({ method: 'POST', url, payload: body.payload, headers: { ...body.headers, cookie: u.cookie, 'x-csrf-token': u.csrf } });
};
const revise = async (u: Session, name: string, fields: Record<string, string> = { reason: '手順の追加' }, file?: { fileName: string; data: Buffer }) =>
  upload(u, `/api/documents/${docs[name]!.id}/revisions`, file ?? { fileName: `${name}.docx`, data: await sampleOoxml('word', name) }, fields);
const act = async (u: Session, id: string, action: string, body: Record<string, unknown> = {}) => {
  const version = (await get(s.mgr, `/api/documents/revisions/${id}`)).json().version;
  return send(u, 'POST', `/api/documents/revisions/${id}/actions/${action}`, { version, ...body });
};
const mailsOf = (id: string) => t.database.db.select().from(outbox).where(eq(outbox.recordId, id));
const counts = async () => ({
  files: (await t.database.db.select({ n: count() }).from(storedFiles))[0]!.n,
  revisions: (await t.database.db.select({ n: count() }).from(documentRevisions))[0]!.n,
});

beforeAll(async () => {
  t = await testApp();
  t.clock.set(jst('2026-11-24T10:00'));
  const dept = (await t.iam.createDepartment(admin, { code: 'D10', name: '土木部', kind: 'prefecture' })).id;
  const deptB = (await t.iam.createDepartment(admin, { code: 'D20', name: '教育庁', kind: 'prefecture' })).id;
  const person = (login: string, roles: string[], extra: Record<string, unknown> = {}) => t.person(login, roles, { email: `${login}@pref.example.lg.jp`, ...extra });
  await person('op', ['operator']);
  await person('mgr', ['vendor_manager']);
  await person('lead', ['vendor_lead']);
  await person('sup', ['supervisor']);
  await person('mgrsup', ['vendor_manager', 'supervisor']);
  await person('owner', ['system_owner'], { departmentId: dept });
  await person('ownerB', ['system_owner'], { departmentId: deptB });
  await person('ict', ['ict_manager']);
  for (const k of who) s[k] = await t.login(k);
});
afterAll(() => t.close());

/** Moves the clock (sessions expire after 30 idle minutes, so everyone logs in again). */
async function at(local: string) {
  t.clock.set(jst(local));
  for (const k of who) s[k] = await t.login(k);
}

describe('ドキュメント一覧 (DOC-1)', () => {
  it('is seeded with N §3.6.3.1’s rows, once; only the register’s managers may seed', async () => {
    expect((await send(s.op, 'POST', '/api/documents/seed')).statusCode).toBe(403);
    const seeded = await send(s.mgr, 'POST', '/api/documents/seed');
    expect(seeded.statusCode).toBe(200);
    expect(seeded.json().added).toHaveLength(12);
    expect((await send(s.mgr, 'POST', '/api/documents/seed')).json().added).toEqual([]);
    const list = (await get(s.op, '/api/documents?pageSize=100')).json();
    expect(list.total).toBe(12);
    docs = Object.fromEntries(list.items.map((d: { name: string; id: string; docNo: string }) => [d.name, d]));
    expect(list.items.map((d: { name: string }) => d.name)).toEqual([
      'システム設計書',
      '運用基準書',
      'サービスメニュー',
      '復旧手順書・対応手順書',
      '仮想マシン暫定対応手順書',
      'オペレーション手順書・操作マニュアル',
      '台帳、一覧、申請書、その他帳票類（雛型）',
      '月次報告',
      '実績報告',
      '移行計画兼実績管理',
      '台帳、一覧、申請書、その他帳票類',
      '作業証跡',
    ]);
    expect(list.items[3]).toMatchObject({
      docNo: 'DOC-0004',
      kindLabel: '文書',
      location: 'ファイルサーバ',
      retentionLabel: '運用期間',
      authorRoleLabel: '担当者',
      reviewerRoleLabel: '管理者',
      approverRoleLabel: '管理者',
    });
    expect(list.items[4]).toMatchObject({ authorRoleLabel: 'システム所管', reviewerRoleLabel: '管理者', approverRoleLabel: '統括責任者' });
    expect(list.items[7]).toMatchObject({ kindLabel: '記録', retentionLabel: '運用期間', authorRoleLabel: '管理者', reviewerRoleLabel: '責任者', approverRoleLabel: '統括責任者' });
  });

  it('filters, sorts and pages on the server; exports CSV and XLSX', async () => {
    const records = (await get(s.sup, '/api/documents?kind=record&sort=-docNo&pageSize=2')).json();
    expect(records.total).toBe(5);
    expect(records.items.map((d: { docNo: string }) => d.docNo)).toEqual(['DOC-0012', 'DOC-0011']);
    expect((await get(s.ict, '/api/documents?q=手順書')).json().total).toBe(3);
    const csv = await get(s.op, '/api/documents.csv?kind=document');
    expect(csv.statusCode).toBe(200);
    expect(String(csv.headers['content-disposition'])).toContain(encodeURIComponent('ドキュメント一覧'));
    const rows = parse(csv.body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(7);
    expect(rows[0]).toMatchObject({ 文書番号: 'DOC-0001', ドキュメント名: 'システム設計書', 管理方法: '最新版', '作成／修正担当': '管理者', 承認担当: '統括責任者' });
    expect((await get(s.op, '/api/documents.xlsx')).headers['content-type']).toContain('spreadsheetml');
  });

  it('the manager adds and edits entries (roles from N’s table only, optimistic version); others may not', async () => {
    const bad = await send(s.mgr, 'POST', '/api/documents', { name: '構成図', kind: 'document', location: 'ファイルサーバ', retention: 'latest', authorRole: 'supervisor', reviewerRole: 'vendor_lead', approverRole: 'supervisor' });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().error.fields)).toEqual(['authorRole']);
    const body = { name: '構成図', kind: 'document', location: 'ファイルサーバ ¥¥ops¥docs¥設計', retention: 'latest', authorRole: 'operator', reviewerRole: 'vendor_manager', approverRole: 'vendor_manager' };
    expect((await send(s.op, 'POST', '/api/documents', body)).statusCode).toBe(403);
    const made = await send(s.mgr, 'POST', '/api/documents', body);
    expect(made.statusCode).toBe(201);
    expect(made.json().docNo).toBe('DOC-0013');
    const dup = await send(s.lead, 'POST', '/api/documents', { ...body, name: 'システム設計書' });
    expect(dup.statusCode).toBe(400);
    expect(dup.json().error.fields.name).toContain('既に');
    const edited = await send(s.mgr, 'PATCH', `/api/documents/${made.json().id}`, { version: 1, location: 'ファイルサーバ ¥¥ops¥docs¥構成' });
    expect(edited.json()).toMatchObject({ version: 2, location: 'ファイルサーバ ¥¥ops¥docs¥構成' });
    expect((await send(s.lead, 'PATCH', `/api/documents/${made.json().id}`, { version: 1, affectsOwners: true })).statusCode).toBe(409);
  });
});

describe('ドキュメントの最新化維持 (DOC-2)', () => {
  let opRev: string;
  let opData: Buffer;

  it('operator-authored: only the author role starts it; the manager returns it with a reason, then reviews and approves', async () => {
    const name = 'オペレーション手順書・操作マニュアル';
    expect((await revise(s.mgr, name)).statusCode).toBe(403);
    const noReason = await revise(s.op, name, {});
    expect(noReason.statusCode).toBe(400);
    expect(Object.keys(noReason.json().error.fields)).toEqual(['reason']);
    const created = await revise(s.op, name, { reason: 'vCenter 8.0 更新に伴う操作手順の追加', summary: '第4章 vMotion 手順を追加' });
    expect(created.statusCode).toBe(201);
    opRev = created.json().id;
    expect(created.json()).toMatchObject({ state: 'draft', revisionNo: 1, authorLabel: 'op (op)', reviewerRole: 'vendor_manager', approverRole: 'vendor_manager' });
    expect((await revise(s.op, name)).statusCode).toBe(409); // one open revision per document

    expect((await act(s.mgr, opRev, 'submit_by_operator')).statusCode).toBe(403);
    expect((await act(s.op, opRev, 'submit_by_manager')).statusCode).toBe(409); // not this document's step
    expect((await act(s.op, opRev, 'submit_by_operator')).json().state).toBe('review');
    // The manager's inbox has it.
    expect((await get(s.mgr, '/api/inbox')).json().items.map((i: { recordId: string }) => i.recordId)).toContain(opRev);
    expect((await get(s.lead, '/api/inbox')).json().items.map((i: { recordId: string }) => i.recordId)).not.toContain(opRev);

    const noWhy = await act(s.mgr, opRev, 'return_by_manager');
    expect(noWhy.statusCode).toBe(400);
    expect(Object.keys(noWhy.json().error.fields)).toEqual(['reason']);
    expect((await act(s.mgr, opRev, 'return_by_manager', { reason: '手順 4.3 の画面名が旧版のまま' })).json().state).toBe('draft');
    const page = (await get(s.op, `/api/documents/revisions/${opRev}`)).json();
    expect(page.process.history.at(-1)).toMatchObject({ action: 'return_by_manager', comment: '手順 4.3 の画面名が旧版のまま' });
    expect(page.process.actions.map((a: { action: string }) => a.action)).toEqual(['submit_by_operator']);

    opData = await sampleOoxml('word', '第4章 vMotion（修正版）');
    const replaced = await upload(s.op, `/api/documents/revisions/${opRev}/file`, { fileName: '操作マニュアル_v1.1.docx', data: opData }, { version: String(page.version) });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json().file.fileName).toBe('操作マニュアル_v1.1.docx');
    await act(s.op, opRev, 'submit_by_operator');
    expect((await act(s.mgr, opRev, 'review_by_manager')).json().state).toBe('approval');
    expect((await act(s.op, opRev, 'approve_by_manager')).statusCode).toBe(403);
    expect((await act(s.mgr, opRev, 'approve_by_manager')).json()).toMatchObject({ state: 'approved', approvedByLabel: 'mgr (mgr)' });
  });

  it('publish (サーバ格納): current revision, notice to the team only; the file comes back with the same bytes and hash', async () => {
    await at('2026-11-25T15:00');
    const published = await act(s.op, opRev, 'publish');
    expect(published.json().state).toBe('published');
    const doc = (await get(s.op, `/api/documents/${docs['オペレーション手順書・操作マニュアル']!.id}`)).json();
    expect(doc).toMatchObject({ currentRevisionNo: 1, revisionReason: 'vCenter 8.0 更新に伴う操作手順の追加', revisedBy: 'op (op)', approvedBy: 'mgr (mgr)' });
    expect(new Date(doc.revisedAt).toISOString()).toBe(jst('2026-11-25T15:00').toISOString());
    const mails = await mailsOf(opRev);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('【第三期サーバ仮想化統合基盤】ドキュメント更新のお知らせ（DOC-0006 オペレーション手順書・操作マニュアル 第1版）');
    expect(mails[0]!.toAddresses).toEqual(['lead@pref.example.lg.jp', 'mgr@pref.example.lg.jp', 'mgrsup@pref.example.lg.jp', 'op@pref.example.lg.jp']);
    expect(mails[0]!.body).toContain('改版理由 ：vCenter 8.0 更新に伴う操作手順の追加');
    expect(mails[0]!.body).toContain('承認者 ：mgr (mgr)');

    const dl = await get(s.sup, `/api/documents/revisions/${opRev}/file`);
    expect(dl.statusCode).toBe(200);
    expect(dl.rawPayload.equals(opData)).toBe(true);
    expect(dl.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('操作マニュアル_v1.1.docx')}`);
    expect(createHash('sha256').update(dl.rawPayload).digest('hex')).toBe(doc.revisions[0].file.sha256);
  });

  it('manager-authored: reviewed by the lead, approved by the supervisor; the author may not approve their own', async () => {
    const name = 'システム設計書';
    const r1 = (await revise(s.mgr, name, { reason: '初版' })).json().id;
    await act(s.mgr, r1, 'submit_by_manager');
    expect((await act(s.mgr, r1, 'review_by_lead')).statusCode).toBe(403);
    expect((await act(s.lead, r1, 'review_by_lead')).json().state).toBe('approval');
    expect((await act(s.mgr, r1, 'approve_by_supervisor')).statusCode).toBe(403);
    expect((await act(s.lead, r1, 'approve_by_supervisor')).statusCode).toBe(403);
    expect((await get(s.sup, '/api/inbox')).json().items.find((i: { recordId: string }) => i.recordId === r1)).toMatchObject({ approval: true });
    const rejected = await act(s.sup, r1, 'reject_by_supervisor', { reason: '構成図が古い' });
    expect(rejected.json().state).toBe('draft');
    await act(s.mgr, r1, 'submit_by_manager');
    await act(s.lead, r1, 'review_by_lead');
    await act(s.sup, r1, 'approve_by_supervisor');
    expect((await act(s.mgr, r1, 'publish')).json().state).toBe('published');

    // mgrsup holds 管理者 and 統括責任者: writes revision 2, and may not approve it.
    await at('2026-12-02T11:00');
    const r2 = (await revise(s.mgrsup, name, { reason: 'ストレージ増設の反映', summary: '第3章 構成' }, { fileName: 'システム設計書_v2.pdf', data: samplePdf('v2') })).json().id;
    await act(s.mgrsup, r2, 'submit_by_manager');
    await act(s.lead, r2, 'review_by_lead');
    const self = await act(s.mgrsup, r2, 'approve_by_supervisor');
    expect(self.statusCode).toBe(403);
    expect(self.json().error.message).toContain('自分');
    // Their inbox offers only the withdrawal (管理者) — never the approval of their own revision.
    const mine = (await get(s.mgrsup, '/api/inbox')).json().items.find((i: { recordId: string }) => i.recordId === r2);
    expect(mine.actions.map((a: { action: string }) => a.action)).toEqual(['withdraw']);
    await act(s.sup, r2, 'approve_by_supervisor');
    await act(s.op, r2, 'publish');
    // 最新版: revision 1 becomes 旧版, its file kept.
    const doc = (await get(s.op, `/api/documents/${docs[name]!.id}`)).json();
    expect(doc.currentRevisionNo).toBe(2);
    expect(doc.revisions.map((r: { revisionNo: number; state: string }) => [r.revisionNo, r.state])).toEqual([
      [2, 'published'],
      [1, 'superseded'],
    ]);
    expect((await get(s.op, `/api/documents/revisions/${r1}/file`)).statusCode).toBe(200);

    const diff = (await get(s.op, `/api/documents/${docs[name]!.id}/diff?from=1&to=2`)).json();
    expect(diff.sameFile).toBe(false);
    expect(diff.fields.find((f: { key: string }) => f.key === 'reason')).toMatchObject({ from: '初版', to: 'ストレージ増設の反映', changed: true });
    expect(diff.fields.find((f: { key: string }) => f.key === 'fileName')).toMatchObject({ from: 'システム設計書.docx', to: 'システム設計書_v2.pdf' });
    expect(diff.fields.find((f: { key: string }) => f.key === 'reviewerRole')).toMatchObject({ changed: false });
    const missing = await get(s.op, `/api/documents/${docs[name]!.id}/diff?from=1&to=9`);
    expect(missing.statusCode).toBe(400);
    expect(Object.keys(missing.json().error.fields)).toEqual(['to']);
  });

  it('a document affecting system owners: owners are notified too, and read it; the ICT manager when asked', async () => {
    await at('2026-12-03T09:30');
    const r = (await revise(s.mgr, 'サービスメニュー', { reason: 'バックアップオプション追加' })).json().id;
    await act(s.mgr, r, 'submit_by_manager');
    await act(s.lead, r, 'review_by_lead');
    await act(s.sup, r, 'approve_by_supervisor');
    expect((await get(s.owner, `/api/documents/revisions/${r}`)).statusCode).toBe(404); // not yet published
    await act(s.mgr, r, 'publish', { notifyIct: true });
    const mails = await mailsOf(r);
    expect(mails).toHaveLength(3);
    const team = mails.find((m) => m.template === 'document.revision_published')!;
    expect(team.ccAddresses).toEqual(['ict@pref.example.lg.jp']);
    // One mail per department: the owners of one department do not see another's addresses.
    const owners = mails.filter((m) => m.template === 'document.revision_published_owners');
    expect(owners.map((m) => [m.toAddresses, m.ccAddresses ?? []]).sort()).toEqual([
      [['owner@pref.example.lg.jp'], []],
      [['ownerB@pref.example.lg.jp'], []],
    ]);
    for (const m of owners) expect(m.subject).toContain('サービスメニュー 第1版');

    // Owner scope: published documents affecting owners, and the one owners write.
    const list = (await get(s.owner, '/api/documents')).json();
    expect(list.items.map((d: { name: string }) => d.name)).toEqual(['サービスメニュー', '仮想マシン暫定対応手順書']);
    expect((await get(s.owner, `/api/documents/${docs['システム設計書']!.id}`)).statusCode).toBe(404);
    const page = (await get(s.owner, `/api/documents/revisions/${r}`)).json();
    expect(page.process.actions).toEqual([]);
    expect((await get(s.owner, `/api/documents/revisions/${r}/file`)).statusCode).toBe(200);
    expect((await send(s.owner, 'POST', '/api/documents/seed')).statusCode).toBe(403);
  });

  it('owner-authored (仮想マシン暫定対応手順書): the owner writes it, the manager reviews, the supervisor approves; another department does not see the draft', async () => {
    const created = await revise(s.owner, '仮想マシン暫定対応手順書', { reason: '業務システムの再起動手順を追加' });
    expect(created.statusCode).toBe(201);
    const r = created.json().id;
    expect((await get(s.ownerB, `/api/documents/revisions/${r}`)).statusCode).toBe(404);
    expect((await act(s.ownerB, r, 'submit_by_owner')).statusCode).toBe(404);
    await act(s.owner, r, 'submit_by_owner');
    expect((await act(s.mgr, r, 'review_by_manager')).json().state).toBe('approval');
    expect((await act(s.mgr, r, 'approve_by_manager')).statusCode).toBe(409);
    expect((await act(s.sup, r, 'approve_by_supervisor')).json().state).toBe('approved');
  });

  it('a stale version is refused', async () => {
    const r = (await revise(s.op, '作業証跡', { reason: '12月分' })).json().id;
    const res = await send(s.op, 'POST', `/api/documents/revisions/${r}/actions/submit_by_operator`, { version: 99 });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toContain('先に更新');
  });
});

describe('uploads', () => {
  it('too big, refused type, fake signature, no file: 400 naming the file, nothing written', async () => {
    const before = await counts();
    const name = '復旧手順書・対応手順書';
    const cases: [{ fileName: string; data: Buffer } | null, RegExp][] = [
      [{ fileName: '手順.pdf', data: Buffer.concat([samplePdf(), Buffer.alloc(20 * 1024 * 1024)]) }, /20 MiB/],
      [{ fileName: '手順.html', data: Buffer.from('<html><script>x</script></html>') }, /\.html/],
      [{ fileName: '手順.docx', data: Buffer.from('MZ not really a word file') }, /\.docx）の形式ではありません/],
      [null, /添付してください/],
    ];
    for (const [file, message] of cases) {
      const res = await upload(s.op, `/api/documents/${docs[name]!.id}/revisions`, file, { reason: '手順追加' });
      expect(res.statusCode, file?.fileName ?? 'none').toBe(400);
      expect(Object.keys(res.json().error.fields)).toEqual(['file']);
      expect(res.json().error.fields.file).toMatch(message);
    }
    expect(await counts()).toEqual(before);
  });
});

describe('monthly report of register changes', () => {
  it('lists the revisions published in a JST month with reason, author and approver', async () => {
    const nov = (await get(s.sup, '/api/documents/changes?month=2026-11')).json();
    expect(nov.items.map((i: { docNo: string; revisionNo: number }) => `${i.docNo}#${i.revisionNo}`)).toEqual(['DOC-0001#1', 'DOC-0006#1']);
    expect(nov.items[1]).toMatchObject({ name: 'オペレーション手順書・操作マニュアル', reason: 'vCenter 8.0 更新に伴う操作手順の追加', authorLabel: 'op (op)', approvedByLabel: 'mgr (mgr)' });
    const dec = (await get(s.mgr, '/api/documents/changes?month=2026-12')).json();
    expect(dec.items.map((i: { docNo: string; revisionNo: number; stateLabel: { ja: string } }) => [i.docNo, i.revisionNo])).toEqual([
      ['DOC-0001', 2],
      ['DOC-0003', 1],
    ]);
    expect((await get(s.owner, '/api/documents/changes?month=2026-12')).json().items.map((i: { docNo: string }) => i.docNo)).toEqual(['DOC-0003']);
    const bad = await get(s.mgr, '/api/documents/changes?month=2026-13');
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().error.fields)).toEqual(['month']);
  });
});

describe('documents of a change', () => {
  it('attaches register documents to a change (change.manage), lists and detaches them', async () => {
    const now = t.clock.now();
    const [c] = await t.database.db
      .insert(changes)
      .values({ receiptNo: 'CHG-2026-000001', title: 'ESXi パッチ適用', description: 'x', source: 'direct', state: 'registered', registeredAt: now, createdAt: now, updatedAt: now } as typeof changes.$inferInsert)
      .returning();
    const url = `/api/changes/${c!.id}/documents`;
    const docId = docs['復旧手順書・対応手順書']!.id;
    expect((await send(s.sup, 'POST', url, { documentId: docId })).statusCode).toBe(403);
    const attached = await send(s.op, 'POST', url, { documentId: docId });
    expect(attached.statusCode).toBe(201);
    expect(attached.json().items.map((d: { docNo: string }) => d.docNo)).toEqual(['DOC-0004']);
    expect((await send(s.op, 'POST', url, { documentId: docId })).statusCode).toBe(409);
    expect((await send(s.op, 'POST', url, { documentId: '00000000-0000-4000-8000-000000000000' })).statusCode).toBe(400);
    expect((await send(s.op, 'POST', '/api/changes/00000000-0000-4000-8000-000000000000/documents', { documentId: docId })).statusCode).toBe(404);
    expect((await get(s.sup, url)).json().items).toHaveLength(1);
    // Owners read changes on their own systems only (change scope): this change targets none of theirs.
    expect((await get(s.owner, url)).statusCode).toBe(404);
    expect((await send(s.op, 'DELETE', `${url}/${docId}`)).json().items).toEqual([]);
    expect((await send(s.op, 'DELETE', `${url}/${docId}`)).statusCode).toBe(404);
  });
});
