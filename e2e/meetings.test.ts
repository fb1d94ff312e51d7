import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eApp, startE2eApp } from './app.ts';
import { SHOTS } from './browser.ts';

/**
 * 会議体 in the browser (ORG-6): the manager sees N §2.7.3's eight kinds with cadence, registers a
 * 月次報告会 (required attendees pre-filled), records the next maintenance day and an action item, holds
 * it and writes the minutes; the supervisor approves them; the owner sees no meeting they do not attend.
 */
let e: E2eApp;
const pages = {} as Record<'manager' | 'supervisor' | 'owner', Page>;

beforeAll(async () => {
  e = await startE2eApp({ estate: false });
  for (const who of ['manager', 'supervisor', 'owner'] as const) {
    const page = await e.browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'ja-JP' });
    await e.login(page, who);
    pages[who] = page;
  }
}, 120_000);
afterAll(() => e?.close());

async function shot(page: Page, name: string) {
  const path = join(SHOTS, `meetings-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  mkdirSync('/tmp/shots', { recursive: true });
  copyFileSync(path, `/tmp/shots/meetings-${name}.png`);
}

describe('会議体 (ORG-6) in the browser', () => {
  it('the manager registers a 月次報告会 and records its decisions; the supervisor approves the minutes', async () => {
    const p = pages.manager;
    await p.goto(`${e.base}/meetings`);
    await p.getByTestId('kinds-table').waitFor();
    expect(await p.getByTestId('kinds-table').locator('tbody tr').count()).toBe(8);
    await shot(p, '01-kinds');

    await p.getByTestId('kind-monthly_report-new').click();
    const form = p.getByTestId('meeting-form');
    await p.getByTestId('form-starts').fill('2026-12-10T14:00');
    await p.getByTestId('form-ends').fill('2026-12-10T15:30');
    await p.getByTestId('form-place').fill('県庁 5F 第1会議室');
    await shot(p, '02-form');
    await p.getByTestId('form-submit').click();
    await p.locator('[data-testid="meeting-page"][data-state="scheduled"]').waitFor();
    expect(form).toBeTruthy();
    expect(await p.getByTestId('attendee').count()).toBeGreaterThanOrEqual(3);

    await p.getByTestId('decision-kind').click();
    await p.getByRole('option', { name: '次回メンテナンス日' }).click();
    await p.getByTestId('decision-text').fill('次回メンテナンス日を 1月16日（土）とする');
    const df = p.getByTestId('decision-form');
    await df.locator('input[type="date"]').fill('2027-01-16');
    await df.locator('input[type="datetime-local"]').nth(0).fill('2027-01-16T09:00');
    await df.locator('input[type="datetime-local"]').nth(1).fill('2027-01-16T18:00');
    await p.getByTestId('decision-add').click();
    await p.getByTestId('decision').first().waitFor();

    await p.getByTestId('action-title').fill('クラスタ2 のメモリ増設計画を提出');
    await p.getByTestId('action-owner').click();
    await p.getByRole('option', { name: /運用担当者/ }).click();
    await p.getByTestId('action-due').fill('2026-12-20');
    await p.getByTestId('action-add').click();
    await p.getByTestId('action-item').first().waitFor();

    await p.getByTestId('action-hold').click();
    await p.locator('[data-testid="action-form"][data-action="hold"]').getByTestId('action-submit').click();
    await p.locator('[data-testid="meeting-page"][data-state="minutes"]').waitFor();
    await p.getByTestId('minutes-text').fill('1. 11月の品質目標はすべて達成。\n2. クラスタ2 のメモリ使用率が 80% を超えたため増設を検討する。');
    await p.getByTestId('minutes-save').click();
    await p.getByTestId('flash').waitFor();
    await p.getByTestId('action-submit').click();
    await p.locator('[data-testid="action-form"][data-action="submit"]').getByTestId('action-submit').click();
    await p.locator('[data-testid="meeting-page"][data-state="review"]').waitFor();
    await shot(p, '03-meeting-review');
    const url = p.url();

    const s = pages.supervisor;
    await s.goto(url);
    await s.getByTestId('meeting-page').waitFor();
    await s.getByTestId('action-approve_by_supervisor').click();
    await s.locator('[data-testid="action-form"][data-action="approve_by_supervisor"]').getByTestId('action-submit').click();
    await s.locator('[data-testid="meeting-page"][data-state="approved"]').waitFor();
    await shot(s, '04-approved');

    await p.goto(`${e.base}/meetings`);
    await p.getByTestId('meeting-row').first().waitFor();
    await shot(p, '05-list');
    const days = await e.apiGet<{ items: { day: string; decidedAt: string }[] }>(p, '/api/changes/maintenance-days?from=2027-01-01&to=2027-01-31');
    expect(days.items[0]?.decidedAt).toContain('月次報告会');
  }, 120_000);

  it('a system owner sees no meeting they do not attend', async () => {
    const o = pages.owner;
    await o.goto(`${e.base}/meetings`);
    await o.getByTestId('meeting-list').waitFor();
    expect(await o.getByTestId('meeting-row').count()).toBe(0);
  });
});
