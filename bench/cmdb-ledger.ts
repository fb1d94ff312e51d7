/**
 * Bench: the configuration ledger at 20× the demo estate (≈5,000 VMs, 200 hosts) — CMDB issue.
 *
 *   npx tsx bench/cmdb-ledger.ts                          # embedded PGlite (in memory)
 *   DATABASE_URL=postgres://…/kiban_bench npx tsx bench/cmdb-ledger.ts   # a PostgreSQL database (written to!)
 *   REUSE=1 …                                             # measure a database an earlier run loaded
 *
 * Measures, through the real HTTP app (Fastify inject: routing, validation, scope, serialisation):
 *  - VM ledger list, filtered and sorted (the operator's everyday query), p50/p99 over 300 requests
 *  - the same as a system owner (department scope applied)
 *  - the N-1 check of the whole estate, p50/p99 over 20 runs
 * Prints the figures; record them in bench/RESULTS.md by hand.
 */
import { performance } from 'node:perf_hooks';
import { count, sql } from 'drizzle-orm';
import { cmdbVms } from '../src/cmdb/schema.ts';
import { openDatabase } from '../src/db/connection.ts';
import { loadDemo } from '../src/demo/index.ts';
import { buildApp } from '../src/http/app.ts';
import { systemClock } from '../src/kernel/clock.ts';

const SCALE = Number(process.env.SCALE ?? 20);
const PASSWORD = 'bench-password-123';

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}
const f = (n: number) => `${n.toFixed(1)} ms`;

async function main() {
  const database = await openDatabase({ url: process.env.DATABASE_URL, dataDir: process.env.PGLITE_DIR });
  await database.migrate();
  let t0 = performance.now();
  // REUSE=1: a database already holding the demo (loaded by an earlier run), measured again as it is.
  const [held] = await database.db.select({ n: count() }).from(cmdbVms);
  if (process.env.REUSE === '1' && (held?.n ?? 0) > 0) {
    await database.db.execute(sql`ANALYZE`);
    console.log(`reusing the database's ${held!.n} VMs (${database.kind})`);
  } else {
    const { estate } = await loadDemo(database.db, systemClock, { password: PASSWORD, scale: SCALE });
    console.log(
      `demo load ×${SCALE}: ${estate.vms} VMs, ${estate.hosts} hosts, ${estate.systems} systems in ${Math.round(performance.now() - t0)} ms (${database.kind})`,
    );
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
    const c = r.cookies.find((x) => x.name === 'kiban_sid')!;
    return { cookie: `kiban_sid=${c.value}` };
  };
  const manager = await login('manager');
  const owner = await login('owner');

  async function measure(label: string, n: number, url: string, headers: Record<string, string>) {
    const times: number[] = [];
    let bytes = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      const r = await app.inject({ url, headers });
      times.push(performance.now() - t);
      if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode} ${r.body.slice(0, 200)}`);
      bytes = r.body.length;
      total = r.json().total ?? 0;
    }
    console.log(`${label.padEnd(52)} p50 ${f(pct(times, 50))}  p99 ${f(pct(times, 99))}  (${n} req, ${bytes} B, total ${total})`);
  }

  const pages = ['q=web&sort=-memoryGib', 'serviceLevel=A&sort=host', 'q=db&sort=name&page=3', 'sort=-updatedAt&pageSize=100'];
  for (const qs of pages) await measure(`VM ledger ${qs}`, 75, `/api/cmdb/vms?${qs}`, manager);
  await measure('VM ledger as system owner, sort=name', 150, '/api/cmdb/vms?sort=name', owner);
  await measure('systems ledger q=システム sort=-name', 150, `/api/cmdb/systems?q=${encodeURIComponent('システム')}&sort=-name`, manager);
  t0 = performance.now();
  await measure('N-1 check, whole estate', 20, '/api/cmdb/n-1', manager);
  await measure('capacity, whole estate', 20, '/api/cmdb/capacity', manager);
  await app.close();
  await database.close();
}

await main();
