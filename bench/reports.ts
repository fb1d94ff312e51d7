/**
 * Bench: the monthly report build (data + PDF + XLSX), availability of all systems for a year, the
 * service-level dashboard (12 months) and the half-year report (data + PDF + XLSX) — issue 12.
 *
 *   npx tsx bench/reports.ts                                             # embedded PGlite (in memory)
 *   DATABASE_URL=postgres://…/kiban_bench_rep npx tsx bench/reports.ts   # a PostgreSQL database (written to!)
 *   COUNT=50000 ALERTS=20000 RUNS=3 …                                    # less data / fewer runs
 *
 * Data: the demo ×SCALE (20: 4,598 VMs, 200 hosts, 1,600 systems, with the demo's year of service-level
 * history), then COUNT incidents (200,000) spread over the last 12 months — a third troubles, of which
 * PLATFORM_SHARE (2 %) platform-caused with detection → recovery of 20–140 minutes on a VM, a host whose
 * VMs HA moved, or the platform — and ALERTS alerts (100,000) of the 監視対応台帳 over the same year
 * (copies of a demo alert with their own event ids, times and first responses). Bulk-inserted: the bench
 * measures the reads and the rendering, not the intake.
 *
 * Prints the median and the slowest of RUNS runs after one warm-up; record them in bench/RESULTS.md by hand.
 */
import { performance } from 'node:perf_hooks';
import { asc, sql } from 'drizzle-orm';
import { BusinessCalendar } from '../src/calendar/index.ts';
import { cmdbHosts, cmdbVms } from '../src/cmdb/schema.ts';
import { openDatabase } from '../src/db/connection.ts';
import { loadDemo } from '../src/demo/index.ts';
import { systemActor } from '../src/iam/actor.ts';
import { incidentCis, incidents } from '../src/incidents/schema.ts';
import { systemClock } from '../src/kernel/clock.ts';
import { monitoringAlerts } from '../src/monitoring/schema.ts';
import { assembleReport, reportPdf, reportXlsx } from '../src/reports/index.ts';
import { assembleHalfYear, EMPTY_HALFYEAR_TEXTS, halfOf, halfPeriod, halfYearPdf, halfYearXlsx } from '../src/reports/halfyear.ts';
import { computeAvailability } from '../src/servicelevels/availability.ts';
import { computeDashboard } from '../src/servicelevels/dashboard.ts';
import { addMonths, monthOf, monthPeriod } from '../src/servicelevels/period.ts';

const COUNT = Number(process.env.COUNT ?? 200_000);
const ALERTS = Number(process.env.ALERTS ?? 100_000);
const SCALE = Number(process.env.SCALE ?? 20);
const RUNS = Number(process.env.RUNS ?? 5);
const PLATFORM_SHARE = Number(process.env.PLATFORM_SHARE ?? 0.02);
const MIN = 60_000;

/** A deterministic number in [0, 1) from an integer (no Math.random: runs are comparable). */
function hash01(i: number, salt: number): number {
  let h = (i * 2654435761 + salt * 40503) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 2246822519) >>> 0;
  h ^= h >>> 13;
  return (h >>> 0) / 4294967296;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (n: number) => `${Math.round(n).toLocaleString('en')} ms`;

