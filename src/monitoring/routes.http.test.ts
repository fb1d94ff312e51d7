import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { count, eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCmdbService } from '../cmdb/service.ts';
import { admin, TEST_PASSWORD, type TestApp, testApp } from '../http/testing.ts';
import { monitoringAlerts, monitoringEvents, monitoringItems, monitoringSettingChanges, monitoringSuppressions, monitoringValues } from './schema.ts';
import { createSettingsLedger } from './settings.ts';
import { createItem, createTarget } from './store.ts';

/**
 * The monitoring API over HTTP (src/monitoring/routes.ts), through the whole app: sessions, CSRF,
 * roles, department scope (a system owner sees their department's VMs only and gets 404 for the
 * rest), validation with the field named, and that a refused request stores nothing.
 */

let t: TestApp;
type Session = { cookie: string; csrf: string };
const s = {} as Record<'operator' | 'manager' | 'supervisor' | 'ownerA' | 'ownerB' | 'pusher', Session>;
const ids = { deptA: '', deptB: '', sysA: '', sysB: '', vmA: '', vmB: '', targetA: '', targetB: '', itemA: '', itemB: '', alertA: '', alertB: '' };

const get = (who: Session | null, url: string, lang = 'ja') => t.app.inject({ url, headers: { ...(who ? { cookie: who.cookie } : {}), 'accept-language': lang } });
const send = (who: Session, url: string, payload: unknown, opts: { csrf?: boolean; method?: 'POST' | 'PUT'; raw?: boolean } = {}) =>
  t.app.inject({
    method: opts.method ?? 'POST',
    url,
    payload: opts.raw ? (payload as string) : JSON.stringify(payload),
    headers: { cookie: who.cookie, 'content-type': 'application/json', ...(opts.csrf === false ? {} : { 'x-csrf-token': who.csrf }) },
  });
const rows = async (table: typeof monitoringValues | typeof monitoringEvents | typeof monitoringAlerts | typeof monitoringSuppressions | typeof monitoringSettingChanges | typeof monitoringItems) =>
  (await t.database.db.select({ n: count() }).from(table))[0]!.n;
const stored = async () => ({
  values: await rows(monitoringValues),
  events: await rows(monitoringEvents),
  alerts: await rows(monitoringAlerts),
  suppressions: await rows(monitoringSuppressions),
  changes: await rows(monitoringSettingChanges),
  items: await rows(monitoringItems),
});
const unix = () => Math.floor(t.clock.now().getTime() / 1000);
const logins = {} as Record<keyof typeof s, string>;
async function relogin() {
  for (const [key, login] of Object.entries(logins)) s[key as keyof typeof s] = await t.login(login);
}

