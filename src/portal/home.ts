import { and, asc, desc, eq, inArray, notInArray } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { cmdbHosts, cmdbSystems, cmdbVms } from '../cmdb/schema.ts';
import type { Db } from '../db/connection.ts';
import { sessionOf } from '../http/session.ts';
import { type Actor, requirePermission } from '../iam/actor.ts';
import type { Clock } from '../kernel/clock.ts';
import { ForbiddenError } from '../kernel/errors.ts';
import { monitoringItems, monitoringTargets } from '../monitoring/schema.ts';
import { isFinal } from '../process/index.ts';
import { planProcess } from './process.ts';
import { dueEnd } from './requests.service.ts';
import { requestProcess } from './requests.process.ts';
import { integrationPlans, portalRequests } from './schema.ts';

type Bi = { ja: string; en: string };
/** Who acts next on an open request or plan: what the owner home shows as 「どこで待っているか」. */
const REQUEST_WAITS: Record<string, Bi> = {
  submitted: { ja: '運用管理者', en: 'Vendor manager' },
  supervisor_review: { ja: '統括責任者', en: 'Supervisor' },
  instructed: { ja: '運用担当者（作業中）', en: 'Operator (in work)' },
  waiting_requester: { ja: 'あなた（依頼元の確認）', en: 'You (requester)' },
  completed: { ja: 'あなた（受領の確認）', en: 'You (confirm receipt)' },
};
const PLAN_WAITS: Record<string, Bi> = {
  draft: { ja: 'あなた（下書き）', en: 'You (draft)' },
  submitted: { ja: '運用管理者', en: 'Vendor manager' },
  reviewed: { ja: '統括責任者', en: 'Supervisor' },
};
const label = (states: Record<string, Bi>, s: string): Bi => states[s] ?? { ja: s, en: s };

/**
 * The system owner's home (issue 11 item 9): their department's systems, its VMs (level, host,
 * resources, monitoring state), the open requests and plans with who each waits on. Only for a system
 * owner, and only their own department (the vendor's staff have the ledgers and the inbox).
 */
export function createOwnerHome(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  return async function ownerHome(actor: Actor) {
    requirePermission(actor, 'portal.read');
    if (!actor.roles.includes('system_owner') || !actor.departmentId) throw new ForbiddenError('error.forbidden');
    const dept = actor.departmentId;
    const systems = await db
      .select()
      .from(cmdbSystems)
      .where(and(eq(cmdbSystems.departmentId, dept), notInArray(cmdbSystems.status, ['retired'])))
      .orderBy(asc(cmdbSystems.name));
    const ids = systems.map((s) => s.id);
    const vms = ids.length
      ? await db
          .select({ vm: cmdbVms, hostName: cmdbHosts.name })
          .from(cmdbVms)
          .leftJoin(cmdbHosts, eq(cmdbHosts.id, cmdbVms.hostId))
          .where(and(inArray(cmdbVms.systemId, ids), notInArray(cmdbVms.status, ['retired'])))
          .orderBy(asc(cmdbVms.name))
      : [];
    const vmIds = vms.map((v) => v.vm.id);
    const targets = vmIds.length
      ? await db
          .select({ id: monitoringTargets.id, ciId: monitoringTargets.ciId, enabled: monitoringTargets.enabled, startsAt: monitoringTargets.startsAt })
          .from(monitoringTargets)
          .where(and(eq(monitoringTargets.ciType, 'vm'), inArray(monitoringTargets.ciId, vmIds)))
      : [];
    const items = targets.length
      ? await db
          .select({ targetId: monitoringItems.targetId, enabled: monitoringItems.enabled })
          .from(monitoringItems)
          .where(
            inArray(
              monitoringItems.targetId,
              targets.map((x) => x.id),
            ),
          )
      : [];
    const requests = await db.select().from(portalRequests).where(eq(portalRequests.departmentId, dept)).orderBy(desc(portalRequests.requestedAt)).limit(500);
    const plans = ids.length
      ? await db.select().from(integrationPlans).where(inArray(integrationPlans.systemId, ids)).orderBy(desc(integrationPlans.updatedAt)).limit(200)
      : [];
    const systemName = new Map(systems.map((s) => [s.id, s.name]));
    const now = clock.now();
    return {
      systems: systems.map((s) => ({
        id: s.id,
        code: s.code,
        name: s.name,
        serviceLevel: s.serviceLevel,
        status: s.status,
        vmCount: vms.filter((v) => v.vm.systemId === s.id).length,
        approvedPlan: plans.some((p) => p.systemId === s.id && p.state === 'approved'),
      })),
      vms: vms.map(({ vm, hostName }) => {
        const target = targets.find((x) => x.ciId === vm.id);
        const mine = target ? items.filter((i) => i.targetId === target.id) : [];
        const enabledItems = mine.filter((i) => i.enabled).length;
        const monitoring: 'none' | 'disabled' | 'partial' | 'enabled' = !target
          ? 'none'
          : !target.enabled || enabledItems === 0
            ? 'disabled'
            : enabledItems < mine.length
              ? 'partial'
              : 'enabled';
        const system = systems.find((s) => s.id === vm.systemId);
        return {
          id: vm.id,
          name: vm.name,
          systemId: vm.systemId,
          systemName: system?.name ?? '',
          level: vm.serviceLevelOverride ?? system?.serviceLevel ?? null,
          status: vm.status,
          hostName,
          vcpu: vm.vcpu,
          memoryGib: vm.memoryGib,
          diskGib: vm.diskGib,
          monitoring,
          monitoringItems: { enabled: enabledItems, total: mine.length },
          monitoringStartsAt: target?.startsAt ?? null,
        };
      }),
      openRequests: requests
        .filter((r) => !isFinal(requestProcess, r.state))
        .map((r) => ({
          id: r.id,
          requestNo: r.requestNo,
          kind: r.kind,
          title: r.title,
          systemName: systemName.get(r.systemId) ?? '',
          state: r.state,
          stateLabel: requestProcess.states[r.state as keyof typeof requestProcess.states] ?? { ja: r.state, en: r.state },
          waitsOn: label(REQUEST_WAITS, r.state),
          dueOn: r.dueOn,
          overdue: now > dueEnd(r.dueOn),
        })),
      openPlans: plans
        .filter((p) => !isFinal(planProcess, p.state))
        .map((p) => ({
          id: p.id,
          planNo: p.planNo,
          title: p.title,
          systemName: systemName.get(p.systemId) ?? '',
          state: p.state,
          stateLabel: planProcess.states[p.state as keyof typeof planProcess.states] ?? { ja: p.state, en: p.state },
          waitsOn: label(PLAN_WAITS, p.state),
        })),
    };
  };
}
export type OwnerHome = Awaited<ReturnType<ReturnType<typeof createOwnerHome>>>;

/** GET /api/portal/home: the owner's summary (owner scope; anyone else 403). */
export function ownerHomeRoutes(app: FastifyInstance, home: ReturnType<typeof createOwnerHome>): void {
  app
    .withTypeProvider<ZodTypeProvider>()
    .get('/api/portal/home', { schema: { tags: ['portal'], summary: 'システム所管のホーム（システム・仮想マシン・申請中の案件）' } }, async (req) =>
      home(sessionOf(req).actor),
    );
}
