import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eApp, startE2eApp } from './app.ts';
import { SHOTS } from './browser.ts';

let e: E2eApp;
let base: string;
beforeAll(async () => {
  e = await startE2eApp();
  base = e.base;
});
afterAll(() => e?.close());

const login = (page: Page, who: string) => e.login(page, who);
const apiGet = <T,>(page: Page, path: string) => e.apiGet<T>(page, path);

const NEW_VM = 'cp-e2eimp-web01';
const BAD_VM = 'cp-e2eimp-web02';
const UNKNOWN_HOST = 'esx-nowhere-99.example.jp';

/** A minimal RVTools workbook: a vInfo sheet with RVTools 4.x headers, one good row and one row on an unknown host. */
async function rvtoolsXlsx(hostName: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('vInfo');
  ws.addRow(['VM', 'Powerstate', 'Template', 'CPUs', 'Memory', 'NICs', 'Total disk capacity MiB', 'Host', 'OS according to the configuration file', 'VM ID', 'VM UUID']);
  ws.addRow([NEW_VM, 'poweredOn', 'False', 2, 8192, 1, 102400, hostName, 'Red Hat Enterprise Linux 9 (64-bit)', 'vm-990001', '4210aaaa-0000-0000-0000-000000000001']);
  ws.addRow([BAD_VM, 'poweredOn', 'False', 4, 16384, 1, 204800, UNKNOWN_HOST, 'Windows Server 2022', 'vm-990002', '4210aaaa-0000-0000-0000-000000000002']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('RVTools import wizard in Debian chromium', () => {
  it('a manager previews a file, sees the conflict row, excludes it, imports with a reason and finds the VM in the ledger', async () => {
    const page = await e.browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'ja-JP' });
    await login(page, 'manager');
    const hosts = await apiGet<{ items: { name: string }[] }>(page, '/api/cmdb/hosts?status=active&pageSize=1');
    const host = hosts.items[0]!.name;
    const before = await apiGet<{ total: number }>(page, `/api/cmdb/vms?q=${NEW_VM}`);
    expect(before.total).toBe(0);

    await expect(page.getByTestId('nav-cmdb-import').textContent()).resolves.toBe('RVTools 取込み');
    await page.getByTestId('nav-cmdb-import').click();
    await page.getByTestId('cmdb-import').waitFor();
    // Only the import entry is highlighted, not also 構成管理台帳.
    await expect.poll(() => page.getByTestId('nav-cmdb-import').getAttribute('aria-current')).toBe('page');
    await expect.poll(() => page.getByTestId('nav-cmdb').getAttribute('aria-current')).toBeNull();

    // Step 1: the file.
    await page
      .getByTestId('cmdb-import')
      .locator('input[type="file"]')
      .setInputFiles({
        name: 'RVTools_export_e2e.xlsx',
        mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        buffer: await rvtoolsXlsx(host),
      });
    await page.screenshot({ path: join(SHOTS, 'cmdb-import-1-file-1280.png') });
    await page.getByTestId('import-preview').click();

    // Step 2: the dry run. Nothing is written yet.
    await page.getByTestId('import-not-yet').filter({ hasText: 'この時点ではまだ登録されていません' }).waitFor();
    await expect(page.getByTestId('import-count-creates').getAttribute('data-value')).resolves.toBe('1');
    await expect(page.getByTestId('import-count-conflicts').getAttribute('data-value')).resolves.toBe('1');
    await page.getByTestId('import-create').filter({ hasText: NEW_VM }).waitFor();
    const conflict = page.getByTestId('import-conflict');
    expect(await conflict.count()).toBe(1);
    await expect(conflict.getAttribute('data-sheet')).resolves.toBe('vInfo');
    await expect(conflict.getAttribute('data-row')).resolves.toBe('3');
    await expect(conflict.getAttribute('data-column')).resolves.toBe('H');
    await expect(conflict.textContent()).resolves.toContain(UNKNOWN_HOST);
    await expect(conflict.textContent()).resolves.toContain('Host');
    expect((await apiGet<{ total: number }>(page, `/api/cmdb/vms?q=${NEW_VM}`)).total).toBe(0);
    // The commit is blocked until the conflict rows are excluded.
    await expect(page.getByTestId('import-next').isDisabled()).resolves.toBe(true);
    await page.getByTestId('import-blocked').waitFor();
    await page.screenshot({ path: join(SHOTS, 'cmdb-import-2-preview-1280.png'), fullPage: true });
    await page.getByTestId('import-exclude-conflicts').click();
    await expect(page.getByTestId('import-next').isEnabled()).resolves.toBe(true);
    await page.screenshot({ path: join(SHOTS, 'cmdb-import-3-excluded-1280.png'), fullPage: true });
    await page.getByTestId('import-next').click();

    // Step 3: a reason is required; the server's message appears under the field.
    await page.getByTestId('import-commit').click();
    await page.getByTestId('import-commit-form').getByText('必須項目です').waitFor();
    await page.screenshot({ path: join(SHOTS, 'cmdb-import-4-no-reason-1280.png') });
    expect((await apiGet<{ total: number }>(page, `/api/cmdb/vms?q=${NEW_VM}`)).total).toBe(0);
    await page.getByTestId('import-reason').fill('2026年11月 RVTools 棚卸し結果の取込み（e2e）');
    await page.getByTestId('import-commit').click();
    await page.getByTestId('import-result').waitFor();
    await expect(page.getByTestId('import-created-vm').textContent()).resolves.toBe('1');
    await page.screenshot({ path: join(SHOTS, 'cmdb-import-5-result-1280.png') });

    // The new VM in the ledger, on the demo host; the row in conflict was not imported.
    await page.getByTestId('import-ledger-vm').click();
    await page.getByTestId('vms-table').waitFor();
    await page.getByTestId('list-filter').fill('e2eimp');
    await page.waitForURL(/q=e2eimp/);
    const row = page.getByTestId('vms-table').locator('tbody tr').filter({ hasText: NEW_VM });
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain(host);
    expect(await page.getByTestId('vms-table').locator('tbody tr').filter({ hasText: BAD_VM }).count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'cmdb-import-6-ledger-1280.png') });
    // Its history names RVTools and the reason.
    await row.getByRole('link', { name: NEW_VM, exact: true }).click();
    await page.getByTestId('history-entry').first().filter({ hasText: '棚卸し結果の取込み（e2e）' }).waitFor();
    await page.close();
  });

  it('the wizard, the contacts list and the retirement candidates fit a tablet', async () => {
    const page = await e.browser.newPage({ viewport: { width: 820, height: 1180 }, locale: 'ja-JP' });
    await login(page, 'manager');
    await page.goto(`${base}/cmdb/import`);
    await page.getByTestId('import-file').waitFor();
    await page.screenshot({ path: join(SHOTS, 'cmdb-import-tablet.png') });
    const hosts = await apiGet<{ items: { name: string }[] }>(page, '/api/cmdb/hosts?status=active&pageSize=1');
    await page
      .getByTestId('cmdb-import')
      .locator('input[type="file"]')
      .setInputFiles({ name: 'RVTools_export_e2e.xlsx', mimeType: 'application/octet-stream', buffer: await rvtoolsXlsx(hosts.items[0]!.name) });
    await page.getByTestId('import-preview').click();
    await page.getByTestId('import-conflict').waitFor();
    await page.screenshot({ path: join(SHOTS, 'cmdb-import-preview-tablet.png'), fullPage: true });
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);

    // 連絡先・エスカレーション一覧: grouped by system, in escalation order, with several addresses.
    await page.goto(`${base}/cmdb/contacts`);
    await page.getByTestId('contacts-table').locator('tbody tr').first().waitFor();
    const contacts = await apiGet<{ total: number }>(page, '/api/cmdb/contacts?pageSize=1');
    await page.getByTestId('list-total').filter({ hasText: new RegExp(`全 ${contacts.total} 件`) }).waitFor();
    const firstSystem = page.getByTestId('contact-system').first();
    const span = Number(await firstSystem.getAttribute('rowspan'));
    expect(span).toBeGreaterThan(1);
    const orders = (await page.getByTestId('contact-order').allTextContents()).slice(0, span).map(Number);
    expect(orders).toEqual([...orders].sort((a, b) => a - b));
    await firstSystem.getByTestId('contacts-mail-all').waitFor();
    await expect(page.getByTestId('export-xlsx').getAttribute('href')).resolves.toMatch(/^\/api\/cmdb\/contacts\.xlsx\?sort=system/);
    await page.screenshot({ path: join(SHOTS, 'cmdb-contacts-tablet.png') });
    expect(await overflow()).toBeLessThanOrEqual(0);

    await page.goto(`${base}/cmdb/retirement`);
    const retire = await apiGet<{ vms: unknown[]; systems: unknown[] }>(page, '/api/cmdb/retirement-candidates');
    await page.getByTestId('retire-vm-count').filter({ hasText: `全 ${retire.vms.length} 件` }).waitFor();
    await page.getByTestId('retire-system-count').filter({ hasText: `全 ${retire.systems.length} 件` }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'cmdb-retirement-tablet.png'), fullPage: true });
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.close();
  });

  it('the other ledgers and checks at 1280 wide', async () => {
    const page = await e.browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'ja-JP' });
    await login(page, 'manager');
    await page.goto(`${base}/cmdb/contacts`);
    await page.getByTestId('contacts-table').locator('tbody tr').first().waitFor();
    await page.screenshot({ path: join(SHOTS, 'cmdb-contacts-1280.png') });

    await page.goto(`${base}/cmdb/retirement`);
    const retire = await apiGet<{ vms: unknown[] }>(page, '/api/cmdb/retirement-candidates');
    expect(retire.vms.length).toBeGreaterThan(0);
    await page.getByTestId('retire-vm-count').filter({ hasText: `全 ${retire.vms.length} 件` }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'cmdb-retirement-1280.png'), fullPage: true });
    // A longer period asks the server again.
    await page.getByTestId('days-stoppedDays').fill('365');
    await page.waitForURL(/stoppedDays=365/);
    const longer = await apiGet<{ vms: unknown[] }>(page, '/api/cmdb/retirement-candidates?stoppedDays=365');
    await page.getByTestId('retire-vm-count').filter({ hasText: `全 ${longer.vms.length} 件` }).waitFor();

    await page.getByTestId('cmdb-tab-naming').click();
    await page.getByTestId('cmdb-naming').waitFor();
    await page.locator('[data-testid="naming-ok"], [data-testid="naming-table"]').first().waitFor();
    await page.screenshot({ path: join(SHOTS, 'cmdb-naming-1280.png') });

    for (const [tab, table, kind] of [
      ['storage', 'storage-table', 'storage'],
      ['network-devices', 'network-devices-table', 'network-devices'],
      ['management-servers', 'management-servers-table', 'management-servers'],
      ['contracts', 'contracts-table', 'contracts'],
    ] as const) {
      await page.getByTestId(`cmdb-tab-${tab}`).click();
      await page.getByTestId(table).locator('tbody tr').first().waitFor();
      const api = await apiGet<{ total: number }>(page, `/api/cmdb/${kind}?pageSize=1`);
      await page.getByTestId('list-total').filter({ hasText: new RegExp(`全 ${api.total} 件`) }).waitFor();
      await expect(page.getByTestId('export-csv').getAttribute('href')).resolves.toMatch(new RegExp(`^/api/cmdb/${kind}\\.csv`));
      await page.screenshot({ path: join(SHOTS, `cmdb-${kind}-1280.png`) });
    }

    // The VM edit form checks a name against the rule before saving.
    const vms = await apiGet<{ items: { id: string; name: string; systemId: string | null }[] }>(page, '/api/cmdb/vms?status=active&pageSize=20');
    const vm = vms.items.find((v) => v.systemId)!;
    await page.goto(`${base}/cmdb/vms/${vm.id}`);
    await page.getByTestId('ci-edit').click();
    await page.getByTestId('name-check-button').click();
    await page.getByTestId('name-check-ok').waitFor();
    await page.getByTestId('edit-form').getByTestId('field-name').fill('web-server-new');
    await expect(page.getByTestId('name-check-ok').count()).resolves.toBe(0);
    await page.getByTestId('name-check-button').click();
    await page.getByTestId('name-check-ng').waitFor();
    await page.screenshot({ path: join(SHOTS, 'cmdb-vm-namecheck-1280.png') });
    await page.close();
  });

  it('a system owner is not offered the import and the API refuses it', async () => {
    const page = await e.browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'ja-JP' });
    await login(page, 'owner');
    await page.getByTestId('nav-cmdb').waitFor();
    expect(await page.getByTestId('nav-cmdb-import').count()).toBe(0);
    expect(await page.getByTestId('home-card-cmdb-import').count()).toBe(0);
    await page.goto(`${base}/cmdb/import`);
    await page.getByTestId('forbidden').waitFor();
    await page.screenshot({ path: join(SHOTS, 'cmdb-import-owner-forbidden.png') });

    // With a valid session and CSRF token: refused for the permission, not the token.
    const session = await apiGet<{ csrfToken: string }>(page, '/api/auth/session');
    const res = await page.request.post(`${base}/api/cmdb/rvtools/preview`, {
      headers: { 'x-csrf-token': session.csrfToken, 'accept-language': 'ja' },
      multipart: { file: { name: 'RVTools_export.xlsx', mimeType: 'application/octet-stream', buffer: await rvtoolsXlsx('hq-prod-esx01') } },
    });
    expect(res.status()).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe('この操作を行う権限がありません。');
    const commit = await page.request.post(`${base}/api/cmdb/rvtools/commit`, {
      headers: { 'x-csrf-token': session.csrfToken, 'accept-language': 'ja' },
      data: { token: '00000000-0000-4000-8000-000000000000', reason: '権限の確認' },
    });
    expect(commit.status()).toBe(403);

    // The owner still has the contacts of their own systems and the checks.
    await page.goto(`${base}/cmdb/contacts`);
    await page.getByTestId('contacts-table').locator('tbody tr').first().waitFor();
    expect(await page.getByTestId('cmdb-tab-storage').count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'cmdb-contacts-owner-1280.png') });
    await page.close();
  });
});
