import { and, asc, eq, isNotNull, notInArray, sql } from 'drizzle-orm';
import { cmdbSystems, cmdbVms } from '../cmdb/schema.ts';
import type { Db } from '../db/connection.ts';
import { actorsByLogin } from '../iam/index.ts';
import { createIncidentService } from '../incidents/service.ts';
import type { Clock } from '../kernel/clock.ts';
import { createAlertHandling, createAlertLedger } from '../monitoring/alerts.ts';
import { monitoringAlerts, monitoringEvents, monitoringItems, monitoringTargets } from '../monitoring/schema.ts';
import { createImprovementJob } from './improvements.ts';
import { addMonths, monthOf, monthPeriod } from './period.ts';
import type { KpiKey } from './schema.ts';
import { createServiceLevelService } from './service.ts';

export interface DemoServiceLevelsSummary {
  months: number;
  troubles: number;
  alerts: number;
  targets: number;
  improvements: number;
}

const MIN = 60_000;

/** Targets set at go-live (N §2.6.3 / §3.1.3.1). */
const GO_LIVE_TARGETS: [KpiKey, number][] = [
  ['availability_a', 99.9],
  ['availability_b', 99.5],
  ['consolidation', 70],
  ['resource_addition_on_time', 95],
  ['vm_provisioning_on_time', 95],
  ['monitoring_first_response', 95],
  ['provisional_response', 90],
];

/** Minutes of non-operating time of the month's trouble, oldest month first (never three months worse in a row; ≤ 30 min keeps A ≥ 99.9 %). */
const OUTAGE_MINUTES = [20, 30, 15, 25, 10, 30, 20, 15, 25, 30, 15, 10];

/**
 * A year of service-level history (issue 12 item 9), through the services as the demo people: the
 * quality targets proposed by the manager and approved by the supervisor at go-live (12 months
 * ago); one platform-caused trouble a month, alternately on a VM counted under A and one under B, registered, dispatched and recovered through the
 * incident process (detection → recovery complete), its provisional response judged; monitoring
 * detections each month handled by the real alert handling (the engine's events are written as the
 * engine writes them, then handled, responded to and recovered — 監視対応台帳, mails, history and
 * audit as in production); the monthly 集約率 entered by hand. Last month two first responses were
 * late, so 監視運用（一次対応着手の遵守率） misses its target, and the month-end improvement job
 * (its own function, on the demo clock) opens the one improvement problem.
 * Deterministic: CIs chosen by name, times offsets of `clock`.
 */
