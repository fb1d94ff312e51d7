import { and, asc, desc, eq, inArray, notInArray } from 'drizzle-orm';
import { audit } from '../audit/index.ts';
import { parseJstLocal, toJstYmd } from '../calendar/index.ts';
import { cmdbConfig, cmdbSystems, cmdbVms, followsNamingRule } from '../cmdb/index.ts';
import type { Db } from '../db/connection.ts';
import { inTx } from '../db/tx.ts';
import { type Actor, requirePermission, visibleDepartments } from '../iam/actor.ts';
import { nextReceiptNo } from '../incidents/index.ts';
import type { Clock } from '../kernel/clock.ts';
import { ConflictError, type FieldErrors, ForbiddenError, InputError, NotFoundError } from '../kernel/errors.ts';
import { type AllowedAction, allowedActions, fire, isFinal, processView, recordEvent } from '../process/index.ts';
import { ensurePortalCatalog, listOs, listTemplates } from './catalog.ts';
import { type Placement, type PlacementVm, proposePlacement } from './placement.ts';
import { resourceReport } from './report.ts';
import { checkChange, checkProvision, instanceName, limitsOf, planCheckChange, planCheckProvision, templateForVm } from './requests.checks.ts';
import { completionEffect } from './requests.complete.ts';
import { loadEstate } from './requests.estate.ts';
import type { ChangeInput, ProvisionInput, RequestAction, RequestListQuery, RequestSave } from './requests.inputs.ts';
import { requestLedger } from './requests.ledger.ts';
import { type RequestFireContext, requestProcess, requestScope, type VmRequest } from './requests.process.ts';
import { type ChangeSpec, type PlanCheck, type ProvisionSpec, portalRequests, type RequestKind, type RequestResources } from './schema.ts';
import { approvedPlanRows } from './service.ts';

export interface RequestDeps {
  db: Db;
  clock: Clock;
}

const KIND_LABEL: Record<RequestKind, { ja: string; en: string }> = {
  provision: { ja: '仮想マシン払い出し申請', en: 'VM provisioning' },
  resource_change: { ja: 'リソース変更申請', en: 'Resource change' },
};
const OPEN_STATES = ['submitted', 'supervisor_review', 'instructed', 'waiting_requester', 'completed'];
const stateLabel = (s: string) => requestProcess.states[s as keyof typeof requestProcess.states] ?? { ja: s, en: s };
/** The end of the due day (JST): later than this is late. */
export const dueEnd = (dueOn: string) => new Date(parseJstLocal(`${dueOn}T00:00`).getTime() + 86_400_000);

type Evaluated = {
  spec: ProvisionSpec | ChangeSpec;
  current: RequestResources | null;
  templateCode: string | null;
  planCheck: PlanCheck;
  route: 'manager' | 'supervisor';
  report: Record<string, unknown> | null;
  placement: Record<string, unknown> | null;
  title: string;
};

/**
 * 仮想マシン払い出し申請 and リソース変更申請 (OPS-2/OPS-6) on the process kernel: an owner asks for their own
 * department's system only (another department's system or VM is a 404), every field is checked at once
 * (400 naming each, nothing written), the plan check decides the route, the resource report and the
 * placement proposal are kept with the request; a stale version is a 409.
 */
