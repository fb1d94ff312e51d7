/**
 * Bench: incident ledger list and text search with 200,000 incidents (issue 4, issue 13 item 2).
 *
 *   npx tsx bench/incidents.ts                                    # embedded PGlite (in memory)
 *   DATABASE_URL=postgres://…/kiban_bench npx tsx bench/incidents.ts   # a PostgreSQL database (written to!)
 *   PGLITE_DIR=/tmp/kiban-bench npx tsx bench/incidents.ts         # PGlite on disk (kept for REUSE)
 *   COUNT=50000 npx tsx bench/incidents.ts                         # fewer rows
 *   REUSE=1 …                                                      # a database already holding ≥ COUNT incidents
 *                                                                  # (this bench's or bench/workbench.ts's) is measured as it is
 *   RUNS=100 …                                                     # requests per figure (after 5 warm-up requests)
 *
 * Rows are bulk-inserted (the bench measures reads, not intake); titles and descriptions are drawn
 * deterministically from realistic Japanese phrases, with their bigrams as the intake computes them.
 * Requests go through the whole HTTP app (Fastify inject) as the operations manager.
 * Prints the figures; record them in bench/RESULTS.md by hand.
 */
import { performance } from 'node:perf_hooks';
import { count, sql } from 'drizzle-orm';
import { openDatabase } from '../src/db/connection.ts';
import { loadDemo } from '../src/demo/index.ts';
import { buildApp } from '../src/http/app.ts';
import { bigrams } from '../src/kernel/grams.ts';
import { incidents } from '../src/incidents/schema.ts';
import { systemClock } from '../src/kernel/clock.ts';