export async function loadDemoServiceLevels(db: Db, clock: Clock): Promise<DemoServiceLevelsSummary> {
  const now = clock.now();
  let cur = now.getTime();
  const demoClock: Clock = { now: () => new Date(cur) };
  const setAt = (d: Date) => {
    cur = d.getTime();
  };
  const actor = await actorsByLogin(db, ['operator', 'manager', 'supervisor', 'owner']);
  const op = actor('operator');
  const mgr = actor('manager');
  const sup = actor('supervisor');
  const ownerDept = actor('owner').departmentId;
  const slm = createServiceLevelService({ db, clock: demoClock });
  const inc = createIncidentService({ db, clock: demoClock });
  const handling = createAlertHandling({ db, clock: demoClock });
  const ledger = createAlertLedger({ db, clock: demoClock });

  const thisMonth = monthOf(now);
  const lastMonth = addMonths(thisMonth, -1);
  const goLive = addMonths(thisMonth, -12);
  const months = Array.from({ length: 12 }, (_, i) => addMonths(goLive, i));

  // 品質目標 at go-live: proposed before the month starts, approved by the supervisor.
  setAt(new Date(monthPeriod(goLive).from.getTime() - 7 * 24 * 60 * MIN));
  for (const [kpi, targetPercent] of GO_LIVE_TARGETS) {
    const tg = await slm.proposeTarget(mgr, { kpi, targetPercent, effectiveFrom: goLive, reason: '稼働開始時の品質目標（要求仕様書 §2.6.3）' });
    cur += MIN;
    await slm.actTarget(sup, tg.id, 'approve', { version: tg.version, comment: '承認します' });
  }

  // The VM the troubles hit: the owner department's first active VM of an A/B system with an owner's
  // provisional procedure (else any such VM).
  const candidates = await db
    .select({ id: cmdbVms.id, name: cmdbVms.name, provisional: cmdbVms.provisionalProcedure, dept: cmdbSystems.departmentId, level: sql<string>`coalesce(${cmdbVms.serviceLevelOverride}, ${cmdbSystems.serviceLevel})`, ha: cmdbVms.ha, srm: cmdbVms.srm })
    .from(cmdbVms)
    .innerJoin(cmdbSystems, eq(cmdbSystems.id, cmdbVms.systemId))
    .where(and(eq(cmdbVms.status, 'active'), isNotNull(cmdbVms.hostId), sql`${cmdbSystems.serviceLevel} IN ('A', 'B')`))
    .orderBy(asc(cmdbVms.name));
  const vmB =
    candidates.find((c) => c.dept === ownerDept && c.provisional) ?? candidates.find((c) => c.dept === ownerDept) ?? candidates[0];
  // Every other month a VM counted under A (an A system's VM with HA and SRM), so both levels have history.
  const countedA = candidates.filter((c) => c.level === 'A' && c.ha && c.srm);
  const vmA = countedA.find((c) => c.dept === ownerDept && c.provisional) ?? countedA.find((c) => c.provisional) ?? countedA[0] ?? vmB;

  // Items for the detections: memory of the owner department's VMs, items without an alert yet (the
  // monitoring demo's live alerts stay theirs).
  const busy = db.select({ id: monitoringAlerts.itemId }).from(monitoringAlerts);
  const items = await db
    .select({ id: monitoringItems.id, targetId: monitoringItems.targetId })
    .from(monitoringItems)
    .innerJoin(monitoringTargets, eq(monitoringTargets.id, monitoringItems.targetId))
    .innerJoin(cmdbVms, and(eq(monitoringTargets.ciType, 'vm'), eq(cmdbVms.id, monitoringTargets.ciId)))
    .innerJoin(cmdbSystems, eq(cmdbSystems.id, cmdbVms.systemId))
    .where(and(eq(monitoringItems.key, 'vm.memory.size[pavailable]'), ownerDept ? eq(cmdbSystems.departmentId, ownerDept) : undefined, notInArray(monitoringItems.id, busy)))
    .orderBy(asc(monitoringTargets.name))
    .limit(4);

  let troubles = 0;
  let alerts = 0;
  for (const [i, month] of months.entries()) {
    const start = monthPeriod(month).from.getTime();
    const day = (d: number, hh: number, mm = 0) => start + ((d - 1) * 24 * 60 + hh * 60 + mm) * MIN;

    // One platform-caused trouble stopping the VM (detected on day 8–17 at 10:05 JST).
    const vm = i % 2 === 0 ? vmA : vmB;
    if (vm) {
      const detected = new Date(day(8 + (i % 10), 10, 5));
      const recovered = new Date(detected.getTime() + OUTAGE_MINUTES[i]! * MIN);
      setAt(new Date(detected.getTime() + 3 * MIN));
      let r = await inc.register(op, {
        title: `仮想マシンの停止（${vm.name}、ESXi ホストのハードウェア障害）`,
        description: '監視システムから仮想マシン応答なしのアラート。ホストのハードウェア障害により仮想マシンが停止。',
        source: 'monitoring',
        class: 'trouble',
        detectedAt: detected.toISOString(),
        urgency: { citizenServiceStopped: false, citizenImpact: true, financialOrReputation: false, wideImpact: false },
        platformCaused: true,
        affected: { platform: false, hostIds: [], vmIds: [vm.id] },
        symptom: '仮想マシンが応答しない',
        businessImpact: '業務システムが一時利用できない',
      });
      r = await inc.act(op, r.id, 'dispatch', { version: r.version });
      const work = { workFrom: detected.toISOString(), workTo: recovered.toISOString(), workers: ['運用 太郎'], description: '仮想マシンを別ホストで再起動', businessImpact: '停止中は業務システムが利用できない' };
      cur = detected.getTime() + 5 * MIN;
      r = await inc.act(op, r.id, 'start_recovery', { version: r.version, ...work, procedureRef: '復旧手順書（仮想マシン再起動）第2版' });
      setAt(recovered);
      await inc.act(op, r.id, 'complete_recovery', { version: r.version, ...work });
      if (vm.provisional) {
        cur = recovered.getTime() + 60 * MIN;
        await slm.markCase(mgr, 'provisional_response', r.id, { outcome: 'succeeded' });
      }
      troubles++;
    }

    // Monitoring detections (memory warning) answered within 30 minutes — last month, two late.
    const late = month === lastMonth ? 2 : 0;
    const count = month === lastMonth ? 4 : 3;
    for (let k = 0; k < count && k < items.length * 3; k++) {
      const item = items[k % items.length]!;
      const at = new Date(day(3 + k * 7, 14, 20));
      const [ev] = await db.insert(monitoringEvents).values({ itemId: item.id, targetId: item.targetId, kind: 'problem', severity: 'warning', at, value: '12.5', detail: '12.5', consecutive: 3 }).returning({ id: monitoringEvents.id });
      setAt(new Date(at.getTime() + MIN));
      await handling.handle(ev!.id);
      const [a] = await db.select({ id: monitoringAlerts.id, version: monitoringAlerts.version }).from(monitoringAlerts).where(eq(monitoringAlerts.eventId, ev!.id));
      setAt(new Date(at.getTime() + (k < late ? 55 + k * 20 : 8 + k * 4) * MIN));
      await ledger.act(op, a!.id, 'respond', { version: a!.version, comment: k < late ? '夜間対応中の別障害のため着手が遅延' : 'メモリ使用状況を確認' });
      const recoveredAt = new Date(at.getTime() + (90 + k * 10) * MIN);
      const [rv] = await db.insert(monitoringEvents).values({ itemId: item.id, targetId: item.targetId, kind: 'recovered', at: recoveredAt, value: '45.0', detail: '45.0' }).returning({ id: monitoringEvents.id });
      setAt(new Date(recoveredAt.getTime() + MIN));
      await handling.handle(rv!.id);
      alerts++;
    }

    // 集約率 by hand at the month's end (rising as systems move to the platform).
    setAt(new Date(monthPeriod(month).to.getTime() - 6 * 60 * MIN));
    await slm.setManualFigure(mgr, 'consolidation', { month, numerator: 58 + i, denominator: 80, note: '移行計画の進捗より' });
  }

  // The month-end improvement job on last month: the one KPI below target opens its problem.
  setAt(now);
  const job = createImprovementJob({ db, clock: demoClock });
  const { opened } = await job.runOnce(lastMonth);
  setAt(now);
  return { months: months.length, troubles, alerts, targets: GO_LIVE_TARGETS.length, improvements: opened.length };
}
