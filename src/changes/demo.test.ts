import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../demo/index.ts';
import { loadDemoDocuments } from '../documents/demo.ts';
import { documentRevisions, documents } from '../documents/schema.ts';
import { TEST_PASSWORD, type TestApp, testApp } from '../http/testing.ts';
import { ConflictError } from '../kernel/errors.ts';
import { outbox } from '../notify/index.ts';
import { loadDemoChanges } from './demo.ts';
import { changeProcess } from './process.ts';
import { changes, maintenanceDays, releases } from './schema.ts';

/**
 * The demo as a user sees it (issue 10): the change ledger with a change in every state and from
 * every source, the finished release's N mails, the rolled-back release, the preventive maintenance
 * half applied, the service-level checklist partly done, the release approved for the coming
 * maintenance day on 変更スケジュール, the emergency release under way (抑止中 on the board), and the
 * document register with versions. A second load is refused and duplicates nothing.
 */
let t: TestApp;
type Session = { cookie: string; csrf: string };
let mgr: Session;
let ms = 0;
type Row = { id: string; receiptNo: string; state: string; source: string; title: string };
let ledger: Row[] = [];

const get = (s: Session, url: string) => t.app.inject({ url, headers: { cookie: s.cookie } });
const json = async (s: Session, url: string) => {
  const res = await get(s, url);
  expect(res.statusCode, url).toBe(200);
  return res.json();
};
const db = () => t.database.db;
const counts = async () => ({
  changes: (await db().select({ n: count() }).from(changes))[0]!.n,
  releases: (await db().select({ n: count() }).from(releases))[0]!.n,
  days: (await db().select({ n: count() }).from(maintenanceDays))[0]!.n,
  documents: (await db().select({ n: count() }).from(documents))[0]!.n,
  revisions: (await db().select({ n: count() }).from(documentRevisions))[0]!.n,
  mails: (await db().select({ n: count() }).from(outbox))[0]!.n,
});

beforeAll(async () => {
  t = await testApp();
  const t0 = performance.now();
  await loadDemo(t.database.db, t.clock, { password: TEST_PASSWORD });
  ms = performance.now() - t0;
  mgr = await t.login('manager');
  ledger = (await json(mgr, '/api/changes?pageSize=100')).items;
}, 180_000);
afterAll(() => t?.close());

