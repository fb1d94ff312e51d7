import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJstLocal } from '../src/calendar/index.ts';
import { systemActor } from '../src/iam/index.ts';
import { createIncidentService } from '../src/incidents/index.ts';
import { type E2eApp, startE2eApp } from './app.ts';
import { SHOTS } from './browser.ts';

/**
 * The incident desk's daily work in the browser: the priority review of open troubles (N §3.2.3.4),
 * the stocktake with its record and history (INC-9, the day's automatic record among them), and the
 * preventive-maintenance target list added to and edited (PRB-4) — with Japanese field errors.
 */
let e: E2eApp;
let troubleNo = '';
/** Another High trouble, left as it is: its first report is overdue for the stocktake. */
let lateNo = '';
let qaNo = '';

beforeAll(async () => {
  // Tuesday 2026-11-24 10:00 JST (the helper's clock), the day after 勤労感謝の日.
  e = await startE2eApp({ estate: false });
  const svc = createIncidentService({ db: e.database.db, clock: e.clock });
  const admin = systemActor('e2e');
  // A platform-wide High trouble detected at 09:30: its first report (within 5 minutes) is overdue.
  troubleNo = (
    await svc.register(admin, {
      title: '共有ストレージの応答遅延',
      description: '全ホストでI/O遅延',
      source: 'monitoring',
      class: 'trouble',
      detectedAt: parseJstLocal('2026-11-24T09:30').toISOString(),
      urgency: { citizenServiceStopped: true, citizenImpact: false, financialOrReputation: false, wideImpact: true },
      platformCaused: true,
      affected: { platform: true },
    })
  ).receiptNo;
  lateNo = (
    await svc.register(admin, {
      title: 'ESXiホストの応答なし',
      description: 'hq-esx03 が応答しない',
      source: 'monitoring',
      class: 'trouble',
      detectedAt: parseJstLocal('2026-11-24T09:10').toISOString(),
      urgency: { citizenServiceStopped: false, citizenImpact: true, financialOrReputation: false, wideImpact: false },
      platformCaused: true,
      affected: { platform: true },
    })
  ).receiptNo;
  qaNo = (await svc.register(admin, { title: '移行手順の質問', description: '移行について', source: 'system_owner', class: 'qa' })).receiptNo;
  // The automatic stocktake of this morning's opening.
  expect(await svc.runDailyStocktake()).toMatchObject({ atRisk: true });
});
afterAll(() => e?.close());

async function login(who: string): Promise<Page> {
  const page = await e.browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'ja-JP' });
  await e.login(page, who);
  return page;
}
const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `ops-${name}.png`), fullPage: true });

describe('priority review (優先度の見直し)', () => {
  it('the manager re-judges a trouble’s urgency with a reason; without one the field says so', async () => {
    const page = await login('manager');
    await page.goto(`${e.base}/incidents`);
    expect(await page.getByTestId('nav-incident-priority').textContent()).toBe('優先度の見直し');
    await page.getByTestId('nav-incident-priority').click();
    // The click navigates asynchronously: wait for the menu to mark the new page.
    await expect.poll(() => page.getByTestId('nav-incident-priority').getAttribute('aria-current')).toBe('page');
    await expect.poll(() => page.getByTestId('nav-incidents').getAttribute('aria-current')).toBeNull();
    await page.getByTestId('priority-review').waitFor();
    const row = page.locator(`[data-testid="priority-row"][data-receipt="${troubleNo}"]`);
    await expect.poll(() => row.getAttribute('data-priority')).toBe('high');
    expect(await row.getByTestId('criterion-citizenServiceStopped').textContent()).toBe('県民サービス停止');
    expect(await row.getByTestId('criterion-wideImpact').textContent()).toBe('県庁全体・多数部門');
    await shot(page, 'priority-list');
    await row.getByTestId('priority-open').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('urgency-citizenServiceStopped').uncheck();
    await dialog.getByTestId('urgency-wideImpact').uncheck();
    expect(await dialog.getByTestId('priority-result').getAttribute('data-priority')).toBe('low');
    await dialog.getByTestId('priority-submit').click();
    await expect.poll(() => dialog.getByText('必須項目です。').count()).toBe(1);
    await shot(page, 'priority-dialog');
    await dialog.getByTestId('priority-reason').fill('影響は一部のバッチ処理に限られることを統括責任者と確認');
    await dialog.getByTestId('priority-submit').click();
    await expect.poll(() => page.getByTestId('flash').textContent()).toBe(`${troubleNo} の優先度を見直しました（低）。`);
    await expect.poll(() => row.getAttribute('data-priority')).toBe('low');
    expect(await row.getByTestId('criteria-none').textContent()).toBe('該当なし');
    await page.close();
  });

  it('the operator sees the list but cannot review', async () => {
    const page = await login('operator');
    await page.goto(`${e.base}/incidents/priority`);
    await page.getByTestId('priority-readonly').waitFor();
    await page.locator('[data-testid="priority-row"]').first().waitFor();
    expect(await page.getByTestId('priority-open').count()).toBe(0);
    await page.close();
  });
});