beforeAll(async () => {
  t = await testApp(); // clock: Tuesday 2026-11-24 09:00 JST
  const why = { reason: 'テスト用の登録' };
  ids.deptA = (await t.iam.createDepartment(admin, { code: 'D10', name: '土木部道路建設課', kind: 'prefecture' })).id;
  ids.deptB = (await t.iam.createDepartment(admin, { code: 'D20', name: '健康福祉部', kind: 'prefecture' })).id;
  const people: Array<[keyof typeof s, string, string[], string | undefined]> = [
    ['operator', 'tanto', ['operator'], undefined],
    ['manager', 'kanri', ['vendor_manager'], undefined],
    ['supervisor', 'tokatsu', ['supervisor'], undefined],
    ['ownerA', 'owner-a', ['system_owner'], ids.deptA],
    ['ownerB', 'owner-b', ['system_owner'], ids.deptB],
    ['pusher', 'integration', ['admin'], undefined],
  ];
  for (const [key, login, roles, departmentId] of people) {
    await t.iam.createPerson(admin, { login, displayName: `${login} さん`, password: TEST_PASSWORD, roles: roles as never, departmentId });
    logins[key] = login;
  }
  await relogin();
  const cmdb = createCmdbService({ db: t.database.db, clock: t.clock });
  const site = await cmdb.create(admin, 'site', { name: '県庁舎サーバルーム', code: 'HQ', status: 'active', ...why });
  const host = await cmdb.create(admin, 'host', { name: 'hq-esx01', siteId: site.id, cpuCores: 32, cpuGhz: 2.4, memoryGib: 512, status: 'active', ...why });
  ids.sysA = (await cmdb.create(admin, 'system', { name: '道路台帳管理システム', code: 'doro', departmentId: ids.deptA, serviceLevel: 'B', ...why })).id;
  ids.sysB = (await cmdb.create(admin, 'system', { name: '福祉台帳システム', code: 'fukushi', departmentId: ids.deptB, serviceLevel: 'B', ...why })).id;
  ids.vmA = (await cmdb.create(admin, 'vm', { name: 'bp-doro-web01', systemId: ids.sysA, hostId: host.id, vcpu: 2, memoryGib: 8, diskGib: 100, ...why })).id;
  ids.vmB = (await cmdb.create(admin, 'vm', { name: 'bp-fukushi-ap01', systemId: ids.sysB, hostId: host.id, vcpu: 2, memoryGib: 8, diskGib: 100, ...why })).id;
  await cmdb.create(admin, 'contact', { name: '道路 太郎', systemId: ids.sysA, email: 'doro@pref.example.lg.jp', escalationOrder: 1, ...why });
  const db = t.database.db;
  for (const [k, ciId, name] of [
    ['A', ids.vmA, 'bp-doro-web01'],
    ['B', ids.vmB, 'bp-fukushi-ap01'],
  ] as const) {
    const target = await createTarget(db, t.clock, { ciType: 'vm', ciId, name, address: `10.0.0.${k === 'A' ? 1 : 2}` });
    const item = await createItem(db, t.clock, { targetId: target.id, type: 'resource', key: 'system.cpu.util', name: 'CPU 使用率', collect: 'push' });
    ids[`target${k}`] = target.id;
    ids[`item${k}`] = item.id;
  }
  // Two CPU values over the critical threshold in a row (M §3.3: 2 for resources) alert for each VM.
  for (const host of ['bp-doro-web01', 'bp-fukushi-ap01']) {
    for (const dt of [0, 300]) {
      const res = await send(s.pusher, '/api/monitoring/values', { data: [{ host, key: 'system.cpu.util', value: 95, clock: unix() + dt }] });
      expect(res.statusCode, res.body).toBe(200);
    }
  }
  const alerts = await db.select().from(monitoringAlerts);
  ids.alertA = alerts.find((a) => a.ciId === ids.vmA)!.id;
  ids.alertB = alerts.find((a) => a.ciId === ids.vmB)!.id;
});
afterAll(() => t?.close());

describe('GET /api/monitoring/status', () => {
  it('shows every item to the operations team and only their department’s VMs to a system owner', async () => {
    const all = await get(s.operator, '/api/monitoring/status');
    expect(all.statusCode).toBe(200);
    expect(all.json().items.map((i: { target: string }) => i.target).sort()).toEqual(['bp-doro-web01', 'bp-fukushi-ap01']);
    expect(all.json().items.every((i: { state: string; severity: string }) => i.state === 'problem' && i.severity === 'critical')).toBe(true);
    const a = (await get(s.ownerA, '/api/monitoring/status')).json();
    expect(a.items.map((i: { target: string }) => i.target)).toEqual(['bp-doro-web01']);
    expect(a.events.map((e: { targetId: string }) => e.targetId)).toEqual([ids.targetA]);
    const b = (await get(s.ownerB, '/api/monitoring/status')).json();
    expect(b.items.map((i: { target: string }) => i.target)).toEqual(['bp-fukushi-ap01']);
    expect((await get(s.supervisor, '/api/monitoring/status')).json().items).toHaveLength(2);
  });

  it('needs a session', async () => {
    expect((await get(null, '/api/monitoring/status')).statusCode).toBe(401);
  });
});