const COUNT = Number(process.env.COUNT ?? 200_000);
const SCALE = Number(process.env.SCALE ?? 20);
const RUNS = Number(process.env.RUNS ?? 100);
const PASSWORD = 'bench-password-123';
const SUBJECTS = ['仮想マシン', 'ESXiサーバ', 'ストレージ', 'バックアップ', '監視', 'ネットワーク', 'ファイルサーバ', 'Webサーバ', 'データベース', '証明書'];
const PROBLEMS = [
  'が起動しない',
  'の応答が遅い',
  'に接続できない',
  'の容量が不足',
  'でエラーが発生',
  'の設定変更を依頼',
  'について質問',
  'が停止した',
  'のパスワード変更',
  'のログが出力されない',
];
const DETAILS = [
  '業務時間中に発生',
  '夜間バッチの後に発生',
  '再起動で解消',
  '原因調査中',
  '手順書に従い対応',
  '所管課から電話で連絡',
  'ICTサービスセンター経由',
];
const STATES = ['registered', 'in_progress', 'recovered', 'provisionally_closed', 'closed', 'closed', 'closed', 'closed'];
const CLASSES = ['qa', 'work_request', 'trouble'] as const;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function main() {
  const database = await openDatabase({ url: process.env.DATABASE_URL, dataDir: process.env.PGLITE_DIR });
  await database.migrate();
  const [held] = await database.db.select({ n: count() }).from(incidents);
  const reuse = process.env.REUSE === '1' && (held?.n ?? 0) >= COUNT;
  if (reuse) console.log(`reusing the database's ${held!.n} incidents (${database.kind})`);
  else await load();
  async function load() {
    const { org } = await loadDemo(database.db, systemClock, { password: PASSWORD, scale: SCALE });
    const depts = org.departments.filter((d) => d.kind === 'prefecture').map((d) => d.id);
    const t0 = performance.now();
    const start = Date.parse('2020-04-01T00:00:00Z');
    const BATCH = 1000;
    for (let b = 0; b < COUNT; b += BATCH) {
      const rows = [];
      for (let i = b; i < Math.min(COUNT, b + BATCH); i++) {
        const title = `${SUBJECTS[i % 10]}${PROBLEMS[Math.floor(i / 10) % 10]}`;
        const description = `${title}。${DETAILS[i % 7]}。対象: ${SUBJECTS[(i * 7) % 10]}（管理番号 ${i}）`;
        const at = new Date(start + i * 17 * 60_000);
        const cls = CLASSES[i % 3]!;
        rows.push({
          receiptNo: `INC-B-${String(i).padStart(7, '0')}`,
          title,
          description,
          source: 'other' as const,
          class: cls,
          state: STATES[i % STATES.length]!,
          departmentId: depts[i % depts.length],
          registeredAt: at,
          detectedAt: at,
          priority: cls === 'trouble' ? (i % 5 === 0 ? ('high' as const) : ('low' as const)) : null,
          grams: bigrams(`${title} ${description}`),
          createdAt: at,
          updatedAt: at,
        });
      }
      await database.db.insert(incidents).values(rows);
    }
    // Planner statistics after the bulk load, on PGlite too: it runs no autovacuum, so without this a
    // new PGlite database has none (reltuples −1, empty pg_stats) and plans from defaults.
    await database.db.execute(sql`ANALYZE`);
    console.log(`inserted ${COUNT} incidents in ${Math.round(performance.now() - t0)} ms (${database.kind})`);
  }
  const app = await buildApp({
    db: database.db,
    dbKind: database.kind,
    clock: systemClock,
    config: { session: { idleMinutes: 30, absoluteHours: 10 }, secureCookies: 'auto', trustProxy: false, logLevel: 'silent' },
    serveWeb: false,
    logger: false,
    loginRatePerMinute: 1000,
  });
  const login = async (l: string) => {
    const r = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: l, password: PASSWORD } });
    return `kiban_sid=${r.cookies.find((c) => c.name === 'kiban_sid')!.value}`;
  };
  const manager = await login('manager');
  const owner = await login('owner');

  async function measure(label: string, url: string | (() => string), cookie = manager) {
    const times: number[] = [];
    let total = 0;
    let bytes = 0;
    for (let i = 0; i < RUNS + 5; i++) {
      const u = typeof url === 'string' ? url : url();
      const t = performance.now();
      const r = await app.inject({ url: u, headers: { cookie } });
      if (i >= 5) times.push(performance.now() - t);
      if (r.statusCode !== 200) throw new Error(`${u}: ${r.statusCode} ${r.body.slice(0, 200)}`);
      const body = r.json();
      total = body.total ?? body.items?.length ?? 0;
      bytes = r.body.length;
    }
    console.log(`${label.padEnd(58)} p50 ${pct(times, 50).toFixed(1)} ms  p99 ${pct(times, 99).toFixed(1)} ms  (${RUNS} req, ${bytes} B, ${total} rows)`);
  }
  /** The `next` cursor of page `page` - 1, walked from the first page as the ledger screen does. */
  async function cursorOf(url: string, page: number): Promise<string> {
    let after: string | null = null;
    for (let p = 1; p < page; p++) {
      const r: { json(): { next: string | null } } = await app.inject({ url: after ? `${url}&after=${after}` : url, headers: { cookie: manager } });
      after = r.json().next;
      if (!after) throw new Error(`${url}: no page ${p + 1}`);
    }
    return after!;
  }
  const q = (s: string) => encodeURIComponent(s);
  await measure('list class=trouble&priority=high sort=-registeredAt', '/api/incidents?class=trouble&priority=high&sort=-registeredAt');
  await measure('list open=true sort=-registeredAt', '/api/incidents?open=true&sort=-registeredAt');
  await measure('list state=in_progress sort=title', '/api/incidents?state=in_progress&sort=title');
  await measure('list sort=-nextReportDueAt (nullable column)', '/api/incidents?sort=-nextReportDueAt');
  await measure('list sort=nextReportDueAt', '/api/incidents?sort=nextReportDueAt');
  await measure('list sort=-title', '/api/incidents?sort=-title');
  await measure('list state=closed page=200 (offset)', '/api/incidents?state=closed&page=200');
  const deep = await cursorOf('/api/incidents?state=closed', 200);
  await measure('list state=closed page 200 by cursor (after=)', `/api/incidents?state=closed&after=${deep}`);
  const deepTitle = await cursorOf('/api/incidents?sort=title', 100);
  await measure('list sort=title page 100 by cursor', `/api/incidents?sort=title&after=${deepTitle}`);
  const deepDue = await cursorOf('/api/incidents?sort=-nextReportDueAt', 100);
  await measure('list sort=-nextReportDueAt page 100 by cursor', `/api/incidents?sort=-nextReportDueAt&after=${deepDue}`);
  await measure(`list q=${'ストレージ'} (text filter)`, `/api/incidents?q=${q('ストレージ')}`);
  await measure(`list q=${'起動しない'} class=qa (text filter)`, `/api/incidents?class=qa&q=${q('起動しない')}`);
  await measure('list q=000123 (receipt fragment)', '/api/incidents?q=000123');
  await measure(`similar q=${'仮想マシンの起動ができない'}`, `/api/incidents/similar?q=${q('仮想マシンの起動ができない')}`);
  await measure(`similar q=${'バックアップのログが出ない'} class=qa`, `/api/incidents/similar?class=qa&q=${q('バックアップのログが出ない')}`);
  await measure('owner: list sort=-registeredAt', '/api/incidents?sort=-registeredAt', owner);
  await measure(`owner: list q=${'ストレージ'}`, `/api/incidents?q=${q('ストレージ')}`, owner);
  await measure(`owner: similar q=${'仮想マシンの起動ができない'}`, `/api/incidents/similar?q=${q('仮想マシンの起動ができない')}`, owner);
  await app.close();
  await database.close();
}

await main();