describe('daily stocktake (棚卸)', () => {
  it('the manager sees what is undispatched and overdue, records the stocktake with its corrective action, and finds it in the history beside the automatic one', async () => {
    const page = await login('manager');
    await page.goto(`${e.base}/incidents`);
    await page.getByTestId('nav-incident-stocktake').click();
    await page.getByTestId('stocktake-now').waitFor();
    expect(await page.getByTestId('st-overdue').textContent()).toContain(lateNo);
    expect(await page.getByTestId('st-overdue').textContent()).toContain('第一報');
    expect(await page.getByTestId('st-undispatched').textContent()).toContain(qaNo);
    // Something is overdue: the form starts "at risk".
    expect(await page.getByTestId('stocktake-atRisk').isChecked()).toBe(true);
    await expect.poll(() => page.locator('[data-testid="stocktake-record"][data-auto="true"]').count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'ops-stocktake-top.png') });
    await page.getByTestId('stocktake-submit').click();
    await expect.poll(() => page.getByTestId('stocktake-form').getByText('必須項目です。').count()).toBe(1);
    await page.getByTestId('stocktake-note').fill('第一報の遅延（夜間の検知後）');
    await page.getByTestId('stocktake-corrective').fill('報告当番を朝礼前に確認する');
    await page.getByTestId('stocktake-submit').click();
    await expect.poll(() => page.getByTestId('flash').textContent()).toBe('棚卸を記録し、統括責任者にメールで報告しました。');
    await expect.poll(() => page.locator('[data-testid="stocktake-record"]').count()).toBe(2);
    const mine = page.locator('[data-testid="stocktake-record"][data-auto="false"]');
    expect(await mine.textContent()).toContain('報告当番を朝礼前に確認する');
    expect(await mine.textContent()).toContain('報告済');
    await shot(page, 'stocktake');
    await page.close();
  });

  it('the supervisor reads the stocktake and its history, and records nothing', async () => {
    const page = await login('supervisor');
    await page.goto(`${e.base}/incidents/stocktake`);
    await page.getByTestId('stocktake-readonly').waitFor();
    await expect.poll(() => page.locator('[data-testid="stocktake-record"]').count()).toBe(2);
    await page.close();
  });
});

describe('preventive-maintenance target list (予防保守対象機器一覧)', () => {
  it('the manager adds a target (the name is required) and edits it', async () => {
    const page = await login('manager');
    await page.goto(`${e.base}/problems/targets`);
    await page.getByTestId('preventive-targets').waitFor();
    await page.getByTestId('target-add').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('target-submit').click();
    await expect.poll(() => dialog.getByText('必須項目です。').count()).toBe(1);
    await dialog.getByTestId('target-category').click();
    await page.getByRole('option', { name: 'ソフトウェア' }).click();
    await dialog.getByTestId('target-name').fill('vCenter Server 8.0');
    await dialog.getByTestId('target-vendor').fill('Broadcom');
    await dialog.getByTestId('target-collectionMethod').fill('セキュリティアドバイザリのメール購読');
    await dialog.getByTestId('target-submit').click();
    await expect.poll(() => page.getByTestId('flash').textContent()).toBe('vCenter Server 8.0 を追加しました。');
    const row = page.locator('[data-testid="target-row"]', { hasText: 'vCenter Server 8.0' });
    expect(await row.textContent()).toContain('ソフトウェア');
    await row.getByTestId('target-edit').click();
    expect(await dialog.getByTestId('target-name').inputValue()).toBe('vCenter Server 8.0');
    await dialog.getByTestId('target-name').fill('');
    await dialog.getByTestId('target-submit').click();
    await expect.poll(() => dialog.getByText('必須項目です。').count()).toBe(1);
    await shot(page, 'targets-dialog');
    await dialog.getByTestId('target-name').fill('vCenter Server 8.0 U3');
    await dialog.getByTestId('target-active').uncheck();
    await dialog.getByTestId('target-submit').click();
    await expect.poll(() => page.getByTestId('flash').textContent()).toBe('vCenter Server 8.0 U3 を保存しました。');
    const edited = page.locator('[data-testid="target-row"]', { hasText: 'vCenter Server 8.0 U3' });
    expect(await edited.getAttribute('data-active')).toBe('false');
    expect(await edited.textContent()).toContain('対象外');
    await shot(page, 'targets');
    await page.close();
  });

  it('the supervisor reads the list without add or edit', async () => {
    const page = await login('supervisor');
    await page.goto(`${e.base}/problems/targets`);
    await page.locator('[data-testid="target-row"]').first().waitFor();
    expect(await page.getByTestId('target-add').count()).toBe(0);
    expect(await page.getByTestId('target-edit').count()).toBe(0);
    await page.close();
  });
});
