import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cmdbClusters, cmdbHosts, cmdbSystems, cmdbVms, createCmdbService } from '../cmdb/index.ts';
import { loadDemo } from '../demo/index.ts';
import { people } from '../iam/schema.ts';
import { TEST_PASSWORD, type TestApp, testApp } from '../http/testing.ts';
import { visibleParams } from './board.ts';
import { monitoringItemState, monitoringItems, monitoringTargets, monitoringValues } from './schema.ts';

/**
 * The status board on the demo estate: roll-ups by site/cluster/host/system/level computed by the
 * database are checked against the same roll-up computed here row by row from the CMDB and the item
 * states; a VM's move changes its host's row; owners see their department only; history is thinned.
 */
let t: TestApp;
type Session = { cookie: string; csrf: string };
let operator: Session;
let owner: Session;
let ownerDept: string;

type Row = { itemId: string; state: string; severity: string | null; lastCheckAt: Date | null; ciType: string; ciId: string };
async function rowsOf(): Promise<Row[]> {
  return t.database.db
    .select({
      itemId: monitoringItems.id,
      state: monitoringItemState.state,
      severity: monitoringItemState.severity,
      lastCheckAt: monitoringItemState.lastCheckAt,
      ciType: monitoringTargets.ciType,
      ciId: monitoringTargets.ciId,
    })
    .from(monitoringItemState)
    .innerJoin(monitoringItems, eq(monitoringItems.id, monitoringItemState.itemId))
    .innerJoin(monitoringTargets, eq(monitoringTargets.id, monitoringItems.targetId))
    .where(sql`${monitoringItems.enabled} AND ${monitoringTargets.enabled}`);
}
const display = (r: Row) => (r.state === 'problem' ? (r.severity ?? 'critical') : r.state === 'ok' && !r.lastCheckAt ? 'unchecked' : r.state);

async function hostOfVm(): Promise<Map<string, string | null>> {
  const vms = await t.database.db.select({ id: cmdbVms.id, hostId: cmdbVms.hostId }).from(cmdbVms);
  return new Map(vms.map((v) => [v.id, v.hostId]));
}

const get = (s: Session, url: string) => t.app.inject({ url, headers: { cookie: s.cookie } });

beforeAll(async () => {
  t = await testApp();
  await loadDemo(t.database.db, t.clock, { password: TEST_PASSWORD });
  const [o] = await t.database.db.select({ d: people.departmentId }).from(people).where(eq(people.login, 'owner'));
  ownerDept = o?.d ?? '';
  operator = await t.login('operator');
  owner = await t.login('owner');
}, 180_000);
afterAll(() => t?.close());

