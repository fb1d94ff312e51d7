import { count, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cmdbHosts, cmdbSites } from '../../cmdb/schema.ts';
import type { Database } from '../../db/connection.ts';
import { testDatabase } from '../../db/testing.ts';
import { buildApp } from '../../http/app.ts';
import { testApp } from '../../http/testing.ts';
import { incidents } from '../../incidents/schema.ts';
import { FakeClock } from '../../kernel/clock.ts';
import { loadConfig } from '../../kernel/config.ts';
import { monitoringAlerts, monitoringEvents, monitoringItemState, monitoringItems, monitoringTargets } from '../schema.ts';
import { WEBHOOK_PATH, WEBHOOK_SECRET_HEADER } from './index.ts';

/**
 * The webhook as the product mounts it (src/http/app.ts with KIBAN_ZABBIX_WEBHOOK_SECRET): a signed
 * call becomes a 監視対応台帳 entry and a trouble incident; a wrong secret or a malformed body changes
 * nothing.
 */

const SECRET = 'kiban-app-webhook-secret-0123456789';
const clock = new FakeClock('2026-11-27T05:10:00Z');
let database: Database;
let app: FastifyInstance;
let hostId: string;

const problem = {
  eventId: '90001',
  value: '1',
  host: 'kb-esx01.pref.example.lg.jp',
  hostName: 'ESX 01',
  triggerName: 'Zabbix agent is not available',
  triggerId: '30001',
  severity: 'High',
  nseverity: '4',
  date: '2026.11.27',
  time: '14:05:43',
  acknowledged: 'No',
  tags: '[{"tag":"kiban","value":"icmp"}]',
};

const post = (payload: unknown, headers: Record<string, string> = { [WEBHOOK_SECRET_HEADER]: SECRET }, contentType = 'application/json') =>
  app.inject({ method: 'POST', url: WEBHOOK_PATH, headers: { 'content-type': contentType, ...headers }, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) });

async function counts() {
  const db = database.db;
  const n = async (t: typeof monitoringEvents | typeof monitoringAlerts | typeof monitoringTargets | typeof monitoringItems | typeof incidents) =>
    (await db.select({ n: count() }).from(t))[0]!.n;
  return { events: await n(monitoringEvents), alerts: await n(monitoringAlerts), targets: await n(monitoringTargets), items: await n(monitoringItems), incidents: await n(incidents) };
}

beforeAll(async () => {
  database = await testDatabase();
  const now = clock.now();
  const stamps = { statusChangedAt: now, createdAt: now, updatedAt: now };
  const [site] = await database.db.insert(cmdbSites).values({ name: '県庁舎サーバルーム', code: 'HQ', status: 'active', ...stamps }).returning();
  const [host] = await database.db
    .insert(cmdbHosts)
    .values({ name: 'kb-esx01', siteId: site!.id, cpuCores: 32, cpuGhz: 2.4, memoryGib: 512, status: 'active', ...stamps })
    .returning();
  hostId = host!.id;
  const config = loadConfig({ KIBAN_ZABBIX_WEBHOOK_SECRET: SECRET });
  app = await buildApp({
    db: database.db,
    dbKind: database.kind,
    clock,
    config: { ...config, logLevel: 'silent' },
    serveWeb: false,
    logger: false,
  });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await database?.close();
});

