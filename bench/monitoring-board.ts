/**
 * Bench (f): the live status board with ≥ 10,000 monitoring items — load time and payload.
 *
 *   npx tsx bench/monitoring-board.ts                       # embedded PGlite (in memory)
 *   DATABASE_URL=postgres://…/kiban_bench npx tsx bench/monitoring-board.ts   # a PostgreSQL database (written to!)
 *   SCALE=15 (default) multiplies the demo estate; the N §3.7.3.1 matrix gives ≈ 700 items per ×1.
 *
 * Measures through the real HTTP app (Fastify inject: session, scope, validation, serialisation) what
 * the board screen asks for when it opens and on every 10-second refresh: GET /api/monitoring/board
 * (each grouping) and the first page of items, as an operator (all items) and as a system owner
 * (department scope); then one item's page and its 24-hour history (the chart). p50/p99 over N runs,
 * and the bytes of each answer (uncompressed JSON).
 * Then the same in a real browser (Debian's chromium, as the e2e tests drive it; BROWSER=0 skips):
 * the app listening on loopback with the built UI (npm run build:web first), an operator logged in,
 * the time from navigating to /monitoring until the group tiles and totals are drawn, and the bytes
 * of every response the page received (JS/CSS from cache after the first visit).
 * Prints the figures; record them in bench/RESULTS.md by hand.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { openDatabase, queryRows } from '../src/db/connection.ts';
import { loadDemo } from '../src/demo/index.ts';
import { buildApp } from '../src/http/app.ts';
import { loadConfig } from '../src/kernel/config.ts';
import { systemClock } from '../src/kernel/clock.ts';

const SCALE = Number(process.env.SCALE ?? 15);
const RUNS = Number(process.env.RUNS ?? 50);
const PASSWORD = 'bench-password-123';

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
}

async function main() {
  const database = await openDatabase({ url: process.env.DATABASE_URL });
  await database.migrate();
  const t0 = performance.now();
  const { estate, summary } = await loadDemo(database.db, systemClock, { password: PASSWORD, scale: SCALE });
  const [{ n: items } = { n: 0 }] = await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM monitoring_items WHERE enabled`);
  console.log(`demo load ×${SCALE}: ${estate.vms} VMs, ${estate.hosts} hosts, ${items} monitoring items in ${Math.round(performance.now() - t0)} ms (${database.kind})`);
  console.log(summary.split('\n').find((l) => l.startsWith('Monitoring')));
  const config = loadConfig({});
  const app = await buildApp({
    db: database.db,
    dbKind: database.kind,
    clock: systemClock,
    config: { ...config, logLevel: 'silent' },
    serveWeb: process.env.BROWSER !== '0',
    logger: false,
    loginRatePerMinute: 1000,
  });
  const login = async (l: string) => {
    const r = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: l, password: PASSWORD } });
    const c = r.cookies.find((x) => x.name === 'kiban_sid');
    if (!c) throw new Error(`login ${l}: ${r.statusCode}`);
    return { cookie: `kiban_sid=${c.value}` };
  };

  async function measure(label: string, url: string, headers: Record<string, string>, runs = RUNS) {
    const times: number[] = [];
    let bytes = 0;
    let body = '';
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const r = await app.inject({ url, headers });
      times.push(performance.now() - t);
      if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode} ${r.body.slice(0, 200)}`);
      bytes = Buffer.byteLength(r.body);
      body = r.body;
    }
    console.log(`${label.padEnd(46)} p50 ${pct(times, 50).toFixed(1).padStart(7)} ms  p99 ${pct(times, 99).toFixed(1).padStart(7)} ms  ${(bytes / 1024).toFixed(1).padStart(7)} KB`);
    return { p50: pct(times, 50), p99: pct(times, 99), bytes, body };
  }

  for (const who of ['operator', 'owner'] as const) {
    const s = await login(who);
    let open = 0;
    let openBytes = 0;
    for (const by of ['site', 'cluster', 'host', 'system', 'level'] as const) {
      const m = await measure(`${who}: board by ${by}`, `/api/monitoring/board?by=${by}`, s);
      if (by === 'site') {
        open += m.p50;
        openBytes += m.bytes;
        const b = JSON.parse(m.body);
        console.log(`  ${who} sees ${b.totals.items} items (${b.totals.critical} critical, ${b.totals.warning} warning, ${b.totals.suspect} suspect)`);
      }
    }
    const page = await measure(`${who}: items, first page of 50`, '/api/monitoring/items?page=1&pageSize=50', s);
    open += page.p50;
    openBytes += page.bytes;
    console.log(`  ${who}: opening the board (board by site + first page): ${open.toFixed(1)} ms, ${(openBytes / 1024).toFixed(1)} KB`);
    if (who === 'operator') {
      const first = JSON.parse(page.body).items[0];
      await measure('operator: one item page', `/api/monitoring/items/${first.itemId}`, s);
      const hostItems = JSON.parse((await app.inject({ url: '/api/monitoring/items?type=resource&q=esx&pageSize=1', headers: s })).body).items;
      if (hostItems[0]) await measure('operator: 24 h history (chart)', `/api/monitoring/items/${hostItems[0].itemId}/history`, s);
    }
  }
  if (process.env.BROWSER !== '0') await browserPhase(app);
  await app.close();
  await database.close();
}

async function browserPhase(app: Awaited<ReturnType<typeof buildApp>>) {
  const { launchBrowser } = await import('../e2e/browser.ts');
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${base}/`);
    await page.getByTestId('login-id').fill('operator');
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('home').waitFor();
    let bytes = 0;
    let apiBytes = 0;
    page.on('response', async (r) => {
      const body = await r.body().catch(() => Buffer.alloc(0));
      bytes += body.length;
      if (new URL(r.url()).pathname.startsWith('/api/')) apiBytes += body.length;
    });
    const runs: number[] = [];
    for (let i = 0; i < 6; i++) {
      bytes = 0;
      apiBytes = 0;
      await page.goto(`${base}/`);
      await page.getByTestId('home').waitFor();
      const t = performance.now();
      await page.goto(`${base}/monitoring`);
      await page.getByTestId('group-tile').first().waitFor();
      await page.getByTestId('problem-row').first().waitFor();
      runs.push(performance.now() - t);
      await page.waitForTimeout(300); // let the response listeners finish counting (not part of the figure)
      console.log(`browser: /monitoring drawn (${i === 0 ? 'first visit' : 'again'})`.padEnd(46), `${runs.at(-1)!.toFixed(0).padStart(7)} ms  ${(bytes / 1024).toFixed(1).padStart(7)} KB received, ${(apiBytes / 1024).toFixed(1)} KB of it API`);
    }
    console.log(`browser: median of the repeat visits ${pct(runs.slice(1), 50).toFixed(0)} ms (full page load: HTML, JS, session, screen chunk, board)`);
    // What an operator does after login: click 監視 in the menu (no page reload). The home screen is
    // loaded afresh each time, so no board answer is cached in the page.
    const clicks: number[] = [];
    for (let i = 0; i < 6; i++) {
      await page.goto(`${base}/`);
      await page.getByTestId('home').waitFor();
      const t = performance.now();
      await page.getByTestId('nav-monitoring').click();
      await page.getByTestId('group-tile').first().waitFor();
      await page.getByTestId('problem-row').first().waitFor();
      clicks.push(performance.now() - t);
    }
    console.log(`browser: menu click → board drawn, median of 6   ${pct(clicks, 50).toFixed(0)} ms (max ${Math.max(...clicks).toFixed(0)} ms)`);
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
