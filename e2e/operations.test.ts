import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIamService, systemActor } from '../src/iam/index.ts';
import { E2E_PASSWORD, type E2eApp, startE2eApp } from './app.ts';
import { SHOTS } from './browser.ts';

/**
 * オペレーション管理 in the browser (OPS-1, BAK-5, OPS-8), as N §3.10.2.1's table has it: the manager (管理者 ○)
 * loads N's standard operations and proposes a new entry — the operator has no such button; the lead reviews,
 * the manager records the training (day and attendees), the supervisor approves from her inbox, and the list
 * shows the entry with its revision and training record. A system owner asks for a restore of their own VM;
 * it waits in the operator's inbox with its deadline; the operator accepts, works the checklist, reports with
 * the evidence; the owner confirms. Another department's owner gets the not-found page for it.
 * The browser twin of src/operations/operations.test.ts.
 */
let e: E2eApp;
let base: string;
type Who = 'operator' | 'manager' | 'lead' | 'supervisor' | 'owner' | 'owner-kasen';
const pages = {} as Record<Who, Page>;
const TITLE = '証明書の有効期限確認';
let changeId = '';
let restoreId = '';

beforeAll(async () => {
  // Tuesday 2026-11-24 10:00 JST, the demo organisation and estate.
  e = await startE2eApp();
  base = e.base;
  // The owner of another department (土木部 河川課), with a password the test knows.
  const kasen = e.org.departments.find((d) => d.code === 'DOB-KAS')!;
  await createIamService({ db: e.database.db, clock: e.clock }).createPerson(systemActor('e2e'), {
    login: 'owner-kasen',
    displayName: '河川課 システム担当',
    email: 'owner-kasen@demo.kiban.example',
    departmentId: kasen.id,
    password: E2E_PASSWORD,
    roles: ['system_owner'],
  });
  for (const who of ['operator', 'manager', 'lead', 'supervisor', 'owner', 'owner-kasen'] as const) {
    const page = await e.browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'ja-JP' });
    await e.login(page, who);
    pages[who] = page;
  }
}, 120_000);
afterAll(() => e?.close());