describe('Zabbix webhook mounted in the app (KIBAN_ZABBIX_WEBHOOK_SECRET)', () => {
  it('refuses a missing or wrong secret with 401 and changes nothing', async () => {
    const before = await counts();
    const wrong: Record<string, string>[] = [{}, { [WEBHOOK_SECRET_HEADER]: 'wrong' }, { [WEBHOOK_SECRET_HEADER]: SECRET.slice(0, -1) }, { [WEBHOOK_SECRET_HEADER]: `${SECRET}x` }];
    for (const headers of wrong) {
      const res = await post(problem, headers);
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('unauthenticated');
    }
    // Not a session route either: a Kiban session cookie is no substitute for the secret.
    expect((await post(problem, { cookie: 'kiban_sid=whatever' })).statusCode).toBe(401);
    expect(await counts()).toEqual(before);
  });

  it('refuses garbage with 400 (and names the fields) and changes nothing', async () => {
    const before = await counts();
    const notJson = await post('{"eventId": 1,', undefined);
    expect(notJson.statusCode).toBe(400);
    const empty = await post({});
    expect(empty.statusCode).toBe(400);
    expect(Object.keys(empty.json().error.fields)).toEqual(expect.arrayContaining(['eventId', 'value', 'hostName', 'triggerName']));
    for (const bad of [{ ...problem, eventId: '{EVENT.ID}' }, { ...problem, value: '7' }, { ...problem, tags: 'not json' }, { ...problem, nseverity: undefined, severity: 'Catastrophic' }, [problem]]) {
      const res = await post(bad);
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      expect(res.json().error.code).toBe('invalid_input');
    }
    expect(await counts()).toEqual(before);
  });

  it('a correctly signed problem becomes a 監視対応台帳 entry and a trouble incident, once; its recovery completes the entry', async () => {
    const res = await post(problem);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ accepted: true, eventId: '90001', status: 'problem', ci: { kind: 'host', id: hostId, name: 'kb-esx01' } });
    const [a] = await database.db.select().from(monitoringAlerts);
    expect(a).toMatchObject({
      ciType: 'host',
      ciId: hostId,
      ciName: 'kb-esx01',
      itemType: 'icmp',
      itemKey: 'zabbix.trigger[30001]',
      itemName: 'Zabbix agent is not available',
      severity: 'critical',
      state: 'open',
      detectedAt: new Date('2026-11-27T05:05:43Z'),
      silenced: false,
    });
    expect(a!.detail).toMatch(/^\[Zabbix イベント 90001\] Zabbix agent is not available/);
    expect(a!.incidentId).toBeTruthy();
    const [inc] = await database.db.select().from(incidents).where(eq(incidents.id, a!.incidentId!));
    expect(inc).toMatchObject({ source: 'monitoring', class: 'trouble' });
    const [item] = await database.db.select().from(monitoringItems).where(eq(monitoringItems.id, a!.itemId));
    expect(item).toMatchObject({ origin: 'zabbix', collect: 'push', type: 'icmp', enabled: true });

    // Zabbix retries (or the pull sees it too): nothing new.
    const before = await counts();
    expect((await post(problem)).statusCode).toBe(202);
    expect(await counts()).toEqual(before);

    const rec = await post({ ...problem, value: '0', recoveryDate: '2026.11.27', recoveryTime: '14:20:00' });
    expect(rec.statusCode).toBe(202);
    const [done] = await database.db.select().from(monitoringAlerts).where(eq(monitoringAlerts.id, a!.id));
    expect(done).toMatchObject({ state: 'done', recoveredAt: new Date('2026-11-27T05:20:00Z') });
    const [st] = await database.db.select().from(monitoringItemState).where(eq(monitoringItemState.itemId, a!.itemId));
    expect(st).toMatchObject({ state: 'ok', problemEventId: null });
  });

  it('a host no CMDB CI is named like is accepted but not recorded', async () => {
    const before = await counts();
    const res = await post({ ...problem, eventId: '90002', host: 'not-in-cmdb', hostName: 'not-in-cmdb' });
    expect(res.statusCode).toBe(202);
    expect(res.json().ci).toBeNull();
    expect(await counts()).toEqual(before);
  });

  it('is not mounted without the secret', async () => {
    const t = await testApp();
    try {
      const res = await t.app.inject({ method: 'POST', url: WEBHOOK_PATH, headers: { [WEBHOOK_SECRET_HEADER]: SECRET }, payload: problem });
      expect(res.statusCode).toBe(404);
    } finally {
      await t.close();
    }
  });
});
