import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/index.ts';
import { testDatabase } from '../db/testing.ts';
import { FakeClock } from '../kernel/clock.ts';
import { AgentCheck } from './checks/agent.ts';
import { HttpCheck } from './checks/http.ts';
import { FpingCheck } from './checks/icmp.ts';
import { createMonitoringEngine } from './engine.ts';
import { monitoringEvents, monitoringItemState } from './schema.ts';
import { createItem, createTarget } from './store.ts';
import { findBinary, type RunningAgent, startZabbixAgent } from './testing.ts';
import { ZabbixAgentClient } from './zabbix/agent.ts';

/**
 * The whole engine with real checks: fping, a real zabbix_agentd and a local web server. Only the
 * clock is fake — the scheduler is driven round by round, the checks do real I/O.
 */
let database: Database;
let agent: RunningAgent;
let web: Server;
let webUp = true;
const clock = new FakeClock('2026-11-24T01:00:00Z');

beforeAll(async () => {
  database = await testDatabase();
  agent = await startZabbixAgent();
  web = createServer((_req, res) => {
    res.statusCode = webUp ? 200 : 503;
    res.end(webUp ? '稼働中' : 'down');
  });
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
  web?.closeAllConnections();
  web?.close();
  await agent?.stop();
  await database?.close();
});

describe('the engine with real fping, zabbix_agentd and HTTP', () => {
  it('stays quiet for a healthy VM and alerts a missing process and a failing web page', async () => {
    const engine = createMonitoringEngine({
      db: database.db,
      clock,
      checks: {
        icmp: new FpingCheck({ fpingPath: findBinary('fping'), count: 1, timeoutMs: 300 }),
        http: new HttpCheck(),
        resource: new AgentCheck(new ZabbixAgentClient({ dialect: 'legacy' })),
        process: new AgentCheck(new ZabbixAgentClient({ dialect: 'legacy' })),
      },
    });
    const t = await createTarget(database.db, clock, { ciType: 'vm', ciId: randomUUID(), name: 'live-vm', address: '127.0.0.1', agentPort: agent.port });
    const port = (web.address() as { port: number }).port;
    const alive = await createItem(database.db, clock, { targetId: t.id, type: 'icmp', key: 'icmpping' });
    const disk = await createItem(database.db, clock, { targetId: t.id, type: 'resource', key: 'vfs.fs.size[/,pused]', warningThreshold: 101, criticalThreshold: 102 });
    const proc = await createItem(database.db, clock, { targetId: t.id, type: 'process', key: 'proc.num[kiban-not-running]' });
    const page = await createItem(database.db, clock, {
      targetId: t.id,
      type: 'http',
      key: 'web:top',
      params: { url: `http://127.0.0.1:${port}/`, contains: '稼働中', retries: 1, timeoutMs: 2000 },
    });
    webUp = false;
    for (let i = 0; i < 3; i++) {
      clock.advance(300_000);
      await engine.tick();
    }
    const events = await database.db.select().from(monitoringEvents).where(eq(monitoringEvents.targetId, t.id));
    const byItem = (id: string) => events.filter((e) => e.itemId === id).map((e) => e.kind);
    expect(byItem(alive.id)).toEqual([]);
    expect(byItem(disk.id)).toEqual([]);
    expect(byItem(proc.id)).toEqual(['problem']); // lower bound 1, alert on the first detection
    expect(byItem(page.id)).toEqual(['problem']); // 3rd failed check
    const [diskState] = await database.db.select().from(monitoringItemState).where(eq(monitoringItemState.itemId, disk.id));
    expect(Number(diskState?.lastValue)).toBeGreaterThan(0);
    webUp = true;
    clock.advance(300_000);
    await engine.tick();
    const after = await database.db.select().from(monitoringEvents).where(eq(monitoringEvents.itemId, page.id));
    expect(after.map((e) => e.kind)).toEqual(['problem', 'recovered']);
  });
});
