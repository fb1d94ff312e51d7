import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleOoxml } from '../src/files/testing.ts';
import { type E2eApp, startE2eApp } from './app.ts';
import { SHOTS } from './browser.ts';

/**
 * システム運用ドキュメント管理 in the browser (DOC-1, DOC-2), as the roles of N §3.6.3.1's table: the
 * manager loads N's register into the empty ドキュメント一覧; the operator (作成／修正担当 of the operation
 * manual) starts a revision with its file and 改版理由 and asks for review; the manager reviews and
 * approves it from her inbox (the operator has no approval button); it is stored and the register shows
 * the new current version; a second revision is compared with the first; a system owner sees only the
 * documents N lets owners see. The browser twin of src/documents/documents.test.ts.
 */
let e: E2eApp;
let base: string;
type Who = 'operator' | 'manager' | 'owner';
const pages = {} as Record<Who, Page>;
const MANUAL = 'オペレーション手順書・操作マニュアル';
let manualId = '';
let rev1 = '';
let file1: Buffer;

beforeAll(async () => {
  // Tuesday 2026-11-24 10:00 JST. No CMDB estate: documents do not need one.
  e = await startE2eApp({ estate: false });
  base = e.base;
  for (const who of ['operator', 'manager', 'owner'] as const) {
    const page = await e.browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'ja-JP' });
    await e.login(page, who);
    pages[who] = page;
  }
  file1 = await sampleOoxml('word', '第4章 vMotion 手順');
}, 120_000);
afterAll(() => e?.close());