describe('POST /api/monitoring/values', () => {
  const ok = { data: [{ host: 'bp-doro-web01', key: 'system.cpu.util', value: 10 }] };

  it('is for integration accounts (monitoring.push) only: everyone else gets 403 and nothing is stored', async () => {
    const before = await stored();
    for (const who of [s.operator, s.manager, s.supervisor, s.ownerA]) {
      const res = await send(who, '/api/monitoring/values', ok);
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    }
    // Without the CSRF token even the integration account is refused.
    expect((await send(s.pusher, '/api/monitoring/values', ok, { csrf: false })).statusCode).toBe(403);
    expect(await stored()).toEqual(before);
  });

  it('refuses malformed bodies with 400 naming the field, and stores nothing', async () => {
    const before = await stored();
    const cases: Array<[unknown, string[]]> = [
      [{}, ['data']],
      [{ data: [] }, ['data']],
      [{ data: [{ host: 'bp-doro-web01' }] }, ['data.0.key', 'data.0.value']],
      [{ data: [{ host: '', key: 'system.cpu.util', value: 1 }] }, ['data.0.host']],
      [{ data: [{ host: 'bp-doro-web01', key: 'system.cpu.util', value: { v: 1 } }] }, ['data.0.value']],
      [{ data: [{ host: 'bp-doro-web01', key: 'system.cpu.util', value: 1, clock: -5 }] }, ['data.0.clock']],
      [{ data: [{ host: 'bp-doro-web01', key: 'system.cpu.util', value: 1, ns: 1e10 }] }, ['data.0.ns']],
      [{ data: [{ host: 'bp-doro-web01', key: 'system.cpu.util', value: 1, extra: true }] }, ['data.0.extra']],
      [{ ...ok, request: 'sender data' }, ['request']],
    ];
    for (const [body, fields] of cases) {
      const res = await send(s.pusher, '/api/monitoring/values', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.code).toBe('invalid_input');
      expect(Object.keys(res.json().error.fields).sort(), JSON.stringify(body)).toEqual(fields);
    }
    const notJson = await send(s.pusher, '/api/monitoring/values', '{"data": [', { raw: true });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error.code).toBe('malformed_json');
    expect(await stored()).toEqual(before);
  });

  it('takes a good body and says how many values were processed', async () => {
    const res = await send(s.pusher, '/api/monitoring/values', { data: [{ host: 'BP-DORO-WEB01', key: 'system.cpu.util', value: '91', clock: unix() + 600 }, { host: 'nobody', key: 'x', value: 1 }] });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ response: 'success', processed: 1, failed: 1, total: 2 });
  });
});

