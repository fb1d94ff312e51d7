import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { cmdbHosts, cmdbSites, cmdbVms } from '../../cmdb/schema.ts';
import type { Database } from '../../db/connection.ts';
import { testDatabase } from '../../db/testing.ts';
import { errorHandler } from '../../http/errors.ts';
import { incidents } from '../../incidents/schema.ts';
import { FakeClock } from '../../kernel/clock.ts';
import { loadConfig } from '../../kernel/config.ts';
import { startWorkers } from '../../worker/index.ts';
import { monitoringAlerts, monitoringSuppressions, monitoringTargets } from '../schema.ts';
import {
  applySuppressionWindow,
  type CiResolver,
  cmdbCiResolver,
  kibanSeverity,
  maintenanceName,
  pullProblems,
  removeSuppressionWindow,
  staticCiResolver,
  WEBHOOK_PATH,
  WEBHOOK_SECRET_HEADER,
  type ZabbixAlert,
  ZabbixApiError,
  ZabbixAuthError,
  ZabbixClient,
  type ZabbixMaintenance,
  ZabbixTransportError,
  zabbixWebhookMediaType,
  zabbixWebhookRoutes,
} from './index.ts';
import { startZabbixServer, type ZabbixTestServer } from './testing.ts';

const SECRET = 'kiban-test-webhook-secret-0123456789';
const NOW = new Date('2026-11-27T05:00:00Z');

function recordingSink() {
  const alerts: ZabbixAlert[] = [];
  return Object.assign(async (a: ZabbixAlert) => void alerts.push(a), {
    alerts,
  });
}