describe('GET /api/monitoring/board', () => {
  it('counts every enabled item once, by display state, and lists the items in trouble', async () => {
    const rows = await rowsOf();
    const res = await get(operator, '/api/monitoring/board?by=site');
    expect(res.statusCode).toBe(200);
    const b = res.json();
    const want = { items: rows.length, ok: 0, suspect: 0, warning: 0, critical: 0, unchecked: 0 } as Record<string, number>;
    for (const r of rows) want[display(r)] = (want[display(r)] ?? 0) + 1;
    expect(b.totals).toMatchObject(want);
    // The demo pushed a critical CPU, a warning memory and a suspect disk value.
    expect(b.totals.critical).toBeGreaterThanOrEqual(1);
    expect(b.totals.warning).toBeGreaterThanOrEqual(1);
    expect(b.totals.suspect).toBeGreaterThanOrEqual(1);
    expect(b.problems.map((p: { state: string }) => p.state)).toEqual([...b.problems.map((p: { state: string }) => p.state)].sort((x, y) => ['critical', 'warning', 'suspect'].indexOf(x) - ['critical', 'warning', 'suspect'].indexOf(y)));
    expect(b.problems[0]).toMatchObject({ state: 'critical', key: 'system.cpu.util', lastValue: '96.1' });
    // Sites are named from the CMDB and add up to the totals.
    expect(b.groups.reduce((n: number, g: { counts: { items: number } }) => n + g.counts.items, 0)).toBe(rows.length);
    expect(b.groups.every((g: { name: string | null }) => typeof g.name === 'string')).toBe(true);
  });

  it('rolls VMs up under the ESXi host they run on now, and follows a move', async () => {
    const rows = await rowsOf();
    const vmHost = await hostOfVm();
    const perHost = new Map<string | null, number>();
    for (const r of rows) {
      const h = r.ciType === 'host' ? r.ciId : r.ciType === 'vm' ? (vmHost.get(r.ciId) ?? null) : null;
      perHost.set(h, (perHost.get(h) ?? 0) + 1);
    }
    const b = (await get(operator, '/api/monitoring/board?by=host')).json();
    const got = new Map<string | null, number>(b.groups.map((g: { id: string | null; counts: { items: number } }) => [g.id, g.counts.items]));
    expect(got).toEqual(perHost);
    // The host with the critical VM is listed first (worst first).
    const critical = b.problems.find((p: { state: string }) => p.state === 'critical');
    expect(b.groups[0].id).toBe(vmHost.get(critical.ciId));

    // vMotion the critical VM to another host of its cluster: its items move rows.
    const [from] = await t.database.db.select().from(cmdbHosts).where(eq(cmdbHosts.id, vmHost.get(critical.ciId) as string));
    const [to] = await t.database.db
      .select()
      .from(cmdbHosts)
      .where(sql`${cmdbHosts.clusterId} = ${from?.clusterId} AND ${cmdbHosts.id} <> ${from?.id} AND ${cmdbHosts.status} = 'active'`)
      .limit(1);
    const cmdb = createCmdbService({ db: t.database.db, clock: t.clock });
    await cmdb.recordPlacement(undefined, { id: critical.ciId }, { id: to?.id as string }, { source: 'vcenter', event: 'DrsVmMigratedEvent' });
    const vmItems = rows.filter((r) => r.ciId === critical.ciId).length;
    const after = (await get(operator, '/api/monitoring/board?by=host')).json();
    const count = (board: typeof b, id: string | undefined) => board.groups.find((g: { id: string }) => g.id === id)?.counts;
    expect(count(after, to?.id).items).toBe((got.get(to?.id as string) ?? 0) + vmItems);
    expect(count(after, from?.id).items).toBe((got.get(from?.id as string) ?? 0) - vmItems);
    expect(count(after, to?.id).critical).toBe(1);
    expect(after.groups[0].id).toBe(to?.id);
  });

  it('groups by cluster, system and level with the CMDB names; items outside a group have id null', async () => {
    const clusters = await t.database.db.select({ id: cmdbClusters.id, name: cmdbClusters.name }).from(cmdbClusters);
    const byCluster = (await get(operator, '/api/monitoring/board?by=cluster')).json();
    for (const g of byCluster.groups) {
      if (g.id !== null) expect(g.name).toBe(clusters.find((c) => c.id === g.id)?.name);
    }
    // Network devices and management servers belong to no cluster.
    expect(byCluster.groups.some((g: { id: string | null }) => g.id === null)).toBe(true);
    const bySystem = (await get(operator, '/api/monitoring/board?by=system')).json();
    const systems = await t.database.db.select({ id: cmdbSystems.id, name: cmdbSystems.name }).from(cmdbSystems);
    const named = bySystem.groups.filter((g: { id: string | null }) => g.id !== null);
    expect(named.length).toBeGreaterThan(10);
    for (const g of named) expect(g.name).toBe(systems.find((s) => s.id === g.id)?.name);
    const byLevel = (await get(operator, '/api/monitoring/board?by=level')).json();
    expect(byLevel.groups.map((g: { id: string | null }) => g.id).sort()).toEqual(expect.arrayContaining(['A', 'B', 'C', null]));
  });

  it('refuses an unknown grouping with the field named', async () => {
    const res = await get(operator, '/api/monitoring/board?by=room');
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json())).toContain('by');
    expect((await t.app.inject({ url: '/api/monitoring/board' })).statusCode).toBe(401);
  });

  it('shows a system owner only the VMs of their department', async () => {
    const all = (await get(operator, '/api/monitoring/board?by=system')).json();
    const mine = (await get(owner, '/api/monitoring/board?by=system')).json();
    const depts = await t.database.db.select({ id: cmdbSystems.id, departmentId: cmdbSystems.departmentId }).from(cmdbSystems);
    const ownSystems = new Set(depts.filter((d) => d.departmentId === ownerDept).map((d) => d.id));
    expect(mine.totals.items).toBeGreaterThan(0);
    expect(mine.totals.items).toBeLessThan(all.totals.items);
    expect(mine.groups.every((g: { id: string }) => ownSystems.has(g.id))).toBe(true);
    const expected = all.groups.filter((g: { id: string }) => ownSystems.has(g.id)).reduce((n: number, g: { counts: { items: number } }) => n + g.counts.items, 0);
    expect(mine.totals.items).toBe(expected);
    // An item of another department is "not found" for the owner, item and history alike.
    // A VM of another department (not a host: owners never see infrastructure whatever their department).
    const vmDept = new Map(
      (await t.database.db.select({ id: cmdbVms.id, dept: cmdbSystems.departmentId }).from(cmdbVms).innerJoin(cmdbSystems, eq(cmdbSystems.id, cmdbVms.systemId))).map((v) => [v.id, v.dept]),
    );
    const vmItems = (await get(operator, '/api/monitoring/items?type=resource&pageSize=500')).json().items as { itemId: string; ciType: string; ciId: string }[];
    const foreign = vmItems.find((i) => i.ciType === 'vm' && vmDept.get(i.ciId) !== ownerDept) as { itemId: string; ciId: string };
    const foreignSystem = all.groups.find((g: { id: string | null }) => g.id !== null && !ownSystems.has(g.id));
    expect((await get(owner, `/api/monitoring/items?by=system&group=${foreignSystem.id}`)).json().total).toBe(0);
    expect((await get(owner, `/api/monitoring/items/${foreign.itemId}`)).statusCode).toBe(404);
    expect((await get(owner, `/api/monitoring/items/${foreign.itemId}/history`)).statusCode).toBe(404);
    expect((await get(operator, `/api/monitoring/items/${foreign.itemId}`)).statusCode).toBe(200);
  });
});