async function main() {
  const database = await openDatabase({ url: process.env.DATABASE_URL });
  await database.migrate();
  const db = database.db;
  let t0 = performance.now();
  const { estate } = await loadDemo(db, systemClock, { password: 'bench-password-123', scale: SCALE });
  console.log(`demo ×${SCALE}: ${estate.vms} VMs, ${estate.hosts} hosts, ${estate.systems} systems in ${ms(performance.now() - t0)} (${database.kind})`);

  const now = new Date();
  const yearFrom = monthPeriod(addMonths(monthOf(now), -12)).from;
  const span = now.getTime() - yearFrom.getTime() - 3_600_000;
  const vms = await db.select({ id: cmdbVms.id, name: cmdbVms.name }).from(cmdbVms).orderBy(asc(cmdbVms.name));
  const hosts = await db.select({ id: cmdbHosts.id, name: cmdbHosts.name }).from(cmdbHosts).orderBy(asc(cmdbHosts.name));

  t0 = performance.now();
  let platformCaused = 0;
  const BATCH = 1000;
  for (let b = 0; b < COUNT; b += BATCH) {
    const rows: (typeof incidents.$inferInsert)[] = [];
    for (let i = b; i < Math.min(COUNT, b + BATCH); i++) {
      const at = new Date(yearFrom.getTime() + Math.floor((i / COUNT) * span));
      const cls = (['qa', 'work_request', 'trouble'] as const)[i % 3]!;
      const pc = cls === 'trouble' && hash01(i, 1) < PLATFORM_SHARE;
      rows.push({
        receiptNo: `INC-B-${String(i).padStart(7, '0')}`,
        title: `ベンチ ${cls} ${i}`,
        description: '負荷試験用のインシデント',
        source: 'other',
        class: cls,
        state: 'closed',
        priority: cls === 'trouble' ? (i % 5 === 0 ? 'high' : 'low') : null,
        serviceLevel: cls === 'trouble' ? (['A', 'B', 'C'] as const)[i % 3]! : null,
        platformCaused: pc,
        vmReturnRequired: pc && hash01(i, 2) < 0.5,
        registeredAt: at,
        detectedAt: at,
        recoveredAt: pc ? new Date(at.getTime() + (20 + Math.floor(hash01(i, 3) * 120)) * MIN) : null,
        closedAt: new Date(at.getTime() + 86_400_000),
        createdAt: at,
        updatedAt: at,
      });
    }
    const ids = await db.insert(incidents).values(rows).returning({ id: incidents.id, pc: incidents.platformCaused });
    const links: (typeof incidentCis.$inferInsert)[] = [];
    for (const [k, r] of ids.entries()) {
      if (!r.pc) continue;
      platformCaused++;
      const u = hash01(b + k, 4);
      if (u < 0.8) {
        const vm = vms[Math.floor(hash01(b + k, 5) * vms.length)]!;
        links.push({ incidentId: r.id, ciType: 'vm', ciId: vm.id, name: vm.name });
      } else if (u < 0.97) {
        const h = hosts[Math.floor(hash01(b + k, 6) * hosts.length)]!;
        links.push({ incidentId: r.id, ciType: 'host', ciId: h.id, name: h.name });
      } else links.push({ incidentId: r.id, ciType: 'platform', ciId: null, name: '基盤全体' });
    }
    if (links.length) await db.insert(incidentCis).values(links);
  }
  console.log(`incidents: ${COUNT.toLocaleString('en')} over 12 months (${platformCaused} platform-caused troubles) in ${ms(performance.now() - t0)}`);

  // Alerts: copies of one demo alert (valid item and target), each with its own event id, time and first response.
  t0 = performance.now();
  const cols = (await db.execute(
    sql`SELECT column_name FROM information_schema.columns WHERE table_name = 'monitoring_alerts' AND table_schema = current_schema()`,
  )) as unknown as { rows: { column_name: string }[] } | { column_name: string }[];
  const names = (Array.isArray(cols) ? cols : cols.rows)
    .map((c) => c.column_name)
    .filter((c) => !['id', 'event_id', 'detected_at', 'first_response_at', 'done_at', 'created_at', 'updated_at'].includes(c));
  const list = names.map((c) => `"${c}"`).join(', ');
  const step = Math.floor(span / Math.max(1, ALERTS));
  for (let b = 0; b < ALERTS; b += 20_000) {
    const n = Math.min(20_000, ALERTS - b);
    await db.execute(
      sql.raw(`INSERT INTO monitoring_alerts (event_id, detected_at, first_response_at, done_at, created_at, updated_at, ${list})
        SELECT 900000000 + g, t0 + (g * interval '${step} milliseconds'), t0 + (g * interval '${step} milliseconds') + ((g % 50) * interval '1 minute'), t0 + (g * interval '${step} milliseconds') + interval '2 hours', now(), now(), ${list}
        FROM generate_series(${b + 1}, ${b + n}) g, (SELECT '${yearFrom.toISOString()}'::timestamptz AS t0) z, (SELECT ${list} FROM monitoring_alerts ORDER BY detected_at LIMIT 1) a`),
    );
  }
  const [{ n: alertCount } = { n: 0 }] = await db.select({ n: sql<number>`count(*)::int` }).from(monitoringAlerts);
  console.log(`alerts: ${alertCount.toLocaleString('en')} in the 監視対応台帳 in ${ms(performance.now() - t0)}`);
  if (database.kind === 'postgres') await db.execute(sql`ANALYZE`);

  const calendar = new BusinessCalendar();
  const lastMonth = addMonths(monthOf(now), -1);
  const year = { from: yearFrom, to: monthPeriod(monthOf(now)).from, month: null };
  const lastHalf = (() => {
    let h = halfOf(monthOf(now));
    while (halfPeriod(h).to > now) h = halfOf(addMonths(halfPeriod(h).months[0]!, -1));
    return h;
  })();
  const supervisor = { ...systemActor('bench'), kind: 'person', personId: null, roles: ['supervisor'], departmentId: null } as never;

  async function measure(label: string, aim: number | null, fn: () => Promise<Record<string, number> | void>) {
    await fn(); // warm-up
    const times: number[] = [];
    const parts: Record<string, number[]> = {};
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      const p = await fn();
      times.push(performance.now() - t);
      for (const [k, v] of Object.entries(p ?? {})) (parts[k] ??= []).push(v);
    }
    const med = median(times);
    const detail = Object.entries(parts)
      .map(([k, v]) => `${k} ${ms(median(v))}`)
      .join(', ');
    console.log(
      `${label}: median ${ms(med)}, max ${ms(Math.max(...times))}${detail ? ` (${detail})` : ''}${aim ? ` — aim < ${ms(aim)}: ${med < aim ? 'met' : 'NOT met'}` : ''}`,
    );
  }

  await measure(`monthly report ${lastMonth} (data + PDF + XLSX)`, 3000, async () => {
    let t = performance.now();
    const d = await assembleReport(db, calendar, lastMonth, now);
    const data = performance.now() - t;
    const texts = { kpis: {}, summary: '', fixInfo: '' };
    t = performance.now();
    await reportPdf(d, texts);
    const pdf = performance.now() - t;
    t = performance.now();
    await reportXlsx(d, texts);
    return { data, pdf, xlsx: performance.now() - t };
  });
  await measure('availability of all systems, 12 months as one period', 1000, async () => {
    const a = await computeAvailability(db, calendar, year, now, null);
    if (!a.systems.length) throw new Error('no systems measured');
  });
  await measure('service-level dashboard, 12 months (supervisor)', null, async () => {
    await computeDashboard({ db, clock: systemClock, calendar, firstResponseMinutes: 30 }, supervisor, {});
  });
  await measure(`half-year report ${lastHalf} (data + PDF + XLSX)`, null, async () => {
    let t = performance.now();
    const d = await assembleHalfYear(db, calendar, lastHalf, now);
    const data = performance.now() - t;
    t = performance.now();
    await halfYearPdf(d, EMPTY_HALFYEAR_TEXTS);
    const pdf = performance.now() - t;
    t = performance.now();
    await halfYearXlsx(d, EMPTY_HALFYEAR_TEXTS);
    return { data, pdf, xlsx: performance.now() - t };
  });
  await database.close();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
