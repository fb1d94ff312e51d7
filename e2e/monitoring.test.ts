import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eApp, startE2eApp } from './app.ts';
import { SHOTS } from './browser.ts';

/**
 * 監視 in the browser, on the demo's monitoring (N §3.7.3.1 items on the demo estate, a critical CPU
 * alert and a warning memory alert on the owner department's VMs, a suspect disk, a day of history):
 * the operator reads the live board by site, ESXi host and system, opens a group's items and an
 * item's chart with its thresholds, and takes the first response (初動) on the critical alert in the
 * 監視対応台帳; the system owner requests a suppression too close to its start — the deadline error
 * is shown under 遅延理由 in Japanese — then with a reason, and it is on the calendar as 申請中; the
 * owner sees only their department (smaller totals, another department's item is "not found") and
 * cannot approve their own request; the manager approves it.
 */
let e: E2eApp;
let base: string;
const SHOT_DIR = process.env.KIBAN_SHOTS_DIR ?? SHOTS;

interface Counts {
  items: number;
  ok: number;
  suspect: number;
  warning: number;
  critical: number;
}
interface BoardItem {
  itemId: string;
  target: string;
  name: string;
  state: string;
}
interface Board {
  totals: Counts;
  groups: { id: string | null; name: string | null; counts: Counts }[];
  problems: BoardItem[];
}

beforeAll(async () => {
  // Tuesday 2026-11-24 10:00 JST (the helper's clock), with the demo monitoring loaded.
  e = await startE2eApp({ monitoring: true });
  base = e.base;
  expect(e.monitoring?.alerts).toBeGreaterThanOrEqual(2);
  mkdirSync(SHOT_DIR, { recursive: true });
});
afterAll(() => e?.close());

async function login(who: string): Promise<Page> {
  const page = await e.browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'ja-JP' });
  await e.login(page, who);
  return page;
}
const shot = (page: Page, name: string, fullPage = false) => page.screenshot({ path: join(SHOT_DIR, `monitoring-${name}.png`), fullPage });
const count = async (page: Page, testId: string) => Number(await page.getByTestId(`${testId}-value`).textContent().then((s) => (s ?? '').replace(/,/g, '')));

/** The request the owner makes in the third test; approved by the manager in the last. */
let requestId = '';
let operatorItems = 0;

