import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eApp, startE2eApp } from './app.ts';
import { act, shot as shotAs } from './workbench.ts';

/**
 * 半期報告 in the browser (SLM-7, N §3.1.3.3): the operator drafts the first half of FY2026 (the demo clock
 * stands at 2026-11-24, so 2026-H1 is over and 2026-H2 is not), writes the migration plan, and submits it;
 * the manager reviews it from the list; the supervisor opens it from her inbox and approves it.
 */
let e: E2eApp;
const pages = {} as Record<'operator' | 'manager' | 'supervisor' | 'owner', Page>;

beforeAll(async () => {
  e = await startE2eApp();
  for (const who of ['operator', 'manager', 'supervisor', 'owner'] as const) {
    const page = await e.browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'ja-JP' });
    await e.login(page, who);
    pages[who] = page;
  }
}, 180_000);
afterAll(() => e?.close());

const shot = (page: Page, name: string) => shotAs(page, 'halfyear', name);
const state = (p: Page, s: string) => p.locator(`[data-testid="halfyear-page"][data-state="${s}"]`).waitFor();

describe('半期報告 (SLM-7) in the browser', () => {
  it('operator drafts and writes the plan → manager reviews → supervisor approves from her inbox', async () => {
    const op = pages.operator;
    await op.goto(`${e.base}/reports/halfyear`);
    await op.getByTestId('halfyear-screen').waitFor();
    // The half not over yet is refused, and nothing is listed.
    await op.getByTestId('hy-draft-half').fill('2026-H2');
    await op.getByTestId('hy-draft').click();
    await op.getByText('2026-H2 はまだ終わっていません', { exact: false }).waitFor();
    expect(await op.getByTestId('halfyear-row').count()).toBe(0);

    await op.getByTestId('hy-draft-half').fill('2026-H1');
    await op.getByTestId('hy-draft').click();
    await state(op, 'draft');
    expect(await op.getByTestId('halfyear-title').textContent()).toContain('2026年度 上期');
    for (const s of ['hy-kpis', 'hy-scope', 'hy-forecast', 'hy-migration']) await op.getByTestId(s).waitFor();
    // Six months of KPI figures and a chart per resource.
    expect(await op.getByTestId('hy-kpi-availability_a').locator('td').count()).toBeGreaterThanOrEqual(8);
    await op.getByTestId('hy-chart-cpu').locator('canvas').waitFor();

    await op.getByTestId('hy-migrationPlan').fill('下期に 12 システムを移行（うち 3 システムは新規構築）');
    await op.getByTestId('hy-texts-save').first().click();
    await op.getByTestId('flash').waitFor();
    await op.reload();
    await op.getByTestId('hy-migrationPlan').waitFor();
    expect(await op.getByTestId('hy-migrationPlan').inputValue()).toContain('12 システム');
    await shot(op, '01-draft');
    await act(op, 'submit');
    await state(op, 'review');
    expect(await op.getByTestId('hy-texts-save').count()).toBe(0);

    const mgr = pages.manager;
    await mgr.goto(`${e.base}/reports/halfyear`);
    const row = mgr.locator('[data-testid="halfyear-row"][data-half="2026-H1"]');
    expect(await row.getByTestId('halfyear-waiting').textContent()).toBe('管理者');
    await row.getByRole('link').first().click();
    await state(mgr, 'review');
    await act(mgr, 'review');
    await state(mgr, 'approval');

    const sup = pages.supervisor;
    await sup.goto(`${e.base}/`);
    const entry = sup.locator('[data-testid="inbox-row"][data-process="halfyear_report"]');
    await entry.waitFor();
    await entry.getByTestId('inbox-link').click();
    await state(sup, 'approval');
    expect(await sup.getByTestId('hy-migrationPlan-text').textContent()).toContain('12 システム');
    await shot(sup, '02-approval');
    await act(sup, 'approve');
    await state(sup, 'approved');
    await sup.goto(`${e.base}/`);
    await sup.getByTestId('inbox').waitFor();
    expect(await sup.locator('[data-testid="inbox-row"][data-process="halfyear_report"]').count()).toBe(0);
  });

  it('an owner is refused: 403 from the API, no page', async () => {
    const p = pages.owner;
    expect(await p.evaluate(async () => (await fetch('/api/reports/halfyear')).status)).toBe(403);
    await p.goto(`${e.base}/reports/halfyear/2026-H1`);
    await p.getByTestId('forbidden').waitFor();
  });
});
