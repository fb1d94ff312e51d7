import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eApp, startE2eApp } from './app.ts';
import { SHOTS } from './browser.ts';

/**
 * One trouble's whole life, person by person, through 自分の作業 (the inbox on the home screen): the
 * operator registers and dispatches it and submits the recovery procedure; the manager reviews it;
 * the supervisor approves it (her header count rises when it arrives); the operator recovers and asks
 * the requester to confirm; the department's system owner confirms; the manager closes it. Each step
 * is opened from the inbox of the person who acts and done through the record page's action dialog;
 * whoever the process table (src/incidents/process.ts) gives no ○/◎ in that state does not see it.
 * The browser twin of src/workbench/workbench.test.ts "follows one trouble's life".
 */
let e: E2eApp;
let base: string;
let incidentId = '';
let receiptNo = '';
/** The owner's department (DOB-DOR, the demo's 道路建設課) the trouble is registered for. */
let ownerDept = '';

type Who = 'operator' | 'manager' | 'supervisor' | 'owner';
const WHO: readonly Who[] = ['operator', 'manager', 'supervisor', 'owner'];
/** One signed-in page per person, kept for the whole journey (each its own browser context). */
const pages = {} as Record<Who, Page>;
/** The inbox's and the header count's refresh interval (INBOX_REFRESH_MS in web/src/workbench/Inbox.tsx), and a little. */
const REFRESH_MS = 61_000;

beforeAll(async () => {
  // Tuesday 2026-11-24 10:00 JST (the helper's clock): business hours. No CMDB estate: the trouble is platform-wide.
  e = await startE2eApp({ estate: false });
  base = e.base;
  ownerDept = e.org.departments.find((d) => d.code === 'DOB-DOR')!.name;
  for (const who of WHO) {
    const page = await e.browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'ja-JP' });
    // The browser's timers are the test's: the supervisor's header count is refreshed on demand.
    await page.clock.install();
    await e.login(page, who);
    pages[who] = page;
  }
});
afterAll(() => e?.close());

const shot = (page: Page, name: string, fullPage = true) => page.screenshot({ path: join(SHOTS, `roles-${name}.png`), fullPage });
const rowOf = (page: Page) => page.locator(`[data-testid="inbox-row"][data-record="${incidentId}"]`);

/** The home screen freshly loaded, its inbox shown. */
async function home(page: Page) {
  await page.goto(`${base}/`);
  await page.getByTestId('inbox').waitFor();
}

/**
 * The trouble is in the inbox of exactly `sees` (the roles with a ○/◎ step from its state), of
 * nobody else; each inbox agrees with the API's.
 */
async function inboxes(state: string, sees: readonly Who[]) {
  for (const who of WHO) {
    const page = pages[who];
    await home(page);
    const api = await e.apiGet<{ items: { recordId: string; state: string }[] }>(page, '/api/inbox');
    const listed = api.items.find((x) => x.recordId === incidentId);
    if (sees.includes(who)) {
      expect(listed?.state, `${who} should have it (${state})`).toBe(state);
      await rowOf(page).waitFor();
      expect(await rowOf(page).getByTestId('inbox-link').textContent()).toBe(receiptNo);
    } else {
      expect(listed, `${who} should not have it (${state})`).toBeUndefined();
      expect(await rowOf(page).count(), `${who}'s inbox row (${state})`).toBe(0);
    }
  }
}

/** Opens the trouble from the person's inbox (already on the home screen) onto its record page. */
async function openFromInbox(page: Page, state: string) {
  await rowOf(page).getByTestId('inbox-link').click();
  await page.locator(`[data-testid="incident-page"][data-state="${state}"]`).waitFor();
  expect(page.url()).toBe(`${base}/incidents/${incidentId}`);
}

/** One step through the record page's action button and the ActionDialog (server field specs). */
async function act(page: Page, action: string, to: string, fill: Record<string, string> = {}) {
  await page.getByTestId(`action-${action}`).click();
  const form = page.locator(`[data-testid="action-form"][data-action="${action}"]`);
  await form.waitFor();
  for (const [k, v] of Object.entries(fill)) await form.getByTestId(`field-${k}`).fill(v);
  await form.getByTestId('action-submit').click();
  await page.locator(`[data-testid="incident-page"][data-state="${to}"]`).waitFor();
  await page.getByTestId('flash').waitFor();
}

/** The inbox table's badges a person cannot read whole (a state cut to "復旧手順 承…"). */
const cutBadges = (page: Page) =>
  page.getByTestId('inbox-table').evaluate((table) =>
    [...table.querySelectorAll('.mantine-Badge-root, .mantine-Badge-label')].filter((el) => el.scrollWidth > el.clientWidth + 1).map((el) => el.textContent),
  );

const actionsOf = (page: Page) => page.getByTestId('actions').locator('[data-testid^="action-"]').evaluateAll((els) => els.map((x) => x.getAttribute('data-testid')!.slice(7)));

