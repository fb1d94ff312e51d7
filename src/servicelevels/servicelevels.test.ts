import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJstLocal } from '../calendar/index.ts';
import { changeCis, changes } from '../changes/schema.ts';
import { cmdbHosts, cmdbSites, cmdbSystems, cmdbVms } from '../cmdb/schema.ts';
import { admin, type TestApp, testApp } from '../http/testing.ts';
import { createItem, createTarget } from '../monitoring/index.ts';
import { monitoringAlerts, monitoringItems } from '../monitoring/schema.ts';
import { problems } from '../problems/schema.ts';
import { createImprovementJob } from './improvements.ts';
import { slImprovements, slTargets } from './schema.ts';

/**
 * サービスレベル管理 through the HTTP API, on records made the way the product makes them: troubles
 * registered and recovered through the incident process, a release plan approved through the release
 * process, a 計画停止 suppression approved through the suppression process.
 */
let t: TestApp;
type Session = { cookie: string; csrf: string };
const who = ['op', 'mgr', 'lead', 'sup', 'mgrsup', 'owner', 'ownerB'] as const;
const s = {} as Record<(typeof who)[number], Session>;
let sysA: string;
let sysC: string;
let vmA: string;
let vmA2: string;
let vmC: string;
let hostId: string;
let vmTarget: string;
let n = 0;

const jst = (x: string) => parseJstLocal(x);
const db = () => t.database.db;
const get = (u: Session, url: string) => t.app.inject({ url, headers: { cookie: u.cookie } });
const send = (u: Session, method: 'POST' | 'PUT', url: string, payload?: unknown) =>
  t.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }), headers: { cookie: u.cookie, 'x-csrf-token': u.csrf } });
async function at(local: string) {
  t.clock.set(jst(local));
  for (const k of who) s[k] = await t.login(k);
}
const ok = (res: { statusCode: number; body: string }, code = 200) => {
  if (res.statusCode !== code) throw new Error(`${res.statusCode} ${res.body}`);
  return JSON.parse(res.body);
};

const urgency = { citizenServiceStopped: false, citizenImpact: true, financialOrReputation: false, wideImpact: false };
/** A trouble registered, dispatched, recovered on an existing procedure and completed: detection → recovery complete. */
async function trouble(affected: { vmIds?: string[]; hostIds?: string[] }, detected: string, recovered: string | null, extra: { platformCaused?: boolean; vmsMoved?: boolean } = {}) {
  const i = ok(await send(s.op, 'POST', '/api/incidents', { title: `障害 ${++n}`, description: '仮想マシン停止', source: 'monitoring', class: 'trouble', urgency, platformCaused: extra.platformCaused ?? true, affected, detectedAt: jst(detected).toISOString() }), 201);
  const step = async (action: string, body: Record<string, unknown> = {}) => {
    const version = ok(await get(s.op, `/api/incidents/${i.id}`)).version;
    return ok(await send(s.op, 'POST', `/api/incidents/${i.id}/actions/${action}`, { version, ...body }));
  };
  await step('dispatch');
  if (recovered && (extra.platformCaused ?? true)) {
    const work = { workFrom: jst(detected).toISOString(), workTo: jst(recovered).toISOString(), workers: ['運用 太郎'], description: '再起動', businessImpact: '停止' };
    await step('start_recovery', { ...work, procedureRef: '復旧手順書 第3版' });
    await step('complete_recovery', { ...work, ...(extra.vmsMoved ? { vmsMoved: true } : {}) });
  }
  return i.id as string;
}

