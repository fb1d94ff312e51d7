import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_PASSWORD as PASSWORD, type E2eApp, startE2eApp } from './app.ts';
import { SHOTS } from './browser.ts';

let e: E2eApp;
let base: string;
beforeAll(async () => {
  e = await startE2eApp({ estate: false });
  base = e.base;
});
afterAll(() => e?.close());

describe('web shell in Debian chromium', () => {
  it('logs in as the operations manager and reaches the home screen, in Japanese by default', async () => {
    const page = await e.browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'ja-JP' });
    await page.goto(`${base}/`);
    await page.getByTestId('login-id').fill('manager');
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('home').waitFor();
    await expect(page.getByTestId('header-user-name').textContent()).resolves.toContain('運用管理者');
    await expect(page.getByTestId('header-user-roles').textContent()).resolves.toContain('管理者');
    await expect(page.getByTestId('nav-people').textContent()).resolves.toBe('利用者');
    await page.getByTestId('nav-departments').click();
    await page.getByText('土木部 道路建設課').waitFor();
    await page.screenshot({ path: join(SHOTS, 'home-1280.png') });
    // English on request; the choice survives a reload.
    await page.getByTestId('lang-switch').getByText('English').click();
    await expect(page.getByTestId('nav-people').textContent()).resolves.toBe('People');
    await page.reload();
    await expect(page.getByTestId('nav-people').textContent()).resolves.toBe('People');
    await page.close();
  });

  it('refuses a wrong password with a message on the page and stays on the login screen', async () => {
    const page = await e.browser.newPage({ locale: 'ja-JP' });
    await page.goto(`${base}/`);
    await page.getByTestId('login-id').fill('manager');
    await page.getByTestId('login-password').fill('wrong-password-x');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-error').waitFor();
    await expect(page.getByTestId('login-error').textContent()).resolves.toContain('ログインIDまたはパスワードが正しくありません');
    expect(await page.getByTestId('home').count()).toBe(0);
    await page.close();
  });

  it('a system owner on a tablet sees no administration menus', async () => {
    const page = await e.browser.newPage({ viewport: { width: 820, height: 1180 }, locale: 'ja-JP' });
    await page.goto(`${base}/`);
    await page.getByTestId('login-id').fill('owner');
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('home').waitFor();
    await page.screenshot({ path: join(SHOTS, 'home-tablet-owner.png') });
    expect(await page.getByTestId('nav-audit').count()).toBe(0);
    // People are listed, but only those of the owner's own department (ORG-4, enforced by the API).
    await page.goto(`${base}/people`);
    await page.getByText('道路建設課 システム担当（松尾 浩二）').first().waitFor();
    expect(await page.locator('main').textContent()).not.toContain('運用管理者（田中 美咲）');
    // Typing the address does not help: the screen says so (and the API refuses, see src/http tests).
    await page.goto(`${base}/audit`);
    await page.getByTestId('forbidden').waitFor();
    await page.close();
  });
});
