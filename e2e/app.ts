import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { type DemoEstateSummary, loadDemoEstate } from '../src/cmdb/index.ts';
import type { Database } from '../src/db/connection.ts';
import { testDatabase } from '../src/db/testing.ts';
import { type DemoOrgResult, loadDemoOrganisation } from '../src/demo/index.ts';
import { buildApp, WEB_DIST } from '../src/http/app.ts';
import { FakeClock } from '../src/kernel/clock.ts';
import type { DemoMonitoringSummary } from '../src/monitoring/index.ts';
import { CHROMIUM, launchBrowser } from './browser.ts';

export const E2E_PASSWORD = 'e2e-demo-password';

export interface E2eApp {
  /** http://127.0.0.1:<port> of the whole app (API + built web UI) on a socket. */
  base: string;
  database: Database;
  clock: FakeClock;
  org: DemoOrgResult;
  estate: DemoEstateSummary | undefined;
  /** With `monitoring: true`: the demo's monitoring (N §3.7.3.1 items, history, alerts, suppressions). */
  monitoring: DemoMonitoringSummary | undefined;
  browser: Browser;
  /** Logs in through the login page and waits for the home screen. */
  login(page: Page, who: string): Promise<void>;
  /** The API's answer with the page's session cookie (what the screen should agree with). */
  apiGet<T>(page: Page, path: string): Promise<T>;
  close(): Promise<void>;
}

/**
 * The real app on a fresh test database with the demo organisation (and the CMDB estate unless
 * `estate: false`; the demo monitoring on that estate with `monitoring: true`), listening on a
 * loopback port, plus Debian's chromium. A missing browser or UI
 * build is a failure, never a skip: the test command installs and builds both.
 */
export async function startE2eApp(opts: { estate?: boolean; monitoring?: boolean } = {}): Promise<E2eApp> {
  expect(existsSync(CHROMIUM), `${CHROMIUM} missing: run npm test (it installs Debian's chromium)`).toBe(true);
  expect(existsSync(join(WEB_DIST, 'index.html')), 'web/dist missing: npm run build:web').toBe(true);
  const database = await testDatabase();
  const clock = new FakeClock('2026-11-24T01:00:00Z');
  const org = await loadDemoOrganisation(database.db, clock, { password: E2E_PASSWORD });
  const estate =
    opts.estate === false
      ? undefined
      : await loadDemoEstate(database.db, clock, { departments: org.departments.filter((d) => d.kind === 'prefecture') });
  // Loaded only when asked for (the other browser tests do not pay for it).
  const monitoring = opts.monitoring && estate ? await (await import('../src/monitoring/index.ts')).loadDemoMonitoring(database.db, clock) : undefined;
  const app = await buildApp({
    db: database.db,
    dbKind: database.kind,
    clock,
    config: { session: { idleMinutes: 30, absoluteHours: 10 }, secureCookies: 'auto', trustProxy: false, logLevel: 'silent' },
    logger: false,
    loginRatePerMinute: 1000,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const browser = await launchBrowser();
  return {
    base,
    database,
    clock,
    org,
    estate,
    monitoring,
    browser,
    async login(page, who) {
      await page.goto(`${base}/`);
      await page.getByTestId('login-id').fill(who);
      await page.getByTestId('login-password').fill(E2E_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.getByTestId('home').waitFor();
    },
    async apiGet<T>(page: Page, path: string) {
      const res = await page.request.get(`${base}${path}`);
      expect(res.status(), path).toBe(200);
      return (await res.json()) as T;
    },
    async close() {
      await browser.close();
      await app.close();
      await database.close();
    },
  };
}