async function until<T>(what: string, ms: number, fn: () => Promise<T | undefined | null | false>): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what}: not within ${ms} ms${last ? ` (last error: ${(last as Error).message})` : ''}`);
}

/** The CMDB rows the Zabbix hosts are matched to. */
async function seedCmdb(database: Database) {
  const db = database.db;
  const stamps = { statusChangedAt: NOW, createdAt: NOW, updatedAt: NOW };
  const [site] = await db
    .insert(cmdbSites)
    .values({
      name: '県庁舎サーバルーム',
      code: 'HQ',
      status: 'active',
      ...stamps,
    })
    .returning();
  const [host] = await db
    .insert(cmdbHosts)
    .values({
      name: 'kb-esx01',
      siteId: site!.id,
      cpuCores: 32,
      cpuGhz: 2.4,
      memoryGib: 512,
      status: 'active',
      ...stamps,
    })
    .returning();
  const [vm] = await db
    .insert(cmdbVms)
    .values({
      name: 'KB-WEB01',
      vcpu: 4,
      memoryGib: 16,
      diskGib: 100,
      status: 'active',
      ...stamps,
    })
    .returning();
  await db.insert(cmdbVms).values({
    name: 'kb-old01',
    vcpu: 1,
    memoryGib: 1,
    diskGib: 10,
    status: 'retired',
    ...stamps,
  });
  return { host: host!, vm: vm! };
}

async function webhookApp(deps: { sink: (a: ZabbixAlert) => Promise<void>; resolveCi: CiResolver }): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  zabbixWebhookRoutes(app, {
    secret: SECRET,
    clock: new FakeClock(NOW),
    ...deps,
  });
  await app.ready();
  return app;
}

describe('Zabbix 6.0 server (Debian packages, started for this run)', () => {
  let zbx: ZabbixTestServer | undefined;
  let database: Database | undefined;
  let client: ZabbixClient;
  let cis: Awaited<ReturnType<typeof seedCmdb>>;
  const hostIds: Record<string, string> = {};

  let groupId: string | undefined;
  const group = async () => {
    groupId ??= (
      await client.call<{ groupids: string[] }>('hostgroup.create', {
        name: 'Kiban test',
      })
    ).groupids[0]!;
    return groupId;
  };
  /** A host with a trapper item kiban.cpu and a trigger last(/host/kiban.cpu)>90 of the priority. */
  const monitoredHost = async (name: string, priority: number) => {
    if (hostIds[name]) return hostIds[name];
    const { hostids } = await client.call<{ hostids: string[] }>('host.create', { host: name, groups: [{ groupid: await group() }] });
    const hostid = hostids[0]!;
    await client.call('item.create', {
      hostid,
      name: 'CPU utilisation',
      key_: 'kiban.cpu',
      type: 2,
      value_type: 0,
    });
    await client.call('trigger.create', {
      description: 'CPU high on {HOST.NAME}',
      expression: `last(/${name}/kiban.cpu)>90`,
      priority,
      tags: [{ tag: 'kiban', value: 'resource' }],
    });
    hostIds[name] = hostid;
    return hostid;
  };

  beforeAll(async () => {
    database = await testDatabase();
    cis = await seedCmdb(database);
    zbx = await startZabbixServer();
    client = new ZabbixClient({ url: zbx.apiUrl, credentials: zbx.admin });
  }, 300_000);

  afterAll(async () => {
    await client?.logout();
    await zbx?.stop();
    await database?.close();
  }, 120_000);

  it('answers apiinfo.version and logs in with username and password (6.0 `auth` field)', async () => {
    expect(await client.apiVersion()).toMatch(/^6\.0\./);
    const token = await client.login();
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    const hosts = await client.getHosts({ names: ['Zabbix server'] });
    expect(hosts.map((h) => h.host)).toEqual(['Zabbix server']);
  });

  it('maps API and transport errors to typed errors with the API message', async () => {
    const wrong = new ZabbixClient({
      url: zbx!.apiUrl,
      credentials: { username: 'Admin', password: 'wrong' },
    });
    const e1 = await wrong.login().catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(ZabbixAuthError);
    expect((e1 as ZabbixAuthError).data).toMatch(/incorrect user name or password|blocked/i);

    const e2 = await client.call('host.create', { host: 'no-group', nosuchparameter: 1 }).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(ZabbixApiError);
    expect(e2).not.toBeInstanceOf(ZabbixAuthError);
    expect((e2 as ZabbixApiError).apiMessage).toBe('Invalid params.');
    expect((e2 as ZabbixApiError).data).toMatch(/nosuchparameter|group/);
    expect((e2 as ZabbixApiError).message).toContain((e2 as ZabbixApiError).data);

    const badToken = new ZabbixClient({
      url: zbx!.apiUrl,
      credentials: { apiToken: 'f'.repeat(64) },
    });
    await expect(badToken.getHosts()).rejects.toBeInstanceOf(ZabbixAuthError);

    const nowhere = new ZabbixClient({
      url: 'http://127.0.0.1:9/',
      credentials: zbx!.admin,
      timeoutMs: 2000,
    });
    await expect(nowhere.apiVersion()).rejects.toBeInstanceOf(ZabbixTransportError);
  });

  it('a real trigger fires on a value sent with zabbix_sender; pullProblems maps it to the CMDB CI', async () => {
    const groupids = [await group()];
    // Zabbix host names differ in case / domain from the CMDB names on purpose.
    await monitoredHost('KB-ESX01', 5);
    await monitoredHost('kb-web01.pref.example.lg.jp', 2);
    await monitoredHost('kb-old01', 4);
    await monitoredHost('unknown-box', 3);

    // The server learns of the new items at its next configuration sync (CacheUpdateFrequency=1).
    for (const host of Object.keys(hostIds)) {
      const sent = await until(`zabbix_sender to ${host}`, 30_000, async () => {
        const r = await zbx!.send(host, 'kiban.cpu', 95);
        return r.processed === 1 ? r : null;
      });
      expect(sent.failed).toBe(0);
    }

    const sink = recordingSink();
    const deps = { client, resolveCi: cmdbCiResolver(database!.db), sink };
    let round = 0;
    const alerts = await until('four problems in problem.get', 90_000, async () => {
      sink.alerts.length = 0;
      const a = await pullProblems(deps, { groupIds: groupids });
      if (a.length === 4) return a;
      // A value that reached the server before its trigger was in the configuration cache fired
      // nothing: send again every few seconds (a repeated 95 adds no event once the trigger is on).
      if (++round % 6 === 0) {
        const firing = new Set(a.map((x) => x.hostName));
        for (const host of Object.keys(hostIds)) if (!firing.has(host)) await zbx!.send(host, 'kiban.cpu', 95);
      }
      return null;
    });
    expect(sink.alerts).toEqual(alerts);
    const by = (h: string) => alerts.find((a) => a.hostName === h)!;

    expect(by('KB-ESX01')).toMatchObject({
      source: 'zabbix',
      status: 'problem',
      triggerName: 'CPU high on KB-ESX01',
      zabbixSeverity: 5,
      severity: 'critical',
      acknowledged: false,
      tags: [{ tag: 'kiban', value: 'resource' }],
      ci: { kind: 'host', id: cis.host.id, name: 'kb-esx01' },
    });
    expect(by('KB-ESX01').eventId).toMatch(/^\d+$/);
    expect(by('KB-ESX01').triggerId).toMatch(/^\d+$/);
    expect(Math.abs(by('KB-ESX01').clock.getTime() - Date.now())).toBeLessThan(120_000);
    expect(by('kb-web01.pref.example.lg.jp')).toMatchObject({
      zabbixSeverity: 2,
      severity: 'warning',
      ci: { kind: 'vm', id: cis.vm.id, name: 'KB-WEB01' },
    });
    // A retired CI is not matched; neither is a host the CMDB does not know. Both still reach the sink.
    expect(by('kb-old01')).toMatchObject({ severity: 'critical', ci: null });
    expect(by('unknown-box')).toMatchObject({
      zabbixSeverity: 3,
      severity: 'warning',
      ci: null,
    });

    // Severity filter.
    const critical = await pullProblems({ client, resolveCi: cmdbCiResolver(database!.db) }, { groupIds: groupids, severities: [4, 5] });
    expect(critical.map((a) => a.hostName).sort()).toEqual(['KB-ESX01', 'kb-old01']);

    // Recovery: the value drops, Zabbix closes the problem, a recent pull reports it resolved.
    await zbx!.send('KB-ESX01', 'kiban.cpu', 10);
    const resolved = await until('the problem resolved', 60_000, async () => {
      const a = await pullProblems({ client, resolveCi: cmdbCiResolver(database!.db) }, { hostIds: [hostIds['KB-ESX01']!] });
      return a.find((x) => x.eventId === by('KB-ESX01').eventId && x.status === 'resolved');
    });
    expect(resolved.resolvedAt).toBeInstanceOf(Date);
    expect(resolved.ci?.id).toBe(cis.host.id);
  }, 180_000);

  it('a Kiban suppression window becomes a one-time maintenance (maintenance.create / .get / .delete)', async () => {
    const startsAt = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 3600_000);
    const endsAt = new Date(startsAt.getTime() + 4 * 3600_000);
    const window = {
      id: '0b6f3e2a-7c1d-4e59-9a8b-2f4c6d8e0a1b',
      startsAt,
      endsAt,
      method: 'watch' as const,
      hostNames: ['KB-ESX01', 'kb-web01.pref.example.lg.jp', 'not-in-zabbix'],
      description: '計画停止 (Kiban)',
    };
    const applied = await applySuppressionWindow(client, window);
    expect(applied.unknownHosts).toEqual(['not-in-zabbix']);
    expect(applied.hostIds.sort()).toEqual([hostIds['KB-ESX01'], hostIds['kb-web01.pref.example.lg.jp']].sort());

    const [m] = await client.getMaintenances({ ids: [applied.maintenanceId] });
    expect(m).toMatchObject<Partial<ZabbixMaintenance>>({
      name: maintenanceName(window.id),
      maintenance_type: '0',
      description: '計画停止 (Kiban)',
      active_since: String(startsAt.getTime() / 1000),
      active_till: String(endsAt.getTime() / 1000),
    });
    expect(m!.hosts!.map((h) => h.host).sort()).toEqual(['KB-ESX01', 'kb-web01.pref.example.lg.jp']);
    expect(m!.timeperiods).toEqual([
      expect.objectContaining({
        timeperiod_type: '0',
        start_date: String(startsAt.getTime() / 1000),
        period: String(4 * 3600),
      }),
    ]);

    // Applying again (a changed window) replaces it; "stop" collects no data.
    const again = await applySuppressionWindow(client, {
      ...window,
      method: 'stop',
    });
    expect(again.maintenanceId).not.toBe(applied.maintenanceId);
    const found = await client.getMaintenances({
      names: [maintenanceName(window.id)],
    });
    expect(found.map((x) => [x.maintenanceid, x.maintenance_type])).toEqual([[again.maintenanceId, '1']]);

    expect(await removeSuppressionWindow(client, window.id)).toBe(true);
    expect(await client.getMaintenances({ names: [maintenanceName(window.id)] })).toEqual([]);
    expect(await removeSuppressionWindow(client, window.id)).toBe(false);
  });

  it('the worker, configured with KIBAN_ZABBIX_URL and an API token, pulls a firing trigger into the 監視対応台帳 and mirrors a suppression as a maintenance', async () => {
    const db = database!.db;
    // An API token, as a site would create one for Kiban (Administration → API tokens).
    const [adminUser] = await client.call<{ userid: string }[]>('user.get', { filter: { username: 'Admin' }, output: ['userid'] });
    const { tokenids } = await client.call<{ tokenids: string[] }>('token.create', { name: 'kiban-worker', userid: adminUser!.userid });
    const [{ token } = { token: '' }] = await client.call<{ tokenid: string; token: string }[]>('token.generate', tokenids);
    expect(token).toMatch(/^[0-9a-f]{64}$/);

    const now = new Date();
    const stamps = { statusChangedAt: now, createdAt: now, updatedAt: now };
    const [esx02] = await db
      .insert(cmdbHosts)
      .values({ name: 'kb-esx02', siteId: cis.host.siteId, cpuCores: 32, cpuGhz: 2.4, memoryGib: 512, status: 'active', ...stamps })
      .returning();
    const zabbixName = 'kb-esx02.pref.example.lg.jp';
    await monitoredHost(zabbixName, 4);

    const clock = new FakeClock(now);
    const jobs = new Map<string, { fn: () => Promise<void>; ms: number }>();
    const errors: Array<[string, unknown]> = [];
    const workers = startWorkers({
      db,
      clock,
      config: loadConfig({ KIBAN_ZABBIX_URL: zbx!.apiUrl, KIBAN_ZABBIX_TOKEN: token, KIBAN_ZABBIX_PULL_SECONDS: '20' }),
      transport: { sendMail: async () => ({}) },
      every: (fn, ms, name) => {
        jobs.set(name, { fn, ms });
        return () => undefined;
      },
      onError: (job, e) => errors.push([job, e]),
    });
    try {
      expect(jobs.get('zabbix.pull')?.ms).toBe(20_000);
      const pull = jobs.get('zabbix.pull')!.fn;
      const alertOf = async () => (await db.select().from(monitoringAlerts).where(eq(monitoringAlerts.ciId, esx02!.id)))[0];

      await until(`zabbix_sender to ${zabbixName}`, 30_000, async () => (await zbx!.send(zabbixName, 'kiban.cpu', 95)).processed === 1);
      let round = 0;
      const alert = await until('the trigger pulled into the ledger by the worker job', 90_000, async () => {
        await pull();
        expect(errors).toEqual([]);
        const a = await alertOf();
        if (!a && ++round % 6 === 0) await zbx!.send(zabbixName, 'kiban.cpu', 95);
        return a;
      });
      expect(alert).toMatchObject({
        ciType: 'host',
        ciName: 'kb-esx02',
        itemType: 'resource',
        itemName: `CPU high on ${zabbixName}`,
        severity: 'critical',
        state: 'open',
      });
      expect(alert.itemKey).toMatch(/^zabbix\.trigger\[\d+\]$/);
      expect(alert.detail).toContain('High');
      const [inc] = await db.select().from(incidents).where(eq(incidents.id, alert.incidentId!));
      expect(inc).toMatchObject({ class: 'trouble', source: 'monitoring' });
      await pull(); // again: the same problem is not recorded twice
      expect(await db.select().from(monitoringAlerts).where(eq(monitoringAlerts.ciId, esx02!.id))).toHaveLength(1);

      // An approved suppression of the CI becomes a Zabbix maintenance; withdrawn, it goes.
      const [target] = await db.select().from(monitoringTargets).where(eq(monitoringTargets.ciId, esx02!.id));
      const startsAt = new Date(Math.ceil(now.getTime() / 60_000) * 60_000 + 3600_000);
      const [sup] = await db
        .insert(monitoringSuppressions)
        .values({
          state: 'approved',
          reason: 'known_maintenance',
          method: 'watch',
          startsAt,
          endsAt: new Date(startsAt.getTime() + 2 * 3600_000),
          targetIds: [target!.id],
          requestedByLabel: '担当 一郎',
          submittedAt: now,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      const maintenances = jobs.get('zabbix.maintenances')!.fn;
      await maintenances();
      expect(errors).toEqual([]);
      const [m] = await client.getMaintenances({ names: [maintenanceName(sup!.id)] });
      expect(m).toMatchObject({ maintenance_type: '0', active_since: String(startsAt.getTime() / 1000) });
      expect(m!.hosts!.map((h) => h.host)).toEqual([zabbixName]);
      await db.update(monitoringSuppressions).set({ state: 'withdrawn' }).where(eq(monitoringSuppressions.id, sup!.id));
      await maintenances();
      expect(errors).toEqual([]);
      expect(await client.getMaintenances({ names: [maintenanceName(sup!.id)] })).toEqual([]);

      // Recovery in Zabbix completes the entry on a later pull.
      await zbx!.send(zabbixName, 'kiban.cpu', 10);
      const done = await until('the recovery pulled', 60_000, async () => {
        await pull();
        const a = await alertOf();
        return a?.state === 'done' ? a : null;
      });
      expect(done.recoveredAt).toBeInstanceOf(Date);
      expect(errors).toEqual([]);
    } finally {
      await workers.stop();
    }
  }, 240_000);

  it('Zabbix itself calls the webhook route through a webhook media type', async () => {
    const sink = recordingSink();
    const app = await webhookApp({
      sink,
      resolveCi: cmdbCiResolver(database!.db),
    });
    try {
      const address = await app.listen({ host: '127.0.0.1', port: 0 });
      const { mediatypeids } = await client.call<{ mediatypeids: string[] }>(
        'mediatype.create',
        zabbixWebhookMediaType({ kibanUrl: address, secret: SECRET }),
      );
      const [adminUser] = await client.call<{ userid: string }[]>('user.get', {
        filter: { username: 'Admin' },
        output: ['userid'],
      });
      await client.call('user.update', {
        userid: adminUser!.userid,
        medias: [
          {
            mediatypeid: mediatypeids[0],
            sendto: 'kiban',
            active: 0,
            severity: 63,
            period: '1-7,00:00-24:00',
          },
        ],
      });
      await client.call('action.create', {
        name: 'Kiban webhook',
        eventsource: 0,
        status: 0,
        esc_period: '1h',
        filter: {
          evaltype: 0,
          conditions: [
            {
              conditiontype: 1,
              operator: 0,
              value: await monitoredHost('KB-ESX01', 5),
            },
          ],
        },
        operations: [
          {
            operationtype: 0,
            opmessage: { default_msg: 1, mediatypeid: mediatypeids[0] },
            opmessage_usr: [{ userid: adminUser!.userid }],
          },
        ],
        recovery_operations: [{ operationtype: 11, opmessage: { default_msg: 1 } }],
      });
      await monitoredHost('KB-ESX01', 5);
      // A new problem on KB-ESX01 (OK first, in case an earlier test left it in PROBLEM).
      await until(
        'zabbix_sender after the action exists',
        30_000,
        async () => (await zbx!.send('KB-ESX01', 'kiban.cpu', 5)).processed === 1,
      );
      await new Promise((r) => setTimeout(r, 2000));
      expect((await zbx!.send('KB-ESX01', 'kiban.cpu', 99)).processed).toBe(1);
      await until(
        'the new problem',
        30_000,
        async () =>
          (await pullProblems({ client, resolveCi: cmdbCiResolver(database!.db) }, { hostIds: [hostIds['KB-ESX01']!], recent: false }))
            .length > 0,
      );
      const got = await until('the webhook called by Zabbix', 60_000, async () => sink.alerts.find((a) => a.status === 'problem')).catch(
        async (e: Error) => {
          const sent = {
            alerts: await client.call('alert.get', {
              output: ['status', 'error', 'retries', 'mediatypeid'],
            }),
            events: await client.call('event.get', {
              output: ['eventid', 'value', 'clock', 'name'],
              hostids: [hostIds['KB-ESX01']],
            }),
            actions: await client.call('action.get', {
              output: 'extend',
              selectFilter: 'extend',
              selectOperations: 'extend',
            }),
            users: await client.call('user.get', {
              output: ['userid', 'username'],
              selectMedias: 'extend',
            }),
          };
          const logs = (await zbx!.logs()).split('\n').filter((l) => /alert|webhook|media|escalat/i.test(l));
          throw new Error(`${e.message}\nalert.get: ${JSON.stringify(sent)}\n${logs.slice(-30).join('\n')}`);
        },
      );
      expect(got).toMatchObject({
        source: 'zabbix',
        hostName: 'KB-ESX01',
        triggerName: 'CPU high on KB-ESX01',
        zabbixSeverity: 5,
        severity: 'critical',
        acknowledged: false,
        tags: [{ tag: 'kiban', value: 'resource' }],
        ci: { kind: 'host', id: cis.host.id },
      });
      // The same event as the pull sees.
      const pulled = await pullProblems(
        { client, resolveCi: cmdbCiResolver(database!.db) },
        { hostIds: [hostIds['KB-ESX01']!], recent: false },
      );
      expect(pulled.map((a) => a.eventId)).toContain(got.eventId);

      await zbx!.send('KB-ESX01', 'kiban.cpu', 5);
      const rec = await until('the recovery webhook', 90_000, async () => sink.alerts.find((a) => a.status === 'resolved'));
      expect(rec.eventId).toBe(got.eventId);
    } finally {
      await app.close();
    }
  }, 240_000);
});

describe('webhook route POST /api/monitoring/zabbix/webhook', () => {
  const payload = {
    eventId: '4711',
    value: '1',
    host: 'KB-ESX01',
    hostName: 'ESX 01 (visible name)',
    triggerName: 'CPU high on KB-ESX01',
    triggerId: '23133',
    severity: 'Disaster',
    nseverity: '5',
    date: '2026.11.27',
    time: '14:05:43',
    recoveryDate: '{EVENT.RECOVERY.DATE}',
    recoveryTime: '{EVENT.RECOVERY.TIME}',
    acknowledged: 'No',
    tags: '[{"tag":"kiban","value":"resource"}]',
  };
  const resolveCi = staticCiResolver([
    {
      kind: 'host',
      id: '11111111-1111-4111-8111-111111111111',
      name: 'kb-esx01',
    },
  ]);

  it('rejects a missing or wrong secret before reading the body', async () => {
    const sink = recordingSink();
    const app = await webhookApp({ sink, resolveCi });
    for (const headers of [{}, { [WEBHOOK_SECRET_HEADER]: 'wrong' }, { [WEBHOOK_SECRET_HEADER]: `${SECRET}x` }]) {
      const res = await app.inject({
        method: 'POST',
        url: WEBHOOK_PATH,
        headers,
        payload: { junk: true },
      });
      expect(res.statusCode).toBe(401);
    }
    expect(sink.alerts).toEqual([]);
    await app.close();
  });

  it('accepts a well-formed payload and produces the same alert shape as the pull', async () => {
    const sink = recordingSink();
    const app = await webhookApp({ sink, resolveCi });
    const res = await app.inject({
      method: 'POST',
      url: WEBHOOK_PATH,
      headers: { [WEBHOOK_SECRET_HEADER]: SECRET },
      payload,
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({
      accepted: true,
      eventId: '4711',
      status: 'problem',
    });
    expect(sink.alerts).toEqual([
      {
        source: 'zabbix',
        eventId: '4711',
        status: 'problem',
        hostName: 'KB-ESX01',
        triggerName: 'CPU high on KB-ESX01',
        triggerId: '23133',
        zabbixSeverity: 5,
        severity: 'critical',
        clock: new Date('2026-11-27T05:05:43Z'),
        resolvedAt: null,
        acknowledged: false,
        tags: [{ tag: 'kiban', value: 'resource' }],
        ci: {
          kind: 'host',
          id: '11111111-1111-4111-8111-111111111111',
          name: 'kb-esx01',
        },
      },
    ]);

    // Recovery, severity by name only, no tags, unknown host.
    const rec = await app.inject({
      method: 'POST',
      url: WEBHOOK_PATH,
      headers: { [WEBHOOK_SECRET_HEADER]: SECRET },
      payload: {
        ...payload,
        host: '{HOST.HOST}',
        hostName: 'other-box',
        value: '0',
        nseverity: '{EVENT.NSEVERITY}',
        severity: 'Average',
        recoveryDate: '2026.11.27',
        recoveryTime: '15:00:00',
        tags: '',
      },
    });
    expect(rec.statusCode).toBe(202);
    expect(sink.alerts[1]).toMatchObject({
      status: 'resolved',
      hostName: 'other-box',
      zabbixSeverity: 3,
      severity: 'warning',
      resolvedAt: new Date('2026-11-27T06:00:00Z'),
      tags: [],
      ci: null,
    });
    await app.close();
  });

  it('rejects malformed payloads with field errors', async () => {
    const sink = recordingSink();
    const app = await webhookApp({ sink, resolveCi });
    const post = (body: unknown) =>
      app.inject({
        method: 'POST',
        url: WEBHOOK_PATH,
        headers: { [WEBHOOK_SECRET_HEADER]: SECRET },
        payload: body as object,
      });
    for (const bad of [
      { ...payload, eventId: '{EVENT.ID}' },
      { ...payload, eventId: 'abc' },
      { ...payload, value: '2' },
      { ...payload, hostName: '' },
      { ...payload, tags: 'not json' },
      { ...payload, severity: 'Catastrophic', nseverity: undefined },
    ]) {
      const res = await post(bad);
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      expect(res.json().error.code).toBe('invalid_input');
    }
    expect(sink.alerts).toEqual([]);
    await app.close();
  });

  it('maps Zabbix severities 0-5 to warning/critical', () => {
    expect([0, 1, 2, 3, 4, 5].map((s) => kibanSeverity(s))).toEqual(['warning', 'warning', 'warning', 'warning', 'critical', 'critical']);
    expect(kibanSeverity(3, 3)).toBe('critical');
  });
});