/** Screenshots go to the test results and to /tmp/shots (docs-*.png) for a person to look at. */
async function shot(page: Page, name: string) {
  const path = join(SHOTS, `docs-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  mkdirSync('/tmp/shots', { recursive: true });
  copyFileSync(path, `/tmp/shots/docs-${name}.png`);
}

const revisionPage = (page: Page, state: string) => page.locator(`[data-testid="revision-page"][data-state="${state}"]`).waitFor();
const actionsOf = (page: Page) => page.getByTestId('actions').locator('[data-testid^="action-"]').evaluateAll((els) => els.map((x) => x.getAttribute('data-testid')!.slice(7)));

/** One step through the revision page's action button and the ActionDialog. */
async function act(page: Page, action: string, to: string, fill: Record<string, string> = {}) {
  await page.getByTestId(`action-${action}`).click();
  const form = page.locator(`[data-testid="action-form"][data-action="${action}"]`);
  await form.waitFor();
  for (const [k, v] of Object.entries(fill)) await form.getByTestId(`field-${k}`).fill(v);
  await form.getByTestId('action-submit').click();
  await revisionPage(page, to);
  await page.getByTestId('flash').waitFor();
}

async function openLedger(page: Page) {
  await page.goto(`${base}/documents`);
  await page.getByTestId('document-ledger').waitFor();
}

const ledgerDocNos = (page: Page) => page.getByTestId('document-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-doc')));

/** The author starts a revision from the document page: file, 改版理由, 変更内容; lands on the revision page (作成・修正中). */
async function startRevision(page: Page, docId: string, file: { name: string; buffer: Buffer }, reason: string, summary = '') {
  await page.goto(`${base}/documents/${docId}`);
  const form = page.getByTestId('document-start-revision');
  await form.waitFor();
  await form.locator('input[type="file"]').setInputFiles({ name: file.name, mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', buffer: file.buffer });
  await page.getByTestId('revision-reason').fill(reason);
  if (summary) await page.getByTestId('revision-summary').fill(summary);
  await page.getByTestId('revision-start').click();
  await revisionPage(page, 'draft');
  return page.url().split('/').pop()!;
}

describe('ドキュメント一覧 and one revision, role by role', () => {
  it('the manager finds the register empty and loads N §3.6.3.1’s twelve documents', async () => {
    const mgr = pages.manager;
    await mgr.goto(`${base}/`);
    await mgr.getByTestId('nav-documents').first().click();
    await mgr.getByTestId('document-ledger').waitFor();
    expect(await mgr.getByTestId('list-empty').textContent()).toContain('N の管理対象を登録');
    await mgr.getByTestId('document-seed').click();
    await mgr.getByTestId('document-seeded').waitFor();
    expect(await mgr.getByTestId('document-seeded').textContent()).toBe('12 件を登録しました。');
    await expect.poll(() => ledgerDocNos(mgr)).toHaveLength(12);
    const manual = mgr.locator('[data-testid="document-row"][data-doc="DOC-0006"]');
    expect(await manual.textContent()).toContain(MANUAL);
    expect(await manual.textContent()).toContain('未格納');
    // Server-side filter: 記録 only.
    await mgr.getByTestId('filter-kind').click();
    await mgr.getByRole('option', { name: '記録' }).click();
    await expect.poll(() => ledgerDocNos(mgr)).toEqual(['DOC-0008', 'DOC-0009', 'DOC-0010', 'DOC-0011', 'DOC-0012']);
    expect(await mgr.getByTestId('export-csv').getAttribute('href')).toBe('/api/documents.csv?sort=docNo&kind=record');
    const list = await e.apiGet<{ items: { id: string; name: string }[] }>(mgr, '/api/documents?pageSize=100');
    manualId = list.items.find((d) => d.name === MANUAL)!.id;
    await openLedger(mgr);
    await shot(mgr, 'ledger-manager');
  });

  it('the operator (作成／修正担当) starts a revision with the file and 改版理由, and asks for review', async () => {
    const op = pages.operator;
    await openLedger(op);
    expect(await op.getByTestId('document-seed').count()).toBe(0);
    rev1 = await startRevision(op, manualId, { name: '操作マニュアル_v1.docx', buffer: file1 }, 'vCenter 8.0 更新に伴う操作手順の追加', '第4章 vMotion 手順を追加');
    expect(await op.getByTestId('revision-ref').textContent()).toBe('DOC-0006 第1版');
    expect(await op.getByTestId('revision-file-name').textContent()).toBe('操作マニュアル_v1.docx');
    expect(await op.getByTestId('revision-replace').count()).toBe(1);
    expect(await actionsOf(op)).toEqual(['submit_by_operator']);
    await shot(op, 'revision-operator-draft');
    await act(op, 'submit_by_operator', 'review', { comment: 'レビューをお願いします' });
    expect(await op.getByTestId('revision-replace').count()).toBe(0);
    expect(await op.getByTestId('no-actions').count()).toBe(1);
  });

  it('the manager reviews and approves it from her inbox; the operator cannot approve it', async () => {
    const mgr = pages.manager;
    await mgr.goto(`${base}/`);
    const row = mgr.locator(`[data-testid="inbox-row"][data-record="${rev1}"]`);
    await row.waitFor();
    expect(await row.getByTestId('inbox-link').textContent()).toBe('DOC-0006 第1版');
    await row.getByTestId('inbox-link').click();
    await revisionPage(mgr, 'review');
    expect(mgr.url()).toBe(`${base}/documents/revisions/${rev1}`);
    await act(mgr, 'review_by_manager', 'approval');
    const op = pages.operator;
    await op.goto(`${base}/documents/revisions/${rev1}`);
    await revisionPage(op, 'approval');
    expect(await op.getByTestId('action-approve_by_manager').count()).toBe(0);
    await shot(mgr, 'revision-manager-approval');
    await act(mgr, 'approve_by_manager', 'approved', { comment: '承認します' });
  });

  it('stored (サーバ格納): the register shows 第1版 as current; the file downloads with the same bytes', async () => {
    const mgr = pages.manager;
    await act(mgr, 'publish', 'published');
    await openLedger(mgr);
    const manual = mgr.locator('[data-testid="document-row"][data-doc="DOC-0006"]');
    await expect.poll(() => manual.getByTestId('document-current').textContent()).toBe('第1版');
    await manual.getByTestId('document-link').click();
    await mgr.getByTestId('document-page').waitFor();
    expect(await mgr.getByTestId('document-current-badge').textContent()).toBe('現行版：第1版');
    expect(await mgr.getByTestId('document-reason').textContent()).toContain('vCenter 8.0 更新に伴う操作手順の追加');
    const r = mgr.locator('[data-testid="document-revision"][data-rev="1"]');
    expect(await r.getAttribute('data-state')).toBe('published');
    expect(await r.getByTestId('revision-current').count()).toBe(1);
    const href = await r.getByTestId('revision-download').getAttribute('href');
    const dl = await mgr.request.get(`${base}${href}`);
    expect(dl.status()).toBe(200);
    expect(createHash('sha256').update(await dl.body()).digest('hex')).toBe(createHash('sha256').update(file1).digest('hex'));
  });

  it('a second revision supersedes the first (最新版); the document page compares their metadata', async () => {
    const op = pages.operator;
    const rev2 = await startRevision(op, manualId, { name: '操作マニュアル_v2.docx', buffer: await sampleOoxml('word', '第5章 追加') }, 'ESXi 8.0U3 の手順を反映');
    await act(op, 'submit_by_operator', 'review');
    const mgr = pages.manager;
    await mgr.goto(`${base}/documents/revisions/${rev2}`);
    await revisionPage(mgr, 'review');
    await act(mgr, 'review_by_manager', 'approval');
    await act(mgr, 'approve_by_manager', 'approved');
    await op.goto(`${base}/documents/revisions/${rev2}`);
    await revisionPage(op, 'approved');
    await act(op, 'publish', 'published');
    await shot(op, 'revision-operator-published');
    await mgr.goto(`${base}/documents/${manualId}`);
    await mgr.getByTestId('document-page').waitFor();
    expect(await mgr.getByTestId('document-revision').evaluateAll((rs) => rs.map((r) => `${r.getAttribute('data-rev')}:${r.getAttribute('data-state')}`))).toEqual(['2:published', '1:superseded']);
    const diff = mgr.getByTestId('diff-table');
    await diff.waitFor();
    const reason = diff.locator('[data-testid="diff-row"][data-changed="true"]').filter({ hasText: '改版理由' });
    expect(await reason.textContent()).toContain('vCenter 8.0 更新に伴う操作手順の追加');
    expect(await reason.textContent()).toContain('ESXi 8.0U3 の手順を反映');
    expect(await mgr.getByTestId('diff-file').textContent()).toContain('異なります');
    await shot(mgr, 'document-manager');
  });

  it('the manager edits the register entry (a stale version is refused and reloaded); the month’s changes list both revisions', async () => {
    const mgr = pages.manager;
    await mgr.goto(`${base}/documents/${manualId}`);
    await mgr.getByTestId('document-page').waitFor();
    await mgr.getByTestId('document-edit').click();
    await mgr.getByTestId('document-form').waitFor();
    await mgr.getByTestId('doc-field-location').fill('ファイルサーバ ¥¥ops¥docs¥操作');
    // Someone else saves first: the form's version is stale.
    const { csrfToken } = await e.apiGet<{ csrfToken: string }>(mgr, '/api/auth/session');
    const now = await e.apiGet<{ version: number }>(mgr, `/api/documents/${manualId}`);
    const other = await mgr.request.patch(`${base}/api/documents/${manualId}`, { data: { version: now.version, affectsOwners: false }, headers: { 'x-csrf-token': csrfToken } });
    expect(other.status()).toBe(200);
    await mgr.getByTestId('doc-save').click();
    await mgr.getByTestId('stale-alert').waitFor();
    await mgr.getByTestId('stale-alert').getByRole('button').click();
    await mgr.getByTestId('document-form').waitFor();
    await mgr.getByTestId('doc-field-location').fill('ファイルサーバ ¥¥ops¥docs¥操作');
    await mgr.getByTestId('doc-save').click();
    await mgr.getByTestId('flash').waitFor();
    // The flash shows at once; the details follow when the refetch lands.
    await expect.poll(() => mgr.getByTestId('document-details').textContent()).toContain('ファイルサーバ ¥¥ops¥docs¥操作');

    await mgr.goto(`${base}/documents/changes?month=2026-11`);
    await mgr.getByTestId('document-monthly').waitFor();
    await expect.poll(() => mgr.getByTestId('monthly-row').count()).toBe(2);
    const rows = (await mgr.getByTestId('monthly-row').allTextContents()).join('\n');
    expect(rows).toContain('第1版');
    expect(rows).toContain('vCenter 8.0 更新に伴う操作手順の追加');
    expect(rows).toContain('ESXi 8.0U3 の手順を反映');
    await shot(mgr, 'monthly-manager');
    await mgr.goto(`${base}/documents/changes?month=2026-10`);
    await mgr.getByTestId('monthly-none').waitFor();
  });

  it('a change attaches its procedure document from the register and offers its current version', async () => {
    const op = pages.operator;
    const { csrfToken } = await e.apiGet<{ csrfToken: string }>(op, '/api/auth/session');
    const made = await op.request.post(`${base}/api/changes`, {
      data: { title: 'vCenter 8.0U3 適用（e2e ドキュメント）', description: 'vCenter の更新', source: 'direct', targets: [{ ciType: 'platform' }] },
      headers: { 'x-csrf-token': csrfToken },
    });
    expect(made.status(), await made.text()).toBe(201);
    const changeId = ((await made.json()) as { id: string }).id;
    await op.goto(`${base}/changes/${changeId}`);
    const box = op.getByTestId('change-documents');
    await box.waitFor();
    await box.getByTestId('change-documents-none').waitFor();
    await box.getByTestId('change-document-pick').click();
    await op.getByRole('option', { name: `DOC-0006 ${MANUAL}` }).click();
    await box.getByTestId('change-document-attach').click();
    await box.getByTestId('change-document').waitFor();
    expect(await box.getByTestId('change-document').textContent()).toContain(MANUAL);
    expect(await box.getByTestId('change-document-download').textContent()).toBe('第2版 ダウンロード');
    await shot(op, 'change-documents');
    // The supervisor (change.read, no change.manage) would see the list without the picker: the API agrees.
    const listed = await e.apiGet<{ items: { docNo: string }[] }>(op, `/api/changes/${changeId}/documents`);
    expect(listed.items.map((d) => d.docNo)).toEqual(['DOC-0006']);
  });

  it('a system owner sees only what N lets owners see, and writes the VM interim procedure', async () => {
    const owner = pages.owner;
    await openLedger(owner);
    // Affecting owners and stored, or written by owners: only 仮想マシン暫定対応手順書 so far.
    await expect.poll(() => ledgerDocNos(owner)).toEqual(['DOC-0005']);
    expect(await owner.getByTestId('document-seed').count()).toBe(0);
    expect(await owner.getByTestId('document-new').count()).toBe(0);
    await shot(owner, 'ledger-owner');
    await owner.goto(`${base}/documents/${manualId}`);
    await owner.getByTestId('not-found').waitFor();
    await openLedger(owner);
    await owner.locator('[data-testid="document-row"][data-doc="DOC-0005"]').getByTestId('document-link').click();
    await owner.getByTestId('document-page').waitFor();
    expect(await owner.getByTestId('document-revisions-none').count()).toBe(1);
    expect(await owner.getByTestId('document-edit').count()).toBe(0);
    await shot(owner, 'document-owner');
    const vm = owner.url().split('/').pop()!;
    const rev = await startRevision(owner, vm, { name: '暫定対応手順_道路台帳.docx', buffer: await sampleOoxml('word', '再起動手順') }, '業務システムの再起動手順を追加');
    expect(await actionsOf(owner)).toEqual(['submit_by_owner']);
    await act(owner, 'submit_by_owner', 'review');
    await shot(owner, 'revision-owner');
    // The manager reviews it (レビュー担当 管理者); approval is the supervisor's (統括責任者).
    const mgr = pages.manager;
    await mgr.goto(`${base}/documents/revisions/${rev}`);
    await revisionPage(mgr, 'review');
    expect(await actionsOf(mgr)).toContain('review_by_manager');
  });

  it('the screens read in English too', async () => {
    const mgr = pages.manager;
    await mgr.goto(`${base}/documents/${manualId}`);
    await mgr.getByTestId('document-page').waitFor();
    await mgr.getByTestId('lang-switch').getByText('English').click();
    await expect.poll(() => mgr.getByTestId('document-revisions').locator('h3').textContent()).toBe('Revisions');
    expect(await mgr.getByTestId('document-current-badge').textContent()).toBe('Current：Rev. 2');
    await shot(mgr, 'document-manager-en');
    await mgr.getByTestId('lang-switch').getByText('日本語').click();
    await expect.poll(() => mgr.getByTestId('document-revisions').locator('h3').textContent()).toBe('改版履歴');
  });
});