describe('/api/monitoring/alerts (監視対応台帳)', () => {
  it('lists every alert for the operations team and the supervisor, only their department’s for a system owner', async () => {
    const all = (await get(s.operator, '/api/monitoring/alerts')).json();
    expect(all.total).toBe(2);
    expect((await get(s.supervisor, '/api/monitoring/alerts')).json().total).toBe(2);
    const a = (await get(s.ownerA, '/api/monitoring/alerts')).json();
    expect(a).toMatchObject({ total: 1, items: [{ id: ids.alertA, ciName: 'bp-doro-web01', severity: 'critical', state: 'open', stateLabel: { ja: '未対応' } }] });
    const b = (await get(s.ownerB, '/api/monitoring/alerts')).json();
    expect(b.items.map((x: { id: string }) => x.id)).toEqual([ids.alertB]);
    // Filters and a bad query.
    expect((await get(s.operator, '/api/monitoring/alerts?q=fukushi')).json().items.map((x: { id: string }) => x.id)).toEqual([ids.alertB]);
    expect((await get(s.operator, '/api/monitoring/alerts?state=done')).json().total).toBe(0);
    const bad = await get(s.operator, '/api/monitoring/alerts?state=finished');
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().error.fields)).toEqual(['state']);
  });

  it('a system owner gets their own alert with guidance and history, and 404 for another department’s', async () => {
    const mine = await get(s.ownerA, `/api/monitoring/alerts/${ids.alertA}`);
    expect(mine.statusCode).toBe(200);
    const body = mine.json();
    expect(body.alert).toMatchObject({ id: ids.alertA, guidance: expect.stringContaining('仮想マシン'), procedure: expect.any(String) });
    expect(body.process.history.map((h: { action: string }) => h.action)).toEqual(['detect']);
    expect(body.process.actions).toEqual([]);
    const other = await get(s.ownerA, `/api/monitoring/alerts/${ids.alertB}`);
    expect(other.statusCode).toBe(404);
    expect(other.json().error.code).toBe('not_found');
    expect((await get(s.operator, '/api/monitoring/alerts/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await get(s.operator, '/api/monitoring/alerts/not-a-uuid')).statusCode).toBe(400);
  });

  it('only the operations team handles alerts; a stale version and missing comments are refused', async () => {
    const url = (id: string, action: string) => `/api/monitoring/alerts/${id}/actions/${action}`;
    const before = await stored();
    for (const who of [s.ownerA, s.supervisor, s.pusher]) {
      expect((await send(who, url(ids.alertA, 'respond'), { version: 1 })).statusCode).toBe(403);
    }
    // An owner may not act on any alert (monitoring.manage), their own department's or another's.
    expect((await send(s.ownerA, url(ids.alertB, 'respond'), { version: 1 })).statusCode).toBe(403);
    const badBody = await send(s.operator, url(ids.alertA, 'respond'), { version: 0, note: 'x' });
    expect(badBody.statusCode).toBe(400);
    expect(Object.keys(badBody.json().error.fields).sort()).toEqual(['note', 'version']);
    expect(await stored()).toEqual(before);

    const r1 = await send(s.operator, url(ids.alertA, 'respond'), { version: 1, comment: '確認開始' });
    expect(r1.statusCode).toBe(200);
    expect(r1.json()).toMatchObject({ state: 'in_progress', version: 2, stateLabel: { ja: '対応中' } });
    expect(r1.json().firstResponseAt).toBeTruthy();

    const stale = await send(s.operator, url(ids.alertA, 'escalate'), { version: 1, comment: '手順書に記載なし' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.message).toBe('ほかの利用者が先に更新しました。最新の内容を確認してから、もう一度操作してください。');
    const noComment = await send(s.operator, url(ids.alertA, 'escalate'), { version: 2 });
    expect(noComment.statusCode).toBe(400);
    expect(Object.keys(noComment.json().error.fields)).toEqual(['comment']);
    const again = await send(s.operator, url(ids.alertA, 'respond'), { version: 2 });
    expect(again.statusCode).toBe(409); // not from 対応中
    expect((await send(s.operator, url(ids.alertA, 'nonsense'), { version: 2 })).statusCode).toBe(409);

    const noResolution = await send(s.manager, url(ids.alertA, 'complete'), { version: 2 });
    expect(noResolution.statusCode).toBe(400);
    expect(Object.keys(noResolution.json().error.fields)).toEqual(['resolution']);
    const done = await send(s.manager, url(ids.alertA, 'complete'), { version: 2, resolution: '一時的な負荷。様子見で解消' });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ state: 'done', version: 3, resolution: '一時的な負荷。様子見で解消' });
    const history = (await get(s.ownerA, `/api/monitoring/alerts/${ids.alertA}`)).json().process.history.map((h: { action: string }) => h.action);
    expect(history).toEqual(['detect', 'respond', 'complete']);
  });
});

