/**
 * Bench: incident ledger list and text search with 200,000 incidents (issue 4).
 *
 *   npx tsx bench/incidents.ts                                    # embedded PGlite (in memory)
 *   DATABASE_URL=postgres://…/kiban_bench npx tsx bench/incidents.ts   # a PostgreSQL database (written to!)
 *   COUNT=50000 npx tsx bench/incidents.ts                         # fewer rows
 *
 * Rows are bulk-inserted (the bench measures reads, not intake); titles and descriptions are drawn
 * deterministically from realistic Japanese phrases, with their bigrams as the intake computes them.
 * Requests go through the whole HTTP app (Fastify inject) as the operations manager.
 * Prints the figures; record them in bench/RESULTS.md by hand.
 */
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../src/db/connection.ts';
import { loadDemo } from '../src/demo/index.ts';
import { buildApp } from '../src/http/app.ts';
import { bigrams } from '../src/kernel/grams.ts';
import { incidents } from '../src/incidents/schema.ts';
import { systemClock } from '../src/kernel/clock.ts';

const COUNT = Number(process.env.COUNT ?? 200_000);
const PASSWORD = 'bench-password-123';
const SUBJECTS = ['仮想マシン', 'ESXiサーバ', 'ストレージ', 'バックアップ', '監視', 'ネットワーク', 'ファイルサーバ', 'Webサーバ', 'データベース', '証明書'];
const PROBLEMS = ['が起動しない', 'の応答が遅い', 'に接続できない', 'の容量が不足', 'でエラーが発生', 'の設定変更を依頼', 'について質問', 'が停止した', 'のパスワード変更', 'のログが出力されない'];
const DETAILS = ['業務時間中に発生', '夜間バッチの後に発生', '再起動で解消', '原因調査中', '手順書に従い対応', '所管課から電話で連絡', 'ICTサービスセンター経由'];
const STATES = ['registered', 'in_progress', 'recovered', 'provisionally_closed', 'closed', 'closed', 'closed', 'closed'];
const CLASSES = ['qa', 'work_request', 'trouble'] as const;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function main() {
  const database = await openDatabase({ url: process.env.DATABASE_URL });
  await database.migrate();
  const { org } = await loadDemo(database.db, systemClock, { password: PASSWORD });
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
  console.log(`inserted ${COUNT} incidents in ${Math.round(performance.now() - t0)} ms (${database.kind})`);
  const app = await buildApp({
    db: database.db,
    dbKind: database.kind,
    clock: systemClock,
    config: { session: { idleMinutes: 30, absoluteHours: 10 }, secureCookies: 'auto', trustProxy: false, logLevel: 'silent' },
    serveWeb: false,
    logger: false,
  });
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'manager', password: PASSWORD } });
  const cookie = `kiban_sid=${login.cookies.find((c) => c.name === 'kiban_sid')!.value}`;

  async function measure(label: string, n: number, url: string) {
    const times: number[] = [];
    let total = 0;
    let bytes = 0;
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      const r = await app.inject({ url, headers: { cookie } });
      times.push(performance.now() - t);
      if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode} ${r.body.slice(0, 200)}`);
      const body = r.json();
      total = body.total ?? body.items?.length ?? 0;
      bytes = r.body.length;
    }
    console.log(`${label.padEnd(58)} p50 ${pct(times, 50).toFixed(1)} ms  p99 ${pct(times, 99).toFixed(1)} ms  (${n} req, ${bytes} B, ${total} rows)`);
  }
  const q = (s: string) => encodeURIComponent(s);
  await measure('list class=trouble&priority=high sort=-registeredAt', 50, '/api/incidents?class=trouble&priority=high&sort=-registeredAt');
  await measure('list open=true sort=-registeredAt', 50, '/api/incidents?open=true&sort=-registeredAt');
  await measure('list state=closed page=200', 30, '/api/incidents?state=closed&page=200');
  await measure(`list q=${'ストレージ'} (text filter)`, 30, `/api/incidents?q=${q('ストレージ')}`);
  await measure(`similar q=${'仮想マシンの起動ができない'}`, 30, `/api/incidents/similar?q=${q('仮想マシンの起動ができない')}`);
  await measure(`similar q=${'バックアップのログが出ない'} class=qa`, 30, `/api/incidents/similar?class=qa&q=${q('バックアップのログが出ない')}`);
  await app.close();
  await database.close();
}

await main();
