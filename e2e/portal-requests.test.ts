import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { people } from '../src/iam/schema.ts';
import { hashPassword } from '../src/iam/service.ts';
import { E2E_PASSWORD, type E2eApp, startE2eApp } from './app.ts';
import { SHOTS } from './browser.ts';

/**
 * 仮想マシン払い出し申請 in the browser (OPS-2/5/7, issue 11 item 9): the owner fills an integration plan
 * (manager reviews, supervisor approves), then asks for a VM that is not in the plan; a memory above the
 * template's limit is refused at the field and writes nothing; the supervisor decides with the resource
 * report; the operator provisions it from the completion dialog with the proposed host chosen; the CMDB
 * and the monitoring settings show it (items disabled); the owner's home shows it and the owner confirms.
 * Another department's owner gets 404 for the request.
 */
let e: E2eApp;
const who = ['owner', 'manager', 'supervisor', 'operator', 'owner-som-jin'] as const;
const pages = {} as Record<(typeof who)[number], Page>;

beforeAll(async () => {
  e = await startE2eApp();
  // The demo's other owners have random passwords: give one of them the test password.
  await e.database.db
    .update(people)
    .set({ passwordHash: await hashPassword(E2E_PASSWORD) })
    .where(eq(people.login, 'owner-som-jin'));
  for (const w of who) {
    const page = await e.browser.newPage({ viewport: { width: 1400, height: 1000 }, locale: 'ja-JP' });
    await e.login(page, w);
    pages[w] = page;
  }
}, 180_000);
afterAll(() => e?.close());

