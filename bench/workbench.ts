/**
 * Bench: the workbench's inbox and global search with 200,000 incidents and the ×20 estate (issue 9).
 *
 *   npx tsx bench/workbench.ts                                        # embedded PGlite (in memory)
 *   DATABASE_URL=postgres://…/kiban_bench_wb npx tsx bench/workbench.ts   # a PostgreSQL database (written to!)
 *   COUNT=50000 RUNS=100 npx tsx bench/workbench.ts                    # fewer rows / requests
 *   EXPLAIN=1 …                                                       # also EXPLAIN ANALYZE the SELECTs of one request each
 *   REUSE=1 DATABASE_URL=…                                            # measure again on a database a previous run filled
 *   SETUP_SQL='CREATE INDEX …; …' …                                    # statements run (then ANALYZE) before measuring: index trials
 *
 * The estate is the demo ×SCALE (20: 4,598 VMs, 200 hosts, 1,600 systems) as bench/cmdb-ledger.ts loads it.
 * Incidents are bulk-inserted (the bench measures reads, not intake) with their bigrams, as in
 * bench/incidents.ts: the oldest (1 − OPEN_SHARE) closed, the newest OPEN_SHARE in the open states of
 * their class's path (registered … provisionally_closed), with departments, report and 納期 deadlines
 * around now (some overdue), and the affected CIs of every trouble (VMs, hosts, the platform) so that a
 * system owner's scope (department, or a VM of theirs affected) is evaluated as in production.
 *
 * Requests go through the whole HTTP app (Fastify inject: session, scope, zod, JSON) as the operations
 * manager (vendor_manager), the supervisor and a system owner (道路建設課, a department with systems and
 * VMs): after WARMUP requests, RUNS of each of /api/inbox, /api/inbox/count and /api/search with a
 * receipt number, two title words, a VM name fragment and an IP prefix. Prints p50/p99 per role and
 * query; record them in bench/RESULTS.md by hand.
 */
import { performance } from 'node:perf_hooks';
import { and, asc, count, eq, inArray } from 'drizzle-orm';
import { cmdbHosts, cmdbSystems, cmdbVms } from '../src/cmdb/schema.ts';
import { openDatabase } from '../src/db/connection.ts';
import { loadDemo } from '../src/demo/index.ts';
import { buildApp } from '../src/http/app.ts';
import { people } from '../src/iam/schema.ts';
import { incidentCis, incidents } from '../src/incidents/schema.ts';
import { systemClock } from '../src/kernel/clock.ts';
import { bigrams } from '../src/kernel/grams.ts';

const COUNT = Number(process.env.COUNT ?? 200_000);
const SCALE = Number(process.env.SCALE ?? 20);
const OPEN_SHARE = Number(process.env.OPEN_SHARE ?? 0.1);
const RUNS = Number(process.env.RUNS ?? 200);
const WARMUP = Number(process.env.WARMUP ?? 20);
const EXPLAIN = process.env.EXPLAIN === '1';
/** Skip the load when the database already holds a previous run's estate and incidents (index or setting trials). */
const REUSE = process.env.REUSE === '1';
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
const CONTEXTS = ['', '（業務時間中）', '（夜間バッチ後）', '（至急）', '（月次処理）', '（再発）', '（本庁舎）'];
const DETAILS = [
  '業務時間中に発生',
  '夜間バッチの後に発生',
  '再起動で解消',
  '原因調査中',
  '手順書に従い対応',
  '所管課から電話で連絡',
  'ICTサービスセンター経由',
];
const CLASSES = ['qa', 'work_request', 'trouble'] as const;
type Cls = (typeof CLASSES)[number];

/** Open states of each class's path (incidents/process.ts pathOf, plus handed_over), with weights. */
const OPEN_STATES: Record<Cls, [string, number][]> = {
  qa: [
    ['registered', 15],
    ['in_progress', 45],
    ['awaiting_confirmation', 20],
    ['provisionally_closed', 20],
  ],
  work_request: [
    ['registered', 10],
    ['manager_review', 8],
    ['supervisor_review', 7],
    ['in_progress', 40],
    ['awaiting_confirmation', 17],
    ['provisionally_closed', 18],
  ],
  trouble: [
    ['registered', 8],
    ['in_progress', 30],
    ['procedure_review', 10],
    ['procedure_approval', 10],
    ['recovering', 6],
    ['recovered', 8],
    ['handed_over', 4],
    ['awaiting_confirmation', 12],
    ['provisionally_closed', 12],
  ],
};

