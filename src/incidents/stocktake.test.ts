import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessCalendar, parseJstLocal } from '../calendar/index.ts';
import type { Database } from '../db/connection.ts';
import { testDatabase } from '../db/testing.ts';
import { type Actor, systemActor } from '../iam/actor.ts';
import { createIamService } from '../iam/service.ts';
import { FakeClock } from '../kernel/clock.ts';
import { outbox } from '../notify/index.ts';
import { auditLog } from '../audit/schema.ts';
import { incidentStocktakes } from './schema.ts';
import { createIncidentService, type IncidentService } from './service.ts';
import { AUTO_STOCKTAKE_LABEL, assessStocktake, previousBusinessClose } from './stocktake.ts';

/**
 * INC-9 (N §3.2.3.5): the stocktake at each business day's opening — built, assessed against the
 * quality targets, recorded once per business day, reported to the supervisors when at risk.
 * The clock is a FakeClock; nothing sleeps.
 */
const jst = (x: string) => parseJstLocal(x);
const calendar = new BusinessCalendar();
const admin = systemActor('test');
let database: Database;
let clock: FakeClock;
let svc: IncidentService;
let op: Actor;

const records = () => database.db.select().from(incidentStocktakes).orderBy(asc(incidentStocktakes.id));
const stocktakeMails = () => database.db.select().from(outbox).where(eq(outbox.recordType, 'incident_stocktake')).orderBy(asc(outbox.createdAt));
const qa = (title: string) => svc.register(admin, { title, description: '利用方法の質問', source: 'system_owner', class: 'qa' });

beforeAll(async () => {
  database = await testDatabase();
  clock = new FakeClock(jst('2026-11-20T10:00'));
  const iam = createIamService({ db: database.db, clock });
  const person = (login: string, roles: string[], email: string) =>
    iam.createPerson(admin, { login, displayName: login, password: 'correct horse battery staple', roles: roles as never, email });
  await person('sup', ['supervisor'], 'tokatsu@pref.example.lg.jp');
  await person('mgr', ['vendor_manager'], 'kanri@vendor.example.jp');
  const opId = (await person('op', ['operator'], 'tanto@vendor.example.jp')).id;
  op = { kind: 'person', personId: opId, label: '担当 一郎', roles: ['operator'], departmentId: null };
  svc = createIncidentService({ db: database.db, clock, calendar });
});
afterAll(() => database.close());

describe('the risk rule (quality targets at risk)', () => {
  it('the previous business day skips weekends, holidays and the year-end closure', () => {
    expect(previousBusinessClose(calendar, '2026-11-30')).toEqual(jst('2026-11-27T17:45')); // Monday → Friday
    expect(previousBusinessClose(calendar, '2026-11-24')).toEqual(jst('2026-11-20T17:45')); // after 勤労感謝の日 (Mon 11/23)
    expect(previousBusinessClose(calendar, '2027-01-04')).toEqual(jst('2026-12-28T17:45')); // after 12/29–1/3
  });

  it('any overdue deadline, or an undispatched inquiry registered before the last close, is at risk', () => {
    const at = jst('2026-11-30T09:00');
    const fresh = { receiptNo: 'INC-1', title: '夜間の受付', registeredAt: jst('2026-11-28T03:00') };
    const stale = { receiptNo: 'INC-2', title: '金曜の受付', registeredAt: jst('2026-11-27T17:44') };
    expect(assessStocktake({ at, undispatched: [fresh], overdue: [] }, calendar)).toMatchObject({ atRisk: false, staleUndispatched: [] });
    const r = assessStocktake({ at, undispatched: [fresh, stale], overdue: [] }, calendar);
    expect(r).toMatchObject({ atRisk: true, staleUndispatched: ['INC-2'] });
    expect(r.note).toContain('ディスパッチもれ 1件（INC-2）');
    const o = assessStocktake({ at, undispatched: [], overdue: [{ receiptNo: 'INC-3', title: '障害', reasons: ['first_report', 'recovery'] }] }, calendar);
    expect(o.atRisk).toBe(true);
    expect(o.note).toContain('期限超過 1件（第一報の報告期限 1件、復旧完了目標時間 1件）');
  });
});

