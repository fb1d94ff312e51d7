import { eq } from 'drizzle-orm';
import { type CmdbConfig, cmdbSystems, cmdbVms, createCmdbService } from '../cmdb/index.ts';
import type { Db } from '../db/connection.ts';
import type { Actor } from '../iam/actor.ts';
import type { Clock } from '../kernel/clock.ts';
import { fieldError, InputError } from '../kernel/errors.ts';
import { createItem, createTarget, itemsFor, vmKind } from '../monitoring/index.ts';
import type { TransitionEvent } from '../process/index.ts';
import { findOs } from './catalog.ts';
import { checkHost, type Level, type PlacementVm } from './placement.ts';
import { loadEstate } from './requests.estate.ts';
import type { RequestFireContext, VmRequest } from './requests.process.ts';
import { type ChangeSpec, type ProvisionSpec, portalRequests } from './schema.ts';

/**
 * The completion steps' effects, inside the step's transaction (anything refused → nothing written):
 *  - 払い出し: the checklist as N §3.10.3.3 asks it, the chosen host keeping N-1, the VM created in the
 *    CMDB as 構築・移行 with the request named in its history, and its monitoring target and items
 *    (N §3.7.3.1's matrix for its level) created disabled (MON-7: enabled when it goes into service);
 *  - リソース変更: the checklist, the host keeping N-1 with the new resources, the CMDB VM updated.
 * The CMDB is written by Kiban on the request's behalf (the operator need not hold 構成管理者): the
 * history names the person and the request.
 */