function pick(table: [string, number][], u: number): string {
  const total = table.reduce((s, [, w]) => s + w, 0);
  let x = u * total;
  for (const [v, w] of table) {
    x -= w;
    if (x < 0) return v;
  }
  return table[table.length - 1]![0];
}

/** A deterministic number in [0, 1) from an integer (no Math.random: runs are comparable). */
function hash01(i: number, salt: number): number {
  let h = (i * 2654435761 + salt * 40503) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 2246822519) >>> 0;
  h ^= h >>> 13;
  return (h >>> 0) / 4294967296;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

/** Every statement a request sends, recorded for EXPLAIN (both drivers expose `query(text|config, params)`). */
interface Captured {
  text: string;
  params: unknown[];
}

async function main() {
  const database = await openDatabase({ url: process.env.DATABASE_URL, dataDir: process.env.PGLITE_DIR });
  await database.migrate();
  const db = database.db;
  const [held] = await db.select({ n: count() }).from(incidents);
  const reuse = REUSE && (held?.n ?? 0) >= COUNT;
  if (REUSE && !reuse) console.log(`REUSE: the database holds ${held?.n ?? 0} incidents, loading afresh`);
  let t0 = performance.now();
  let depts: string[] = [];
  if (!reuse) {
    const { org, estate } = await loadDemo(db, systemClock, {
      password: PASSWORD,
      scale: SCALE,
    });
    console.log(
      `demo load ×${SCALE}: ${estate.vms} VMs, ${estate.hosts} hosts, ${estate.systems} systems in ${Math.round(performance.now() - t0)} ms (${database.kind})`,
    );
    depts = org.departments.filter((d) => d.kind === 'prefecture').map((d) => d.id);
  } else console.log(`reusing the database's ${held!.n} incidents and estate (${database.kind})`);

  const who = await db
    .select({ id: people.id, login: people.login, dept: people.departmentId })
    .from(people)
    .where(inArray(people.login, ['operator', 'operator2', 'manager', 'owner']));
  const pid = (l: string) => who.find((p) => p.login === l)!.id;
  const operators = [pid('operator'), pid('operator2')];
  const ownerDept = who.find((p) => p.login === 'owner')!.dept!;
  const vms = await db
    .select({
      id: cmdbVms.id,
      name: cmdbVms.name,
      nics: cmdbVms.nics,
      dept: cmdbSystems.departmentId,
    })
    .from(cmdbVms)
    .leftJoin(cmdbSystems, eq(cmdbSystems.id, cmdbVms.systemId))
    .orderBy(asc(cmdbVms.name));
  const hosts = await db.select({ id: cmdbHosts.id }).from(cmdbHosts).orderBy(asc(cmdbHosts.name));
  const ownerVms = vms.filter((v) => v.dept === ownerDept);
  console.log(`owner's department: ${ownerVms.length} VMs`);

  // ── incidents ────────────────────────────────────────────────────────────────────────────────
  if (!reuse) await insertIncidents();
  async function insertIncidents() {
    t0 = performance.now();
    const now = Date.now();
    const first = Date.parse('2020-04-01T00:00:00Z');
    const step = (now - 3_600_000 - first) / COUNT;
    const openFrom = Math.floor(COUNT * (1 - OPEN_SHARE));
    const perYear = new Map<number, number>();
    const stateCount = new Map<string, number>();
    let cis = 0;
    const BATCH = 1000;
    for (let b = 0; b < COUNT; b += BATCH) {
      const rows = [];
      const links: (typeof incidentCis.$inferInsert)[] = [];
      for (let i = b; i < Math.min(COUNT, b + BATCH); i++) {
        const at = new Date(first + i * step);
        // Receipt numbers as the intake gives them (INC-YYYY-NNNNNN, JST year); the demo's own few
        // incidents of this year keep the first hundred.
        const year = new Date(at.getTime() + 9 * 3_600_000).getUTCFullYear();
        const seq = (perYear.get(year) ?? 100) + 1;
        perYear.set(year, seq);
        const receiptNo = `INC-${year}-${String(seq).padStart(6, '0')}`;
        const cls = CLASSES[i % 3]!;
        const open = i >= openFrom;
        const state = open ? pick(OPEN_STATES[cls], hash01(i, 1)) : 'closed';
        stateCount.set(state, (stateCount.get(state) ?? 0) + 1);
        const departmentId = depts[Math.floor(hash01(i, 2) * depts.length)]!;
        const title = `${SUBJECTS[i % 10]}${PROBLEMS[Math.floor(i / 10) % 10]}${CONTEXTS[Math.floor(i / 100) % CONTEXTS.length]}`;
        const description = `${title}。${DETAILS[i % 7]}。対象: ${SUBJECTS[(i * 7) % 10]}（管理番号 ${i}）`;
        const op = operators[i % operators.length]!;
        const hours = (h: number) => new Date(now + h * 3_600_000);
        // Deadlines around now: troubles have their next report due (INC-7), most others a 納期 (INC-9).
        const nextReportDueAt = open && cls === 'trouble' ? hours(-48 + hash01(i, 3) * 120) : null;
        const dueAt = open && hash01(i, 4) < 0.7 ? hours(-120 + hash01(i, 5) * 600) : null;
        const late = ['awaiting_confirmation', 'provisionally_closed', 'closed'].includes(state);
        const row: typeof incidents.$inferInsert = {
          receiptNo,
          title,
          description,
          source: 'other',
          class: cls,
          state,
          departmentId,
          requesterName: '所管課 担当者',
          registeredBy: op,
          registeredAt: at,
          detectedAt: at,
          assigneeId: state === 'registered' ? null : op,
          dispatchedAt: state === 'registered' ? null : at,
          dueAt,
          nextReportDueAt,
          priority: cls === 'trouble' ? (i % 5 === 0 ? 'high' : 'low') : null,
          procedureSubmittedBy: ['procedure_review', 'procedure_approval'].includes(state) || (cls === 'trouble' && late) ? op : null,
          provisionallyClosedBy: late ? op : null,
          closedBy: state === 'closed' ? pid('manager') : null,
          closedAt: state === 'closed' ? new Date(at.getTime() + 86_400_000) : null,
          grams: bigrams(`${title} ${description}`),
          createdAt: at,
          updatedAt: at,
        };
        rows.push(row);
      }
      const ids = await db.insert(incidents).values(rows).returning({ id: incidents.id, cls: incidents.class });
      for (const [k, r] of ids.entries()) {
        if (r.cls !== 'trouble') continue;
        const i = b + k;
        const u = hash01(i, 6);
        if (u < 0.75) {
          const vm = vms[Math.floor(hash01(i, 7) * vms.length)]!;
          links.push({
            incidentId: r.id,
            ciType: 'vm',
            ciId: vm.id,
            name: vm.name,
          });
        } else if (u < 0.9) {
          links.push({
            incidentId: r.id,
            ciType: 'host',
            ciId: hosts[Math.floor(hash01(i, 8) * hosts.length)]!.id,
            name: 'host',
          });
        } else
          links.push({
            incidentId: r.id,
            ciType: 'platform',
            ciId: null,
            name: '基盤全体',
          });
      }
      if (links.length) await db.insert(incidentCis).values(links);
      cis += links.length;
    }
    await db.execute('ANALYZE'); // on PGlite too: it runs no autovacuum, so a new database has no statistics
    console.log(`inserted ${COUNT} incidents + ${cis} affected CIs in ${Math.round(performance.now() - t0)} ms`);
    console.log(`states: ${[...stateCount].map(([s, n]) => `${s} ${n}`).join(', ')}`);
  }
  const setup = (process.env.SETUP_SQL ?? '')
    .split(';')
    .map((x) => x.trim())
    .filter(Boolean);
  for (const stmt of setup) {
    console.log(`SETUP_SQL: ${stmt}`);
    await db.execute(stmt);
  }
  if (setup.length) await db.execute('ANALYZE');
  // A receipt number the owner may see too: the oldest incident awaiting their department's confirmation.
  const [mine] = await db
    .select({ receiptNo: incidents.receiptNo })
    .from(incidents)
    .where(and(eq(incidents.state, 'awaiting_confirmation'), eq(incidents.departmentId, ownerDept)))
    .orderBy(asc(incidents.registeredAt))
    .limit(1);
  const ownerReceipt = mine?.receiptNo ?? 'INC-2026-000001';

  // ── the app and the three people ────────────────────────────────────────────────────────────
  const app = await buildApp({
    db,
    dbKind: database.kind,
    clock: systemClock,
    config: {
      session: { idleMinutes: 30, absoluteHours: 10 },
      secureCookies: 'auto',
      trustProxy: false,
      logLevel: 'silent',
    },
    serveWeb: false,
    logger: false,
    loginRatePerMinute: 1000,
  });
  const login = async (l: string) => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { login: l, password: PASSWORD },
    });
    const c = r.cookies.find((x) => x.name === 'kiban_sid');
    if (!c) throw new Error(`login ${l}: ${r.statusCode} ${r.body}`);
    return { cookie: `kiban_sid=${c.value}` };
  };
  const roles = [
    ['manager (vendor_manager)', await login('manager')],
    ['supervisor', await login('supervisor')],
    ['owner (system_owner, 道路建設課)', await login('owner')],
  ] as const;

  // The search texts: a receipt number the owner may see too, two title words, a fragment of one of
  // the owner's VM names, the leading three octets of its business-LAN address.
  const vm = ownerVms[Math.floor(ownerVms.length / 2)] ?? vms[0]!;
  const vmFragment = vm.name.split('-').slice(1, 3).join('-') || vm.name.slice(0, 6);
  const ip = vm.nics.find((n) => n.ip)?.ip ?? '10.10.0.10';
  const ipPrefix = `${ip.split('.').slice(0, 3).join('.')}.`;
  const q = encodeURIComponent;
  const queries: [string, string][] = [
    ['inbox', '/api/inbox'],
    ['inbox/count', '/api/inbox/count'],
    [`search receipt ${ownerReceipt}`, `/api/search?q=${q(ownerReceipt)}`],
    ['search words ストレージ 容量', `/api/search?q=${q('ストレージ 容量')}`],
    [`search VM name ${vmFragment}`, `/api/search?q=${q(vmFragment)}`],
    [`search IP ${ipPrefix}`, `/api/search?q=${q(ipPrefix)}`],
  ];

  // Statement capture for EXPLAIN: the driver's query function, wrapped.
  const client = (
    db as unknown as {
      $client: { query: (...a: unknown[]) => Promise<unknown> };
    }
  ).$client;
  const rawQuery = client.query.bind(client);
  let capture: Captured[] | null = null;
  client.query = (...a: unknown[]) => {
    if (capture) {
      const cfg = a[0] as string | { text: string; values?: unknown[] };
      capture.push({
        text: typeof cfg === 'string' ? cfg : cfg.text,
        params: (Array.isArray(a[1]) ? a[1] : typeof cfg === 'string' ? [] : cfg.values) ?? [],
      });
    }
    return rawQuery(...a);
  };

  const summary: string[] = [];
  for (const [role, headers] of roles) {
    console.log(`\n${role}`);
    for (const [label, url] of queries) {
      const times: number[] = [];
      let body = '';
      for (let i = 0; i < WARMUP + RUNS; i++) {
        const t = performance.now();
        const r = await app.inject({ url, headers });
        const ms = performance.now() - t;
        if (r.statusCode !== 200) throw new Error(`${role} ${url}: ${r.statusCode} ${r.body.slice(0, 200)}`);
        if (i >= WARMUP) times.push(ms);
        body = r.body;
      }
      const j = JSON.parse(body) as {
        total?: number;
        approvals?: number;
        overdue?: number;
        truncated?: boolean;
        items?: unknown[];
        groups?: { source: string; hits: unknown[] }[];
      };
      const what = j.groups
        ? j.groups.map((g) => `${g.source} ${g.hits.length}`).join(', ') || 'no hits'
        : `total ${j.total}, approvals ${j.approvals}, overdue ${j.overdue}${j.truncated ? ', truncated' : ''}`;
      const line = `${label.padEnd(36)} p50 ${pct(times, 50).toFixed(1).padStart(7)} ms  p99 ${pct(times, 99).toFixed(1).padStart(7)} ms  (${RUNS} req, ${body.length} B; ${what})`;
      console.log(`  ${line}`);
      summary.push(`${role.split(' ')[0]} | ${line}`);

      if (EXPLAIN) {
        capture = [];
        await app.inject({ url, headers });
        const stmts = capture as Captured[];
        capture = null;
        for (const s of stmts) {
          if (!/^\s*(select|with)\b/i.test(s.text)) continue;
          const res = (await rawQuery(`EXPLAIN (ANALYZE, BUFFERS) ${s.text}`, s.params)) as { rows: Record<string, string>[] };
          const plan = res.rows.map((r) => Object.values(r)[0]).join('\n');
          const exec = Number(/Execution Time: ([0-9.]+)/.exec(plan)?.[1] ?? 0);
          if (exec < Number(process.env.EXPLAIN_MS ?? 5)) continue;
          console.log(
            `\n    -- ${exec.toFixed(1)} ms: ${s.text.replace(/\s+/g, ' ').slice(0, 4000)}\n    -- params: ${JSON.stringify(s.params).slice(0, 400)}`,
          );
          console.log(plan.replace(/^/gm, '    '));
        }
      }
    }
  }
  console.log(`\nsummary (${database.kind}, ${COUNT} incidents, ×${SCALE} estate)\n${summary.join('\n')}`);
  await app.close();
  await database.close();
}

await main();