describe('the stocktake job at each business day’s opening', () => {
  it('skips non-business days and the hours before the opening', async () => {
    clock.set(jst('2026-11-28T10:00')); // Saturday
    expect(await svc.runDailyStocktake()).toBeNull();
    clock.set(jst('2026-11-23T12:00')); // 勤労感謝の日
    expect(await svc.runDailyStocktake()).toBeNull();
    clock.set(jst('2026-11-30T08:59')); // Monday, before 09:00
    expect(await svc.runDailyStocktake()).toBeNull();
    expect(await records()).toEqual([]);
  });

  it('at risk (Friday’s inquiry still undispatched, a trouble’s first report late): recorded and reported to the supervisors once', async () => {
    clock.set(jst('2026-11-27T16:00'));
    const friday = await qa('金曜日の問合せ');
    clock.set(jst('2026-11-30T08:20')); // out of hours: platform-wide High → first report within 30 minutes
    const trouble = await svc.register(admin, {
      title: 'ストレージ応答遅延',
      description: '全ホストでI/O遅延',
      source: 'monitoring',
      class: 'trouble',
      urgency: { citizenServiceStopped: true, citizenImpact: false, financialOrReputation: false, wideImpact: true },
      platformCaused: true,
      affected: { platform: true },
    });
    clock.set(jst('2026-11-30T09:00'));
    const rec = await svc.runDailyStocktake();
    expect(rec).toMatchObject({ byId: null, byLabel: AUTO_STOCKTAKE_LABEL, atRisk: true, correctiveAction: null });
    expect(rec!.undispatched).toEqual([friday.receiptNo, trouble.receiptNo]);
    expect(rec!.overdue).toEqual([trouble.receiptNo]);
    expect(rec!.note).toContain('期限超過 1件（第一報の報告期限 1件）');
    expect(rec!.note).toContain(`ディスパッチもれ 1件（${friday.receiptNo}）`);
    const [m, ...more] = await stocktakeMails();
    expect(more).toEqual([]);
    expect(m).toMatchObject({ id: rec!.mailId, toAddresses: ['tokatsu@pref.example.lg.jp'], ccAddresses: ['kanri@vendor.example.jp'], template: 'incident.stocktake_report' });
    expect(m!.subject).toBe('【第三期サーバ仮想基盤】インシデント棚卸報告（品質基準・目標の遵守に懸念）');
    expect(m!.body).toContain('実施者 ：自動棚卸（開庁時）');
    expect(m!.body).toContain(`・${trouble.receiptNo} ストレージ応答遅延（第一報の報告期限）`);
    expect(m!.body).toContain(`・${friday.receiptNo} 金曜日の問合せ`);
    const audited = await database.db.select().from(auditLog).where(eq(auditLog.action, 'incident.stocktake'));
    expect(audited.map((a) => a.entityId)).toEqual([String(rec!.id)]);

    // The next ticks that day, and a restarted process (a new service), do nothing.
    clock.set(jst('2026-11-30T09:01'));
    expect(await svc.runDailyStocktake()).toBeNull();
    clock.set(jst('2026-11-30T23:59'));
    expect(await createIncidentService({ db: database.db, clock, calendar }).runDailyStocktake()).toBeNull();
    expect(await records()).toHaveLength(1);
    expect(await stocktakeMails()).toHaveLength(1);
  });

  it('not at risk: recorded without a mail; two processes at the opening record it once', async () => {
    const open = (await svc.list(admin, { page: 1, pageSize: 100, sort: 'receiptNo', open: 'true' })).items;
    clock.set(jst('2026-11-30T10:00'));
    for (const i of open) if (i.state === 'registered') await svc.act(op, i.id, 'dispatch', { version: i.version, dueAt: jst('2026-12-25T17:00').toISOString() });
    const trouble = open.find((i) => i.class === 'trouble')!;
    const report = { symptom: 'I/O遅延', businessImpact: 'なし', probableCause: 'コントローラ', progress: '切替で復旧' };
    await svc.report(op, trouble.id, { version: trouble.version + 1, kind: 'first', channel: 'phone' });
    await svc.report(op, trouble.id, { version: trouble.version + 2, kind: 'final', ...report, recoveredAt: jst('2026-11-30T09:50').toISOString() });
    clock.set(jst('2026-11-30T20:00')); // after the close: not yet a risk tomorrow morning
    const evening = await qa('夜の問合せ');
    clock.set(jst('2026-12-01T09:00'));
    const other = createIncidentService({ db: database.db, clock, calendar });
    const [a, b] = await Promise.all([svc.runDailyStocktake(), other.runDailyStocktake()]);
    const rec = a ?? b;
    expect([a, b].filter(Boolean)).toHaveLength(1);
    expect(rec).toMatchObject({ atRisk: false, undispatched: [evening.receiptNo], overdue: [], mailId: null });
    expect(await stocktakeMails()).toHaveLength(1); // still only Monday's
    expect((await records()).map((r) => r.byLabel)).toEqual([AUTO_STOCKTAKE_LABEL, AUTO_STOCKTAKE_LABEL]);
  });

  it('a server started late catches up the same day; a stocktake recorded by hand does not count as the day’s automatic one', async () => {
    clock.set(jst('2026-12-02T08:30'));
    await svc.recordStocktake(systemActor('kiban cli'), { atRisk: false, note: '始業前の確認' });
    clock.set(jst('2026-12-02T15:10'));
    const rec = await svc.runDailyStocktake();
    // Monday evening's inquiry has now waited a whole business day undispatched: at risk.
    expect(rec).toMatchObject({ byLabel: AUTO_STOCKTAKE_LABEL, atRisk: true, overdue: [] });
    expect(rec!.at).toEqual(jst('2026-12-02T15:10'));
    expect(await stocktakeMails()).toHaveLength(2);
    expect(await svc.runDailyStocktake()).toBeNull();
  });
});