export function createRequestService(deps: RequestDeps) {
  const { db, clock } = deps;
  const config = cmdbConfig();
  const complete = completionEffect({ clock, cmdbConfig: config });
  const ctxOf = (actor: Actor): RequestFireContext => ({ clock, actor, complete });

  async function visibleSystem(t: Db, actor: Actor, systemId: string) {
    const [system] = await t.select().from(cmdbSystems).where(eq(cmdbSystems.id, systemId));
    const depts = visibleDepartments(actor);
    if (!system || system.status === 'retired' || (depts !== null && !depts.includes(system.departmentId))) throw new NotFoundError('error.not_found');
    return system;
  }
  function requireOwner(actor: Actor, departmentId: string) {
    if (!actor.roles.includes('system_owner') || actor.departmentId !== departmentId) throw new ForbiddenError('portal.not_request_owner');
  }
  const fail = (errors: FieldErrors) => {
    if (Object.keys(errors).length) throw new InputError('error.invalid_input', {}, errors);
  };

  async function evaluateProvision(
    t: Db,
    system: typeof cmdbSystems.$inferSelect,
    input: Omit<ProvisionInput, 'systemId'>,
    selfId: string | null,
  ): Promise<Evaluated> {
    const approved = await approvedPlanRows(t, system.id);
    const naming = (name: string) =>
      followsNamingRule(name, config.naming.pattern, { level: system.serviceLevel, environment: system.environment, systemCode: system.code });
    const vmName = (host: string) => instanceName(host, system, naming);
    const { spec, template, errors } = checkProvision(input, {
      os: await listOs(t),
      templates: await listTemplates(t),
      today: toJstYmd(clock.now()),
      provisionUntil: approved?.plan.provisionUntil ?? null,
      lanDefault: system.lanConnected,
      vmName,
    });
    if (!errors.hostName && spec.hostName) {
      const [vm] = await t
        .select({ id: cmdbVms.id })
        .from(cmdbVms)
        .where(and(eq(cmdbVms.name, spec.vmName), notInArray(cmdbVms.status, ['retired'])));
      if (vm) errors.hostName = { key: 'portal.vm_exists', params: { name: spec.vmName } };
      const open = await t
        .select({ no: portalRequests.requestNo, spec: portalRequests.spec, id: portalRequests.id })
        .from(portalRequests)
        .where(and(eq(portalRequests.systemId, system.id), eq(portalRequests.kind, 'provision'), inArray(portalRequests.state, OPEN_STATES)));
      const dup = open.find((o) => o.id !== selfId && (o.spec as ProvisionSpec).hostName.toLowerCase() === spec.hostName.toLowerCase());
      if (dup) errors.hostName = { key: 'portal.request_open', params: { host: spec.hostName, no: dup.no } };
    }
    fail(errors);
    const estate = await loadEstate(t);
    const vm: PlacementVm = {
      name: spec.vmName,
      level: system.serviceLevel,
      vcpu: spec.cpu,
      memoryGib: spec.memoryGb,
      diskGib: spec.diskGb,
      site: spec.site,
      pinnedHost: spec.hostPinning,
      ha: spec.ha,
    };
    const placement = proposePlacement(estate, vm, config);
    // A pinned host that cannot take the VM is the owner's to correct (N-1 would break): refused here.
    if (spec.hostPinning && !placement.ok) fail({ hostPinning: { key: 'portal.pin_refused', params: { reason: placement.reasons.at(-1)?.ja ?? '' } } });
    const planCheck = planCheckProvision(approved, spec);
    const report = resourceReport(estate, vm, placement.hostId, config);
    return {
      spec,
      current: null,
      templateCode: template!.code,
      planCheck,
      route: planCheck.status === 'match' ? 'manager' : 'supervisor',
      report: report as never,
      placement: placement as never,
      title: `${spec.vmName} の払い出し`,
    };
  }

  async function loadVm(t: Db, actor: Actor, vmId: string) {
    const [row] = await t
      .select({ vm: cmdbVms, system: cmdbSystems })
      .from(cmdbVms)
      .innerJoin(cmdbSystems, eq(cmdbSystems.id, cmdbVms.systemId))
      .where(eq(cmdbVms.id, vmId));
    const depts = visibleDepartments(actor);
    if (!row || (depts !== null && !depts.includes(row.system.departmentId))) throw new NotFoundError('error.not_found');
    if (row.vm.status === 'retired') throw new ConflictError('portal.vm_retired');
    return row;
  }

  /** The provisioning request a VM came from (its template and plan host name), if Kiban provisioned it. */
  async function provisionedFrom(t: Db, vmId: string) {
    const [r] = await t
      .select()
      .from(portalRequests)
      .where(and(eq(portalRequests.vmId, vmId), eq(portalRequests.kind, 'provision')))
      .limit(1);
    return r ?? null;
  }

  async function evaluateChange(
    t: Db,
    actor: Actor,
    vmId: string,
    input: Omit<ChangeInput, 'vmId'>,
  ): Promise<Evaluated & { system: typeof cmdbSystems.$inferSelect }> {
    const { vm, system } = await loadVm(t, actor, vmId);
    const from = await provisionedFrom(t, vm.id);
    const os = await listOs(t);
    const template = templateForVm(await listTemplates(t), os, vm.os, from?.templateCode ?? null);
    const current: RequestResources = { cpu: vm.vcpu, memoryGb: vm.memoryGib, diskGb: vm.diskGib, nics: vm.nics.length };
    const { spec, errors } = checkChange(input, current, template ? limitsOf(template) : null, toJstYmd(clock.now()));
    fail(errors);
    const approved = await approvedPlanRows(t, system.id);
    const hostName = from
      ? (from.spec as ProvisionSpec).hostName
      : (approved?.rows.find((r) => vm.name.toLowerCase().includes(r.hostName.toLowerCase()))?.hostName ?? null);
    const planCheck = planCheckChange(approved, hostName, spec);
    const addition = spec.cpu > current.cpu || spec.memoryGb > current.memoryGb || spec.diskGb > current.diskGb || spec.nics > current.nics;
    const estate = await loadEstate(t);
    const level = (vm.serviceLevelOverride ?? system.serviceLevel) as PlacementVm['level'];
    const site = estate.sites.find((s) => s.id === estate.hosts.find((h) => h.id === vm.hostId)?.siteId)?.role ?? 'main';
    const report = resourceReport(
      estate,
      { id: vm.id, name: vm.name, level, vcpu: spec.cpu, memoryGib: spec.memoryGb, diskGib: spec.diskGb, site, pinnedHost: null, ha: vm.ha },
      vm.hostId,
      config,
    );
    return {
      system,
      spec,
      current,
      templateCode: template?.code ?? null,
      planCheck,
      route: addition || planCheck.status !== 'match' ? 'supervisor' : 'manager',
      report: report as never,
      placement: null,
      title: `${vm.name} のリソース変更`,
    };
  }

  async function insert(t: Db, actor: Actor, kind: RequestKind, system: typeof cmdbSystems.$inferSelect, vmId: string | null, dueOn: string, ev: Evaluated) {
    const now = clock.now();
    const requestNo = await nextReceiptNo(t, kind === 'provision' ? 'VMP' : 'VMR', now);
    const [row] = await t
      .insert(portalRequests)
      .values({
        requestNo,
        kind,
        systemId: system.id,
        departmentId: system.departmentId,
        vmId,
        title: ev.title,
        spec: ev.spec,
        current: ev.current,
        templateCode: ev.templateCode,
        planCheck: ev.planCheck,
        route: ev.route,
        report: ev.report,
        placement: ev.placement,
        dueOn,
        requestedAt: now,
        state: requestProcess.initial,
        createdBy: actor.personId,
        createdByLabel: actor.label,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await recordEvent(t, now, actor, { process: requestProcess.name, recordId: row!.id, action: 'create', state: row!.state, comment: KIND_LABEL[kind].ja });
    await audit(t, clock, actor, { action: 'vm_request.create', entityType: 'vm_request', entityId: row!.id, after: row });
    return row!;
  }

  async function createProvision(actor: Actor, input: ProvisionInput) {
    requirePermission(actor, 'portal.read');
    await ensurePortalCatalog(db, clock);
    return inTx(db, async (t) => {
      const system = await visibleSystem(t, actor, input.systemId);
      requireOwner(actor, system.departmentId);
      const { systemId: _s, ...rest } = input;
      return insert(t, actor, 'provision', system, null, input.dueOn, await evaluateProvision(t, system, rest, null));
    });
  }

  async function createChange(actor: Actor, input: ChangeInput) {
    requirePermission(actor, 'portal.read');
    await ensurePortalCatalog(db, clock);
    return inTx(db, async (t) => {
      const { vmId, ...rest } = input;
      const ev = await evaluateChange(t, actor, vmId, rest);
      requireOwner(actor, ev.system.departmentId);
      return insert(t, actor, 'resource_change', ev.system, vmId, input.dueOn, ev);
    });
  }

  async function load(t: Db, actor: Actor, id: string): Promise<VmRequest> {
    requirePermission(actor, 'portal.read');
    const [r] = await t
      .select()
      .from(portalRequests)
      .where(and(eq(portalRequests.id, id), requestScope(actor)));
    if (!r) throw new NotFoundError('error.not_found');
    return r;
  }

  /** The owner corrects the request while it waits on them (差し戻し), then resubmits it. */
  async function save(actor: Actor, id: string, input: RequestSave) {
    await ensurePortalCatalog(db, clock);
    return inTx(db, async (t) => {
      const r = await load(t, actor, id);
      requireOwner(actor, r.departmentId);
      if (r.state !== 'waiting_requester') throw new ConflictError('portal.request_not_editable', { state: stateLabel(r.state).ja });
      if (r.version !== input.version) throw new ConflictError('error.stale_version');
      const { version, ...rest } = input;
      const ev =
        r.kind === 'provision'
          ? await evaluateProvision(t, await visibleSystem(t, actor, r.systemId), rest as Omit<ProvisionInput, 'systemId'>, r.id)
          : await evaluateChange(t, actor, r.vmId!, rest as Omit<ChangeInput, 'vmId'>);
      const { title, spec, current, templateCode, planCheck, route, report, placement } = ev;
      const [after] = await t
        .update(portalRequests)
        .set({ title, spec, current, templateCode, planCheck, route, report, placement, dueOn: rest.dueOn, version: r.version + 1, updatedAt: clock.now() })
        .where(and(eq(portalRequests.id, id), eq(portalRequests.version, version)))
        .returning();
      if (!after) throw new ConflictError('error.stale_version');
      await recordEvent(t, clock.now(), actor, { process: requestProcess.name, recordId: id, action: 'save', state: after.state });
      await audit(t, clock, actor, { action: 'vm_request.save', entityType: 'vm_request', entityId: id, before: r, after });
      return after;
    });
  }

  /** The host choices of the completion step: the live placement's candidates, the proposal first. */
  async function hostOptions(r: VmRequest): Promise<{ placement: Placement | null; options: { value: string; label: { ja: string; en: string } }[] }> {
    const estate = await loadEstate(db);
    const [system] = await db.select().from(cmdbSystems).where(eq(cmdbSystems.id, r.systemId));
    let vm: PlacementVm;
    if (r.kind === 'provision') {
      const s = r.spec as ProvisionSpec;
      vm = {
        name: s.vmName,
        level: system!.serviceLevel,
        vcpu: s.cpu,
        memoryGib: s.memoryGb,
        diskGib: s.diskGb,
        site: s.site,
        pinnedHost: s.hostPinning,
        ha: s.ha,
      };
    } else {
      const s = r.spec as ChangeSpec;
      const cur = estate.vms.find((v) => v.id === r.vmId);
      const site = estate.sites.find((x) => x.id === estate.hosts.find((h) => h.id === cur?.hostId)?.siteId)?.role ?? 'main';
      vm = {
        id: r.vmId!,
        name: cur?.name ?? '',
        level: cur?.level ?? system!.serviceLevel,
        vcpu: s.cpu,
        memoryGib: s.memoryGb,
        diskGib: s.diskGb,
        site,
        pinnedHost: null,
        ha: cur?.ha ?? true,
      };
    }
    const p = proposePlacement(estate, { ...vm, pinnedHost: r.kind === 'provision' ? vm.pinnedHost : null }, config);
    const sorted = [...p.candidates].sort((a, b) => Number(b.chosen) - Number(a.chosen) || a.hostName.localeCompare(b.hostName));
    const mark = (c: (typeof sorted)[number]) =>
      c.chosen
        ? { ja: '（提案）', en: ' (proposed)' }
        : !c.fits
          ? { ja: '（空き不足）', en: ' (no room)' }
          : !c.n1Ok
            ? { ja: '（N-1 不可）', en: ' (breaks N-1)' }
            : { ja: '', en: '' };
    return {
      placement: p,
      options: sorted.map((c) => ({
        value: c.hostId,
        label: {
          ja: `${c.hostName}${mark(c).ja} A${c.levels.A} B${c.levels.B} C${c.levels.C}・空き ${c.freeMemoryGib} GB`,
          en: `${c.hostName}${mark(c).en} A${c.levels.A} B${c.levels.B} C${c.levels.C}, ${c.freeMemoryGib} GB free`,
        },
      })),
    };
  }

  async function get(actor: Actor, id: string) {
    const r = await load(db, actor, id);
    const [system] = await db
      .select({ name: cmdbSystems.name, serviceLevel: cmdbSystems.serviceLevel, code: cmdbSystems.code })
      .from(cmdbSystems)
      .where(eq(cmdbSystems.id, r.systemId));
    const [vm] = r.vmId
      ? await db.select({ id: cmdbVms.id, name: cmdbVms.name, status: cmdbVms.status, version: cmdbVms.version }).from(cmdbVms).where(eq(cmdbVms.id, r.vmId))
      : [];
    const vendorSide = visibleDepartments(actor) === null;
    let actions: AllowedAction[] = allowedActions(requestProcess, r, actor);
    let livePlacement: Placement | null = null;
    if (vendorSide && actions.some((a) => a.fields.some((f) => f.name === 'hostId'))) {
      const h = await hostOptions(r);
      livePlacement = h.placement;
      actions = actions.map((a) => ({ ...a, fields: a.fields.map((f) => (f.name === 'hostId' ? { ...f, options: h.options } : f)) }));
    }
    const due = dueEnd(r.dueOn);
    const now = clock.now();
    const deadlines = [
      { key: 'due', label: { ja: '希望納期', en: 'Due' }, dueAt: due, doneAt: r.confirmedAt, overdue: !isFinal(requestProcess, r.state) && now > due },
    ];
    return {
      ...r,
      // The infrastructure (hosts, clusters, N-1) is the vendor's and the supervisor's to read (CMDB infra scope).
      report: vendorSide ? r.report : null,
      placement: vendorSide ? r.placement : null,
      livePlacement: vendorSide ? livePlacement : null,
      systemName: system?.name ?? '',
      serviceLevel: system?.serviceLevel ?? null,
      vm: vm ?? null,
      kindLabel: KIND_LABEL[r.kind],
      stateLabel: stateLabel(r.state),
      editable: r.state === 'waiting_requester' && actor.roles.includes('system_owner') && actor.departmentId === r.departmentId,
      process: await processView(db, requestProcess, r, actor, { actions, deadlines }),
    };
  }

  async function list(actor: Actor, q: RequestListQuery = {}) {
    requirePermission(actor, 'portal.read');
    const rows = await db
      .select({ r: portalRequests, systemName: cmdbSystems.name })
      .from(portalRequests)
      .innerJoin(cmdbSystems, eq(cmdbSystems.id, portalRequests.systemId))
      .where(
        and(
          requestScope(actor),
          q.kind ? eq(portalRequests.kind, q.kind) : undefined,
          q.state ? eq(portalRequests.state, q.state) : undefined,
          q.systemId ? eq(portalRequests.systemId, q.systemId) : undefined,
          q.open === 'true' ? inArray(portalRequests.state, OPEN_STATES) : q.open === 'false' ? notInArray(portalRequests.state, OPEN_STATES) : undefined,
        ),
      )
      .orderBy(desc(portalRequests.requestedAt))
      .limit(1000);
    const now = clock.now();
    return {
      items: rows.map(({ r, systemName }) => {
        const { report: _r, placement: _p, ...rest } = r;
        return {
          ...rest,
          systemName,
          kindLabel: KIND_LABEL[r.kind],
          stateLabel: stateLabel(r.state),
          overdue: OPEN_STATES.includes(r.state) && now > dueEnd(r.dueOn),
        };
      }),
    };
  }

  async function act(actor: Actor, id: string, action: string, input: RequestAction) {
    const { version, ...rest } = input;
    return inTx(db, async (t) => {
      const r = await load(t, actor, id);
      const moved = await fire(t, ctxOf(actor), requestProcess, { ...r, version }, action, { ...rest, comment: rest.comment || rest.reason || undefined });
      return { ...moved, stateLabel: stateLabel(moved.state) };
    });
  }

  /** The form's choices: the actor's systems (with their approved plan) and VMs, the templates and OS list. */
  async function formOptions(actor: Actor) {
    requirePermission(actor, 'portal.read');
    await ensurePortalCatalog(db, clock);
    const depts = visibleDepartments(actor);
    const systems = (
      await db
        .select()
        .from(cmdbSystems)
        .where(notInArray(cmdbSystems.status, ['retired']))
        .orderBy(asc(cmdbSystems.name))
    ).filter((s) => depts === null || depts.includes(s.departmentId));
    const ids = systems.map((s) => s.id);
    const vms = ids.length
      ? await db
          .select()
          .from(cmdbVms)
          .where(and(inArray(cmdbVms.systemId, ids), notInArray(cmdbVms.status, ['retired'])))
          .orderBy(asc(cmdbVms.name))
      : [];
    const templates = await listTemplates(db);
    const os = await listOs(db);
    const plans = await Promise.all(systems.map(async (s) => [s.id, await approvedPlanRows(db, s.id)] as const));
    const planOf = new Map(plans);
    const from = vms.length
      ? await db
          .select({ vmId: portalRequests.vmId, templateCode: portalRequests.templateCode })
          .from(portalRequests)
          .where(
            and(
              inArray(
                portalRequests.vmId,
                vms.map((v) => v.id),
              ),
              eq(portalRequests.kind, 'provision'),
            ),
          )
      : [];
    return {
      today: toJstYmd(clock.now()),
      templates: templates.map((t) => ({ code: t.code, name: t.name, osCode: t.osCode, nics: t.nics, ...limitsOf(t) })),
      os,
      systems: systems.map((s) => {
        const p = planOf.get(s.id);
        return {
          id: s.id,
          name: s.name,
          serviceLevel: s.serviceLevel,
          lanConnected: s.lanConnected,
          plan: p
            ? {
                planNo: p.plan.planNo,
                provisionUntil: p.plan.provisionUntil,
                rows: p.rows.map((r) => ({
                  hostName: r.hostName,
                  ip: r.ip,
                  osCode: r.osCode,
                  templateCode: r.templateCode,
                  cpu: r.cpu,
                  memoryGb: r.memoryGb,
                  diskGb: r.diskGb,
                  site: r.site,
                  hostPinning: r.hostPinning,
                  ha: r.ha,
                  srm: r.srm,
                  monitoring: r.monitoring,
                })),
              }
            : null,
        };
      }),
      vms: vms.map((v) => {
        const t = templateForVm(templates, os, v.os, from.find((f) => f.vmId === v.id)?.templateCode ?? null);
        return {
          id: v.id,
          name: v.name,
          systemId: v.systemId,
          status: v.status,
          os: v.os,
          cpu: v.vcpu,
          memoryGb: v.memoryGib,
          diskGb: v.diskGib,
          nics: v.nics.length,
          limits: t ? limitsOf(t) : null,
        };
      }),
    };
  }

  async function exportLedger(actor: Actor, format: 'xlsx' | 'csv', q: RequestListQuery = {}) {
    const { items } = await list(actor, q);
    return requestLedger(format, items, clock.now());
  }

  return { createProvision, createChange, save, get, list, act, formOptions, exportLedger };
}
export type RequestService = ReturnType<typeof createRequestService>;