describe('the change demo', () => {
  it('the ledger has a change in every state of the change process and from every source', () => {
    const states = new Set(ledger.map((c) => c.state));
    for (const s of Object.keys(changeProcess.states)) expect(states, s).toContain(s);
    expect(new Set(ledger.map((c) => c.source))).toEqual(new Set(['problem_fix', 'preventive_maintenance', 'service_level_change', 'direct']));
    // Numbered in registration order.
    const byDate = [...ledger].sort((a, b) => a.receiptNo.localeCompare(b.receiptNo));
    expect(byDate.map((c) => c.receiptNo)).toEqual([...ledger].reverse().map((c) => c.receiptNo));
    console.log(`loadDemo: ${Math.round(ms)} ms`);
  });

  it('one change was sent back by 再検討を指示 to preparing, with its reason in the history', async () => {
    const c = ledger.find((x) => x.state === 'preparing' && x.title.includes('vCenter'))!;
    const page = await json(mgr, `/api/changes/${c.id}`);
    expect(JSON.stringify(page.process)).toContain('ESXi パッチ適用の完了後に実施する順序で計画を見直すこと');
    // Every history entry of the demo's changes has its label (no raw action key on a timeline), and
    // each change's and release's history runs forward in time, none of it after now.
    type Entry = { action: string; at: string; label: { ja: string } };
    const forward = (h: Entry[], ref: string) => {
      const times = h.map((e) => new Date(e.at).getTime());
      expect(times, ref).toEqual([...times].sort((a, b) => a - b));
      expect(Math.max(...times), ref).toBeLessThanOrEqual(t.clock.now().getTime());
    };
    for (const x of ledger) {
      const page = await json(mgr, `/api/changes/${x.id}`);
      expect(page.process.history.filter((h: Entry) => h.label.ja === h.action).map((h: Entry) => h.action), x.receiptNo).toEqual([]);
      forward(page.process.history, x.receiptNo);
      for (const r of page.releases) forward((await json(mgr, `/api/changes/releases/${r.id}`)).process.history, r.releaseNo);
    }
  });

  it('the problem fix closed with its release finished normally, the start and end mails as N prints them, and the problem closed with it', async () => {
    const c = ledger.find((x) => x.source === 'problem_fix')!;
    expect(c.state).toBe('closed');
    const page = await json(mgr, `/api/changes/${c.id}`);
    expect(page.releases.map((r: { state: string }) => r.state)).toEqual(['completed']);
    const subjects = page.mails.map((m: { subject: string }) => m.subject);
    expect(subjects).toContain('【第三期サーバ仮想化統合基盤】変更作業開始連絡');
    expect(subjects).toContain('【第三期サーバ仮想化統合基盤】変更作業終了連絡');
    expect(page.problem.state).toBe('closed');
  });

  it('the storage firmware release shows 異常発生 → 切戻し: rolled back, its end mail says so', async () => {
    const c = ledger.find((x) => x.state === 'completion_review')!;
    const page = await json(mgr, `/api/changes/${c.id}`);
    const r = page.releases[0];
    expect(r).toMatchObject({ state: 'rolled_back', result: 'rolled_back' });
    const view = await json(mgr, `/api/changes/releases/${r.id}`);
    expect(view.release.anomalyReport).toBeTruthy();
    expect(view.release.rollbackReason).toBeTruthy();
    expect(view.evidence.map((e: { fileName: string }) => e.fileName)).toEqual(['切戻し記録_ストレージFW.txt']);
    const end = view.mails.find((m: { subject: string }) => m.subject.endsWith('変更作業終了連絡'));
    expect(end.body ?? end.text).toContain('切戻し');
  });

  it('the ESXi patch is half applied: coverage shows targets done and remaining; its second release is approved for the coming maintenance day, on the schedule with its suppression', async () => {
    const c = ledger.find((x) => x.source === 'preventive_maintenance')!;
    expect(c.state).toBe('implementing');
    const list = await json(mgr, `/api/changes/${c.id}/tasks`);
    expect(list.coverage.applied).toBeGreaterThan(0);
    expect(list.coverage.remaining).toBeGreaterThan(0);
    expect(list.coverage.complete).toBe(false);
    const page = await json(mgr, `/api/changes/${c.id}`);
    expect(page.releases.map((r: { state: string }) => r.state)).toEqual(['completed', 'approved']);
    const planned = page.releases[1];
    const month = new Date(new Date(planned.plannedStart).getTime() + 9 * 3600_000).toISOString().slice(0, 7);
    const schedule = await json(mgr, `/api/changes/schedule?month=${month}`);
    type Entry = { kind: string; ref: string; from: string; state: string };
    expect(schedule.entries.find((e: Entry) => e.kind === 'release' && e.ref === planned.releaseNo)).toMatchObject({ state: 'approved' });
    // The approval made the 静観 suppression of the window.
    expect(schedule.entries.find((e: Entry) => e.kind === 'suppression' && e.from === planned.plannedStart)).toMatchObject({ ref: '静観', state: 'approved' });
    expect(schedule.days.filter((d: { maintenance: boolean }) => d.maintenance).length).toBeGreaterThanOrEqual(1);
  });

  it('the service-level change has its N §3.4.3.4 checklist partly done', async () => {
    const c = ledger.find((x) => x.source === 'service_level_change')!;
    const list = await json(mgr, `/api/changes/${c.id}/tasks`);
    const status = list.tasks.map((x: { status: string }) => x.status);
    expect(status).toContain('done');
    expect(status).toContain('open');
  });

  it('the emergency release under way: monitoring items on its host are 抑止中 on the board', async () => {
    const c = ledger.find((x) => x.title.includes('（緊急）'))!;
    const page = await json(mgr, `/api/changes/${c.id}`);
    expect(page.releases[0]).toMatchObject({ state: 'in_progress', emergency: true });
    const board = await json(mgr, '/api/monitoring/board?by=host');
    expect(board.totals.suppressed).toBeGreaterThan(0);
  });
});

describe('the document demo', () => {
  it('N’s register has its 12+ rows; one document has two published versions, another v1 → v2 (旧版); a revision waits for approval; the patch change has its procedure attached', async () => {
    const list = await json(mgr, '/api/documents?pageSize=100');
    expect(list.total).toBeGreaterThanOrEqual(12);
    type Doc = { id: string; name: string };
    const doc = async (name: string) => json(mgr, `/api/documents/${list.items.find((d: Doc) => d.name === name).id}`);
    const recovery = await doc('復旧手順書・対応手順書');
    expect(recovery.revisions.filter((r: { state: string }) => r.state === 'published').map((r: { revisionNo: number }) => r.revisionNo)).toEqual([2, 1]);
    const standards = await doc('運用基準書');
    expect(standards.revisions.map((r: { state: string }) => r.state)).toEqual(['published', 'superseded']);
    expect(standards.currentRevisionNo).toBe(2);
    expect(standards.revisionReason).toContain('見直し');
    const design = await doc('システム設計書');
    expect(design.revisions[0].state).toBe('approval');
    const patch = ledger.find((x) => x.source === 'preventive_maintenance')!;
    const attached = await json(mgr, `/api/changes/${patch.id}/documents`);
    expect(attached.items.map((d: { name: string }) => d.name)).toContain('オペレーション手順書・操作マニュアル');
    // The uploaded files download with their content.
    const file = await get(mgr, `/api/documents/revisions/${standards.revisions[0].id}/file`);
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  });
});

describe('loading twice', () => {
  it('a second demo load is refused (the database is not empty) and the module loaders add nothing again', async () => {
    const before = await counts();
    await expect(loadDemo(db(), t.clock, { password: TEST_PASSWORD })).rejects.toBeInstanceOf(ConflictError);
    expect((await loadDemoChanges(db(), t.clock)).loaded).toBe(false);
    expect((await loadDemoDocuments(db(), t.clock)).loaded).toBe(false);
    expect(await counts()).toEqual(before);
  });
});