beforeAll(async () => {
  t = await testApp();
  const deptA = (await t.iam.createDepartment(admin, { code: 'D10', name: '土木部', kind: 'prefecture' })).id;
  const deptB = (await t.iam.createDepartment(admin, { code: 'D20', name: '教育庁', kind: 'prefecture' })).id;
  const person = (login: string, roles: string[], extra: Record<string, unknown> = {}) => t.person(login, roles, { email: `${login}@pref.example.lg.jp`, ...extra });
  await person('op', ['operator']);
  await person('mgr', ['vendor_manager']);
  await person('lead', ['vendor_lead']);
  await person('sup', ['supervisor']);
  await person('mgrsup', ['vendor_manager', 'supervisor']);
  await person('owner', ['system_owner'], { departmentId: deptA });
  await person('ownerB', ['system_owner'], { departmentId: deptB });
  await at('2026-11-02T10:00');
  const now = t.clock.now();
  const base = { statusChangedAt: now, createdAt: now, updatedAt: now, status: 'active' as const };
  const [site] = await db().insert(cmdbSites).values({ name: '県庁舎', code: 'HQ', statusChangedAt: now, createdAt: now, updatedAt: now }).returning();
  const [h] = await db().insert(cmdbHosts).values({ ...base, name: 'esxi01', siteId: site!.id, cpuCores: 32, cpuGhz: 2.4, memoryGib: 512 }).returning();
  const [h2] = await db().insert(cmdbHosts).values({ ...base, name: 'esxi02', siteId: site!.id, cpuCores: 32, cpuGhz: 2.4, memoryGib: 512 }).returning();
  const [a] = await db().insert(cmdbSystems).values({ ...base, name: '道路管理システム', departmentId: deptA, serviceLevel: 'A' }).returning();
  const [c] = await db().insert(cmdbSystems).values({ ...base, name: '教育情報システム', departmentId: deptB, serviceLevel: 'C' }).returning();
  sysA = a!.id;
  sysC = c!.id;
  hostId = h!.id;
  vmA = (await db().insert(cmdbVms).values({ ...base, name: 'doro-app01', hostId, systemId: sysA, vcpu: 2, memoryGib: 8, diskGib: 100, ha: true, srm: true, provisionalProcedure: true }).returning())[0]!.id;
  // Not built duplicated (no SRM): served as A, counted under B (N §2.6.3).
  vmA2 = (await db().insert(cmdbVms).values({ ...base, name: 'doro-db01', hostId: h2!.id, systemId: sysA, vcpu: 2, memoryGib: 8, diskGib: 100, ha: true, srm: false }).returning())[0]!.id;
  vmC = (await db().insert(cmdbVms).values({ ...base, name: 'kyo-app01', hostId: h2!.id, systemId: sysC, vcpu: 2, memoryGib: 8, diskGib: 100 }).returning())[0]!.id;
  await createTarget(db(), t.clock, { ciType: 'host', ciId: hostId, name: 'esxi01', address: '10.1.1.1' });
  vmTarget = (await createTarget(db(), t.clock, { ciType: 'vm', ciId: vmA, name: 'doro-app01', address: '10.1.2.1' })).id;
  await createItem(db(), t.clock, { targetId: vmTarget, type: 'icmp', key: 'icmpping' });

  // 計画停止 ①: a release on doro-app01, Sat 2026-11-14 20:00–21:00 (a maintenance day), approved.
  ok(await send(s.mgr, 'POST', '/api/changes/maintenance-days', { day: '2026-11-14', startsAt: jst('2026-11-14T18:00').toISOString(), endsAt: jst('2026-11-14T23:59').toISOString(), decidedAt: '10月 月次報告会' }), 201);
  const [chg] = await db().insert(changes).values({ receiptNo: 'CHG-2026-900001', title: 'OS パッチ適用', description: 'x', source: 'direct', state: 'implementing', registeredAt: now, createdAt: now, updatedAt: now }).returning();
  await db().insert(changeCis).values({ changeId: chg!.id, ciType: 'vm', ciId: vmA, name: 'doro-app01' });
  const plan = {
    proven: true,
    plannedStart: jst('2026-11-14T20:00').toISOString(),
    plannedEnd: jst('2026-11-14T21:00').toISOString(),
    timeline: [{ at: '20:00', task: 'パッチ適用' }],
    backupTime: '19:30-20:00',
    rollbackCriteria: '起動しない場合',
    rollbackDecisionAt: jst('2026-11-14T20:40').toISOString(),
    staffing: [{ name: '運用 太郎', role: '作業者', nextBusinessDay: true }],
    impactScope: 'doro-app01',
    risks: [{ risk: '起動失敗', mitigation: '切戻し' }],
    contacts: '管理者 → 統括責任者',
    rollbackProcedure: 'スナップショットに戻す',
    workContent: 'OS パッチ適用',
    businessImpact: '作業中は停止',
    workerLabel: '運用 太郎',
  };
  const rel = ok(await send(s.op, 'POST', `/api/changes/${chg!.id}/releases`, plan), 201);
  const relId = rel.release?.id ?? rel.id;
  const relStep = async (u: Session, action: string) => {
    const version = ok(await get(s.op, `/api/changes/releases/${relId}`)).release.version;
    ok(await send(u, 'POST', `/api/changes/releases/${relId}/actions/${action}`, { version }));
  };
  await relStep(s.op, 'submit_plan');
  await relStep(s.mgr, 'review_plan');
  await relStep(s.sup, 'approve_plan');
  // 計画停止 ②: a 計画停止 suppression of doro-app01 20:30–22:00 (overlaps the release by 30 minutes).
  const sup = ok(await send(s.op, 'POST', '/api/monitoring/suppressions', { reason: 'planned_stop', method: 'stop', startsAt: jst('2026-11-14T20:30').toISOString(), endsAt: jst('2026-11-14T22:00').toISOString(), targetIds: [vmTarget] }), 201);
  const supVersion = ok(await get(s.op, `/api/monitoring/suppressions/${sup.id}`)).suppression.version;
  ok(await send(s.mgr, 'POST', `/api/monitoring/suppressions/${sup.id}/actions/approve`, { version: supVersion }));

  await at('2026-12-01T10:00');
  // 60 minutes of level-A non-operating time.
  await trouble({ vmIds: [vmA] }, '2026-11-20T03:00', '2026-11-20T04:00');
  // A host trouble without VM impact (縮退運転): counted as running.
  await trouble({ hostIds: [hostId] }, '2026-11-21T03:00', '2026-11-21T05:00');
  // Not caused by the platform: handed to the owner, never non-operating.
  await trouble({ vmIds: [vmA] }, '2026-11-22T03:00', null, { platformCaused: false });
  // Level C: Fri 17:00 → Tue 10:00 (Mon 11-23 is 勤労感謝の日) = 45 + 60 business minutes.
  await trouble({ vmIds: [vmC] }, '2026-11-20T17:00', '2026-11-24T10:00');
  await at('2026-12-07T10:00');
});
afterAll(() => t.close());

