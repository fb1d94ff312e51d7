import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { SHOTS } from './browser.ts';

/** A full-page screenshot `<prefix>-<name>.png` in the test results, copied to /tmp/shots to look at. */
export async function shot(page: Page, prefix: string, name: string) {
  const path = join(SHOTS, `${prefix}-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  mkdirSync('/tmp/shots', { recursive: true });
  copyFileSync(path, `/tmp/shots/${prefix}-${name}.png`);
}

/** Fires the process action `action` through the workbench's dialog (a reason when the step asks for one). */
export async function act(p: Page, action: string, reason?: string) {
  await p.getByTestId(`action-${action}`).click();
  const form = p.locator(`[data-testid="action-form"][data-action="${action}"]`);
  await form.waitFor();
  if (reason) await form.getByTestId('field-reason').fill(reason);
  await form.getByTestId('action-submit').click();
}