async function shot(page: Page, name: string) {
  const path = join(SHOTS, `portal-requests-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  mkdirSync('/tmp/shots', { recursive: true });
  copyFileSync(path, `/tmp/shots/portal-requests-${name}.png`);
}

async function act(p: Page, action: string, fill?: (form: ReturnType<Page['locator']>) => Promise<void>) {
  await p.getByTestId(`action-${action}`).click();
  const form = p.locator(`[data-testid="action-form"][data-action="${action}"]`);
  await form.waitFor();
  if (fill) await fill(form);
  await form.getByTestId('action-submit').click();
  await form.waitFor({ state: 'detached' });
}

async function pick(p: Page, testId: string, option: string | RegExp) {
  await p.getByTestId(testId).click();
  await p.getByRole('option', { name: option }).first().click();
}

const status = (p: Page, path: string) => p.evaluate(async (u) => (await fetch(u)).status, path);
type Options = { systems: { id: string; name: string; lanConnected: boolean }[] };

describe('払い出し申請 (OPS-2) in the browser', () => {
  let requestId = '';
  let vmName = '';

  it('the owner fills an integration plan; the manager reviews it and the supervisor approves', async () => {
    const p = pages.owner;
    const { systems } = await e.apiGet<Options>(p, '/api/portal/requests/options');
    const system = systems[0]!;
    await p.goto(`${e.base}/portal`);
    await p.getByTestId('plan-list').waitFor();
    await p.getByLabel('システム').first().click();
    await p.getByRole('option', { name: system.name }).click();
    await p.getByLabel('件名').fill('更改に伴う統合');
    await p.getByRole('button', { name: '作成' }).click();
    await p.locator('[data-testid="plan-page"][data-state="draft"]').waitFor();
    await p.getByTestId('plan-add-row').click();
    const row = p.getByTestId('plan-row-1');
    await row.getByLabel('ホスト名').fill('doro-ap01');
    await row.getByLabel('IPアドレス').fill('10.1.2.3');
    await row.getByLabel('通知先メール').fill('doro@pref.example.lg.jp');
    await p.getByTestId('plan-save').click();
    await p.getByTestId('flash').waitFor();
    await act(p, 'submit');
    await p.locator('[data-testid="plan-page"][data-state="submitted"]').waitFor();
    const planUrl = p.url();
    await pages.manager.goto(planUrl);
    await act(pages.manager, 'review');
    await pages.manager.locator('[data-testid="plan-page"][data-state="reviewed"]').waitFor();
    await pages.supervisor.goto(planUrl);
    await act(pages.supervisor, 'approve');
    await pages.supervisor.locator('[data-testid="plan-page"][data-state="approved"]').waitFor();
  }, 120_000);

  it('a memory above the template limit is refused at the field in Japanese and nothing is written', async () => {
    const p = pages.owner;
    const { systems } = await e.apiGet<Options>(p, '/api/portal/requests/options');
    await p.goto(`${e.base}/`);
    await p.getByTestId('owner-home').waitFor();
    await shot(p, '01-owner-home');
    await p.getByTestId('owner-new-provision').click();
    await p.locator('[data-testid="request-form"][data-kind="provision"]').waitFor();
    await pick(p, 'req-systemId', new RegExp(systems[0]!.name));
    await p.getByTestId('req-hostName').fill('doro-db01');
    await p.getByTestId('req-ip').fill('10.1.2.4');
    await pick(p, 'req-osCode', /Red Hat Enterprise Linux 9/);
    await pick(p, 'req-templateCode', /LinuxServer（N/);
    await p.getByTestId('req-cpu').fill('4');
    await p.getByTestId('req-memoryGb').fill('64');
    await p.getByTestId('req-diskGb').fill('100');
    await p.getByTestId('req-dueOn').fill('2026-12-10');
    const before = (await e.apiGet<{ items: unknown[] }>(p, '/api/portal/requests')).items.length;
    await p.getByTestId('request-submit').click();
    await p.getByTestId('request-field-errors').waitFor();
    const field = p.locator('.mantine-InputWrapper-root', { has: p.getByTestId('req-memoryGb') });
    expect(await field.locator('.mantine-InputWrapper-error').textContent()).toMatch(/^メモリ（GB）はテンプレート「.+」の上限 \d+ を超えています/);
    expect((await e.apiGet<{ items: unknown[] }>(p, '/api/portal/requests')).items.length).toBe(before);
    await shot(p, '02-form-error');
    await p.getByTestId('req-memoryGb').fill('8');
    await p.getByTestId('request-submit').click();
    await p.locator('[data-testid="request-page"][data-state="submitted"]').waitFor();
    requestId = p.url().split('/').at(-1)!;
    expect(await p.getByTestId('req-plan-status').getAttribute('data-status')).toBe('not_in_plan');
    // The owner does not see the infrastructure (report, placement).
    expect(await p.getByTestId('req-report').count()).toBe(0);
  }, 120_000);

  it('another department’s owner gets 404 for the request', async () => {
    const p = pages['owner-som-jin'];
    expect(await status(p, `/api/portal/requests/${requestId}`)).toBe(404);
    await p.goto(`${e.base}/portal/requests/${requestId}`);
    await p.getByTestId('not-found').waitFor();
    expect(await p.getByTestId('request-page').count()).toBe(0);
  });

  it('the manager reports to the supervisor, who approves with the resource report', async () => {
    const m = pages.manager;
    await m.goto(`${e.base}/portal/requests/${requestId}`);
    await m.getByTestId('request-page').waitFor();
    expect(await m.getByTestId('action-instruct').count()).toBe(0);
    await act(m, 'escalate');
    await m.locator('[data-testid="request-page"][data-state="supervisor_review"]').waitFor();
    const s = pages.supervisor;
    await s.goto(`${e.base}/portal/requests/${requestId}`);
    await s.locator('[data-testid="request-page"][data-state="supervisor_review"]').waitFor();
    await s.getByTestId('req-report-table').waitFor();
    expect(await s.getByTestId('req-report').textContent()).toContain('N-1');
    expect(await s.getByTestId('req-placement-reasons').locator('li').count()).toBeGreaterThan(0);
    await shot(s, '03-supervisor');
    await act(s, 'approve');
    await s.locator('[data-testid="request-page"][data-state="instructed"]').waitFor();
  }, 120_000);

  it('the operator provisions it on the proposed host; the CMDB and the monitoring settings show it disabled', async () => {
    const o = pages.operator;
    await o.goto(`${e.base}/portal/requests/${requestId}`);
    await o.locator('[data-testid="request-page"][data-state="instructed"]').waitFor();
    const proposed = (await o.getByTestId('req-proposed-host').textContent())!.split(' / ').at(-1)!;
    const r = await e.apiGet<{ spec: { lanConnected: boolean; vmName: string } }>(o, `/api/portal/requests/${requestId}`);
    vmName = r.spec.vmName;
    await o.getByTestId('action-provision').click();
    const form = o.locator('[data-testid="action-form"][data-action="provision"]');
    await form.waitFor();
    expect(await form.getByTestId('field-hostId').inputValue()).toContain(`${proposed}（提案）`);
    await shot(o, '04-completion-dialog');
    await form.getByTestId('check-template').check();
    if (r.spec.lanConnected) await form.getByTestId('check-antivirus').check();
    await form.getByTestId('action-submit').click();
    await o.locator('[data-testid="request-page"][data-state="completed"]').waitFor();
    await o.getByTestId('req-vm-link').click();
    await o.waitForURL(/\/cmdb\/vms\//);
    await o.getByText(vmName).first().waitFor();
    await o.getByText(proposed).first().waitFor();
    await o.goto(`${e.base}/monitoring/settings?q=${encodeURIComponent(vmName)}`);
    await o.getByTestId('setting-row').first().waitFor();
    const enabled = await o.getByTestId('setting-row').evaluateAll((rows) => rows.map((x) => x.getAttribute('data-enabled')));
    expect(enabled.length).toBeGreaterThan(0);
    expect(enabled.every((x) => x === 'false')).toBe(true);
  }, 120_000);

  it('the owner sees the VM on the home (monitoring disabled) and confirms the receipt', async () => {
    const p = pages.owner;
    await p.goto(`${e.base}/`);
    const vm = p.locator(`[data-testid="owner-vm"][data-name="${vmName}"]`);
    await vm.waitFor();
    expect(await vm.getAttribute('data-monitoring')).toBe('disabled');
    const open = p.locator('[data-testid="owner-open-request"][data-state="completed"]');
    expect(await open.getByTestId('owner-waits-on').textContent()).toBe('あなた（受領の確認）');
    await open.getByRole('link').click();
    await p.locator('[data-testid="request-page"][data-state="completed"]').waitFor();
    await act(p, 'confirm');
    await p.locator('[data-testid="request-page"][data-state="closed"]').waitFor();
    await p.goto(`${e.base}/`);
    await p.getByTestId('owner-home').waitFor();
    expect(await p.locator('[data-testid="owner-open-request"][data-state="completed"]').count()).toBe(0);
  }, 120_000);
});
