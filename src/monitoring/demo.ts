import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { cmdbSystems, cmdbVms } from '../cmdb/schema.ts';
import { type Db, queryRows } from '../db/connection.ts';
import { actorsByLogin } from '../iam/index.ts';
import type { Clock } from '../kernel/clock.ts';
import { InputError } from '../kernel/errors.ts';
import { createAlertHandling } from './alerts.ts';
import { createMonitoringEngine } from './engine.ts';
import { applyPlan, planFromCmdb } from './matrix.ts';
import { monitoringItemState, monitoringItems, monitoringTargets, monitoringValues } from './schema.ts';
import { createItem } from './store.ts';
import { createSuppressionService } from './suppression.ts';

export interface DemoMonitoringSummary {
  targets: number;
  items: number;
  alerts: number;
  suppressions: number;
}

const MIN = 60_000;

/**
 * Monitoring for the demo estate: the N §3.7.3.1 matrix applied to the CMDB (every active CI gets
 * its items), a day of 5-minute history for the ESXi hosts and the owner department's VMs, and a few
 * live detections pushed through the engine — so the alerts, the trouble incidents they open and the
 * mails are what the real path writes — plus suppression requests made and approved as the demo
 * people (one done last week, one approved for next week, one waiting for approval).
 * Values and times are derived from item ids and `clock`: no randomness at load.
 */