describe('one trouble, four people, each through their inbox', () => {
  it('the operator registers a trouble for the owner’s department: it waits in the inboxes of those who may dispatch it', async () => {
    const op = pages.operator;
    await op.goto(`${base}/incidents/new`);
    await op.getByTestId('incident-form').waitFor();
    await op.getByTestId('field-title').fill('道路台帳システムの画面表示遅延（e2e 役割）');
    await op.getByTestId('field-description').fill('道路建設課から、台帳画面の表示が遅いとの連絡。');
    await op.getByTestId('field-detectedAt').fill('2026-11-24T09:50');
    await op.getByTestId('field-departmentId').fill('道路建設');
    await op.getByRole('option', { name: ownerDept }).click();
    await op.getByTestId('platformCaused-yes').check();
    await op.getByTestId('affected-platform').check();
    await op.getByTestId('field-symptom').fill('画面表示に10秒以上かかる');
    await op.getByTestId('field-businessImpact').fill('窓口対応が遅れる');
    await op.getByTestId('incident-submit').click();
    await op.locator('[data-testid="incident-page"][data-state="registered"]').waitFor();
    incidentId = op.url().split('/').pop()!;
    const rec = await e.apiGet<{ receiptNo: string; priority: string; class: string; departmentId: string }>(op, `/api/incidents/${incidentId}`);
    receiptNo = rec.receiptNo;
    expect(rec).toMatchObject({ class: 'trouble', priority: 'low' });
    // dispatch: operator ○, vendor_manager ○.
    await inboxes('registered', ['operator', 'manager']);
  });

  it('the operator dispatches it from the inbox and submits the recovery procedure: now only the manager has it', async () => {
    const op = pages.operator;
    await home(op);
    await openFromInbox(op, 'registered');
    await act(op, 'dispatch', 'in_progress');
    // submit_procedure / start_recovery…: operator ○, vendor_manager ○.
    await inboxes('in_progress', ['operator', 'manager']);
    await openFromInbox(op, 'in_progress');
    await act(op, 'submit_procedure', 'procedure_review', {
      probableCause: 'DBサーバのインデックス肥大化',
      steps: '1. 業務時間外に再編成を実施\n2. 応答時間を確認',
      schedule: '11-24 18:00〜18:30',
      risks: '再編成中は照会不可',
      fallback: '再編成を中止しバックアップから戻す',
    });
    expect(await op.getByTestId('action-review_procedure').count()).toBe(0);
    // review_procedure / return_procedure: vendor_manager ○ only.
    await inboxes('procedure_review', ['manager']);
  });

  it('the manager reviews it from her inbox; the approval arrives in the supervisor’s open home screen and header count', async () => {
    const sup = pages.supervisor;
    // The supervisor's home screen is open (inboxes() left it there) and counts nothing yet.
    const count = sup.getByTestId('header-inbox-count');
    const { approvals: before, total: totalBefore } = await e.apiGet<{ approvals: number; total: number }>(sup, '/api/inbox/count');
    await expect.poll(() => count.getAttribute('data-total')).toBe(String(totalBefore));
    expect(await count.getAttribute('data-approvals')).toBe(String(before));
    expect(await rowOf(sup).count()).toBe(0);

    const mgr = pages.manager;
    await home(mgr);
    const mine = rowOf(mgr);
    expect(await mine.getAttribute('data-approval')).toBe('false');
    expect(await mine.textContent()).toContain('復旧手順の査読');
    await openFromInbox(mgr, 'procedure_review');
    expect(await actionsOf(mgr)).toEqual(['review_procedure', 'return_procedure']);
    await act(mgr, 'review_procedure', 'procedure_approval', { comment: '手順を確認しました' });
    // The manager holds only △ on the approval: no button.
    expect(await mgr.getByTestId('action-approve_procedure').count()).toBe(0);

    // The supervisor's page refreshes on its interval: until then it shows what it had; then the count
    // rises and the row appears, marked as an approval, without a reload.
    expect(await count.getAttribute('data-approvals')).toBe(String(before));
    expect(await rowOf(sup).count()).toBe(0);
    await sup.clock.fastForward(REFRESH_MS);
    await expect.poll(() => count.getAttribute('data-approvals')).toBe(String(before + 1));
    expect(Number(await count.getAttribute('data-total'))).toBe(totalBefore + 1);
    expect(await count.textContent()).toContain(String(totalBefore + 1));
    await rowOf(sup).waitFor();
    expect(await rowOf(sup).getAttribute('data-approval')).toBe('true');
    expect(await rowOf(sup).textContent()).toContain('復旧手順の承認');
    expect(await rowOf(sup).getByTestId('inbox-state').textContent()).toBe('復旧手順 承認待ち');
    expect(await cutBadges(sup)).toEqual([]);
    await shot(sup, 'supervisor-inbox');
    // approve_procedure / reject_procedure: supervisor ◎ only (the manager's △ does not act).
    await inboxes('procedure_approval', ['supervisor']);
    await expect.poll(() => sup.getByTestId('header-inbox-count').getAttribute('data-approvals')).toBe(String(before + 1));
  });

  it('the supervisor approves it from her inbox; her count falls back', async () => {
    const sup = pages.supervisor;
    await home(sup);
    await openFromInbox(sup, 'procedure_approval');
    expect(await actionsOf(sup)).toEqual(['approve_procedure', 'reject_procedure']);
    await shot(sup, 'supervisor-approval', false);
    await act(sup, 'approve_procedure', 'in_progress', { comment: '承認します' });
    await home(sup);
    await expect.poll(() => sup.getByTestId('header-inbox-count').getAttribute('data-approvals')).toBe('0');
    await inboxes('in_progress', ['operator', 'manager']);
  });

  it('the operator records the recovery and asks the requester to confirm: it waits for the department’s owner', async () => {
    const op = pages.operator;
    const work = { workFrom: '2026-11-24T18:00', workTo: '2026-11-24T18:30', workers: '運用担当者 佐藤', description: 'インデックス再編成', businessImpact: '18:00〜18:30 照会不可' };
    await home(op);
    await openFromInbox(op, 'in_progress');
    await act(op, 'start_recovery', 'recovering', work);
    await inboxes('recovering', ['operator', 'manager']);
    await openFromInbox(op, 'recovering');
    await act(op, 'complete_recovery', 'recovered', work);
    await inboxes('recovered', ['operator', 'manager']);
    await openFromInbox(op, 'recovered');
    await act(op, 'request_confirmation', 'awaiting_confirmation', { resolution: 'インデックス再編成で表示時間が1秒以内に戻りました。' });
    // confirm / reopen: system_owner ○ (of the record's department), operator ○ (a confirmation taken by phone).
    await inboxes('awaiting_confirmation', ['operator', 'owner']);
  });

  it('the system owner confirms from the inbox; the manager then has the close', async () => {
    const owner = pages.owner;
    await home(owner);
    expect(await rowOf(owner).textContent()).toContain('依頼元承認（解決を確認）');
    expect(await cutBadges(owner)).toEqual([]);
    await shot(owner, 'owner-inbox');
    // The vendor's own screens (優先度の見直し, 棚卸) are not offered to a department's owner.
    expect(await owner.getByTestId('nav-incident-priority').count()).toBe(0);
    expect(await owner.getByTestId('nav-incident-stocktake').count()).toBe(0);
    expect(await owner.getByTestId('home-card-incident-stocktake').count()).toBe(0);
    expect(await pages.manager.getByTestId('nav-incident-stocktake').count()).toBe(1);
    await openFromInbox(owner, 'awaiting_confirmation');
    expect(await actionsOf(owner)).toEqual(['confirm', 'reopen']);
    await shot(owner, 'owner-confirmation');
    await act(owner, 'confirm', 'provisionally_closed', { comment: '表示が速くなったことを確認しました' });
    await owner.getByTestId('no-actions').waitFor();
    // close: vendor_manager ◎ (operator △ does not act); return: vendor_manager ◎.
    await inboxes('provisionally_closed', ['manager']);
  });

  it('the manager closes it from her inbox: it leaves every inbox, its history tells who did what', async () => {
    const mgr = pages.manager;
    await home(mgr);
    expect(await rowOf(mgr).getAttribute('data-approval')).toBe('true');
    await openFromInbox(mgr, 'provisionally_closed');
    expect(await actionsOf(mgr)).toEqual(['close', 'return']);
    await act(mgr, 'close', 'closed');
    await mgr.getByTestId('flow-current').filter({ hasText: 'クローズ' }).waitFor();
    const actions = await mgr.getByTestId('timeline-entry').evaluateAll((els) => els.map((x) => x.getAttribute('data-action')));
    expect([...actions].reverse()).toEqual([
      'register',
      'dispatch',
      'submit_procedure',
      'review_procedure',
      'approve_procedure',
      'start_recovery',
      'complete_recovery',
      'request_confirmation',
      'confirm',
      'close',
    ]);
    type Hist = { process: { history: { action: string; actor: string; actorRole: string | null }[] } };
    const hist = (await e.apiGet<Hist>(mgr, `/api/incidents/${incidentId}`)).process.history;
    const by = Object.fromEntries(hist.map((h) => [h.action, `${h.actor} ${h.actorRole}`]));
    expect(by.dispatch).toContain('佐藤');
    expect(by.review_procedure).toContain('田中');
    expect(by.approve_procedure).toContain('山口');
    expect(by.confirm).toContain('松尾');
    expect(by.close).toContain('田中');
    await shot(mgr, 'closed');
    await inboxes('closed', []);
  });
});