describe('/api/monitoring/suppressions (監視の一時抑止)', () => {
  // Tuesday 24 Nov: a window on Tuesday 1 Dec is well before the deadline (2 business days before).
  const window = { startsAt: '2026-12-01T22:00:00+09:00', endsAt: '2026-12-02T02:00:00+09:00' };
  const url = (id: string, action: string) => `/api/monitoring/suppressions/${id}/actions/${action}`;
  let fromOwner: { id: string; version: number };
  let fromSupervisor: { id: string };

  it('gives the request rules (lead time, longest window) on their own; the process is /api/processes/monitoring_suppression', async () => {
    const rules = await get(s.ownerA, '/api/monitoring/suppressions/rules');
    expect(rules.statusCode).toBe(200);
    expect(rules.json()).toEqual({ leadBusinessDays: expect.any(Number), maxWindowDays: expect.any(Number), plannedStopKeepsMonitoring: expect.any(Boolean), overrunCeilingHours: expect.any(Number) });
    const flow = (await get(s.ownerA, '/api/processes/monitoring_suppression')).json();
    expect(flow.states.map((x: { key: string }) => x.key)).toEqual(expect.arrayContaining(['submitted', 'approved', 'active', 'completed']));
    expect((await get(null, '/api/monitoring/suppressions/rules')).statusCode).toBe(401);
  });

  it('a system owner requests for their department’s system, not for another’s', async () => {
    const res = await send(s.ownerA, '/api/monitoring/suppressions', { reason: 'planned_stop', reasonText: 'OS パッチ適用', method: 'watch', ...window, systemIds: [ids.sysA] });
    expect(res.statusCode).toBe(201);
    fromOwner = res.json();
    expect(res.json()).toMatchObject({ state: 'submitted', departmentId: ids.deptA, targetIds: [ids.targetA], systemNames: ['道路台帳管理システム'], late: false, stateLabel: { ja: '申請中' } });
    const before = await stored();
    // Another department's system or target is answered exactly like an id that does not exist.
    const other = await send(s.ownerA, '/api/monitoring/suppressions', { reason: 'planned_stop', method: 'watch', ...window, systemIds: [ids.sysB] });
    const unknown = await send(s.ownerA, '/api/monitoring/suppressions', { reason: 'planned_stop', method: 'watch', ...window, systemIds: [randomUUID()] });
    expect(other.statusCode).toBe(400);
    expect(other.json()).toEqual(unknown.json());
    expect(other.json().error.fields.systemIds).toBeTruthy();
    const otherTarget = await send(s.ownerA, '/api/monitoring/suppressions', { reason: 'planned_stop', method: 'watch', ...window, targetIds: [ids.targetB] });
    const unknownTarget = await send(s.ownerA, '/api/monitoring/suppressions', { reason: 'planned_stop', method: 'watch', ...window, targetIds: [randomUUID()] });
    expect(otherTarget.statusCode).toBe(400);
    expect(otherTarget.json()).toEqual(unknownTarget.json());
    expect(await stored()).toEqual(before);
  });

  it('the supervisor requests for any system; the integration account may not request', async () => {
    const res = await send(s.supervisor, '/api/monitoring/suppressions', { reason: 'legal_inspection', method: 'stop', ...window, systemIds: [ids.sysB] });
    expect(res.statusCode).toBe(201);
    fromSupervisor = res.json();
    expect(res.json()).toMatchObject({ departmentId: ids.deptB, targetIds: [ids.targetB] });
    expect((await send(s.pusher, '/api/monitoring/suppressions', { reason: 'other', method: 'watch', ...window, systemIds: [ids.sysA] })).statusCode).toBe(403);
  });

  it('a bad window or form is refused with 400 naming the field, and nothing is stored', async () => {
    const before = await stored();
    const base = { reason: 'planned_stop', method: 'watch', ...window, systemIds: [ids.sysA] };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...base, endsAt: '2026-12-01T21:00:00+09:00' }, 'endsAt'], // ends before it starts
      [{ ...base, startsAt: '2026-12-01 22:00' }, 'startsAt'], // not ISO 8601 with an offset
      [{ ...base, endsAt: '2027-02-01T00:00:00+09:00' }, 'endsAt'], // longer than 31 days
      [{ ...base, startsAt: '2026-11-20T00:00:00+09:00', endsAt: '2026-11-21T00:00:00+09:00' }, 'endsAt'], // over already
      [{ ...base, startsAt: '2026-11-25T22:00:00+09:00', endsAt: '2026-11-26T01:00:00+09:00' }, 'lateReason'], // after the deadline
      [{ ...base, reason: 'holiday' }, 'reason'],
      [{ ...base, method: 'mute' }, 'method'],
      [{ ...base, systemIds: [] }, 'targetIds'], // nothing to suppress
      [{ ...base, systemIds: ['00000000-0000-4000-8000-000000000000'] }, 'systemIds'],
      [{ ...base, unknown: 1 }, 'unknown'],
    ];
    for (const [body, field] of cases) {
      const res = await send(s.ownerA, '/api/monitoring/suppressions', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(Object.keys(res.json().error.fields ?? {}), JSON.stringify(body)).toEqual([field]);
    }
    expect(await stored()).toEqual(before);
    // Late with a reason: accepted and marked late.
    const late = await send(s.ownerA, '/api/monitoring/suppressions', { ...base, startsAt: '2026-11-25T22:00:00+09:00', endsAt: '2026-11-26T01:00:00+09:00', lateReason: '緊急のセキュリティパッチ' });
    expect(late.statusCode).toBe(201);
    expect(late.json()).toMatchObject({ late: true, lateReason: '緊急のセキュリティパッチ' });
    expect((await send(s.ownerA, url(late.json().id, 'withdraw'), { version: 1 })).statusCode).toBe(200);
  });

  it('the manager approves (and may change the method); never the requester, never the owner', async () => {
    const byOwner = await send(s.ownerA, url(fromOwner.id, 'approve'), { version: 1 });
    expect(byOwner.statusCode).toBe(403);
    // A manager's own request: the manager may not approve it.
    const own = await send(s.manager, '/api/monitoring/suppressions', { reason: 'known_maintenance', method: 'watch', ...window, systemIds: [ids.sysA] });
    expect(own.statusCode).toBe(201);
    const self = await send(s.manager, url(own.json().id, 'approve'), { version: 1 });
    expect(self.statusCode).toBe(403);
    expect(self.json().error.message).toBe('自分が依頼した案件を自分で承認することはできません。');
    const ok = await send(s.manager, url(fromOwner.id, 'approve'), { version: 1, method: 'stop', comment: '停止で対応' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ state: 'approved', method: 'stop', version: 2, stateLabel: { ja: '抑止予定' } });
    expect((await send(s.manager, url(fromOwner.id, 'approve'), { version: 2 })).statusCode).toBe(409);
    expect((await send(s.manager, url(fromSupervisor.id, 'approve'), { version: 7 })).statusCode).toBe(409);
  });

  it('lists by department for a system owner, everything for the team; another department’s request is 404', async () => {
    const mine = (await get(s.ownerA, '/api/monitoring/suppressions')).json();
    expect(mine.items.every((x: { departmentId: string }) => x.departmentId === ids.deptA)).toBe(true);
    expect(mine.items.map((x: { id: string }) => x.id)).toContain(fromOwner.id);
    expect(mine.items.map((x: { id: string }) => x.id)).not.toContain(fromSupervisor.id);
    const b = (await get(s.ownerB, '/api/monitoring/suppressions')).json();
    expect(b.items.map((x: { id: string }) => x.id)).toEqual([fromSupervisor.id]);
    const all = (await get(s.operator, '/api/monitoring/suppressions')).json();
    expect(all.total).toBe(await rows(monitoringSuppressions));
    expect((await get(s.operator, '/api/monitoring/suppressions?state=approved')).json().items.map((x: { id: string }) => x.id)).toEqual([fromOwner.id]);
    expect((await get(s.ownerA, `/api/monitoring/suppressions/${fromSupervisor.id}`)).statusCode).toBe(404);
    expect((await send(s.ownerA, url(fromSupervisor.id, 'withdraw'), { version: 1 })).statusCode).toBe(404);
    const detail = (await get(s.ownerA, `/api/monitoring/suppressions/${fromOwner.id}`)).json();
    expect(detail.suppression).toMatchObject({ id: fromOwner.id, state: 'approved' });
    expect(detail.process.history.map((h: { action: string }) => h.action)).toEqual(['submit', 'approve']);
  });
});

