import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCmdbService } from '../src/cmdb/index.ts';
import { systemActor } from '../src/iam/index.ts';
import { type E2eApp, startE2eApp } from './app.ts';
import { SHOTS } from './browser.ts';

let e: E2eApp;
let base: string;
/** A system of another department than the owner's (土木部 道路建設課). */
let foreignSystemId: string;
let ownerDepartmentName: string;

beforeAll(async () => {
  e = await startE2eApp();
  base = e.base;
  const owner = e.org.departments.find((d) => d.code === 'DOB-DOR');
  expect(owner).toBeDefined();
  ownerDepartmentName = owner!.name;
  const cmdb = createCmdbService({ db: e.database.db, clock: e.clock });
  const others = await cmdb.list(systemActor('e2e'), 'system', { page: 1, pageSize: 500 });
  foreignSystemId = others.items.find((s) => s.departmentId !== owner!.id)!.id;
});
afterAll(() => e?.close());

const login = (page: Page, who: string) => e.login(page, who);
const apiGet = <T,>(page: Page, path: string) => e.apiGet<T>(page, path);

const totalText = (n: number) => new RegExp(`全 ${n} 件`);

describe('configuration ledger screens in Debian chromium', () => {
  it('a manager filters the VM ledger, follows VM → host → system, changes a status with a reason and meets a stale version', async () => {
    const page = await e.browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'ja-JP' });
    await login(page, 'manager');
    await expect(page.getByTestId('nav-cmdb').textContent()).resolves.toBe('構成管理台帳');
    await page.getByTestId('nav-cmdb').click();
    await page.getByTestId('systems-table').locator('tbody tr').first().waitFor();
    const systems = await apiGet<{ total: number }>(page, '/api/cmdb/systems?pageSize=1');
    await page.getByTestId('list-total').filter({ hasText: totalText(systems.total) }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'cmdb-systems-1280.png') });

    // VM ledger, filtered on the server.
    await page.getByTestId('cmdb-tab-vms').click();
    await page.getByTestId('vms-table').locator('tbody tr').first().waitFor();
    await page.getByTestId('list-filter').fill('doro');
    await page.waitForURL(/q=doro/);
    const filtered = await apiGet<{ total: number; items: { id: string; name: string }[] }>(page, '/api/cmdb/vms?q=doro&pageSize=50');
    expect(filtered.total).toBeGreaterThan(0);
    await page.getByTestId('list-total').filter({ hasText: totalText(filtered.total) }).waitFor();
    const names = await page.getByTestId('vms-table').locator('tbody tr td:first-child').allTextContents();
    expect(names.length).toBe(Math.min(50, filtered.total));
    for (const n of names) expect(n).toMatch(/doro/);
    // Export links carry the filter.
    await expect(page.getByTestId('export-xlsx').getAttribute('href')).resolves.toMatch(/^\/api\/cmdb\/vms\.xlsx\?.*q=doro/);
    await expect(page.getByTestId('export-csv').getAttribute('href')).resolves.toMatch(/^\/api\/cmdb\/vms\.csv\?.*q=doro/);
    await page.screenshot({ path: join(SHOTS, 'cmdb-vms-filtered-1280.png') });

    // A VM's page: its host and system as links, the placement site › cluster › host, the history.
    const first = filtered.items[0]!;
    await page.getByTestId('vms-table').getByRole('link', { name: first.name, exact: true }).click();
    await page.getByTestId('ci-vm').waitFor();
    await expect(page.getByTestId('ci-name').textContent()).resolves.toBe(first.name);
    const vm = await apiGet<{ version: number; status: string; host: { name: string; clusterName: string; siteName: string }; system: { name: string } }>(
      page,
      `/api/cmdb/vms/${first.id}`,
    );
    await expect(page.getByTestId('rel-placement').getByTestId('link-host').textContent()).resolves.toBe(vm.host.name);
    await expect(page.getByTestId('rel-placement').getByTestId('link-cluster').textContent()).resolves.toBe(vm.host.clusterName);
    await expect(page.getByTestId('rel-placement').getByTestId('link-site').textContent()).resolves.toBe(vm.host.siteName);
    await expect(page.getByTestId('rel-system').getByTestId('link-system').first().textContent()).resolves.toBe(vm.system.name);
    await page.getByTestId('history-entry').first().waitFor();
    await page.screenshot({ path: join(SHOTS, 'cmdb-vm-1280.png'), fullPage: true });

    // Status change: the server refuses a missing reason and the page shows its Japanese message.
    expect(vm.status).toBe('active');
    await page.getByTestId('ci-transition').click();
    await page.getByTestId('transition-submit').click();
    const reasonError = page.getByTestId('transition-form').getByText('必須項目です');
    await reasonError.waitFor();
    await page.screenshot({ path: join(SHOTS, 'cmdb-transition-no-reason.png') });
    await page.getByTestId('transition-form').getByTestId('form-reason').fill('保守作業のため一時停止（e2e）');
    await page.getByTestId('transition-submit').click();
    await page.getByTestId('ci-flash').waitFor();
    await expect(page.getByTestId('ci-vm').getByTestId('status-badge').first().textContent()).resolves.toBe('停止');
    const top = page.getByTestId('history-entry').first();
    await top.filter({ hasText: '保守作業のため一時停止（e2e）' }).waitFor();
    await expect(top.getAttribute('data-action')).resolves.toBe('transition');
    await expect(top.textContent()).resolves.toMatch(/稼働.*停止/);

    // Edit against a stale version: someone else saves first; the form says so and reloads.
    await page.getByTestId('ci-edit').click();
    const session = await apiGet<{ csrfToken: string }>(page, '/api/auth/session');
    const fresh = await apiGet<{ version: number }>(page, `/api/cmdb/vms/${first.id}`);
    const other = await page.request.patch(`${base}/api/cmdb/vms/${first.id}`, {
      headers: { 'x-csrf-token': session.csrfToken },
      data: { version: fresh.version, notes: '別の担当者の変更', reason: '同時更新の確認', source: 'api' },
    });
    expect(other.status()).toBe(200);
    await page.getByTestId('edit-form').getByTestId('field-os').fill('Red Hat Enterprise Linux 9.6');
    await page.getByTestId('edit-form').getByTestId('form-reason').fill('OS の更新');
    await page.getByTestId('edit-submit').click();
    await page.getByTestId('stale-alert').waitFor();
    await expect(page.getByTestId('edit-form').getByTestId('field-notes').inputValue()).resolves.toBe('別の担当者の変更');
    await page.screenshot({ path: join(SHOTS, 'cmdb-edit-stale.png') });
    // Saving again on the fresh version works.
    await page.getByTestId('edit-form').getByTestId('field-os').fill('Red Hat Enterprise Linux 9.6');
    await page.getByTestId('edit-submit').click();
    await page.getByTestId('ci-flash').waitFor();
    await page.getByTestId('history-entry').first().filter({ hasText: 'Red Hat Enterprise Linux 9.6' }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'cmdb-vm-history-1280.png'), fullPage: true });

    // VM → host → its VMs and their systems.
    await page.getByTestId('rel-placement').getByTestId('link-host').click();
    await page.getByTestId('ci-host').waitFor();
    await page.getByTestId('rel-vms').getByRole('link', { name: first.name, exact: true }).waitFor();
    await page.getByTestId('rel-systems').getByTestId('link-system').first().waitFor();
    await page.screenshot({ path: join(SHOTS, 'cmdb-host-1280.png'), fullPage: true });

    // Capacity with the N-1 result and the chart.
    await page.getByTestId('nav-capacity').click();
    await page.getByTestId('n1').waitFor();
    type Loss = { hostName: string; fits: boolean; shortfall: { vcpu: number; memoryGib: number } };
    const n1 = await apiGet<{ ok: boolean; clusters: { losses: Loss[] }[] }>(page, '/api/cmdb/n-1');
    await expect(page.getByTestId('n1-summary').getAttribute('data-ok')).resolves.toBe(String(n1.ok));
    const losses = n1.clusters.flatMap((c) => c.losses);
    expect(await page.getByTestId('n1-loss').count()).toBe(losses.length);
    // Which host's loss would not fit, and by how much.
    const failing = losses.filter((l) => !l.fits);
    expect(await page.locator('[data-testid="n1-loss"][data-fits="false"]').count()).toBe(failing.length);
    for (const l of failing.filter((x) => x.shortfall.vcpu > 0)) {
      const row = page.getByTestId('n1-loss').filter({ hasText: l.hostName });
      await expect(row.getByTestId('n1-shortfall').textContent()).resolves.toContain(`vCPU ${l.shortfall.vcpu}`);
    }
    await page.getByTestId('capacity-chart').locator('canvas').first().waitFor();
    await page.screenshot({ path: join(SHOTS, 'cmdb-capacity-1280.png'), fullPage: true });
    await page.close();
  });

  it('the ledger and capacity screens fit a tablet', async () => {
    const page = await e.browser.newPage({ viewport: { width: 820, height: 1180 }, locale: 'ja-JP' });
    await login(page, 'manager');
    await page.goto(`${base}/cmdb/vms`);
    await page.getByTestId('vms-table').locator('tbody tr').first().waitFor();
    await page.screenshot({ path: join(SHOTS, 'cmdb-vms-tablet.png') });
    await page.goto(`${base}/cmdb/sites`);
    await page.getByTestId('clusters-table').locator('tbody tr').first().waitFor();
    await page.getByTestId('sites-table').getByText('県庁舎サーバルーム').waitFor();
    await page.screenshot({ path: join(SHOTS, 'cmdb-sites-tablet.png'), fullPage: true });
    await page.goto(`${base}/capacity`);
    await page.getByTestId('capacity-chart').locator('canvas').first().waitFor();
    await page.screenshot({ path: join(SHOTS, 'cmdb-capacity-tablet.png'), fullPage: true });
    // No horizontal scrolling of the page itself (wide tables scroll inside their container).
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.close();
  });

  it('a system owner sees only their department’s systems, without edit buttons, and not another department’s system', async () => {
    const page = await e.browser.newPage({ viewport: { width: 820, height: 1180 }, locale: 'ja-JP' });
    await login(page, 'owner');
    await page.goto(`${base}/cmdb/systems`);
    const own = await apiGet<{ total: number; items: { departmentName: string }[] }>(page, '/api/cmdb/systems?pageSize=500');
    expect(own.total).toBeGreaterThan(0);
    expect(new Set(own.items.map((s) => s.departmentName))).toEqual(new Set([ownerDepartmentName]));
    await page.getByTestId('list-total').filter({ hasText: totalText(own.total) }).waitFor();
    const departments = await page.getByTestId('systems-table').locator('tbody tr td:nth-child(4)').allTextContents();
    expect(departments.length).toBe(Math.min(50, own.total));
    for (const d of departments) expect(d).toBe(ownerDepartmentName);
    // Platform ledgers are not offered.
    expect(await page.getByTestId('cmdb-tab-hosts').count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'cmdb-owner-systems-tablet.png') });

    await page.getByTestId('systems-table').getByTestId('link-system').first().click();
    await page.getByTestId('ci-system').waitFor();
    await page.getByTestId('ci-readonly').waitFor();
    expect(await page.getByTestId('ci-edit').count()).toBe(0);
    expect(await page.getByTestId('ci-transition').count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'cmdb-owner-system-tablet.png'), fullPage: true });

    await page.goto(`${base}/cmdb/systems/${foreignSystemId}`);
    await page.getByTestId('not-found').waitFor();
    await page.screenshot({ path: join(SHOTS, 'cmdb-owner-foreign-system.png') });
    await page.goto(`${base}/capacity`);
    await page.getByTestId('forbidden').waitFor();
    await page.close();
  });
});
