import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = process.env.KIBAN_CHROMIUM ?? '/usr/bin/chromium';
export const SHOTS = join(process.cwd(), '.test-results', 'screenshots');

/**
 * Debian's chromium driven by playwright-core (no browser download). The flags keep it from
 * calling out to Google's hosts, which this closed network refuses.
 */
export async function launchBrowser(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}