describe('/api/monitoring/settings (監視設定一覧)', () => {
  it('lists the items, a system owner their department’s only', async () => {
    const all = (await get(s.operator, '/api/monitoring/settings')).json();
    expect(all.total).toBe(2);
    expect(all.items[0]).toMatchObject({ target: 'bp-doro-web01', type: 'resource', key: 'system.cpu.util', collect: 'push', warningThreshold: 85, criticalThreshold: 90, enabled: true });
    const a = (await get(s.ownerA, '/api/monitoring/settings')).json();
    expect(a.items.map((x: { target: string }) => x.target)).toEqual(['bp-doro-web01']);
    const bad = await get(s.operator, '/api/monitoring/settings?type=snmp');
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().error.fields)).toEqual(['type']);
  });

  it('exports CSV and XLSX with Japanese headers, in the caller’s scope', async () => {
    const csv = await get(s.operator, '/api/monitoring/settings.csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(String(csv.headers['content-disposition'])).toMatch(/monitoring-settings-\d{8}\.csv/);
    const table = parse(csv.body.replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][];
    expect(table[0]!.slice(0, 5)).toEqual(['監視対象', '種別', 'アドレス', '監視種類', '監視項目']);
    expect(table.slice(1).map((r) => r[0])).toEqual(['bp-doro-web01', 'bp-fukushi-ap01']);
    const ownCsv = await get(s.ownerB, '/api/monitoring/settings.csv');
    const ownTable = parse(ownCsv.body.replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][];
    expect(ownTable.slice(1).map((r) => r[0])).toEqual(['bp-fukushi-ap01']);

    const xlsx = await get(s.operator, '/api/monitoring/settings.xlsx');
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    const values: string[] = [];
    sheet.eachRow((row) => values.push(String((row.values as unknown[])[1] ?? '')));
    expect(values).toContain('監視対象');
    expect(values).toEqual(expect.arrayContaining(['bp-doro-web01', 'bp-fukushi-ap01']));
    expect((await get(null, '/api/monitoring/settings.xlsx')).statusCode).toBe(401);
  });

  it('a change waits for its start date, then applies; it can be cancelled before; only the team may change', async () => {
    const changes = '/api/monitoring/settings/changes';
    const tomorrow = new Date(t.clock.now().getTime() + 86_400_000).toISOString();
    const before = await stored();
    for (const who of [s.ownerA, s.supervisor, s.pusher]) {
      expect((await send(who, changes, { kind: 'change', itemId: ids.itemA, patch: { intervalSec: 600 }, effectiveAt: tomorrow, reason: '間隔変更' })).statusCode).toBe(403);
    }
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ kind: 'change', itemId: ids.itemA, effectiveAt: tomorrow, reason: '間隔変更' }, 'patch'],
      [{ kind: 'change', itemId: ids.itemA, patch: { intervalSec: 5 }, effectiveAt: tomorrow, reason: '間隔変更' }, 'patch.intervalSec'],
      [{ kind: 'change', itemId: ids.itemA, patch: { intervalSec: 600 }, effectiveAt: '明日', reason: '間隔変更' }, 'effectiveAt'],
      [{ kind: 'change', itemId: ids.itemA, patch: { intervalSec: 600 }, effectiveAt: tomorrow }, 'reason'],
      [{ kind: 'rename', itemId: ids.itemA, effectiveAt: tomorrow, reason: 'x' }, 'kind'],
      [{ kind: 'remove', effectiveAt: tomorrow, reason: '不要' }, 'itemId'],
      [{ kind: 'add', effectiveAt: tomorrow, reason: '追加' }, 'item'],
    ];
    for (const [body, field] of bad) {
      const res = await send(s.operator, changes, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(Object.keys(res.json().error.fields ?? {}), JSON.stringify(body)).toEqual([field]);
    }
    expect((await send(s.operator, changes, { kind: 'remove', itemId: '00000000-0000-4000-8000-000000000000', effectiveAt: tomorrow, reason: '不要' })).statusCode).toBe(404);
    expect(await stored()).toEqual(before);

    // A change of item A from tomorrow: pending, the item unchanged.
    const c1 = await send(s.operator, changes, { kind: 'change', itemId: ids.itemA, patch: { intervalSec: 600, warningThreshold: 80 }, effectiveAt: tomorrow, reason: '間隔変更（所管依頼）' });
    expect(c1.statusCode).toBe(201);
    expect(c1.json()).toMatchObject({ kind: 'change', itemId: ids.itemA, appliedAt: null, cancelledAt: null });
    const item = async (id: string) => (await get(s.operator, '/api/monitoring/settings?pageSize=100')).json().items.find((x: { itemId: string }) => x.itemId === id);
    expect(await item(ids.itemA)).toMatchObject({ intervalSec: 300, warningThreshold: 85, pendingChanges: 1 });
    // An addition from tomorrow: created at once, disabled until then.
    const c2 = await send(s.manager, changes, { kind: 'add', item: { targetId: ids.targetB, type: 'resource', key: 'vm.memory.util', name: 'メモリ使用率', collect: 'push' }, effectiveAt: tomorrow, reason: '監視追加' });
    expect(c2.statusCode).toBe(201);
    expect(await item(c2.json().itemId)).toMatchObject({ key: 'vm.memory.util', enabled: false });
    // A removal of item B from tomorrow, cancelled before it applies.
    const c3 = await send(s.operator, changes, { kind: 'remove', itemId: ids.itemB, effectiveAt: tomorrow, reason: '不要' });
    expect(c3.statusCode).toBe(201);
    const cancelUrl = `${changes}/${c3.json().id}/cancel`;
    expect((await send(s.ownerB, cancelUrl, {})).statusCode).toBe(403);
    const cancelled = await send(s.operator, cancelUrl, {});
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json().cancelledAt).toBeTruthy();
    expect((await send(s.operator, cancelUrl, {})).statusCode).toBe(409);
    expect((await send(s.operator, `${changes}/00000000-0000-4000-8000-000000000000/cancel`, {})).statusCode).toBe(404);

    const pending = (await get(s.operator, `${changes}?pending=true`)).json().items.map((x: { id: string }) => x.id).sort();
    expect(pending).toEqual([c1.json().id, c2.json().id].sort());

    // The start date comes (the worker's settings job); a day later everyone logs in again.
    t.clock.advance(86_400_000);
    await relogin();
    expect(await createSettingsLedger({ db: t.database.db, clock: t.clock }).applyDue()).toBe(2);
    expect(await item(ids.itemA)).toMatchObject({ intervalSec: 600, warningThreshold: 80, pendingChanges: 0 });
    expect(await item(c2.json().itemId)).toMatchObject({ enabled: true });
    expect(await item(ids.itemB)).toMatchObject({ enabled: true });
    expect((await get(s.operator, `${changes}?pending=true`)).json().items).toEqual([]);
    expect((await send(s.operator, `${changes}/${c1.json().id}/cancel`, {})).statusCode).toBe(409);

    // A change whose start date has come applies at once.
    const now = await send(s.operator, changes, { kind: 'change', itemId: ids.itemB, patch: { notify: false }, effectiveAt: t.clock.now().toISOString(), reason: '通知不要（所管依頼）' });
    expect(now.statusCode).toBe(201);
    expect(now.json().appliedAt).toBeTruthy();
    expect(await item(ids.itemB)).toMatchObject({ notify: false });
  });

  it('a system owner sees only the changes of their department’s items', async () => {
    const all = (await get(s.operator, '/api/monitoring/settings/changes')).json().items;
    expect(all.length).toBeGreaterThanOrEqual(4);
    const a = (await get(s.ownerA, '/api/monitoring/settings/changes')).json().items;
    expect(a.length).toBeGreaterThan(0);
    expect(a.every((c: { itemId: string }) => c.itemId === ids.itemA)).toBe(true);
    const b = (await get(s.ownerB, '/api/monitoring/settings/changes')).json().items;
    expect(b.every((c: { itemId: string; targetId: string }) => c.targetId === ids.targetB)).toBe(true);
    expect((await get(s.ownerA, '/api/monitoring/settings/changes?pending=maybe')).statusCode).toBe(400);
    const [row] = await t.database.db.select().from(monitoringItems).where(eq(monitoringItems.id, ids.itemA));
    expect(row!.intervalSec).toBe(600);
  });
});