describe('GET /api/monitoring/items', () => {
  it('pages the items of one group, filtered by state, type and text', async () => {
    const byHost = (await get(operator, '/api/monitoring/board?by=host')).json();
    const g = byHost.groups.find((x: { id: string | null }) => x.id !== null);
    const p1 = (await get(operator, `/api/monitoring/items?by=host&group=${g.id}&pageSize=7`)).json();
    expect(p1.total).toBe(g.counts.items);
    expect(p1.items).toHaveLength(Math.min(7, g.counts.items));
    const all: string[] = [];
    for (let page = 1; (page - 1) * 50 < g.counts.items; page++) {
      all.push(...(await get(operator, `/api/monitoring/items?by=host&group=${g.id}&page=${page}`)).json().items.map((i: { itemId: string }) => i.itemId));
    }
    expect(new Set(all).size).toBe(g.counts.items);
    const none = (await get(operator, '/api/monitoring/items?by=host&group=none&pageSize=500')).json();
    expect(none.total).toBe(byHost.groups.find((x: { id: string | null }) => x.id === null).counts.items);
    expect(none.items.every((i: { ciType: string }) => i.ciType !== 'host' && i.ciType !== 'vm')).toBe(true);
    const crit = (await get(operator, '/api/monitoring/items?state=critical')).json();
    expect(crit.total).toBe(byHost.totals.critical);
    expect(crit.items.every((i: { state: string }) => i.state === 'critical')).toBe(true);
    const q = (await get(operator, `/api/monitoring/items?q=${encodeURIComponent(crit.items[0].target)}`)).json();
    expect(q.items.every((i: { target: string }) => i.target.includes(crit.items[0].target))).toBe(true);
    expect((await get(operator, '/api/monitoring/items?group=x')).statusCode).toBe(400);
    expect((await get(operator, '/api/monitoring/items?state=broken')).statusCode).toBe(400);
  });
});