export function completionEffect(deps: { clock: Clock; cmdbConfig: CmdbConfig }) {
  const { clock } = deps;
  const cmdb = (db: Db) => createCmdbService({ db, clock });
  const onBehalf = (actor: Actor, requestNo: string): Actor => ({
    kind: 'system',
    personId: actor.personId,
    label: `${actor.label}（${requestNo}）`,
    roles: ['admin'],
    departmentId: null,
  });

  function requireChecks(given: Record<string, boolean> | undefined, needed: Record<string, { label: string; when: boolean }>, field: string) {
    const errors: Record<string, { key: string; params?: Record<string, unknown> }> = {};
    for (const [k, n] of Object.entries(needed)) {
      const v = !!given?.[k];
      if (n.when && !v) errors[`${field}.${k}`] = { key: 'portal.check_required', params: { item: n.label } };
      if (!n.when && v && k === 'antivirus') errors[`${field}.${k}`] = { key: 'portal.antivirus_not_lan' };
    }
    if (Object.keys(errors).length) {
      const first = Object.values(errors)[0]!;
      throw new InputError('error.invalid_input', {}, { [field]: first, ...errors });
    }
  }

  async function hostFor(tx: Db, vm: PlacementVm, hostId: string, field = 'hostId') {
    const check = checkHost(await loadEstate(tx), vm, hostId, deps.cmdbConfig);
    if (!check.ok) throw fieldError(field, check.key, check.params);
  }

  async function provision(e: TransitionEvent<VmRequest, RequestFireContext>) {
    const r = e.record;
    const spec = r.spec as ProvisionSpec;
    requireChecks(
      e.input.checklist as Record<string, boolean> | undefined,
      {
        template: { label: 'テンプレートからの仮想マシン作成', when: true },
        antivirus: { label: 'アンチウイルスソフトの提供', when: spec.lanConnected },
        migration_tool: { label: '移行ツールの提供', when: spec.migration },
        media: { label: 'インストールメディアの提供', when: spec.media !== '' },
      },
      'checklist',
    );
    const [system] = await e.tx.select().from(cmdbSystems).where(eq(cmdbSystems.id, r.systemId));
    const hostId = String(e.input.hostId);
    await hostFor(
      e.tx,
      {
        name: spec.vmName,
        level: system!.serviceLevel as Level,
        vcpu: spec.cpu,
        memoryGib: spec.memoryGb,
        diskGib: spec.diskGb,
        site: spec.site,
        pinnedHost: spec.hostPinning,
        ha: spec.ha,
      },
      hostId,
    );
    const os = await findOs(e.tx, spec.osCode);
    const actor = onBehalf(e.ctx.actor, r.requestNo);
    const nics = Array.from({ length: spec.nics }, (_x, i) => ({
      network: i === 0 ? '業務 LAN' : i === 1 ? 'Backup LAN' : `LAN ${i + 1}`,
      ip: i === 0 ? spec.ip : null,
    }));
    const vm = await cmdb(e.tx).create(
      actor,
      'vm',
      {
        name: spec.vmName,
        systemId: r.systemId,
        hostId,
        os: os?.name ?? spec.osCode,
        vcpu: spec.cpu,
        memoryGib: spec.memoryGb,
        diskGib: spec.diskGb,
        nics,
        hostPinned: !!spec.hostPinning,
        ha: spec.ha,
        srm: spec.srm,
        powerState: 'on',
        status: 'building',
        reason: `仮想マシン払い出し申請 ${r.requestNo} により払い出し（${r.title}）`,
        cause: `vm_request:${r.requestNo}`,
      } as never,
      { tx: e.tx, source: 'api' },
    );
    // MON-7: the matrix's items for its level, all disabled until the VM goes into service.
    const target = await createTarget(e.tx, clock, { ciType: 'vm', ciId: vm.id, name: spec.vmName, hostName: spec.hostName, address: spec.ip, enabled: false });
    const { items } = itemsFor(vmKind(system!.serviceLevel as Level, system!.environment), { os: os?.name ?? null });
    for (const it of items) {
      await createItem(e.tx, clock, {
        targetId: target.id,
        type: it.type,
        key: it.key,
        name: it.name,
        collect: it.collect,
        businessHoursOnly: it.businessHoursOnly,
        notify: it.notify,
        enabled: false,
        origin: `vm_request:${r.requestNo}`,
      });
    }
    await e.tx
      .update(portalRequests)
      .set({ vmId: vm.id, hostId, checklist: e.input.checklist as Record<string, boolean> })
      .where(eq(portalRequests.id, r.id));
  }

  async function change(e: TransitionEvent<VmRequest, RequestFireContext>) {
    const r = e.record;
    const spec = r.spec as ChangeSpec;
    requireChecks(
      e.input.changeChecklist as Record<string, boolean> | undefined,
      { backup: { label: '変更前のバックアップ取得', when: true }, resources: { label: 'CPU・メモリ・ディスク・NIC の変更作業', when: true } },
      'changeChecklist',
    );
    const [row] = await e.tx
      .select({ vm: cmdbVms, level: cmdbSystems.serviceLevel })
      .from(cmdbVms)
      .innerJoin(cmdbSystems, eq(cmdbSystems.id, cmdbVms.systemId))
      .where(eq(cmdbVms.id, r.vmId!));
    if (!row) throw fieldError('vmId', 'portal.vm_not_found');
    const { vm } = row;
    const hostId = typeof e.input.hostId === 'string' && e.input.hostId ? e.input.hostId : vm.hostId;
    if (!hostId) throw fieldError('hostId', 'field.required');
    const estate = await loadEstate(e.tx);
    const siteOf = estate.sites.find((s) => s.id === estate.hosts.find((h) => h.id === hostId)?.siteId);
    await hostFor(
      e.tx,
      {
        id: vm.id,
        name: vm.name,
        level: (vm.serviceLevelOverride ?? row.level) as Level,
        vcpu: spec.cpu,
        memoryGib: spec.memoryGb,
        diskGib: spec.diskGb,
        site: siteOf?.role ?? 'main',
        pinnedHost: null,
        ha: vm.ha,
      },
      hostId,
    );
    const nics = vm.nics.slice(0, spec.nics);
    for (let i = nics.length; i < spec.nics; i++) nics.push({ network: `LAN ${i + 1}`, ip: null });
    await cmdb(e.tx).update(
      onBehalf(e.ctx.actor, r.requestNo),
      'vm',
      vm.id,
      {
        version: vm.version,
        vcpu: spec.cpu,
        memoryGib: spec.memoryGb,
        diskGib: spec.diskGb,
        nics: nics.map((n) => ({ network: n.network, ip: n.ip ?? null, mac: n.mac ?? null, adapter: n.adapter ?? null })),
        hostId,
        reason: `リソース変更申請 ${r.requestNo} によりリソースを変更（${r.title}）`,
        cause: `vm_request:${r.requestNo}`,
      } as never,
      { tx: e.tx, source: 'api' },
    );
    await e.tx
      .update(portalRequests)
      .set({ hostId, checklist: e.input.changeChecklist as Record<string, boolean> })
      .where(eq(portalRequests.id, r.id));
  }

  return async (e: TransitionEvent<VmRequest, RequestFireContext>) => (e.record.kind === 'provision' ? provision(e) : change(e));
}
