import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../calendar/index.ts';
import { cmdbHosts, cmdbSystems, cmdbVms } from '../cmdb/schema.ts';
import { loadDemo } from '../demo/index.ts';
import { TEST_PASSWORD, type TestApp, testApp } from '../http/testing.ts';
import { incidentCis, incidents } from '../incidents/schema.ts';
import { computeAvailability, computeAvailabilitySeries } from './availability.ts';
import { addMonths, monthOf, monthPeriod } from './period.ts';

/**
 * The dashboard's 12 months come from one read bucketed by month (computeAvailabilitySeries); each
 * month must be exactly what computeAvailability gives for that month alone — on the demo's year of
 * history plus the cases where bucketing could go wrong: a trouble across a month boundary, one still
 * open, a platform-wide one, a host trouble without VM impact (縮退運転), a VM retired mid-year.
 */
let t: TestApp;
const db = () => t.database.db;
const MIN = 60_000;

beforeAll(async () => {
  t = await testApp();
  await loadDemo(db(), t.clock, { password: TEST_PASSWORD });
  const now = t.clock.now();
  const [vm] = await db().select().from(cmdbVms).orderBy(asc(cmdbVms.name)).limit(1);
  const [host] = await db().select().from(cmdbHosts).orderBy(asc(cmdbHosts.name)).limit(1);
  const [retired] = await db().select().from(cmdbVms).orderBy(asc(cmdbVms.name)).offset(3).limit(1);
  // Retired four months ago: measured in the months before, not after.
  const retiredAt = monthPeriod(addMonths(monthOf(now), -4)).from;
  await db()
    .update(cmdbVms)
    .set({ status: 'retired', statusChangedAt: new Date(retiredAt.getTime() + 10 * 86_400_000) })
    .where(eq(cmdbVms.id, retired!.id));
  let n = 0;
  const trouble = async (
    detected: Date,
    recovered: Date | null,
    cis: { ciType: 'vm' | 'host' | 'platform'; ciId: string | null; name: string }[],
    vmReturnRequired = false,
  ) => {
    const [i] = await db()
      .insert(incidents)
      .values({
        receiptNo: `INC-S-${++n}`,
        title: `系列 ${n}`,
        description: 'x',
        source: 'monitoring',
        class: 'trouble',
        state: recovered ? 'closed' : 'in_progress',
        platformCaused: true,
        vmReturnRequired,
        serviceLevel: 'A',
        registeredAt: detected,
        detectedAt: detected,
        recoveredAt: recovered,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await db()
      .insert(incidentCis)
      .values(cis.map((c) => ({ incidentId: i!.id, ...c })));
  };
  const boundary = monthPeriod(addMonths(monthOf(now), -2)).from; // a month's first instant (JST)
  await trouble(new Date(boundary.getTime() - 90 * MIN), new Date(boundary.getTime() + 45 * MIN), [{ ciType: 'vm', ciId: vm!.id, name: vm!.name }]);
  await trouble(new Date(now.getTime() - 5 * 86_400_000), null, [{ ciType: 'vm', ciId: vm!.id, name: vm!.name }]);
  await trouble(new Date(boundary.getTime() - 40 * 86_400_000), new Date(boundary.getTime() - 40 * 86_400_000 + 30 * MIN), [
    { ciType: 'platform', ciId: null, name: '基盤全体' },
  ]);
  await trouble(new Date(boundary.getTime() - 20 * 86_400_000), new Date(boundary.getTime() - 20 * 86_400_000 + 50 * MIN), [
    { ciType: 'host', ciId: host!.id, name: host!.name },
  ]);
  await trouble(new Date(retiredAt.getTime() + 3 * 86_400_000), new Date(retiredAt.getTime() + 3 * 86_400_000 + 25 * MIN), [
    { ciType: 'vm', ciId: retired!.id, name: retired!.name },
  ]);
}, 180_000);
afterAll(() => t?.close());

describe('availability of 12 months from one read', () => {
  const months = () => Array.from({ length: 12 }, (_, i) => addMonths(monthOf(t.clock.now()), i - 11));

  it('equals 12 single-month computations, for the whole platform', async () => {
    const cal = new BusinessCalendar();
    const now = t.clock.now();
    const periods = months().map((m) => monthPeriod(m));
    const series = await computeAvailabilitySeries(db(), cal, periods, now, null);
    expect(series).toHaveLength(12);
    let troubles = 0;
    for (const [i, p] of periods.entries()) {
      const single = await computeAvailability(db(), cal, p, now, null);
      expect(series[i]).toEqual(single);
      troubles += single.incidents.length;
    }
    // The seeded data is there: troubles in the months, a non-operating level somewhere, a degraded trouble, the retired VM gone later.
    expect(troubles).toBeGreaterThan(12);
    expect(series.some((a) => a.levels.some((l) => l.nonOperatingMinutes > 0))).toBe(true);
    expect(series.some((a) => a.incidents.some((x) => x.treatedAs === 'degraded'))).toBe(true);
    expect(series.some((a) => a.windows.length > 0)).toBe(true);
    expect(series[0]!.vms.length).toBeGreaterThan(series[11]!.vms.length);
  });

  it('equals them for one department (a system owner’s scope)', async () => {
    const cal = new BusinessCalendar();
    const now = t.clock.now();
    const [sys] = await db()
      .select({ dept: cmdbSystems.departmentId })
      .from(cmdbSystems)
      .where(and(eq(cmdbSystems.serviceLevel, 'A')))
      .limit(1);
    const depts = [sys!.dept!];
    const periods = months().map((m) => monthPeriod(m));
    const series = await computeAvailabilitySeries(db(), cal, periods, now, depts);
    for (const [i, p] of periods.entries()) expect(series[i]).toEqual(await computeAvailability(db(), cal, p, now, depts));
    expect(series[11]!.vms.length).toBeGreaterThan(0);
  });
});
