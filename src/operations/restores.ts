import { and, asc, count, desc, eq, ilike, inArray, ne, notInArray, or, type SQL, sql } from 'drizzle-orm';
import { audit } from '../audit/index.ts';
import { BusinessCalendar, type BusinessHours } from '../calendar/index.ts';
import { toJstYmd } from '../calendar/jst.ts';
import { cmdbClusters, cmdbHosts, cmdbSystems, cmdbVms } from '../cmdb/schema.ts';
import type { Db } from '../db/connection.ts';
import { inTx } from '../db/tx.ts';
import { type Actor, requirePermission, visibleDepartments } from '../iam/actor.ts';
import { departments } from '../iam/schema.ts';
import type { Clock } from '../kernel/clock.ts';
import { ConflictError, fieldError, NotFoundError } from '../kernel/errors.ts';
import { likePattern, type Page, parseSort } from '../kernel/paging.ts';
import { fire, isOverdue, processView, type RecordDeadline, recordEvent } from '../process/index.ts';
import { checkInput, type RestoreActionInput, type RestoreInput, type RestoreListQuery, restoreActionInput, restoreInput } from './inputs.ts';
import { estimateLicences, type LicenceCounts } from './licences.ts';
import { type RestoreRequest, restoreProcess } from './process.ts';
import { entryForRestore, nextRestoreNo, RESTORE_KIND_LABELS } from './register.ts';
import { type ChecklistItem, operationEntries, type RestoreKind, restoreRequests } from './schema.ts';
import { restoreScope } from './scope.ts';

const FINAL = ['closed', 'declined', 'withdrawn'];
const stateLabel = (s: string) => restoreProcess.states[s] ?? { ja: s, en: s };

/** What the requester must name besides the VM (M §3.1: 仮想マシン単位・ディスク単位・ファイル/フォルダ単位). */
const TARGET_NEEDED: Partial<Record<RestoreKind, string>> = { disk: '仮想ディスク名', file: 'ファイル/フォルダのパス' };

/** The work checklist of a restore (BAK-5), per kind; the evidence closes it (N §3.10.3.2). */
export function restoreChecklist(kind: RestoreKind): ChecklistItem[] {
  const item = (key: string, label: string): ChecklistItem => ({ key, label, done: false, doneBy: null, doneAt: null });
  const first = [item('generation', 'リストアするバックアップ世代（時点）の確認'), item('agreement', '依頼元と復元先・上書き可否の確認')];
  const last = [item('evidence', '作業結果（証跡）を所定のフォルダに格納')];
  const body: Record<RestoreKind, ChecklistItem[]> = {
    vm: [item('restore', '仮想マシン単位でリストア'), item('boot', '起動・疎通の確認')],
    disk: [item('restore', '対象の仮想ディスクをリストアして接続'), item('os', 'OS からディスクが認識されることの確認')],
    file: [
      item('attach', 'リストア用ディスクを仮想マシンに一時接続'),
      item('owner_console', 'システム所管がコンソール上でファイル/フォルダを復元（統合サーバ管理担当の指示）'),
      item('detach', '一時接続したディスクの切り離し'),
    ],
    remote: [item('replica', '遠隔地（副環境）ストレージの複製の確認'), item('restore', '複製から仮想マシンを復旧'), item('boot', '起動・疎通の確認')],
  };
  return [...first, ...body[kind], ...last];
}

/**
 * When a restore request is due. N's backup and operations sections (§3.8 バックアップ管理, §3.10 オペレーション
 * 管理) and M §3.1 set no deadline for a requested restore, and §2.6's recovery targets (A 10分 / B 4時間 /
 * C 翌開庁日) are for failures, handled as incidents. So Kiban counts a configurable number of business days
 * (KIBAN_RESTORE_DUE_BUSINESS_DAYS, default 2) of the business calendar from receipt: received Friday 10:00 with
 * 2 days → due Tuesday 10:00 (the same time of day, holidays and 12/29–1/3 skipped; received after hours, counted
 * from the next opening).
 */
export function restoreDueAt(calendar: BusinessCalendar, receivedAt: Date, businessDays: number): Date {
  return calendar.addBusinessHours(receivedAt, businessDays * calendar.hoursPerDay);
}