describe('監視 in Debian chromium', () => {
  it('the operator reads the board by site, ESXi host and system, opens a group and an item chart with its thresholds', async () => {
    const page = await login('operator');
    await expect(page.getByTestId('nav-monitoring').textContent()).resolves.toBe('監視');
    await page.getByTestId('nav-monitoring').click();
    await page.locator('[data-testid="status-board"][data-by="site"]').waitFor();
    const board = await e.apiGet<Board>(page, '/api/monitoring/board?by=site');
    operatorItems = board.totals.items;
    expect(board.totals.critical).toBeGreaterThanOrEqual(1);
    expect(await count(page, 'total-critical')).toBe(board.totals.critical);
    expect(await count(page, 'total-warning')).toBe(board.totals.warning);
    expect(await count(page, 'total-items')).toBe(board.totals.items);
    await expect(page.getByTestId('board-updated').textContent()).resolves.toMatch(/更新: \d{2}:\d{2}:\d{2}/);
    const critical = board.problems.find((p) => p.state === 'critical')!;
    await page.locator('[data-testid="problem-row"][data-state="critical"]').filter({ hasText: critical.target }).waitFor();
    expect(await page.getByTestId('group-tile').count()).toBe(board.groups.length);
    await shot(page, 'board-site');

    // By ESXi host: one tile per host plus the equipment on no host; the critical VM's host is red.
    await page.getByTestId('board-by').getByText('ESXiホスト').click();
    await page.locator('[data-testid="board-groups"][data-by="host"]').waitFor();
    const byHost = await e.apiGet<Board>(page, '/api/monitoring/board?by=host');
    expect(await page.getByTestId('group-tile').count()).toBe(Math.min(byHost.groups.length, 24));
    await page.locator('[data-testid="group-tile"][data-worst="critical"]').first().waitFor();
    if (byHost.groups.some((g) => g.id === null)) await page.locator('[data-testid="group-tile"][data-group="none"]').getByText('ESXiホスト外の機器').waitFor();
    await shot(page, 'board-host');

    // By system, then the critical system's items, paged by the server.
    await page.getByTestId('board-by').getByText('システム', { exact: true }).click();
    await page.locator('[data-testid="board-groups"][data-by="system"]').waitFor();
    const bySystem = await e.apiGet<Board>(page, '/api/monitoring/board?by=system');
    const sys = bySystem.groups.find((g) => g.counts.critical > 0)!;
    await shot(page, 'board-system');
    await page.locator(`[data-testid="group-tile"][data-group="${sys.id}"]`).click();
    await page.getByTestId('group-items').waitFor();
    await page.getByTestId('items-group').getByText(`システム: ${sys.name}`).waitFor();
    await page.locator('[data-testid="item-row"]').first().waitFor();
    await expect(page.getByTestId('list-total').textContent()).resolves.toContain(`全 ${sys.counts.items} 件`);
    expect(await page.getByTestId('item-row').count()).toBe(Math.min(sys.counts.items, 50));
    await shot(page, 'group-items');

    await page.locator('[data-testid="item-row"][data-state="critical"]').getByTestId('item-link').click();
    await page.locator('[data-testid="item-page"][data-state="critical"]').waitFor();
    const itemId = page.url().split('/').pop()!;
    const item = await e.apiGet<{ name: string; warningThreshold: number; criticalThreshold: number }>(page, `/api/monitoring/items/${itemId}`);
    await page.getByTestId('item-chart').locator('canvas').first().waitFor();
    const thresholds = await page.getByTestId('item-thresholds').textContent();
    expect(thresholds).toContain(`警告 ${item.warningThreshold}%`);
    expect(thresholds).toContain(`重度障害 ${item.criticalThreshold}%`);
    expect(Number(await page.getByTestId('item-chart').getAttribute('data-points'))).toBeGreaterThan(100);
    await page.locator('[data-testid="item-event"][data-kind="problem"]').first().waitFor();
    await shot(page, 'item-24h');
    await page.getByTestId('history-range').getByText('7日間').click();
    await page.getByTestId('item-chart').locator('canvas').first().waitFor();
    await page.getByTestId('history-range').getByText('6時間').click();
    await page.getByTestId('item-chart').locator('canvas').first().waitFor();
    expect(Number(await page.getByTestId('item-chart').getAttribute('data-points'))).toBeLessThan(100);
    await shot(page, 'item-6h');
    // The item's alerts: the ledger filtered to this item, and the filter can be cleared.
    await page.getByTestId('item-alerts-link').click();
    await page.getByTestId('alerts-item-filter').waitFor();
    await page.locator('[data-testid="alert-row"][data-severity="critical"]').waitFor();
    expect(await page.getByTestId('alert-row').count()).toBe(1);
    await page.getByTestId('alerts-item-filter').click();
    await page.locator('[data-testid="alert-row"][data-severity="warning"]').waitFor();
    expect(await page.getByTestId('alert-row').count()).toBeGreaterThan(1);
    await page.close();
  });

  it('the operator opens the critical alert in the 監視対応台帳 and takes the first response (初動)', async () => {
    const page = await login('operator');
    await page.goto(`${base}/monitoring`);
    await page.getByTestId('mon-tab-alerts').click();
    await page.getByTestId('alert-ledger').waitFor();
    await page.locator('[data-testid="alert-row"][data-severity="critical"]').getByTestId('alert-link').click();
    await page.locator('[data-testid="alert-page"][data-state="open"]').waitFor();
    // N §3.7.3.2's guidance with this detection's row, the procedure, and the trouble incident.
    await page.getByTestId('alert-guidance').getByText('単発発生: 即時復旧ならば様子見').waitFor();
    await page.getByTestId('alert-procedure').getByText(/異常検知時の対応手順書/).waitFor();
    const incident = page.getByTestId('alert-incident').getByTestId('alert-incident-link');
    await expect(incident.getAttribute('href')).resolves.toMatch(/^\/incidents\/[0-9a-f-]{36}$/);
    await incident.getByText(/^INC-/).waitFor();
    await shot(page, 'alert-open', true);
    expect(await page.getByTestId('action-complete').count()).toBe(1);
    await page.getByTestId('action-respond').click();
    const form = page.locator('[data-testid="action-form"][data-action="respond"]');
    await form.getByTestId('field-comment').fill('vCenter で CPU 使用状況を確認中');
    await form.getByTestId('action-submit').click();
    await page.locator('[data-testid="alert-page"][data-state="in_progress"]').waitFor();
    await page.getByTestId('flash').getByText('初動対応開始').waitFor();
    await expect(page.getByTestId('alert-first-response').textContent()).resolves.toMatch(/2026年11月24日 10:00/);
    await page.locator('[data-testid="timeline-entry"][data-action="respond"]').waitFor();
    await shot(page, 'alert-in-progress');
    await page.close();
  });

  it('the owner requests a suppression too late: the deadline error is under 遅延理由; with a reason it is on the calendar as 申請中', async () => {
    const page = await login('owner');
    const ownBoard = await e.apiGet<Board>(page, '/api/monitoring/board?by=system');
    const own = ownBoard.groups.find((g) => g.id !== null)!;
    const systems = await e.apiGet<{ items: { id: string; name: string; departmentName: string }[] }>(page, `/api/cmdb/systems?q=${encodeURIComponent(own.name!)}`);
    const system = systems.items.find((s) => s.id === own.id)!;
    await page.goto(`${base}/monitoring/suppressions?month=2026-11`);
    await page.getByTestId('sup-rule').getByText('2 営業日前').waitFor();
    await page.getByTestId('sup-new').click();
    await page.getByTestId('sup-form').waitFor();
    await page.getByTestId('field-systemIds').click();
    await page.getByTestId('field-systemIds').fill(system.name);
    await page.getByRole('option', { name: `${system.name}（${system.departmentName}）`, exact: true }).click();
    await page.keyboard.press('Escape'); // the picker stays open for more systems
    await page.getByTestId('wrap-systemIds').getByText(system.name).waitFor();
    await page.getByTestId('field-reason').click();
    await page.getByRole('option', { name: '既知の保守作業' }).click();
    await page.getByTestId('method-stop').check();
    await page.getByTestId('field-reasonText').fill('サーバ証明書の更新作業');
    // Tomorrow evening: the deadline (2 business days before, Monday 11/23 is a holiday) has passed.
    await page.getByTestId('field-startsAt').fill('2026-11-25T20:00');
    await page.getByTestId('field-endsAt').fill('2026-11-25T22:00');
    await page.getByTestId('sup-submit').click();
    const error = page.getByTestId('wrap-lateReason').getByText(/申請期限（開始の 2 営業日前、.*）を過ぎています。遅延理由を入力してください。/);
    await error.waitFor();
    // The deadline is printed in Japan time, not as the server's ISO instant.
    expect(await error.textContent()).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    expect(await error.textContent()).toMatch(/2026年11月20日/);
    await shot(page, 'suppression-late-error', true);

    await page.getByTestId('field-lateReason').fill('証明書の期限切れが判明したため至急対応');
    await page.getByTestId('sup-submit').click();
    await page.waitForURL(/\/monitoring\/suppressions\?month=2026-11&created=/);
    requestId = new URL(page.url()).searchParams.get('created')!;
    await page.getByTestId('flash').waitFor();
    const chip = page.locator(`[data-testid="cal-day"][data-day="2026-11-25"] [data-testid="cal-chip"][data-id="${requestId}"]`);
    await expect(chip.getAttribute('data-state')).resolves.toBe('submitted');
    await chip.getByText('申請中').waitFor();
    await chip.getByText(system.name).waitFor();
    await page.locator('[data-testid="sup-row"][data-state="submitted"]').first().waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, 'suppression-calendar');
    await page.close();
  });

  it('the owner sees only their department and cannot approve their own request', async () => {
    const page = await login('owner');
    await page.goto(`${base}/monitoring`);
    await page.locator('[data-testid="status-board"][data-by="site"]').waitFor();
    const ownerItems = await count(page, 'total-items');
    expect(ownerItems).toBeGreaterThan(0);
    expect(ownerItems).toBeLessThan(operatorItems);
    await shot(page, 'owner-board');

    // An item of another department's system: its page says "not found", as the API does (404).
    const op = await login('operator');
    const ownSystems = new Set((await e.apiGet<Board>(page, '/api/monitoring/board?by=system')).groups.map((g) => g.id));
    const other = (await e.apiGet<Board>(op, '/api/monitoring/board?by=system')).groups.find((g) => g.id !== null && !ownSystems.has(g.id))!;
    const foreign = await e.apiGet<{ items: BoardItem[] }>(op, `/api/monitoring/items?by=system&group=${other.id}&pageSize=1`);
    await op.close();
    const foreignId = foreign.items[0]!.itemId;
    expect((await page.request.get(`${base}/api/monitoring/items/${foreignId}`)).status()).toBe(404);
    await page.goto(`${base}/monitoring/items/${foreignId}`);
    await page.getByTestId('not-found').waitFor();
    await shot(page, 'owner-foreign-item');

    await page.goto(`${base}/monitoring/suppressions/${requestId}`);
    await page.locator('[data-testid="sup-page"][data-state="submitted"]').waitFor();
    await page.getByTestId('action-withdraw').waitFor();
    expect(await page.getByTestId('action-approve').count()).toBe(0);
    await page.getByTestId('sup-late-reason').getByText('証明書の期限切れが判明したため至急対応').waitFor();
    await shot(page, 'owner-request');
    await page.close();
  });

  it('the manager approves the request (and may set the method); the calendar shows it as 抑止予定', async () => {
    const page = await login('manager');
    await page.goto(`${base}/monitoring/suppressions/${requestId}`);
    await page.locator('[data-testid="sup-page"][data-state="submitted"]').waitFor();
    await page.getByTestId('action-approve').click();
    const form = page.locator('[data-testid="action-form"][data-action="approve"]');
    await expect(form.getByTestId('field-method').inputValue()).resolves.toContain('停止');
    await form.getByTestId('field-comment').fill('停止で承認します');
    await form.getByTestId('action-submit').click();
    await page.locator('[data-testid="sup-page"][data-state="approved"]').waitFor();
    await page.getByTestId('flash').waitFor();
    await page.locator('[data-testid="timeline-entry"][data-action="approve"]').waitFor();
    await shot(page, 'manager-approved', true);
    await page.goto(`${base}/monitoring/suppressions?month=2026-11`);
    await expect(page.locator(`[data-testid="cal-chip"][data-id="${requestId}"]`).getAttribute('data-state')).resolves.toBe('approved');

    // 監視設定一覧 with its exports.
    await page.getByTestId('mon-tab-settings').click();
    await page.getByTestId('settings-ledger').waitFor();
    await page.getByTestId('setting-row').first().waitFor();
    await expect(page.getByTestId('export-xlsx').getAttribute('href')).resolves.toMatch(/^\/api\/monitoring\/settings\.xlsx/);
    const res = await page.request.get(`${base}${await page.getByTestId('export-csv').getAttribute('href')}`);
    expect(res.status()).toBe(200);
    await shot(page, 'settings');
    await page.close();
  });
});
