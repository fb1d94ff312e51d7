import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eApp, startE2eApp } from './app.ts';
import { act, shot as shotAs } from './workbench.ts';

/**
 * 月次報告 in the browser (SLM-6, N §3.1.3.3): the operator drafts October's report, writes a cause and a
 * countermeasure and the fix information, and submits it; the manager reviews it from the list; the
 * supervisor finds it waiting in her inbox and approves it; an owner is refused; the page reads in
 * English too. The demo clock stands at 2026-11-24, so October is the last month that is over.
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

const shot = (page: Page, name: string) => shotAs(page, 'reports', name);
const status = (p: Page, path: string) => p.evaluate(async (u) => (await fetch(u)).status, path);

describe('月次報告 (SLM-6) in the browser', () => {
  it('operator fills the cause → manager reviews → supervisor approves from her inbox', async () => {
    const op = pages.operator;
    await op.goto(`${e.base}/reports`);
    await op.getByTestId('reports-screen').waitFor();
    // A month not over yet: refused, naming the month.
    await op.getByTestId('rep-draft-month').fill('2026-11');
    await op.getByTestId('rep-draft').click();
    await op.getByTestId('rep-draft-form').getByText('未来の期間は集計できません。').waitFor();
    expect(await op.getByTestId('report-row').count()).toBe(0);

    await op.getByTestId('rep-draft-month').fill('2026-10');
    await op.getByTestId('rep-draft').click();
    await op.locator('[data-testid="report-page"][data-state="draft"]').waitFor();
    expect(await op.getByTestId('report-title').textContent()).toBe('月次報告書（2026-10）');
    // Every section of N §3.1.3.3 is on the page, with the charts.
    for (const s of ['rep-kpis', 'rep-incidents', 'rep-problems', 'rep-changes', 'rep-monitoring', 'rep-migration', 'rep-remote', 'rep-fix', 'rep-documents'])
      await op.getByTestId(s).waitFor();
    await op.getByTestId('rep-inc-chart').locator('canvas').waitFor();
    await op.getByTestId('rep-cluster-chart').locator('canvas').waitFor();

    await op.getByTestId('rep-kpi-availability_a-cause').fill('ESXi ホストのハードウェア障害で仮想マシンが 60 分停止');
    await op.getByTestId('rep-kpi-availability_a-countermeasure').fill('予防保守の前倒しと監視間隔の短縮');
    await op.getByTestId('rep-fixinfo').fill('ESXi 8.0U3 の重要パッチ（変更・リリースで適用予定）');
    await op.getByTestId('rep-texts-save').first().click();
    await op.getByTestId('flash').waitFor();
    await op.reload();
    await op.getByTestId('rep-kpi-availability_a-cause').waitFor();
    expect(await op.getByTestId('rep-kpi-availability_a-cause').inputValue()).toContain('60 分停止');
    await shot(op, '01-draft');
    const pdf = await op.evaluate(async (u) => {
      const r = await fetch(u);
      return { status: r.status, type: r.headers.get('content-type'), head: new TextDecoder().decode((await r.arrayBuffer()).slice(0, 4)) };
    }, `/api/reports/monthly/2026-10/report.pdf`);
    expect(pdf).toEqual({ status: 200, type: 'application/pdf', head: '%PDF' });

    await act(op, 'submit');
    await op.locator('[data-testid="report-page"][data-state="review"]').waitFor();
    expect(await op.getByTestId('rep-texts-save').count()).toBe(0); // no longer editable

    const mgr = pages.manager;
    await mgr.goto(`${e.base}/reports`);
    const row = mgr.locator('[data-testid="report-row"][data-month="2026-10"]');
    expect(await row.getByTestId('report-waiting').textContent()).toBe('管理者');
    await row.getByRole('link').click();
    await mgr.locator('[data-testid="report-page"][data-state="review"]').waitFor();
    await act(mgr, 'review');
    await mgr.locator('[data-testid="report-page"][data-state="approval"]').waitFor();

    const sup = pages.supervisor;
    await sup.goto(`${e.base}/`);
    const entry = sup.locator('[data-testid="inbox-row"][data-process="monthly_report"]');
    await entry.waitFor();
    expect(await entry.getAttribute('data-approval')).toBe('true');
    await shot(sup, '02-supervisor-inbox');
    await entry.getByTestId('inbox-link').click();
    await sup.locator('[data-testid="report-page"][data-state="approval"]').waitFor();
    expect(await sup.getByTestId('rep-kpi-availability_a-cause-text').textContent()).toContain('60 分停止');
    expect(await sup.getByTestId('action-approve').isVisible()).toBe(true);
    expect(await sup.getByTestId('action-rereport').isVisible()).toBe(true);
    await shot(sup, '03-approval');
    await act(sup, 'approve');
    await sup.locator('[data-testid="report-page"][data-state="approved"]').waitFor();
    expect(await sup.getByTestId('timeline-entry').count()).toBeGreaterThanOrEqual(4);
    await sup.goto(`${e.base}/`);
    await sup.getByTestId('inbox').waitFor();
    expect(await sup.locator('[data-testid="inbox-row"][data-process="monthly_report"]').count()).toBe(0);
  });

  it('an owner has no monthly reports: no menu entry, 403 from the API, no page', async () => {
    const p = pages.owner;
    await p.goto(`${e.base}/`);
    expect(await p.getByTestId('nav-reports').count()).toBe(0);
    expect(await status(p, '/api/reports/monthly')).toBe(403);
    expect(await status(p, '/api/reports/monthly/2026-10')).toBe(403);
    expect(await status(p, '/api/reports/monthly/2026-10/report.pdf')).toBe(403);
    await p.goto(`${e.base}/reports/monthly/2026-10`);
    await p.getByTestId('forbidden').waitFor();
    expect(await p.getByTestId('report-page').count()).toBe(0);
  });

  it('the ICT centre has no monthly reports either: no menu entry (the supervisor has one), 403 from the API', async () => {
    const p = await e.browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'ja-JP' });
    await e.login(p, 'ict');
    await p.goto(`${e.base}/`);
    await p.getByTestId('inbox').waitFor();
    expect(await p.getByTestId('nav-reports').count()).toBe(0);
    expect(await status(p, '/api/reports/monthly')).toBe(403);
    expect(await status(p, '/api/reports/halfyear')).toBe(403);
    await pages.supervisor.goto(`${e.base}/`);
    await pages.supervisor.getByTestId('inbox').waitFor();
    expect(await pages.supervisor.getByTestId('nav-reports').count()).toBe(1);
    await p.close();
  });

  it('the page in English', async () => {
    const p = pages.supervisor;
    await p.goto(`${e.base}/reports/monthly/2026-10`);
    await p.getByTestId('report-page').waitFor();
    await p.getByTestId('lang-switch').getByText('English').click();
    await p.getByText('Monthly report (2026-10)').waitFor();
    await p.getByText('1. Results against the quality targets').waitFor();
    expect(await p.getByTestId('rep-pdf').textContent()).toBe('Download PDF');
    await shot(p, '04-english');
    await p.getByTestId('lang-switch').getByText('日本語').click();
  });
});