const DUE_LABEL = { ja: 'リストア作業の期限（依頼元の確認依頼まで）', en: 'Restore due (reported to the owner)' };

export function createRestoreService(deps: { db: Db; clock: Clock; businessHours?: BusinessHours; restoreDueBusinessDays?: number }) {
  const { db, clock } = deps;
  const calendar = new BusinessCalendar(deps.businessHours ?? {});
  const dueDays = deps.restoreDueBusinessDays ?? 2;
  const deadlines = (r: RestoreRequest, now: Date): RecordDeadline[] =>
    r.dueAt
      ? [
          {
            key: 'restore',
            label: DUE_LABEL,
            dueAt: r.dueAt,
            doneAt: r.completedAt,
            overdue: !FINAL.includes(r.state) && isOverdue(r.dueAt, now, r.completedAt),
          },
        ]
      : [];
  const ctxOf = (actor: Actor) => ({ clock, actor });
  const requireRead = (actor: Actor) => requirePermission(actor, 'operations.read');

  /** The VM if `actor` may see it (its system's department for an owner); otherwise a 400 naming vmId. */
  async function vmFor(t: Db, actor: Actor, vmId: string) {
    const depts = visibleDepartments(actor);
    const [vm] = await t
      .select({ id: cmdbVms.id, name: cmdbVms.name, departmentId: cmdbSystems.departmentId })
      .from(cmdbVms)
      .leftJoin(cmdbSystems, eq(cmdbSystems.id, cmdbVms.systemId))
      .where(
        and(
          eq(cmdbVms.id, vmId),
          ne(cmdbVms.status, 'retired'),
          depts === null ? undefined : depts.length ? inArray(cmdbSystems.departmentId, depts) : sql`false`,
        ),
      );
    if (!vm) throw fieldError('vmId', 'operations.vm_not_found');
    if (!vm.departmentId) throw fieldError('vmId', 'operations.vm_no_system');
    return vm as { id: string; name: string; departmentId: string };
  }

  /** リストア依頼: from the owner (their own department's VMs) or the vendor; routed to the list's entry. */
  async function create(actor: Actor, raw: RestoreInput) {
    requireRead(actor);
    const input = restoreInput.parse(raw);
    const what = TARGET_NEEDED[input.kind];
    if (what && input.target.trim() === '') throw fieldError('target', 'operations.restore_target_required', { kind: RESTORE_KIND_LABELS[input.kind], what });
    return inTx(db, async (t) => {
      const vm = await vmFor(t, actor, input.vmId);
      const entry = await entryForRestore(t, input.kind);
      const now = clock.now();
      const owner = visibleDepartments(actor) !== null;
      const [r] = await t
        .insert(restoreRequests)
        .values({
          requestNo: await nextRestoreNo(t, Number(toJstYmd(now).slice(0, 4))),
          kind: input.kind,
          state: restoreProcess.initial,
          vmId: vm.id,
          vmName: vm.name,
          departmentId: vm.departmentId,
          target: input.target || '仮想マシン全体',
          restorePoint: input.restorePoint,
          reason: input.reason,
          entryId: entry?.id ?? null,
          entryRevisionNo: entry?.revisionNo ?? null,
          checklist: restoreChecklist(input.kind),
          dueAt: restoreDueAt(calendar, now, dueDays),
          requestedBy: actor.personId,
          requestedByLabel: actor.label,
          requesterKind: owner ? 'owner' : 'vendor',
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      const routed = entry ? `${entry.entryNo} ${entry.title} に振り分け` : 'オペレーション一覧に該当なし（管理者が手順を作成して指示）';
      await recordEvent(t, now, actor, {
        process: restoreProcess.name,
        recordId: r!.id,
        action: 'create',
        state: r!.state,
        fromState: '',
        comment: `${input.reason}（${routed}）`,
      });
      await audit(t, clock, actor, { action: 'restore_request.create', entityType: 'restore_request', entityId: r!.id, after: r });
      return r!;
    });
  }

  async function load(t: Db, actor: Actor, id: string): Promise<RestoreRequest> {
    requireRead(actor);
    const [r] = await t
      .select()
      .from(restoreRequests)
      .where(and(eq(restoreRequests.id, id), restoreScope(actor)));
    if (!r) throw new NotFoundError('error.not_found');
    return r;
  }

  const SORTS: Record<string, SQL> = {
    requestNo: sql`${restoreRequests.requestNo}`,
    createdAt: sql`${restoreRequests.createdAt}`,
    state: sql`${restoreRequests.state}`,
    vmName: sql`${restoreRequests.vmName}`,
  };

  async function list(
    actor: Actor,
    q: RestoreListQuery,
  ): Promise<
    Page<
      RestoreRequest & { kindLabel: string; stateLabel: { ja: string; en: string }; entryNo: string | null; departmentName: string | null; overdue: boolean }
    >
  > {
    requireRead(actor);
    const w = and(
      restoreScope(actor),
      q.state ? eq(restoreRequests.state, q.state) : undefined,
      q.kind ? eq(restoreRequests.kind, q.kind) : undefined,
      q.open === 'true' ? notInArray(restoreRequests.state, FINAL) : q.open === 'false' ? inArray(restoreRequests.state, FINAL) : undefined,
      q.q
        ? or(
            ilike(restoreRequests.requestNo, likePattern(q.q)),
            ilike(restoreRequests.vmName, likePattern(q.q)),
            ilike(restoreRequests.target, likePattern(q.q)),
          )
        : undefined,
    );
    const { field, desc: d } = parseSort(q.sort, '-createdAt');
    const order = SORTS[field] ?? SORTS.createdAt!;
    const rows = await db
      .select({ r: restoreRequests, entryNo: operationEntries.entryNo, dept: departments.name })
      .from(restoreRequests)
      .leftJoin(operationEntries, eq(operationEntries.id, restoreRequests.entryId))
      .leftJoin(departments, eq(departments.id, restoreRequests.departmentId))
      .where(w)
      .orderBy(d ? sql`${order} DESC` : sql`${order} ASC`, desc(restoreRequests.requestNo))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize);
    const total = Number((await db.select({ n: count() }).from(restoreRequests).where(w))[0]?.n ?? 0);
    const now = clock.now();
    return {
      items: rows.map(({ r, entryNo, dept }) => ({
        overdue: deadlines(r, now).some((d) => d.overdue),
        ...r,
        kindLabel: RESTORE_KIND_LABELS[r.kind],
        stateLabel: stateLabel(r.state),
        entryNo,
        departmentName: dept,
      })),
      total,
      page: q.page,
      pageSize: q.pageSize,
    };
  }

  async function get(actor: Actor, id: string) {
    const r = await load(db, actor, id);
    const [entry] = r.entryId
      ? await db
          .select({
            id: operationEntries.id,
            entryNo: operationEntries.entryNo,
            title: operationEntries.title,
            procedure: operationEntries.procedure,
            evidence: operationEntries.evidence,
            preconditions: operationEntries.preconditions,
            revisionNo: operationEntries.revisionNo,
          })
          .from(operationEntries)
          .where(eq(operationEntries.id, r.entryId))
      : [];
    const [dept] = await db.select({ name: departments.name }).from(departments).where(eq(departments.id, r.departmentId));
    const vendor = visibleDepartments(actor) === null;
    return {
      ...r,
      kindLabel: RESTORE_KIND_LABELS[r.kind],
      stateLabel: stateLabel(r.state),
      departmentName: dept?.name ?? null,
      entry: entry ?? null,
      canCheck: r.state === 'in_progress' && vendor,
      process: await processView(db, restoreProcess, r, actor, { deadlines: deadlines(r, clock.now()) }),
    };
  }

  /** A checklist item ticked or cleared by the vendor's team while the work is in progress. */
  async function check(actor: Actor, id: string, raw: unknown) {
    const { version, key, done } = checkInput.parse(raw);
    return inTx(db, async (t) => {
      const r = await load(t, actor, id);
      if (visibleDepartments(actor) !== null) throw new NotFoundError('error.not_found');
      if (r.state !== 'in_progress') throw new ConflictError('operations.not_in_progress', { state: stateLabel(r.state).ja });
      const item = r.checklist.find((c) => c.key === key);
      if (!item) throw fieldError('key', 'operations.checklist_item_unknown', { key });
      const now = clock.now();
      const checklist = r.checklist.map((c) =>
        c.key === key ? { ...c, done, doneBy: done ? actor.label : null, doneAt: done ? now.toISOString() : null } : c,
      );
      const [after] = await t
        .update(restoreRequests)
        .set({ checklist, updatedAt: now, version: sql`${restoreRequests.version} + 1` })
        .where(and(eq(restoreRequests.id, id), eq(restoreRequests.version, version)))
        .returning();
      if (!after) throw new ConflictError('error.stale_version');
      await recordEvent(t, now, actor, {
        process: restoreProcess.name,
        recordId: id,
        action: 'check',
        state: r.state,
        comment: `${done ? '☑' : '☐'} ${item.label}`,
      });
      await audit(t, clock, actor, {
        action: 'restore_request.check',
        entityType: 'restore_request',
        entityId: id,
        before: { key, done: item.done },
        after: { key, done },
      });
      return after;
    });
  }

  async function act(actor: Actor, id: string, action: string, raw: RestoreActionInput) {
    const { version, ...input } = restoreActionInput.parse(raw);
    const comment = input.comment ?? input.reason;
    return inTx(db, async (t) => {
      const r = await load(t, actor, id);
      if (action === 'complete') {
        const open = r.checklist.filter((c) => !c.done);
        if (open.length) throw new ConflictError('operations.checklist_open', { items: open.map((c) => c.label).join('、') });
      }
      const after = await fire(t, ctxOf(actor), restoreProcess, { ...r, version }, action, { ...input, comment });
      return { ...after, stateLabel: stateLabel(after.state) };
    });
  }

  /** ライセンス (OPS-8): the VM's hosts (it may run on), and what each licence unit needs. */
  async function licences(actor: Actor, vmId: string, counts: LicenceCounts) {
    requirePermission(actor, 'cmdb.read');
    const depts = visibleDepartments(actor);
    const [vm] = await db
      .select({ vm: cmdbVms, departmentId: cmdbSystems.departmentId })
      .from(cmdbVms)
      .leftJoin(cmdbSystems, eq(cmdbSystems.id, cmdbVms.systemId))
      .where(
        and(
          eq(cmdbVms.id, vmId),
          ne(cmdbVms.status, 'retired'),
          depts === null ? undefined : depts.length ? inArray(cmdbSystems.departmentId, depts) : sql`false`,
        ),
      );
    if (!vm) throw new NotFoundError('error.not_found');
    const [host] = vm.vm.hostId ? await db.select().from(cmdbHosts).where(eq(cmdbHosts.id, vm.vm.hostId)) : [];
    const [cluster] = host?.clusterId ? await db.select().from(cmdbClusters).where(eq(cmdbClusters.id, host.clusterId)) : [];
    const hosts = cluster
      ? await db
          .select()
          .from(cmdbHosts)
          .where(and(eq(cmdbHosts.clusterId, cluster.id), ne(cmdbHosts.status, 'retired')))
          .orderBy(asc(cmdbHosts.name))
      : [];
    const h = (x: typeof cmdbHosts.$inferSelect) => ({ name: x.name, cpuSockets: x.cpuSockets, cpuCores: x.cpuCores });
    const estimate = estimateLicences(
      {
        name: vm.vm.name,
        vcpu: vm.vm.vcpu,
        hostPinned: vm.vm.hostPinned,
        ha: vm.vm.ha,
        srm: vm.vm.srm,
        host: host ? h(host) : null,
        cluster: cluster ? { name: cluster.name, haEnabled: cluster.haEnabled, drsEnabled: cluster.drsEnabled, hosts: hosts.map(h) } : null,
      },
      counts,
    );
    return {
      ...estimate,
      vmId,
      hostPinned: vm.vm.hostPinned,
      ha: vm.vm.ha,
      cluster: cluster ? { name: cluster.name, haEnabled: cluster.haEnabled, drsEnabled: cluster.drsEnabled } : null,
      host: host?.name ?? null,
    };
  }

  return { create, list, get, check, act, licences };
}

export type RestoreService = ReturnType<typeof createRestoreService>;