describe('GET /api/monitoring/items/:id and its history', () => {
  it('gives the item with its place, thresholds and events, and its values for charts', async () => {
    const b = (await get(operator, '/api/monitoring/board?by=site')).json();
    const crit = b.problems.find((p: { state: string }) => p.state === 'critical');
    const d = (await get(operator, `/api/monitoring/items/${crit.itemId}`)).json();
    expect(d).toMatchObject({ itemId: crit.itemId, criticalThreshold: 90, warningThreshold: 85, consecutiveRequired: 2, intervalSec: 300 });
    expect(d.place.host).toBeTruthy();
    expect(d.place.system).toBeTruthy();
    expect(d.events[0]).toMatchObject({ kind: 'problem', severity: 'critical', value: '96.1' });
    const h = (await get(operator, `/api/monitoring/items/${crit.itemId}/history`)).json();
    expect(h.thinned).toBe(false);
    expect(h.points.length).toBeGreaterThan(200); // a day of 5-minute values
    expect(h.points.at(-1)).toMatchObject({ num: 96.1 });
    const ats = h.points.map((p: { at: string }) => p.at);
    expect(ats).toEqual([...ats].sort());
    expect((await get(operator, `/api/monitoring/items/${crit.itemId}/history?from=yesterday`)).statusCode).toBe(400);
    expect((await get(operator, '/api/monitoring/items/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });

  it('thins a long range to at most 2,000 points and keeps a spike', async () => {
    const b = (await get(operator, '/api/monitoring/items?type=resource&pageSize=1&q=esx')).json();
    const itemId = b.items[0].itemId;
    const end = t.clock.now().getTime() - 25 * 3600_000;
    const values = Array.from({ length: 6000 }, (_, i) => ({ itemId, at: new Date(end - i * 60_000), num: i === 3000 ? 99.5 : 40 }));
    for (let i = 0; i < values.length; i += 1000) await t.database.db.insert(monitoringValues).values(values.slice(i, i + 1000)).onConflictDoNothing();
    const from = new Date(end - 6000 * 60_000).toISOString();
    const to = new Date(end).toISOString();
    const h = (await get(operator, `/api/monitoring/items/${itemId}/history?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)).json();
    expect(h.thinned).toBe(true);
    expect(h.points.length).toBeLessThanOrEqual(2000);
    expect(h.points.length).toBeGreaterThan(1000);
    expect(Math.max(...h.points.map((p: { num: number }) => p.num))).toBe(99.5);
  });
});

describe('filters the screens ask for', () => {
  it('items under a suppression now; suppressions overlapping a month; the alerts of one item', async () => {
    const manager = await t.login('manager');
    const post = (s: Session, url: string, payload: object) => t.app.inject({ method: 'POST', url, payload, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });
    const mine = (await get(owner, '/api/monitoring/items?type=resource&pageSize=1')).json().items[0];
    const [vm] = await t.database.db.select({ systemId: cmdbVms.systemId }).from(cmdbVms).where(eq(cmdbVms.id, mine.ciId));
    const now = t.clock.now().getTime();
    const created = await post(owner, '/api/monitoring/suppressions', {
      reason: 'known_maintenance',
      method: 'watch',
      startsAt: new Date(now - 60_000).toISOString(),
      endsAt: new Date(now + 3600_000).toISOString(),
      systemIds: [vm?.systemId],
      lateReason: '緊急の保守作業',
    });
    expect(created.statusCode).toBe(201);
    expect((await post(manager, `/api/monitoring/suppressions/${created.json().id}/actions/approve`, { version: created.json().version })).statusCode).toBe(200);
    const board = (await get(operator, '/api/monitoring/board?by=system')).json();
    const row = board.groups.find((g: { id: string }) => g.id === vm?.systemId);
    expect(row.counts.suppressed).toBe(row.counts.items);
    const sup = (await get(operator, '/api/monitoring/items?suppressed=true&pageSize=500')).json();
    expect(sup.total).toBe(board.totals.suppressed);
    expect(sup.items.every((i: { suppressed: boolean }) => i.suppressed)).toBe(true);
    const not = (await get(operator, '/api/monitoring/items?suppressed=false&pageSize=1')).json();
    expect(not.total + sup.total).toBe(board.totals.items);

    // The calendar's month: windows overlapping it, none outside.
    const all = (await get(operator, '/api/monitoring/suppressions?pageSize=500')).json().items as { startsAt: string; endsAt: string }[];
    const from = new Date(now - 3 * 86_400_000).toISOString();
    const to = new Date(now + 2 * 86_400_000).toISOString();
    const month = (await get(operator, `/api/monitoring/suppressions?pageSize=500&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)).json().items as typeof all;
    expect(month.length).toBe(all.filter((s) => s.startsAt < to && s.endsAt > from).length);
    expect(month.length).toBeGreaterThan(0);
    expect(month.length).toBeLessThan(all.length);
    expect((await get(operator, '/api/monitoring/suppressions?from=tomorrow')).statusCode).toBe(400);

    // The alerts of one item.
    const crit = board.problems.find((p: { state: string }) => p.state === 'critical');
    const alerts = (await get(operator, `/api/monitoring/alerts?itemId=${crit.itemId}`)).json();
    expect(alerts.total).toBe(1);
    expect(alerts.items[0]).toMatchObject({ itemId: crit.itemId, severity: 'critical' });
  });
});

describe('visibleParams', () => {
  it('masks header values, URL passwords and secret-named settings; keeps the rest', () => {
    expect(
      visibleParams({
        url: 'https://kanshi:S3cret@portal.pref.example.lg.jp/health',
        headers: { Authorization: 'Basic a2Fuc2hpOlMzY3JldA==', 'X-Probe': 'kiban' },
        expectStatus: 200,
        contains: 'OK',
        apiToken: 'abc',
      }),
    ).toEqual({ url: 'https://****@portal.pref.example.lg.jp/health', headers: { Authorization: '****', 'X-Probe': '****' }, expectStatus: 200, contains: 'OK', apiToken: '****' });
    expect(visibleParams({ url: 'https://portal.example.jp/a@b' })).toEqual({ url: 'https://portal.example.jp/a@b' });
  });
});