/** Screenshots go to the test results and to /tmp/shots (ops-*.png) for a person to look at. */
async function shot(page: Page, name: string) {
  const path = join(SHOTS, `ops-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  mkdirSync('/tmp/shots', { recursive: true });
  copyFileSync(path, `/tmp/shots/ops-${name}.png`);
}

const recordPage = (page: Page, testId: string, state: string) => page.locator(`[data-testid="${testId}"][data-state="${state}"]`).waitFor();

/** One step through the record page's action button and the ActionDialog. */
async function act(page: Page, testId: string, action: string, to: string, fill: Record<string, string> = {}) {
  await page.getByTestId(`action-${action}`).click();
  const form = page.locator(`[data-testid="action-form"][data-action="${action}"]`);
  await form.waitFor();
  for (const [k, v] of Object.entries(fill)) await form.getByTestId(`field-${k}`).fill(v);
  await form.getByTestId('action-submit').click();
  await recordPage(page, testId, to);
  await page.getByTestId('flash').waitFor();
}

/** Opens the record from the person's inbox on the home screen. */
async function fromInbox(page: Page, id: string) {
  await page.goto(`${base}/`);
  const row = page.locator(`[data-testid="inbox-row"][data-record="${id}"]`);
  await row.waitFor();
  await row.getByTestId('inbox-link').click();
  return row;
}

describe('オペレーション一覧 (OPS-1)', () => {
  it('the manager loads N’s standard operations; the operator reads the list but may not propose', async () => {
    const mgr = pages.manager;
    await mgr.goto(`${base}/operations`);
    await mgr.getByTestId('operations-ledger').waitFor();
    await mgr.getByTestId('operations-seed').click();
    await mgr.getByTestId('operations-seeded').waitFor();
    await mgr.locator('[data-testid="operation-row"]').first().waitFor();
    expect(await mgr.getByTestId('operation-row').count()).toBeGreaterThan(8);
    const op = pages.operator;
    await op.goto(`${base}/operations`);
    await op.locator('[data-testid="operation-row"]').first().waitFor();
    expect(await op.getByTestId('operation-new').count()).toBe(0);
    expect(await op.getByTestId('export-xlsx').getAttribute('href')).toContain('/api/operations/entries.xlsx');
    await shot(mgr, '01-list');
  });

  it('a half-filled proposal is refused naming the field; the full one goes to review', async () => {
    const mgr = pages.manager;
    await mgr.getByTestId('operation-new').click();
    const form = mgr.getByTestId('change-form');
    await mgr.getByTestId('cf-title').waitFor();
    await mgr.getByTestId('cf-title').fill(TITLE);
    await mgr.getByTestId('cf-reason').fill('証明書切れによる停止の防止');
    await mgr.getByTestId('cf-submit').click();
    await mgr.getByTestId('cf-error').waitFor();
    expect(await form.textContent()).toContain('オペレーション手順');
    await mgr.getByTestId('cf-schedule').fill('毎月第1営業日');
    await mgr.getByTestId('cf-procedure').fill('証明書一覧を確認し、90日以内に期限切れとなるものを管理者に報告する。');
    await mgr.getByTestId('cf-evidence').fill('証明書一覧の画面写し');
    await mgr.getByTestId('cf-preconditions').fill('証明書一覧が最新であること');
    await mgr.getByTestId('cf-keywords').fill('証明書');
    await shot(mgr, '02-proposal-form');
    await mgr.getByTestId('cf-submit').click();
    await recordPage(mgr, 'change-page', 'draft');
    changeId = mgr.url().split('/').pop()!;
    await act(mgr, 'change-page', 'submit', 'review');
  });

  it('the lead reviews; the manager records the training (day and attendees); the supervisor approves from her inbox', async () => {
    const lead = pages.lead;
    await fromInbox(lead, changeId);
    await recordPage(lead, 'change-page', 'review');
    await act(lead, 'change-page', 'review_ok', 'training');
    const mgr = pages.manager;
    await mgr.goto(`${base}/operations/changes/${changeId}`);
    await recordPage(mgr, 'change-page', 'training');
    // A day after today is refused, naming the field; nothing moves.
    await mgr.getByTestId('action-record_training').click();
    const dialog = mgr.locator('[data-testid="action-form"][data-action="record_training"]');
    await dialog.waitFor();
    await dialog.getByTestId('field-trainingDate').fill('2026-11-30');
    await dialog.getByTestId('field-trainingAttendees').fill('運用担当者（佐藤 翔太）\n運用担当者2');
    await dialog.getByTestId('action-submit').click();
    await dialog.getByText('未来の日付').waitFor();
    await dialog.getByTestId('field-trainingDate').fill('2026-11-24');
    await dialog.getByTestId('action-submit').click();
    await recordPage(mgr, 'change-page', 'approval');
    expect(await mgr.getByTestId('change-training').textContent()).toContain('運用担当者2');
    expect(await mgr.getByTestId('action-approve').count()).toBe(0);
    const sup = pages.supervisor;
    await fromInbox(sup, changeId);
    await recordPage(sup, 'change-page', 'approval');
    await shot(sup, '03-change-approval');
    await act(sup, 'change-page', 'approve', 'applied');
    await pages.operator.goto(`${base}/operations?q=${encodeURIComponent(TITLE)}`);
    const row = pages.operator.locator('[data-testid="operation-row"]').filter({ hasText: TITLE });
    await row.waitFor();
    await row.getByTestId('operation-link').click();
    await pages.operator.getByTestId('entry-page').waitFor();
    expect(await pages.operator.getByTestId('entry-revision-training').first().textContent()).toContain('2026-11-24');
    await shot(pages.operator, '04-entry');
  });
});

describe('リストア依頼 (BAK-5)', () => {
  it('the owner asks for a restore of their own VM; it lands on its page with its deadline', async () => {
    const owner = pages.owner;
    await owner.goto(`${base}/operations/restores`);
    await owner.getByTestId('restore-ledger').waitFor();
    await owner.getByTestId('restore-new').click();
    await owner.getByTestId('rf-vm').waitFor();
    await owner.getByTestId('rf-vm').click();
    const first = owner.locator('[role="option"]:visible').first();
    await first.waitFor();
    const vmName = (await first.textContent())!;
    await first.click();
    // A file restore needs its path: refused naming the field.
    await owner.getByTestId('rf-kind').getByText('ファイル/フォルダ単位').click();
    await owner.getByTestId('rf-point').fill('2026-11-23 夜間');
    await owner.getByTestId('rf-reason').fill('共有フォルダを誤って削除した');
    await owner.getByTestId('rf-submit').click();
    await owner.getByTestId('restore-form').getByText('ファイル/フォルダのパス').first().waitFor();
    await owner.getByTestId('rf-target').fill('D:\\share\\道路台帳\\2026');
    await shot(owner, '05-restore-form');
    await owner.getByTestId('rf-submit').click();
    await recordPage(owner, 'restore-page', 'requested');
    restoreId = owner.url().split('/').pop()!;
    expect(await owner.getByTestId('restore-vm').textContent()).toContain(vmName);
    expect(await owner.getByTestId('restore-entry').textContent()).toContain('リストア（ファイル/フォルダ単位）');
    await owner.getByTestId('deadline-restore').waitFor();
    expect(await owner.getByTestId('action-accept').count()).toBe(0);
  });

  it('waits in the operator’s inbox; accepted, checklist worked, reported with evidence; the owner confirms', async () => {
    const op = pages.operator;
    const row = await fromInbox(op, restoreId);
    expect(row).toBeTruthy();
    await recordPage(op, 'restore-page', 'requested');
    await act(op, 'restore-page', 'accept', 'in_progress');
    const boxes = op.getByTestId('restore-checklist').locator('input[type="checkbox"]');
    const n = await boxes.count();
    expect(n).toBeGreaterThan(3);
    for (let i = 0; i < n; i++) {
      // Controlled by the server's answer: ticked once saved (who and when beside it).
      await boxes.nth(i).click();
      await op.waitForFunction((k) => document.querySelectorAll('[data-testid="restore-checklist"] input[type="checkbox"]:checked').length > k, i);
      await op.getByTestId('restore-checklist').locator('input[type="checkbox"]:not([disabled])').first().waitFor();
    }
    await act(op, 'restore-page', 'complete', 'awaiting_confirmation', { evidence: '\\\\ops\\evidence\\リストア 作業前後の画面写し' });
    await shot(op, '06-restore-reported');
    const owner = pages.owner;
    await fromInbox(owner, restoreId);
    await recordPage(owner, 'restore-page', 'awaiting_confirmation');
    await act(owner, 'restore-page', 'confirm', 'closed');
    expect(await owner.getByTestId('restore-evidence').textContent()).toContain('作業前後の画面写し');
    await shot(owner, '07-restore-closed');
  });

  it('another department’s owner gets the not-found page and an empty list', async () => {
    const other = pages['owner-kasen'];
    await other.goto(`${base}/operations/restores/${restoreId}`);
    await other.getByTestId('not-found').waitFor();
    const res = await other.request.get(`${base}/api/operations/restores/${restoreId}`);
    expect(res.status()).toBe(404);
    await other.goto(`${base}/operations/restores`);
    await other.getByTestId('restore-ledger').waitFor();
    await other.getByTestId('list-empty').waitFor();
  });

  it('the licence panel on the owner’s VM page counts every host it may run on', async () => {
    const owner = pages.owner;
    const r = await e.apiGet<{ vmId: string }>(owner, `/api/operations/restores/${restoreId}`);
    await owner.goto(`${base}/cmdb/vms/${r.vmId}`);
    const panel = owner.getByTestId('licence-panel');
    await panel.waitFor();
    await panel.getByTestId('licence-processor').waitFor();
    const lic = await e.apiGet<{ mayRunOn: string[]; lines: { unit: string; count: number | null }[] }>(owner, `/api/operations/licences?vmId=${r.vmId}`);
    expect(await panel.getByTestId('licence-processor').getAttribute('data-count')).toBe(String(lic.lines.find((l) => l.unit === 'processor')!.count));
    await panel.getByTestId('licence-users').fill('25');
    await panel.locator('[data-testid="licence-user"][data-count="25"]').waitFor();
    await panel.scrollIntoViewIfNeeded();
    await shot(owner, '08-licence');
  });
});
