import { eq } from 'drizzle-orm';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cmdbSystems } from '../src/cmdb/schema.ts';
import { people } from '../src/iam/schema.ts';
import { createPortalService } from '../src/portal/index.ts';
import { type E2eApp, startE2eApp } from './app.ts';
import { SHOTS } from './browser.ts';

/** 統合計画書: the plan page as its owner (editable rows) and as the supervisor (read-only). */
let e: E2eApp;
let planId = '';
beforeAll(async () => {
  e = await startE2eApp();
  const db = e.database.db;
  const [owner] = await db.select().from(people).where(eq(people.login, 'owner'));
  const [system] = await db.select().from(cmdbSystems).where(eq(cmdbSystems.departmentId, owner!.departmentId!)).limit(1);
  const actor = {
    kind: 'person' as const,
    personId: owner!.id,
    label: owner!.displayName,
    roles: ['system_owner' as const],
    departmentId: owner!.departmentId,
  };
  const svc = createPortalService({ db, clock: e.clock });
  const plan = await svc.create(actor, { systemId: system!.id, title: '更改に伴う統合', provisionUntil: '2031-03-31' });
  const base = {
    edition: 'Standard',
    bits: 64,
    site: 'main',
    srm: false,
    ha: true,
    monitoring: ['ping', 'resource'],
    mailAddresses: ['doro@pref.example.lg.jp'],
  };
  await svc.save(actor, plan.id, {
    version: plan.version,
    rows: [
      { ...base, hostName: 'doro-ap01', ip: '10.1.2.3', osCode: 'ws2022', templateCode: 'n-windows', cpu: 2, memoryGb: 4, diskGb: 80 },
      {
        ...base,
        hostName: 'doro-db01',
        ip: '10.1.2.4',
        osCode: 'rhel9',
        templateCode: 'n-rhel',
        cpu: 12,
        memoryGb: 16,
        diskGb: 200,
        site: 'sub',
        hostPinning: 'esx01',
      },
    ],
  });
  planId = plan.id;
}, 120_000);
afterAll(() => e?.close());

describe('統合計画書 page', () => {
  it('shows the owner editable rows and the supervisor the same plan read-only', async () => {
    mkdirSync(SHOTS, { recursive: true });
    for (const who of ['owner', 'supervisor']) {
      const page = await e.browser.newPage({ viewport: { width: 1400, height: 900 }, locale: 'ja-JP' });
      await e.login(page, who);
      await page.goto(`${e.base}/portal/plans/${planId}`);
      await page.getByTestId('plan-page').waitFor();
      const inputs = await page.getByTestId('plan-row-table').locator('input[type=text], input:not([type])').count();
      if (who === 'owner') expect(inputs).toBeGreaterThan(0);
      else expect(inputs).toBe(0);
      await page.screenshot({ path: join(SHOTS, `portal-plan-${who}.png`), fullPage: true });
      await page.close();
    }
  }, 120_000);

  it('imports an XLSX as a preview: the rows fill the editor, nothing is written until 下書き保存', async () => {
    const page = await e.browser.newPage({ viewport: { width: 1400, height: 900 }, locale: 'ja-JP' });
    await e.login(page, 'owner');
    await page.goto(`${e.base}/portal/plans/${planId}`);
    await page.getByTestId('plan-page').waitFor();
    const ips = async () =>
      page.evaluate(async (u) => ((await (await fetch(u)).json()) as { rows: { ip: string }[] }).rows.map((r) => r.ip), `/api/portal/plans/${planId}`);
    // The owner's own export, with row 1's IP changed (C6 is the first row's IP in the form's layout).
    const exported = await page.evaluate(async (u) => Array.from(new Uint8Array(await (await fetch(u)).arrayBuffer())), `/api/portal/plans/${planId}/xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(exported) as unknown as ArrayBuffer);
    wb.getWorksheet('統合計画書')!.getCell('C6').value = '10.1.2.9';
    const before = await ips();
    await page
      .getByTestId('plan-rows')
      .locator('input[type=file]')
      .setInputFiles({
        name: 'plan.xlsx',
        mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        buffer: Buffer.from(await wb.xlsx.writeBuffer()),
      });
    await page.getByTestId('plan-import-preview').waitFor();
    expect(await page.getByTestId('plan-import-preview').textContent()).toContain('まだ保存されていません');
    expect(await page.getByTestId('plan-row-1').getByRole('textbox', { name: 'IPアドレス', exact: true }).first().inputValue()).toBe('10.1.2.9');
    expect(await ips()).toEqual(before); // nothing written by the import
    await page.getByTestId('plan-save').click();
    await page.getByTestId('plan-import-preview').waitFor({ state: 'detached' });
    await expect.poll(ips).toEqual(['10.1.2.9', ...before.slice(1)]);
    await page.screenshot({ path: join(SHOTS, 'portal-plan-imported.png'), fullPage: true });
    await page.close();
  }, 120_000);
});