export async function loadDemoMonitoring(db: Db, clock: Clock): Promise<DemoMonitoringSummary> {
  const plan = await planFromCmdb(db);
  const applied = await applyPlan(db, clock, plan);
  // Web monitoring (M §3.3 table 3-6 #4) of the level-A systems' web servers: the demo's HTTP items
  // (the demo start's simulator answers them on loopback; their addresses are fictional).
  const webVms = await db
    .select({ targetId: monitoringTargets.id, address: monitoringTargets.address })
    .from(monitoringTargets)
    .innerJoin(cmdbVms, eq(cmdbVms.id, monitoringTargets.ciId))
    .innerJoin(cmdbSystems, eq(cmdbSystems.id, cmdbVms.systemId))
    .where(and(eq(monitoringTargets.ciType, 'vm'), eq(cmdbSystems.serviceLevel, 'A'), sql`${cmdbVms.name} LIKE '%-web%'`, sql`${monitoringTargets.address} IS NOT NULL`))
    .orderBy(asc(monitoringTargets.name))
    .limit(6);
  for (const w of webVms) {
    await createItem(db, clock, { targetId: w.targetId, type: 'http', key: 'web', name: 'Web 監視', params: { url: `http://${w.address}/`, contains: '稼働中' }, notify: true, origin: 'demo' });
  }
  applied.items += webVms.length;
  const now = clock.now();
  const nowIso = now.toISOString();

  // Which items get a day of history: the ESXi hosts' and the owner department's VMs' items.
  const actor = await actorsByLogin(db, ['operator', 'manager', 'owner']);
  const ownerDept = actor('owner').departmentId;
  if (!ownerDept) throw new Error('the demo owner has no department: load the demo organisation first');
  const historyTargets = await db
    .select({ id: monitoringTargets.id })
    .from(monitoringTargets)
    .leftJoin(cmdbVms, and(eq(monitoringTargets.ciType, 'vm'), eq(cmdbVms.id, monitoringTargets.ciId)))
    .leftJoin(cmdbSystems, eq(cmdbSystems.id, cmdbVms.systemId))
    .where(sql`${monitoringTargets.ciType} = 'host' OR ${cmdbSystems.departmentId} = ${ownerDept}`);
  const ids = historyTargets.map((t) => t.id);

  // A value per item and 5-minute slot: a per-item base (hash of the id), a daily wave and a little
  // jitter — CPU/memory/disk % for resource items, round-trip ms for alive and HTTP items.
  const series = (slot: ReturnType<typeof sql>) => sql`CASE ${monitoringItems.type}
      WHEN 'resource' THEN round(least(84, greatest(1, 20 + (abs(hashtext(${monitoringItems.id}::text)) % 45)
        + 12 * sin(extract(epoch FROM ${slot}) / 86400.0 * 2 * pi() + (abs(hashtext(${monitoringItems.key})) % 7))
        + (abs(hashtext(${monitoringItems.id}::text || extract(epoch FROM ${slot})::text)) % 50) / 10.0))::numeric, 1)
      ELSE round((0.2 + (abs(hashtext(${monitoringItems.id}::text || extract(epoch FROM ${slot})::text)) % 90) / 100.0)::numeric, 2) END`;
  if (ids.length > 0) {
    await db.execute(sql`
      INSERT INTO ${monitoringValues} (item_id, at, num)
      SELECT ${monitoringItems.id}, g.at, ${series(sql`g.at`)}
      FROM ${monitoringItems}
      CROSS JOIN generate_series(
        date_trunc('hour', ${nowIso}::timestamptz) - interval '24 hours',
        ${nowIso}::timestamptz - interval '1 minute', interval '5 minutes') AS g(at)
      WHERE ${monitoringItems.type} IN ('resource', 'icmp', 'http') AND ${inArray(monitoringItems.targetId, ids)}
      ON CONFLICT DO NOTHING`);
  }
  // Every item has been checked within its interval; the last value is the newest point (or the series).
  await db.execute(sql`
    UPDATE ${monitoringItemState} s SET
      last_check_at = ${nowIso}::timestamptz - make_interval(secs => abs(hashtext(${monitoringItems.id}::text)) % 290 + 5),
      last_value = CASE ${monitoringItems.type}
        WHEN 'resource' THEN (CASE WHEN ${monitoringItems.key} = 'vm.memory.size[pavailable]' THEN 100 - v.num ELSE v.num END)::text
        WHEN 'process' THEN '2' WHEN 'service' THEN '0' ELSE v.num::text END,
      last_detail = CASE WHEN ${monitoringItems.type} IN ('icmp', 'http') THEN 'ok' ELSE v.num::text END
    FROM ${monitoringItems}
    CROSS JOIN LATERAL (SELECT COALESCE(
      (SELECT mv.num FROM ${monitoringValues} mv WHERE mv.item_id = ${monitoringItems.id} ORDER BY mv.at DESC LIMIT 1),
      ${series(sql`${nowIso}::timestamptz`)}) AS num) v
    WHERE s.item_id = ${monitoringItems.id}`);

  // Live detections through the engine (→ 監視対応台帳 → trouble incident → mails): on the owner
  // department's first VMs, CPU over the critical threshold twice, memory over the warning
  // threshold twice, and one disk breach still counting (suspect).
  let cur = now.getTime() - 15 * MIN;
  const demoClock: Clock = { now: () => new Date(cur) };
  const alerts = createAlertHandling({ db, clock: demoClock });
  const engine = createMonitoringEngine({ db, clock: demoClock, checks: {}, onEvent: alerts.onEvent });
  const vms = await db
    .select({ name: monitoringTargets.hostName, targetId: monitoringTargets.id })
    .from(monitoringTargets)
    .innerJoin(cmdbVms, eq(cmdbVms.id, monitoringTargets.ciId))
    .innerJoin(cmdbSystems, eq(cmdbSystems.id, cmdbVms.systemId))
    .where(and(eq(monitoringTargets.ciType, 'vm'), eq(cmdbSystems.departmentId, ownerDept), sql`${cmdbSystems.serviceLevel} IN ('A', 'B')`))
    .orderBy(asc(monitoringTargets.name))
    .limit(3);
  const push = async (minutesAgo: number, values: Array<[string | undefined, string, string]>) => {
    cur = now.getTime() - minutesAgo * MIN;
    const clockSec = Math.floor(cur / 1000);
    await engine.ingest(values.filter((v): v is [string, string, string] => v[0] !== undefined).map(([host, key, value]) => ({ host, key, value, clock: clockSec })));
  };
  const [a, b, c] = vms;
  const [disk] = c
    ? await db
        .select({ key: monitoringItems.key })
        .from(monitoringItems)
        .where(and(eq(monitoringItems.targetId, c.targetId), sql`${monitoringItems.key} LIKE 'vfs.fs.size[%'`))
    : [];
  const diskKey = disk?.key ?? 'vfs.fs.size[/,pused]';
  // The detections below are the newest values of their items: drop the generated ones after them.
  const pushed: Array<[string | undefined, string]> = [
    [a?.name, 'system.cpu.util'],
    [b?.name, 'vm.memory.size[pavailable]'],
    [c?.name, diskKey],
  ];
  for (const [host, key] of pushed) {
    if (!host) continue;
    await db.execute(sql`DELETE FROM ${monitoringValues} WHERE at >= ${new Date(now.getTime() - 11 * MIN).toISOString()}::timestamptz
      AND item_id IN (SELECT i.id FROM ${monitoringItems} i JOIN ${monitoringTargets} t ON t.id = i.target_id WHERE t.host_name = ${host} AND i.key = ${key})`);
  }
  await push(10, [
    [a?.name, 'system.cpu.util', '93.4'],
    [b?.name, 'vm.memory.size[pavailable]', '12.5'],
  ]);
  await push(5, [
    [a?.name, 'system.cpu.util', '96.1'],
    [b?.name, 'vm.memory.size[pavailable]', '11.8'],
    [c?.name, diskKey, '88.2'],
  ]);
  await alerts.sweep();

  // Suppressions (監視の一時抑止) as the demo people: last week's legal inspection (done, with its
  // start and resume mails), next week's planned stop (approved), and a request waiting for approval.
  const systems = await db
    .select({ id: cmdbSystems.id })
    .from(cmdbSystems)
    .where(and(eq(cmdbSystems.departmentId, ownerDept), sql`EXISTS (SELECT 1 FROM ${cmdbVms} WHERE ${cmdbVms.systemId} = ${cmdbSystems.id} AND ${cmdbVms.status} = 'active')`))
    .orderBy(asc(cmdbSystems.name))
    .limit(3);
  let suppressions = 0;
  if (systems.length >= 3) {
    const sup = createSuppressionService({ db, clock: demoClock });
    /** `hour`:00 JST on the Japanese calendar day `d` days from today. */
    const day = (d: number, hour: number) => {
      const jst = new Date(now.getTime() + 9 * 3600_000);
      return new Date(Date.UTC(jst.getUTCFullYear(), jst.getUTCMonth(), jst.getUTCDate() + d, hour - 9));
    };
    // Around the New Year holidays a request may fall after its deadline: then it carries a reason.
    const request = async (input: Parameters<typeof sup.create>[1]) => {
      try {
        return await sup.create(actor('owner'), input);
      } catch (e) {
        if (!(e instanceof InputError) || !e.fields.lateReason) throw e;
        return sup.create(actor('owner'), { ...input, lateReason: '年末年始の休日をはさむため' });
      }
    };
    cur = now.getTime() - 14 * 86_400_000;
    const past = await request({
      reason: 'legal_inspection',
      reasonText: '法定点検に伴う電源停止',
      method: 'stop',
      startsAt: day(-6, 19).toISOString(),
      endsAt: day(-6, 23).toISOString(),
      systemIds: [systems[0]!.id],
    });
    cur += 30 * MIN;
    await sup.act(actor('manager'), past.id, 'approve', { version: past.version });
    cur = day(-6, 19).getTime();
    await sup.runSchedule();
    cur = day(-6, 23).getTime();
    await sup.runSchedule();
    cur = now.getTime() - 2 * 86_400_000;
    const next = await request({
      reason: 'planned_stop',
      reasonText: 'OS のセキュリティ更新と再起動',
      method: 'watch',
      startsAt: day(7, 20).toISOString(),
      endsAt: day(7, 22).toISOString(),
      systemIds: [systems[1]!.id],
    });
    cur += 60 * MIN;
    await sup.act(actor('manager'), next.id, 'approve', { version: next.version });
    cur = now.getTime() - 30 * MIN;
    await request({
      reason: 'known_maintenance',
      reasonText: 'アプリケーション更新作業',
      method: 'watch',
      startsAt: day(10, 18).toISOString(),
      endsAt: day(10, 21).toISOString(),
      systemIds: [systems[2]!.id],
    });
    suppressions = 3;
  }
  const [alertCount] = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM monitoring_alerts`);
  return { targets: applied.targets, items: applied.items, alerts: alertCount?.n ?? 0, suppressions };
}
