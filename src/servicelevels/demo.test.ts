import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../demo/index.ts';
import { TEST_PASSWORD, type TestApp, testApp } from '../http/testing.ts';
import { ConflictError } from '../kernel/errors.ts';
import { problems } from '../problems/schema.ts';
import { addMonths, monthOf } from './period.ts';
import { slImprovements } from './schema.ts';

/**
 * The service-level demo (issue 12 item 9) as the supervisor's dashboard shows it: 12 months of
 * figures, the one KPI below its target last month and its one improvement problem; the owner sees
 * their department's figures only. A second load is refused.
 */
let t: TestApp;
let ms = 0;
const db = () => t.database.db;

beforeAll(async () => {
  t = await testApp();
  const t0 = performance.now();
  await loadDemo(db(), t.clock, { password: TEST_PASSWORD });
  ms = performance.now() - t0;
}, 180_000);
afterAll(() => t?.close());

describe('the service-level demo', () => {
  it('the dashboard has 12 months of figures, one KPI missing its target last month, with one improvement problem', async () => {
    const sup = await t.login('supervisor');
    const last = addMonths(monthOf(t.clock.now()), -1);
    const t0 = performance.now();
    const res = await t.app.inject({ url: `/api/servicelevels/dashboard?month=${last}`, headers: { cookie: sup.cookie } });
    const took = performance.now() - t0;
    expect(res.statusCode, res.body).toBe(200);
    const d = res.json();
    console.log(`loadDemo ${Math.round(ms)} ms; dashboard (12 months) ${Math.round(took)} ms`);
    expect(d.scope).toBe('all');
    expect(d.months).toHaveLength(12);
    expect(d.months.at(-1).month).toBe(last);
    for (const m of d.months) {
      expect(m.levels.A.value, m.month).not.toBeNull();
      expect(m.levels.B.value, m.month).not.toBeNull();
      for (const k of ['availability_a', 'availability_b', 'consolidation', 'monitoring_first_response', 'provisional_response'] as const) {
        expect(m.kpis[k].value, `${m.month} ${k}`).not.toBeNull();
        expect(m.kpis[k].target, `${m.month} ${k}`).not.toBeNull();
      }
      // Some trouble every month.
      expect(m.levels.A.incidents + m.levels.B.incidents, m.month).toBeGreaterThan(0);
    }
    const missed = Object.entries(d.months.at(-1).kpis).filter(([, f]) => (f as { met: boolean | null }).met === false);
    expect(missed.map(([k]) => k)).toEqual(['monitoring_first_response']);
    // Every earlier month meets every target.
    for (const m of d.months.slice(0, -1)) expect(Object.values(m.kpis).filter((f) => (f as { met: boolean | null }).met === false), m.month).toEqual([]);

    const claims = await db().select().from(slImprovements);
    expect(claims.map((c) => [c.kpi, c.month, c.trigger])).toEqual([['monitoring_first_response', last, 'below_target']]);
    const [p] = await db().select().from(problems).where(eq(problems.id, claims[0]!.problemId!));
    expect(p?.source).toBe('improvement');
  });

  it('the owner sees their department only', async () => {
    const owner = await t.login('owner');
    const sup = await t.login('supervisor');
    const res = await t.app.inject({ url: '/api/servicelevels/dashboard', headers: { cookie: owner.cookie } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().scope).toBe('department');
    expect(res.json().months.at(-1).month).toBe(monthOf(t.clock.now()));
    const all = (await t.app.inject({ url: '/api/servicelevels/dashboard', headers: { cookie: sup.cookie } })).json();
    const vms = (d: { months: { levels: Record<string, { vmCount: number }> }[] }) => Object.values(d.months.at(-1)!.levels).reduce((n, l) => n + l.vmCount, 0);
    expect(vms(res.json())).toBeGreaterThan(0);
    expect(vms(res.json())).toBeLessThan(vms(all));
  });

  it('a month in the future is refused, naming the field', async () => {
    const sup = await t.login('supervisor');
    const res = await t.app.inject({ url: `/api/servicelevels/dashboard?month=${addMonths(monthOf(t.clock.now()), 1)}`, headers: { cookie: sup.cookie } });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('month');
  });

  it('a second load is refused', async () => {
    await expect(loadDemo(db(), t.clock, { password: TEST_PASSWORD })).rejects.toBeInstanceOf(ConflictError);
    expect(await db().select().from(slImprovements)).toHaveLength(1);
  });
});
