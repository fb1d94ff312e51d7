import { eq } from 'drizzle-orm';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
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
  const actor = { kind: 'person' as const, personId: owner!.id, label: owner!.displayName, roles: ['system_owner' as const], departmentId: owner!.departmentId };
  const svc = createPortalService({ db, clock: e.clock });
  const plan = await svc.create(actor, { systemId: system!.id, title: '更改に伴う統合', provisionUntil: '2031-03-31' });
  const base = { edition: 'Standard', bits: 64, site: 'main', srm: false, ha: true, monitoring: ['ping', 'resource'], mailAddresses: ['doro@pref.example.lg.jp'] };
  await svc.save(actor, plan.id, {
    version: plan.version,
    rows: [
      { ...base, hostName: 'doro-ap01', ip: '10.1.2.3', osCode: 'ws2022', templateCode: 'n-windows', cpu: 2, memoryGb: 4, diskGb: 80 },
      { ...base, hostName: 'doro-db01', ip: '10.1.2.4', osCode: 'rhel9', templateCode: 'n-rhel', cpu: 12, memoryGb: 16, diskGb: 200, site: 'sub', hostPinning: 'esx01' },
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
});