describe('稼働率 (SLM-3, N §2.6.3)', () => {
  it('the worked example: a 30-day month, 120 min planned downtime and 60 min level-A non-operating → 99.861 %', async () => {
    const a = ok(await get(s.sup, '/api/servicelevels/availability?month=2026-11'));
    const A = a.levels.find((l: { level: string }) => l.level === 'A');
    expect(A).toMatchObject({ vmCount: 1, periodMinutes: 43_200, plannedMinutes: 120, nonOperatingMinutes: 60, availability: 99.861 });
    // The figure opens to what is behind it: one trouble, the release and the suppression.
    expect(A.incidentIds).toHaveLength(1);
    expect(a.windows.filter((w: { id: string }) => A.windowIds.includes(w.id)).map((w: { kind: string }) => w.kind).sort()).toEqual(['release', 'suppression']);
    const inc = a.incidents.find((i: { id: string }) => i.id === A.incidentIds[0]);
    expect(inc).toMatchObject({ treatedAs: 'non_operating', recoveryMinutes: 60, level: 'A', targetMet: true });
    expect(a.recoveryTargets.map((r: { label: string }) => r.label)[0]).toContain('60分');
    // The host trouble without VM impact is listed as 縮退運転 and not counted.
    expect(a.incidents.filter((i: { treatedAs: string }) => i.treatedAs === 'degraded')).toHaveLength(1);
    expect(a.incidents).toHaveLength(3);
  });

  it('an A VM not built duplicated counts under B; per system and per VM figures are given', async () => {
    const a = ok(await get(s.sup, '/api/servicelevels/availability?month=2026-11'));
    const db01 = a.vms.find((v: { id: string }) => v.id === vmA2);
    expect(db01).toMatchObject({ level: 'A', countedLevel: 'B', availability: 100 });
    expect(db01.countedAs).toContain('B');
    expect(a.levels.find((l: { level: string }) => l.level === 'B')).toMatchObject({ vmCount: 1, availability: 100 });
    const sys = a.systems.find((x: { id: string }) => x.id === sysA);
    expect(sys).toMatchObject({ vmCount: 2, plannedMinutes: 120, nonOperatingMinutes: 60 });
  });

  it('level C counts business hours only', async () => {
    const a = ok(await get(s.sup, '/api/servicelevels/availability?month=2026-11'));
    const C = a.levels.find((l: { level: string }) => l.level === 'C');
    // November 2026: 19 business days (3rd and 23rd are holidays) × 525 minutes (09:00–17:45).
    expect(C).toMatchObject({ periodMinutes: 19 * 525, plannedMinutes: 0, nonOperatingMinutes: 105 });
    expect(C.availability).toBe(Math.round(((9975 - 105) / 9975) * 100_000) / 1000);
  });

  it('an owner sees only their own systems and VMs; another department’s system is 404', async () => {
    const a = ok(await get(s.owner, '/api/servicelevels/availability?month=2026-11'));
    expect(a.systems.map((x: { id: string }) => x.id)).toEqual([sysA]);
    expect(a.vms.map((v: { name: string }) => v.name).sort()).toEqual(['doro-app01', 'doro-db01']);
    expect(a.levels.find((l: { level: string }) => l.level === 'C').vmCount).toBe(0);
    expect((await get(s.owner, `/api/servicelevels/availability/systems/${sysC}?month=2026-11`)).statusCode).toBe(404);
    expect((await get(s.owner, `/api/servicelevels/availability/vms/${vmC}?month=2026-11`)).statusCode).toBe(404);
    const mine = ok(await get(s.owner, `/api/servicelevels/availability/vms/${vmA}?month=2026-11`));
    expect(mine.figure.availability).toBe(99.861);
    expect(mine.windows).toHaveLength(2);
    expect(ok(await get(s.sup, `/api/servicelevels/availability/systems/${sysC}?month=2026-11`)).figure.nonOperatingMinutes).toBe(105);
  });

  it('a bad or future period is 400 naming the field', async () => {
    for (const [q, field] of [['month=2026-13', 'month'], ['month=2027-01', 'month'], ['from=2026-11-01T00:00', 'to'], ['from=2026-11-10T00:00&to=2026-11-01T00:00', 'to'], ['from=x&to=2026-11-01T00:00', 'from']] as const) {
      const res = await get(s.sup, `/api/servicelevels/availability?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(Object.keys(res.json().error.fields), q).toEqual([field]);
    }
    // No period: the previous month. The running month is measured up to now (12-01 00:00 → 12-07 10:00).
    expect(ok(await get(s.sup, '/api/servicelevels/availability')).period.month).toBe('2026-11');
    expect(ok(await get(s.sup, '/api/servicelevels/availability?month=2026-12')).levels[0].periodMinutes).toBe(6 * 1440 + 600);
  });

  it('exports the availability table as XLSX and CSV', async () => {
    const x = await get(s.sup, '/api/servicelevels/availability.xlsx?month=2026-11');
    expect(x.statusCode).toBe(200);
    expect(x.headers['content-type']).toContain('spreadsheetml');
    const c = await get(s.owner, '/api/servicelevels/availability.csv?month=2026-11');
    expect(c.body).toContain('99.861');
    expect(c.body).not.toContain('kyo-app01');
  });
});

describe('品質指標 (SLM-4)', () => {
  it('monitoring first response: a late response excluded as 他責 is listed with its reason; issue-11 KPIs have no data source yet', async () => {
    const now = t.clock.now();
    const ins = async (detected: string, responded: string | null) =>
      (
        await db()
          .insert(monitoringAlerts)
          .values({ eventId: ++n, itemId: (await db().select().from(monitoringItems))[0]!.id, targetId: vmTarget, ciType: 'vm', ciId: vmA, ciName: 'doro-app01', itemType: 'icmp', itemKey: 'icmpping', itemName: '死活監視', detectedAt: jst(detected), firstResponseAt: responded ? jst(responded) : null, state: responded ? 'in_progress' : 'open', createdAt: now, updatedAt: now })
          .returning()
      )[0]!.id;
    await ins('2026-11-10T10:00', '2026-11-10T10:10');
    const late = await ins('2026-11-11T10:00', '2026-11-11T11:30');
    await ins('2026-11-12T10:00', '2026-11-12T10:45');
    let k = ok(await get(s.sup, '/api/servicelevels/kpis?month=2026-11')).kpis;
    let mon = k.find((x: { key: string }) => x.key === 'monitoring_first_response');
    expect(mon).toMatchObject({ numerator: 1, denominator: 3, value: 33.333 });
    // Exclusion needs a reason; then the case leaves the count and is listed with it.
    expect(Object.keys((await send(s.op, 'PUT', `/api/servicelevels/kpis/monitoring_first_response/cases/${late}`, { outcome: 'excluded' })).json().error.fields)).toEqual(['reason']);
    expect((await send(s.owner, 'PUT', `/api/servicelevels/kpis/monitoring_first_response/cases/${late}`, { outcome: 'excluded', reason: 'x' })).statusCode).toBe(403);
    ok(await send(s.op, 'PUT', `/api/servicelevels/kpis/monitoring_first_response/cases/${late}`, { outcome: 'excluded', reason: 'システム所管に連絡がつかない（他責）' }));
    k = ok(await get(s.sup, '/api/servicelevels/kpis?month=2026-11')).kpis;
    mon = k.find((x: { key: string }) => x.key === 'monitoring_first_response');
    expect(mon).toMatchObject({ numerator: 1, denominator: 2, value: 50 });
    expect(mon.excluded).toEqual([expect.objectContaining({ recordId: late, reason: 'システム所管に連絡がつかない（他責）', markedBy: 'op (op)' })]);
    for (const key of ['resource_addition_on_time', 'vm_provisioning_on_time']) {
      // Counted from the portal's request records now (src/portal/requests.kpi.ts): no requests this month.
      expect(k.find((x: { key: string }) => x.key === key).status).not.toBe('no_source');
    }
    expect(k.find((x: { key: string }) => x.key === 'availability_a').value).toBe(99.861);
  });

  it('provisional response: cases judged one by one, a faulty owner procedure excluded; consolidation entered by hand', async () => {
    let k = ok(await get(s.sup, '/api/servicelevels/kpis?month=2026-11')).kpis;
    let prov = k.find((x: { key: string }) => x.key === 'provisional_response');
    expect(prov.cases.length).toBe(2); // the two troubles on doro-app01, which has an owner's procedure
    expect(prov.value).toBeNull();
    ok(await send(s.op, 'PUT', `/api/servicelevels/kpis/provisional_response/cases/${prov.cases[0].recordId}`, { outcome: 'succeeded' }));
    ok(await send(s.op, 'PUT', `/api/servicelevels/kpis/provisional_response/cases/${prov.cases[1].recordId}`, { outcome: 'excluded', reason: '暫定対応手順書の手順に誤り（システム所管）' }));
    k = ok(await get(s.sup, '/api/servicelevels/kpis?month=2026-11')).kpis;
    prov = k.find((x: { key: string }) => x.key === 'provisional_response');
    expect(prov).toMatchObject({ numerator: 1, denominator: 1, value: 100 });
    expect(prov.excluded[0].reason).toContain('手順書');
    ok(await send(s.mgr, 'PUT', '/api/servicelevels/kpis/consolidation/manual', { month: '2026-11', numerator: 45, denominator: 50 }));
    expect((await send(s.mgr, 'PUT', '/api/servicelevels/kpis/consolidation/manual', { month: '2026-11', numerator: 51, denominator: 50 })).statusCode).toBe(400);
    k = ok(await get(s.sup, '/api/servicelevels/kpis?month=2026-11')).kpis;
    expect(k.find((x: { key: string }) => x.key === 'consolidation')).toMatchObject({ status: 'manual', value: 90 });
    const csv = await get(s.sup, '/api/servicelevels/kpis.csv?month=2026-11');
    expect(csv.body).toContain('90'); // the consolidation figure entered by hand
    expect(csv.body).toContain('他責');
  });
});

describe('品質目標 (SLM-5)', () => {
  const propose = (u: Session, body: Record<string, unknown>) => send(u, 'POST', '/api/servicelevels/targets', body);
  const act = async (u: Session, id: string, action: string, body: Record<string, unknown> = {}) => {
    const version = ok(await get(s.sup, `/api/servicelevels/targets/${id}`)).version;
    return send(u, 'POST', `/api/servicelevels/targets/${id}/actions/${action}`, { version, ...body });
  };

  it('a target outside 0–100 % is refused naming it; the supervisor approves, never the requester', async () => {
    expect(Object.keys((await propose(s.mgr, { kpi: 'availability_a', targetPercent: 101, effectiveFrom: '2026-04' })).json().error.fields)).toEqual(['targetPercent']);
    expect((await db().select({ n: count() }).from(slTargets))[0]!.n).toBe(0);
    const goLive = ok(await propose(s.mgrsup, { kpi: 'availability_a', targetPercent: 99.9, effectiveFrom: '2026-04' }), 201);
    expect(goLive.kind).toBe('go_live');
    expect((await act(s.mgrsup, goLive.id, 'approve')).statusCode).toBe(403); // the requester, although supervisor too
    expect((await act(s.mgr, goLive.id, 'approve')).statusCode).toBe(403); // not the approver's role
    ok(await act(s.sup, goLive.id, 'approve'));
    // A mid-year change needs a reason, and the supervisor's approval.
    expect(Object.keys((await propose(s.mgr, { kpi: 'availability_a', targetPercent: 99.8, effectiveFrom: '2026-12' })).json().error.fields)).toEqual(['reason']);
    const mid = ok(await propose(s.mgr, { kpi: 'availability_a', targetPercent: 99.8, effectiveFrom: '2026-12', reason: 'DR 構成の見直し' }), 201);
    expect(mid.kind).toBe('mid_year_change');
    // The supervisor finds it in their inbox (the process is on the kernel with a work spec); the requester does not.
    const inbox = (u: Session) => get(u, '/api/inbox').then((r) => r.json().items as { ref: string; title: string }[]);
    expect((await inbox(s.sup)).find((x) => x.ref === mid.refNo)?.title).toBe('品質目標 システムサービスレベル「A」の稼働率 99.8%');
    expect((await inbox(s.owner)).some((x) => x.ref === mid.refNo)).toBe(false);
    const view = ok(await get(s.sup, `/api/servicelevels/targets/${mid.id}`));
    expect(view.process.actions.map((a: { action: string }) => a.action)).toContain('approve');
    expect(view.history.map((h: { targetPercent: number }) => h.targetPercent)).toEqual([99.9]);
    ok(await act(s.sup, mid.id, 'reject', { comment: '半期報告会で協議' }));
    // The KPI table shows the target in force with the figure against it.
    const k = ok(await get(s.sup, '/api/servicelevels/kpis?month=2026-11')).kpis;
    expect(k.find((x: { key: string }) => x.key === 'availability_a')).toMatchObject({ target: { percent: 99.9 }, met: false });
  });

  it('a KPI worse than its target opens one improvement problem, however often the monthly job runs', async () => {
    const job = createImprovementJob({ db: db(), clock: t.clock });
    // Before December's first business day opens, November is not closed yet.
    t.clock.set(jst('2026-12-01T08:00'));
    expect((await job.runOnce()).month).toBeNull();
    t.clock.set(jst('2026-12-01T09:00'));
    const first = await job.runOnce();
    expect(first.opened.map((o) => o.kpi)).toEqual(['availability_a']);
    expect((await createImprovementJob({ db: db(), clock: t.clock }).runOnce()).opened).toEqual([]); // a second server, or a restart
    expect((await job.runOnce('2026-11')).opened).toEqual([]);
    const [p] = await db().select().from(problems).where(eq(problems.id, first.opened[0]!.problemId));
    expect(p).toMatchObject({ source: 'improvement' });
    expect(p!.title).toContain('2026-11');
    expect((await db().select({ n: count() }).from(slImprovements))[0]!.n).toBe(1);
    t.clock.set(jst('2026-12-07T10:00'));
  });

  it('a KPI worse than the month before for the configured number of months in a row opens one too', async () => {
    await at('2026-12-07T10:00');
    for (const [month, n] of [['2026-07', 48], ['2026-08', 47], ['2026-09', 46], ['2026-10', 45]] as const) {
      ok(await send(s.mgr, 'PUT', '/api/servicelevels/kpis/consolidation/manual', { month, numerator: n, denominator: 50 }));
    }
    // Three declines in a row are not four.
    expect((await createImprovementJob({ db: db(), clock: t.clock, worseningMonths: 4 }).runOnce('2026-10')).opened).toEqual([]);
    const r = await createImprovementJob({ db: db(), clock: t.clock }).runOnce('2026-10');
    expect(r.opened).toEqual([expect.objectContaining({ kpi: 'consolidation', trigger: 'worsening' })]);
    expect((await createImprovementJob({ db: db(), clock: t.clock }).runOnce('2026-10')).opened).toEqual([]);
  });
});

describe('サービスメニュー (SLM-8)', () => {
  it('the manager drafts from N/M’s services, the lead reviews, the supervisor publishes; owners read the published version only', async () => {
    expect((await send(s.owner, 'POST', '/api/servicelevels/menu', { reason: 'x' })).statusCode).toBe(403);
    const v1 = ok(await send(s.mgr, 'POST', '/api/servicelevels/menu', { reason: '運用開始時のサービスメニュー' }), 201);
    expect(v1.items.map((i: { code: string }) => i.code)).toContain('BK-01');
    expect(ok(await get(s.owner, '/api/servicelevels/menu')).current).toBeNull();
    expect((await get(s.owner, `/api/servicelevels/menu/${v1.id}`)).statusCode).toBe(404);
    const edited = ok(await send(s.mgr, 'PUT', `/api/servicelevels/menu/${v1.id}`, { version: v1.version, items: [...v1.items, { code: 'LG-01', name: 'ログ管理', description: 'ログの保管', levels: {} }] }));
    expect((await send(s.mgr, 'PUT', `/api/servicelevels/menu/${v1.id}`, { version: v1.version, items: [] })).statusCode).toBe(409);
    const step = async (u: Session, action: string) => {
      const version = ok(await get(s.mgr, `/api/servicelevels/menu/${v1.id}`)).version;
      return send(u, 'POST', `/api/servicelevels/menu/${v1.id}/actions/${action}`, { version });
    };
    ok(await step(s.mgr, 'submit'));
    ok(await step(s.lead, 'review'));
    expect((await step(s.mgr, 'approve')).statusCode).toBe(403);
    ok(await step(s.sup, 'approve'));
    const owner = ok(await get(s.owner, '/api/servicelevels/menu'));
    expect(owner.current.items).toHaveLength(edited.items.length);
    expect(owner.versions).toEqual([]);
    expect(owner.canEdit).toBe(false);
  });
});
