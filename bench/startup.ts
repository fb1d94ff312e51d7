/**
 * Issue 13 item 5: cold start and cold load.
 *
 * (1) `node bin/kiban.js start` in demo mode to "ready" (GET /api/health answers ok), on a NEW embedded
 *     database (migrations + the whole demo load) and on the EXISTING one (migrations checked, no load);
 *     RUNS times each, in fresh processes on a throw-away data dir and a loopback port.
 * (2) Debian's chromium, a NEW browser context each run (empty cache, like a first visit): log in, then the
 *     time from navigation to the home screen drawn, and the bytes received (compressed, as on the wire).
 *     Then the same page again in that context (assets from the cache).
 *
 * Needs `npm run build:web` first. `RUNS` (default 3) sets the repetitions.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUNS = Number(process.env.RUNS ?? 3);
const PASSWORD = 'bench-demo-password';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function startToReady(dataDir: string, port: number): Promise<{ ms: number; child: ChildProcess }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['bin/kiban.js', 'start'], {
    env: {
      ...process.env,
      KIBAN_MODE: 'demo',
      KIBAN_DATA_DIR: dataDir,
      KIBAN_PORT: String(port),
      KIBAN_HOST: '127.0.0.1',
      KIBAN_DEMO_PASSWORD: PASSWORD,
      KIBAN_LOG_LEVEL: 'warn',
      KIBAN_MONITORING: 'off',
      DATABASE_URL: '',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let exited = false;
  child.on('exit', () => (exited = true));
  for (;;) {
    if (exited) throw new Error('kiban start exited before it was ready');
    try {
      const r = await fetch(`http://127.0.0.1:${port}/api/health`, {
        signal: AbortSignal.timeout(2000),
      });
      if (r.ok && ((await r.json()) as { status: string }).status === 'ok') break;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return { ms: performance.now() - t0, child };
}

async function stop(child: ChildProcess): Promise<void> {
  await new Promise<void>((resolve) => {
    child.on('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
const fmt = (a: number[]) => `median ${median(a).toFixed(0)} ms (${a.map((x) => x.toFixed(0)).join(', ')})`;

async function main() {
  const fresh: number[] = [];
  const again: number[] = [];
  let last: { dataDir: string; port: number; child: ChildProcess } | undefined;
  for (let i = 0; i < RUNS; i++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'kiban-bench-start-'));
    const port = await freePort();
    const a = await startToReady(dataDir, port);
    fresh.push(a.ms);
    console.error(`run ${i + 1}: new database ready in ${a.ms.toFixed(0)} ms`);
    await stop(a.child);
    const b = await startToReady(dataDir, port);
    again.push(b.ms);
    if (last) {
      await stop(last.child);
      rmSync(last.dataDir, { recursive: true, force: true });
    }
    last = { dataDir, port, child: b.child };
  }
  console.log(`start → ready, new embedded database (migrations + demo load): ${fmt(fresh)}`);
  console.log(`start → ready, existing embedded database:                    ${fmt(again)}`);

  try {
    if (process.env.BROWSER !== '0' && last) await browserPhase(last.port);
  } finally {
    if (last) {
      await stop(last.child);
      rmSync(last.dataDir, { recursive: true, force: true });
    }
  }
}

async function browserPhase(port: number) {
  {
    const { launchBrowser } = await import('../e2e/browser.ts');
    const browser = await launchBrowser();
    const base = `http://127.0.0.1:${port}`;
    const cold: number[] = [];
    const warm: number[] = [];
    let coldBytes = 0;
    let warmBytes = 0;
    try {
      for (let i = 0; i < Math.max(RUNS, 5); i++) {
        const context = await browser.newContext({
          viewport: { width: 1280, height: 800 },
        });
        const page = await context.newPage();
        const cdp = await context.newCDPSession(page);
        await cdp.send('Network.enable');
        let wire = 0;
        cdp.on('Network.loadingFinished', (e: { encodedDataLength: number }) => (wire += e.encodedDataLength));
        await page.goto(`${base}/`);
        await page.getByTestId('login-id').fill('manager');
        await page.getByTestId('login-password').fill(PASSWORD);
        await page.getByTestId('login-submit').click();
        await page.getByTestId('home').waitFor();
        // The session cookie is kept; the cache holds only what the login page needed.
        await cdp.send('Network.clearBrowserCache');
        wire = 0;
        let t0 = performance.now();
        await page.goto(`${base}/`);
        await page.getByTestId('home').waitFor();
        cold.push(performance.now() - t0);
        coldBytes = wire;
        wire = 0;
        t0 = performance.now();
        await page.goto(`${base}/`);
        await page.getByTestId('home').waitFor();
        warm.push(performance.now() - t0);
        warmBytes = wire;
        await context.close();
      }
    } finally {
      await browser.close();
    }
    console.log(`browser, cold load of / after login (empty cache):  ${fmt(cold)}, ${(coldBytes / 1024).toFixed(0)} KB on the wire`);
    console.log(`browser, load of / again (assets from the cache):  ${fmt(warm)}, ${(warmBytes / 1024).toFixed(1)} KB on the wire`);
  }
}

await main();
