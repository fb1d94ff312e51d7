import { and, asc, eq, inArray, isNotNull } from 'drizzle-orm';
import { toJstYmd } from '../calendar/jst.ts';
import { cmdbSystems, cmdbVms } from '../cmdb/schema.ts';
import type { Db } from '../db/connection.ts';
import { actorsByLogin } from '../iam/index.ts';
import { departments } from '../iam/schema.ts';
import type { Clock } from '../kernel/clock.ts';
import { InputError } from '../kernel/errors.ts';
import type { PlanRow } from './rows.ts';
import { createRequestService } from './requests.service.ts';
import { createPortalService } from './service.ts';

export interface DemoPortalSummary {
  plans: number;
  requests: number;
}

const DAY = 86_400_000;

/**
 * The demo's owners' portal (OPS-2/5/6/7): integration plans in every state (draft, submitted, reviewed,
 * approved, withdrawn) and 払い出し・リソース変更申請 in every state of the request process, for three
 * departments: the demo `owner` (土木部 道路建設課) and two other departments' owners. Everything goes through
 * the services, so the records carry their history, audit and inbox as if people had done it.
 */
export async function loadDemoPortal(db: Db, clock: Clock): Promise<DemoPortalSummary> {
  const plans = createPortalService({ db, clock });
  const reqs = createRequestService({ db, clock });
  const today = toJstYmd(clock.now());
  const dueIn = (days: number) => toJstYmd(new Date(clock.now().getTime() + days * DAY));
  const provisionUntil = `${Number(today.slice(0, 4)) + 4}-03-31`;

  // The three owners and one system of each that has VMs.
  const codes = ['DOB-DOR', 'FUK-IRY', 'SOM-JIN'];
  const owners = (await db.select({ code: departments.code, id: departments.id }).from(departments).where(inArray(departments.code, codes))).sort(
    (a, b) => codes.indexOf(a.code) - codes.indexOf(b.code),
  );
  const ownerLogin = (code: string) => (code === 'DOB-DOR' ? 'owner' : `owner-${code.toLowerCase()}`);
  const who = await actorsByLogin(db, ['operator', 'manager', 'supervisor', ...owners.map((d) => ownerLogin(d.code))]);
  const [op, mgr, sup] = ['operator', 'manager', 'supervisor'].map(who) as [ReturnType<typeof who>, ReturnType<typeof who>, ReturnType<typeof who>];
  let planCount = 0;
  let requestCount = 0;

  const row = (hostName: string, ip: string, over: Partial<PlanRow> = {}): Record<string, unknown> =>
    ({
      hostName,
      ip,
      osCode: 'ws2022',
      edition: 'Standard',
      bits: 64,
      templateCode: 'n-windows',
      cpu: 2,
      memoryGb: 8,
      diskGb: 100,
      site: 'main',
      srm: false,
      ha: true,
      monitoring: ['ping', 'resource'],
      mailAddresses: ['system@pref.example.lg.jp'],
      ...over,
    }) as Record<string, unknown>;
  const planAct = async (a: ReturnType<typeof who>, id: string, action: string, reason?: string) =>
    plans.act(a, id, action, { version: (await plans.get(a, id)).version, ...(reason ? { reason } : {}) });
  const reqAct = async (a: ReturnType<typeof who>, id: string, action: string, body: Record<string, unknown> = {}) =>
    reqs.act(a, id, action, { version: (await reqs.get(a, id)).version, ...body } as never);

  /** Into work as the request's route says: the manager instructs a planned one; the supervisor decides the rest. */
  const startWork = async (id: string) => {
    if ((await reqs.get(mgr, id)).route === 'manager') return reqAct(mgr, id, 'instruct');
    await reqAct(mgr, id, 'escalate');
    return reqAct(sup, id, 'approve', { comment: '資源に余裕があるため承認します' });
  };

  for (const [i, d] of owners.entries()) {
    const owner = who(ownerLogin(d.code));
    const systems = await db
      .selectDistinct({ id: cmdbSystems.id, code: cmdbSystems.code, name: cmdbSystems.name })
      .from(cmdbSystems)
      .innerJoin(cmdbVms, eq(cmdbVms.systemId, cmdbSystems.id))
      .where(and(eq(cmdbSystems.departmentId, d.id), isNotNull(cmdbVms.hostId)))
      .orderBy(asc(cmdbSystems.code))
      .limit(2);
    const sys = systems[0];
    if (!sys) continue;
    const code = (sys.code ?? `s${i}`).toLowerCase().replace(/[^a-z0-9-]/g, '');
    const host = (n: string) => `${code}-${n}`.slice(0, 63);
    // Fictional addresses (the demo estate is never probed; its monitoring items start disabled).
    const addr = (n: number) => `10.${60 + i}.8.${n}`;

    // An approved plan: two new VMs; the first is requested as planned, the second not yet.
    const plan = await plans.create(owner, { systemId: sys.id, title: `${sys.name} 統合計画`, provisionUntil });
    await plans.save(owner, plan.id, {
      version: (await plans.get(owner, plan.id)).version,
      rows: [row(host('ap11'), addr(11)), row(host('db11'), addr(12), { memoryGb: 16, diskGb: 200 })],
    });
    await planAct(owner, plan.id, 'submit');
    await planAct(mgr, plan.id, 'review');
    await planAct(sup, plan.id, 'approve');
    planCount++;

    // The other plan states, one each, spread over the departments.
    const other = systems[1] ?? sys;
    const extra = await plans.create(owner, { systemId: other.id, title: `${other.name} 統合計画（追加）`, provisionUntil });
    await plans.save(owner, extra.id, { version: (await plans.get(owner, extra.id)).version, rows: [row(host('ap21'), addr(21))] });
    planCount++;
    if (i === 0) await planAct(owner, extra.id, 'submit'); // submitted: the manager's inbox
    if (i === 1) {
      await planAct(owner, extra.id, 'submit');
      await planAct(mgr, extra.id, 'review'); // reviewed: the supervisor's inbox
    }
    if (i === 2) await planAct(owner, extra.id, 'withdraw', '移行時期の見直しのため');

    const provision = (hostName: string, ip: string, over: Record<string, unknown> = {}) =>
      reqs.createProvision(owner, {
        systemId: sys.id,
        dueOn: dueIn(14),
        hostName,
        ip,
        osCode: 'ws2022',
        templateCode: 'n-windows',
        cpu: 2,
        memoryGb: 8,
        diskGb: 100,
        nics: 2,
        site: 'main',
        lanConnected: true,
        monitoring: ['ping', 'resource'],
        ...over,
      } as never);

    // As planned → the manager instructs → the operator provisions at the proposed host → the owner confirms.
    const planned = await provision(host('ap11'), addr(11));
    requestCount++;
    await startWork(planned.id);
    const placedAt = (await reqs.get(op, planned.id)).placement?.hostId;
    if (placedAt) {
      await reqAct(op, planned.id, 'provision', { hostId: placedAt, checklist: { template: true, antivirus: true } });
      if (i !== 1) await reqAct(owner, planned.id, 'confirm'); // closed; for the second department it waits on the owner
    }

    // Not in the plan → the supervisor decides with the resource report.
    const unplanned = await provision(host('ap31'), addr(31), { memoryGb: 16 });
    requestCount++;
    await reqAct(mgr, unplanned.id, 'escalate');
    if (i === 0) await reqAct(sup, unplanned.id, 'approve', { comment: '資源に余裕があるため承認します' }); // instructed: the operator's inbox
    if (i === 2) await reqAct(sup, unplanned.id, 'reject', { reason: '統合計画書への追記を先に行ってください' });

    // Received, waiting for the manager (department 0); returned to the owner (1); withdrawn (2).
    const fresh = await provision(host('db11'), addr(12), { memoryGb: 16, diskGb: 200 });
    requestCount++;
    if (i === 1) await reqAct(mgr, fresh.id, 'return', { reason: '希望納期と作業日程をご確認ください' });
    if (i === 2) await reqAct(owner, fresh.id, 'withdraw', { reason: '計画の見直しのため' });

    // リソース変更申請 of an existing VM: memory up, applied, waiting for the owner's receipt.
    const vms = await db
      .select({ id: cmdbVms.id, vcpu: cmdbVms.vcpu, memoryGib: cmdbVms.memoryGib, diskGib: cmdbVms.diskGib, nics: cmdbVms.nics })
      .from(cmdbVms)
      .where(and(eq(cmdbVms.systemId, sys.id), isNotNull(cmdbVms.hostId)))
      .orderBy(asc(cmdbVms.name))
      .limit(20);
    // The first VM whose template allows 4 GB more memory (a VM over its template's limits is refused, as for a person).
    let change: { id: string } | null = null;
    for (const vm of vms) {
      try {
        change = await reqs.createChange(owner, {
          vmId: vm.id,
          dueOn: dueIn(10),
          cpu: vm.vcpu,
          memoryGb: vm.memoryGib + 4,
          diskGb: vm.diskGib,
          nics: Math.max(1, vm.nics.length),
        } as never);
        break;
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
      }
    }
    if (change) {
      requestCount++;
      if (i !== 2) {
        await startWork(change.id);
        if (i === 0) await reqAct(op, change.id, 'apply_change', { changeChecklist: { backup: true, resources: true } });
      }
    }
  }
  // A draft plan of the demo owner, half filled.
  if (owners[0]) {
    const owner = who(ownerLogin(owners[0].code));
    const [sys] = await db
      .select({ id: cmdbSystems.id, name: cmdbSystems.name })
      .from(cmdbSystems)
      .where(eq(cmdbSystems.departmentId, owners[0].id))
      .orderBy(asc(cmdbSystems.code))
      .limit(1);
    if (sys) {
      await plans.create(owner, { systemId: sys.id, title: `${sys.name} 更改計画（作成中）`, provisionUntil });
      planCount++;
    }
  }
  return { plans: planCount, requests: requestCount };
}
