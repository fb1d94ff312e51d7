import { and, asc, count, desc, eq, ilike, inArray, isNotNull, isNull, lte, ne, or, type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { z } from 'zod';
import { audit } from '../audit/audit.ts';
import type { Db } from '../db/connection.ts';
import { inTx } from '../db/tx.ts';
import { type Actor, can, requirePermission, systemActor, visibleDepartments } from '../iam/actor.ts';
import { departments } from '../iam/schema.ts';
import type { Clock } from '../kernel/clock.ts';
import { ConflictError, fieldError, ForbiddenError, NotFoundError } from '../kernel/errors.ts';
import { likePattern, type Page, parseSort } from '../kernel/paging.ts';
import { type ClusterN1, computeCapacity, computeN1, type VmRow } from './capacity.ts';
import { type CmdbConfig, cmdbConfig, type DeepPartial } from './config.ts';
import { toCsv, toXlsx } from './export.ts';
import {
  type CiKind,
  ciInputs,
  type CreateInput,
  type HostRef,
  placementInput,
  transitionInput,
  type TransitionInput,
  type UpdateInput,
  type VmRef,
} from './inputs.ts';
import { canMove, type CiStatus, STATUS_LABELS } from './lifecycle.ts';
import { KIND_LABELS } from './messages.ts';
import { exampleName, followsNamingRule, type Level } from './naming.ts';
import type { CapacityQuery, CiListQuery } from './queries.ts';
import {
  CI_SOURCES,
  cmdbClusters,
  cmdbContacts,
  cmdbContracts,
  cmdbHistory,
  cmdbHosts,
  cmdbManagementServers,
  cmdbNetworkDevices,
  cmdbSites,
  cmdbStorage,
  cmdbSystems,
  cmdbVms,
} from './schema.ts';

export type CiSource = (typeof CI_SOURCES)[number];

export const CI_TABLES = {
  site: cmdbSites,
  cluster: cmdbClusters,
  host: cmdbHosts,
  management_server: cmdbManagementServers,
  storage: cmdbStorage,
  network_device: cmdbNetworkDevices,
  contract: cmdbContracts,
  system: cmdbSystems,
  vm: cmdbVms,
  contact: cmdbContacts,
} as const;

/** The columns every CI table has; generic code touches only these. */
type CommonRow = {
  id: string;
  name: string;
  status: CiStatus;
  statusChangedAt: Date;
  notes: string | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
};
export type CiRow = CommonRow & Record<string, unknown>;
export type CiRowOf<K extends CiKind> = (typeof CI_TABLES)[K]['$inferSelect'];

// Drizzle cannot type a query over a union of tables; generic code sees each table through the
// columns they share (all CI tables are built from the same `ciColumns()` in schema.ts).
// biome-ignore lint/suspicious/noExplicitAny: see above
type AnyTable = any;
const table = (kind: CiKind): AnyTable => CI_TABLES[kind];
const col = (kind: CiKind, name: string): PgColumn => (CI_TABLES[kind] as unknown as Record<string, PgColumn>)[name] as PgColumn;

/** Platform equipment: visible only to roles that see every department (system owners see their systems). */
const INFRA_KINDS: readonly CiKind[] = ['site', 'cluster', 'host', 'management_server', 'storage', 'network_device', 'contract'];

/** Foreign keys each kind carries, checked to exist and not to be retired. */
const REFS: Record<CiKind, { field: string; kind: CiKind | 'department' }[]> = {
  site: [],
  cluster: [{ field: 'siteId', kind: 'site' }],
  host: [
    { field: 'siteId', kind: 'site' },
    { field: 'clusterId', kind: 'cluster' },
  ],
  management_server: [{ field: 'siteId', kind: 'site' }],
  storage: [
    { field: 'siteId', kind: 'site' },
    { field: 'clusterId', kind: 'cluster' },
  ],
  network_device: [{ field: 'siteId', kind: 'site' }],
  contract: [],
  system: [{ field: 'departmentId', kind: 'department' }],
  vm: [
    { field: 'systemId', kind: 'system' },
    { field: 'hostId', kind: 'host' },
    { field: 'vcenterId', kind: 'management_server' },
  ],
  contact: [{ field: 'systemId', kind: 'system' }],
};

/** Fields unique among the CIs of a kind that are not retired (case-insensitive). */
const UNIQUE: Record<CiKind, string[]> = {
  site: ['name', 'code'],
  cluster: ['name'],
  host: ['name'],
  management_server: ['name'],
  storage: ['name'],
  network_device: ['name'],
  contract: ['name'],
  system: ['name', 'code'],
  vm: ['name'],
  contact: [],
};

/** Children that must be retired before their parent can be (records are never orphaned while live). */
const CHILDREN: Partial<Record<CiKind, { kind: CiKind; field: string }[]>> = {
  site: [
    { kind: 'cluster', field: 'siteId' },
    { kind: 'host', field: 'siteId' },
    { kind: 'storage', field: 'siteId' },
    { kind: 'network_device', field: 'siteId' },
    { kind: 'management_server', field: 'siteId' },
  ],
  cluster: [{ kind: 'host', field: 'clusterId' }],
  host: [{ kind: 'vm', field: 'hostId' }],
  system: [{ kind: 'vm', field: 'systemId' }],
};

/** Contacts and contracts are in force from the moment they are recorded; equipment starts being built. */
const DEFAULT_STATUS: Partial<Record<CiKind, CiStatus>> = { contact: 'active', contract: 'active' };

/** Keys that are bookkeeping, not content: left out of diffs. */
const BOOKKEEPING = new Set(['version', 'updatedAt', 'createdAt']);

export interface ChangeOptions {
  /** Reuse a transaction (services compose). Inside it, only `tx` is used. */
  tx?: Db;
  /** Overrides the body's source: the vCenter and RVTools importers pass theirs. */
  source?: CiSource;
}

export interface HistoryEntry {
  id: number;
  at: Date;
  actor: string;
  action: string;
  reason: string;
  cause: string | null;
  source: CiSource;
  /** Changed fields only, before → after. */
  changes: { field: string; before: unknown; after: unknown }[];
  before: unknown;
  after: unknown;
}

function jsonSafe(v: unknown): unknown {
  return v === undefined ? null : (JSON.parse(JSON.stringify(v)) as unknown);
}

export function diff(before: unknown, after: unknown): HistoryEntry['changes'] {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => !BOOKKEEPING.has(k));
  return keys
    .filter((k) => JSON.stringify(b[k] ?? null) !== JSON.stringify(a[k] ?? null))
    .map((k) => ({ field: k, before: b[k] ?? null, after: a[k] ?? null }));
}

function pgUniqueViolation(e: unknown): string | undefined {
  for (let x: unknown = e, i = 0; x && i < 4; x = (x as { cause?: unknown }).cause, i++) {
    const o = x as { code?: string; constraint?: string };
    if (o.code === '23505') return o.constraint ?? '';
  }
  return undefined;
}

export interface CmdbDeps {
  db: Db;
  clock: Clock;
  config?: DeepPartial<CmdbConfig>;
}

/**
 * The configuration ledger's use cases (N §3.5, CMDB-1..9, ORG-5). Every change checks the
 * 'cmdb.manage' permission, requires a reason, checks the version the caller saw, and writes the CI,
 * its history row and the audit record in one transaction. Reads check 'cmdb.read' and the
 * department scope: a system owner sees only its own department's systems, VMs and contacts.
 */
export function createCmdbService({ db, clock, config: partial }: CmdbDeps) {
  const config = cmdbConfig(partial);

  // ---------------------------------------------------------------- scope

  function readScope(actor: Actor, kind: CiKind): string[] | null {
    requirePermission(actor, 'cmdb.read');
    const scope = visibleDepartments(actor);
    if (scope && INFRA_KINDS.includes(kind)) throw new ForbiddenError('cmdb.infra_forbidden');
    return scope;
  }

  async function departmentOf(t: Db, kind: CiKind, row: CiRow): Promise<string | null> {
    if (kind === 'system') return row.departmentId as string;
    if (kind === 'vm' || kind === 'contact') {
      if (!row.systemId) return null;
      const [s] = await t.select({ d: cmdbSystems.departmentId }).from(cmdbSystems).where(eq(cmdbSystems.id, row.systemId as string));
      return s?.d ?? null;
    }
    return null;
  }

  /** Hidden CIs answer 404, not 403: an owner does not learn that another department's CI exists. */
  async function assertVisible(t: Db, scope: string[] | null, kind: CiKind, row: CiRow): Promise<void> {
    if (!scope) return;
    const d = await departmentOf(t, kind, row);
    if (!d || !scope.includes(d)) throw new NotFoundError('error.not_found');
  }

  async function load(t: Db, kind: CiKind, id: string, forUpdate = false): Promise<CiRow> {
    const tbl = table(kind);
    const q = t.select().from(tbl).where(eq(tbl.id, id));
    const rows = (forUpdate ? await q.for('update') : await q) as CiRow[];
    const row = rows[0];
    if (!row) throw new NotFoundError('error.not_found');
    return row;
  }

  // ---------------------------------------------------------------- checks

  async function checkRefs(t: Db, kind: CiKind, next: CiRow, changed: Set<string> | null): Promise<void> {
    const touched = (f: string) => !changed || changed.has(f);
    for (const ref of REFS[kind]) {
      const id = next[ref.field] as string | null | undefined;
      if (!id || !touched(ref.field)) continue;
      if (ref.kind === 'department') {
        const d = await t.select({ id: departments.id }).from(departments).where(eq(departments.id, id));
        if (!d.length) throw fieldError(ref.field, 'cmdb.unknown_ref', { kind: KIND_LABELS.department.ja });
        continue;
      }
      const tbl = table(ref.kind);
      const [r] = (await t.select().from(tbl).where(eq(tbl.id, id))) as CiRow[];
      if (!r) throw fieldError(ref.field, 'cmdb.unknown_ref', { kind: KIND_LABELS[ref.kind].ja });
      if (r.status === 'retired') throw fieldError(ref.field, 'cmdb.ref_retired', { kind: KIND_LABELS[ref.kind].ja });
      if (ref.field === 'vcenterId' && r.kind !== 'vcenter') throw fieldError(ref.field, 'cmdb.not_vcenter');
    }
    // A host or storage in a cluster sits at the cluster's site.
    if ((kind === 'host' || kind === 'storage') && next.clusterId && (touched('clusterId') || touched('siteId'))) {
      const [c] = await t.select({ siteId: cmdbClusters.siteId }).from(cmdbClusters).where(eq(cmdbClusters.id, next.clusterId as string));
      if (c && c.siteId !== next.siteId) throw fieldError('clusterId', 'cmdb.cluster_other_site');
    }
    if (kind === 'contract' && (touched('ciType') || touched('ciId'))) {
      const target = next.ciType as CiKind;
      const tbl = table(target);
      const [r] = (await t.select().from(tbl).where(eq(tbl.id, next.ciId as string))) as CiRow[];
      if (!r) throw fieldError('ciId', 'cmdb.unknown_ref', { kind: KIND_LABELS[target].ja });
    }
  }

  async function checkUnique(t: Db, kind: CiKind, next: CiRow, selfId: string | null, changed: Set<string> | null): Promise<void> {
    const tbl = table(kind);
    for (const field of UNIQUE[kind]) {
      const v = next[field];
      if (v === null || v === undefined || (changed && !changed.has(field))) continue;
      const dup = await t
        .select({ id: tbl.id })
        .from(tbl)
        .where(
          and(
            sql`lower(${col(kind, field)}) = lower(${String(v)})`,
            ne(tbl.status, 'retired'),
            selfId ? ne(tbl.id, selfId) : undefined,
          ),
        )
        .limit(1);
      if (dup.length) {
        const key = field === 'name' ? 'cmdb.name_taken' : 'cmdb.code_taken';
        throw new ConflictError(key, { kind: KIND_LABELS[kind].ja }, { [field]: { key, params: { kind: KIND_LABELS[kind].ja } } });
      }
    }
    if (kind === 'contact' && (!changed || changed.has('email') || changed.has('systemId'))) {
      const dup = await t
        .select({ id: cmdbContacts.id })
        .from(cmdbContacts)
        .where(
          and(
            eq(cmdbContacts.systemId, next.systemId as string),
            sql`lower(${cmdbContacts.email}) = lower(${String(next.email)})`,
            ne(cmdbContacts.status, 'retired'),
            selfId ? ne(cmdbContacts.id, selfId) : undefined,
          ),
        )
        .limit(1);
      if (dup.length) throw new ConflictError('cmdb.email_taken', {}, { email: { key: 'cmdb.email_taken' } });
    }
  }

  async function namingContext(t: Db, systemId: string | null | undefined, override: Level | null | undefined) {
    if (!systemId) return null;
    const [s] = await t.select().from(cmdbSystems).where(eq(cmdbSystems.id, systemId));
    if (!s) return null;
    return { level: (override ?? s.serviceLevel) as Level, environment: s.environment, systemCode: s.code };
  }

  async function checkVm(t: Db, next: CiRow, changed: Set<string> | null, source: CiSource): Promise<void> {
    if (next.serviceLevelOverride && !next.serviceLevelOverrideReason) {
      throw fieldError('serviceLevelOverrideReason', 'cmdb.override_reason_required');
    }
    // Names from vCenter or RVTools are what they are; the rule is enforced where people type names.
    const typed = source === 'ui' || source === 'api';
    if (!config.naming.enforce || !typed) return;
    if (changed && !['name', 'systemId', 'serviceLevelOverride'].some((f) => changed.has(f))) return;
    const ctx = await namingContext(t, next.systemId as string | null, next.serviceLevelOverride as Level | null);
    if (ctx && !followsNamingRule(String(next.name), config.naming.pattern, ctx)) {
      throw fieldError('name', 'cmdb.naming_violation', { level: ctx.level, example: exampleName(ctx) });
    }
  }

  // ---------------------------------------------------------------- history

  async function record(
    t: Db,
    actor: Actor,
    kind: CiKind,
    id: string,
    action: string,
    meta: { reason: string; cause?: string | null; source: CiSource },
    before: unknown,
    after: unknown,
  ): Promise<void> {
    await t.insert(cmdbHistory).values({
      ciType: kind,
      ciId: id,
      at: clock.now(),
      actorId: actor.personId,
      actor: actor.label,
      action,
      reason: meta.reason,
      cause: meta.cause ?? null,
      source: meta.source,
      before: jsonSafe(before),
      after: jsonSafe(after),
    });
    await audit(t, clock, actor, {
      action: `cmdb.${kind}.${action}`,
      entityType: `cmdb.${kind}`,
      entityId: id,
      before,
      after: after === null || after === undefined ? after : { ...(after as object), _change: { reason: meta.reason, cause: meta.cause ?? null, source: meta.source } },
    });
  }

  const tx = <T>(given: Db | undefined, fn: (t: Db) => Promise<T>) => (given ? fn(given) : inTx(db, fn));

  async function guarded<T>(kind: CiKind, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      // Two writers racing past the service check meet the partial unique index.
      const c = pgUniqueViolation(e);
      if (c === undefined) throw e;
      const field = c.includes('_code_') ? 'code' : 'name';
      const key = field === 'name' ? 'cmdb.name_taken' : 'cmdb.code_taken';
      throw new ConflictError(key, { kind: KIND_LABELS[kind].ja }, { [field]: { key, params: { kind: KIND_LABELS[kind].ja } } });
    }
  }

  // ---------------------------------------------------------------- writes

  async function create<K extends CiKind>(actor: Actor, kind: K, raw: CreateInput<K>, opts: ChangeOptions = {}): Promise<CiRowOf<K>> {
    requirePermission(actor, 'cmdb.manage');
    const parsed = (ciInputs[kind].create as z.ZodType).parse(raw) as Record<string, unknown>;
    const { reason, cause, source: bodySource, status, ...data } = parsed;
    const source = opts.source ?? (bodySource as CiSource | undefined) ?? 'api';
    return guarded(kind, () =>
      tx(opts.tx, async (t) => {
        const now = clock.now();
        const next = { ...data, status: status ?? DEFAULT_STATUS[kind] ?? 'building' } as CiRow;
        if (kind === 'vm' && !next.serviceLevelOverride) next.serviceLevelOverrideReason = null;
        await checkRefs(t, kind, next, null);
        await checkUnique(t, kind, next, null, null);
        if (kind === 'vm') await checkVm(t, next, null, source);
        const tbl = table(kind);
        const [row] = (await t
          .insert(tbl)
          .values({ ...next, statusChangedAt: now, createdAt: now, updatedAt: now })
          .returning()) as CiRow[];
        if (!row) throw new Error('insert returned nothing');
        await record(t, actor, kind, row.id, 'create', { reason: reason as string, cause: cause as string | null, source }, null, row);
        return row as CiRowOf<K>;
      }),
    );
  }

  async function update<K extends CiKind>(
    actor: Actor,
    kind: K,
    id: string,
    raw: UpdateInput<K>,
    opts: ChangeOptions = {},
  ): Promise<CiRowOf<K>> {
    requirePermission(actor, 'cmdb.manage');
    const parsed = (ciInputs[kind].update as z.ZodType).parse(raw) as Record<string, unknown>;
    const { reason, cause, source: bodySource, version, ...data } = parsed;
    const source = opts.source ?? (bodySource as CiSource | undefined) ?? 'api';
    return guarded(kind, () =>
      tx(opts.tx, async (t) => {
        const before = await load(t, kind, id, true);
        await assertVisible(t, visibleDepartments(actor), kind, before);
        if (before.version !== version) throw new ConflictError('error.stale_version');
        if (before.status === 'retired') throw new ConflictError('cmdb.retired');
        const next = { ...before, ...data } as CiRow;
        if (kind === 'vm' && !next.serviceLevelOverride) next.serviceLevelOverrideReason = null;
        const changed = new Set(diff(before, next).map((c) => c.field));
        if (!changed.size) return before as CiRowOf<K>;
        await checkRefs(t, kind, next, changed);
        await checkUnique(t, kind, next, id, changed);
        if (kind === 'vm') await checkVm(t, next, changed, source);
        const tbl = table(kind);
        const set = Object.fromEntries([...changed].map((f) => [f, next[f]]));
        const [row] = (await t
          .update(tbl)
          .set({ ...set, updatedAt: clock.now(), version: sql`${tbl.version} + 1` })
          .where(and(eq(tbl.id, id), eq(tbl.version, version as number)))
          .returning()) as CiRow[];
        if (!row) throw new ConflictError('error.stale_version');
        await record(t, actor, kind, id, 'update', { reason: reason as string, cause: cause as string | null, source }, before, row);
        return row as CiRowOf<K>;
      }),
    );
  }

  /** Moves a CI along the lifecycle (lifecycle.ts); refused moves name the `to` field. */
  async function transition<K extends CiKind>(
    actor: Actor,
    kind: K,
    id: string,
    raw: TransitionInput,
    opts: ChangeOptions = {},
  ): Promise<CiRowOf<K>> {
    requirePermission(actor, 'cmdb.manage');
    const input = transitionInput.parse(raw);
    const source = opts.source ?? input.source ?? 'api';
    return tx(opts.tx, async (t) => {
      const before = await load(t, kind, id, true);
      await assertVisible(t, visibleDepartments(actor), kind, before);
      if (before.version !== input.version) throw new ConflictError('error.stale_version');
      if (!canMove(before.status, input.to)) {
        const params = { from: STATUS_LABELS[before.status].ja, to: STATUS_LABELS[input.to].ja };
        throw new ConflictError('cmdb.transition_not_allowed', params, { to: { key: 'cmdb.transition_not_allowed', params } });
      }
      if (input.to === 'retired') {
        for (const child of CHILDREN[kind] ?? []) {
          const ct = table(child.kind);
          const [n] = await t
            .select({ n: count() })
            .from(ct)
            .where(and(eq(col(child.kind, child.field), id), ne(ct.status, 'retired')));
          if (n && n.n > 0) throw new ConflictError('cmdb.has_live_children', { child: KIND_LABELS[child.kind].ja, count: n.n });
        }
      }
      const tbl = table(kind);
      const now = clock.now();
      const [row] = (await t
        .update(tbl)
        .set({ status: input.to, statusChangedAt: now, updatedAt: now, version: sql`${tbl.version} + 1` })
        .where(and(eq(tbl.id, id), eq(tbl.version, input.version)))
        .returning()) as CiRow[];
      if (!row) throw new ConflictError('error.stale_version');
      await record(t, actor, kind, id, 'transition', { reason: input.reason, cause: input.cause, source }, before, row);
      return row as CiRowOf<K>;
    });
  }

  async function resolveVm(t: Db, ref: VmRef) {
    const rows = await t
      .select()
      .from(cmdbVms)
      .where(
        and(
          ne(cmdbVms.status, 'retired'),
          ref.id ? eq(cmdbVms.id, ref.id) : undefined,
          ref.moref ? eq(cmdbVms.moref, ref.moref) : undefined,
          ref.uuid ? eq(cmdbVms.uuid, ref.uuid) : undefined,
          ref.name ? eq(cmdbVms.name, ref.name) : undefined,
        ),
      )
      .limit(2);
    if (rows.length !== 1) throw new NotFoundError('cmdb.vm_not_found', { ref });
    return rows[0]!;
  }

  async function resolveHost(t: Db, ref: HostRef) {
    const rows = await t
      .select()
      .from(cmdbHosts)
      .where(
        and(
          ne(cmdbHosts.status, 'retired'),
          ref.id ? eq(cmdbHosts.id, ref.id) : undefined,
          ref.moref ? eq(cmdbHosts.moref, ref.moref) : undefined,
          ref.name ? eq(cmdbHosts.name, ref.name) : undefined,
        ),
      )
      .limit(2);
    if (rows.length !== 1) throw new NotFoundError('cmdb.host_not_found', { ref });
    return rows[0]!;
  }

  /**
   * Live placement (CMDB-6, N §3.5.4 note): vMotion, DRS or an HA restart moved a VM. Updates the
   * VM's host with a history entry naming the source and the event; the vCenter sync calls this
   * without a version because the hypervisor, not a person, is the authority on where a VM runs.
   * Seeing the VM also clears its missing flag. A move to the host it is already on changes nothing.
   */
  async function recordPlacement(
    given: Db | undefined,
    vmRef: VmRef,
    hostRef: HostRef,
    opts: { source: CiSource; event: string; cause?: string | null; actor?: Actor },
  ): Promise<{ changed: boolean; vmId: string; fromHostId: string | null; toHostId: string; version: number }> {
    const actor = opts.actor ?? systemActor(opts.source);
    requirePermission(actor, 'cmdb.manage');
    return tx(given, async (t) => {
      const vm = await resolveVm(t, vmRef);
      const host = await resolveHost(t, hostRef);
      if (vm.hostId === host.id && !vm.missingSince) {
        return { changed: false, vmId: vm.id, fromHostId: vm.hostId, toHostId: host.id, version: vm.version };
      }
      const [before] = await t.select().from(cmdbVms).where(eq(cmdbVms.id, vm.id)).for('update');
      const from = before?.hostId
        ? ((await t.select({ name: cmdbHosts.name }).from(cmdbHosts).where(eq(cmdbHosts.id, before.hostId)))[0]?.name ?? '?')
        : '（未配置）';
      const [row] = await t
        .update(cmdbVms)
        .set({ hostId: host.id, missingSince: null, updatedAt: clock.now(), version: sql`${cmdbVms.version} + 1` })
        .where(eq(cmdbVms.id, vm.id))
        .returning();
      if (!row) throw new NotFoundError('cmdb.vm_not_found');
      await record(
        t,
        actor,
        'vm',
        vm.id,
        'placement',
        { reason: `${opts.event}: ${from} → ${host.name}`, cause: opts.cause ?? `${opts.source}:${opts.event}`, source: opts.source },
        before,
        row,
      );
      return { changed: true, vmId: vm.id, fromHostId: before?.hostId ?? null, toHostId: host.id, version: row.version };
    });
  }

  /** The sync saw a VM disappear from (or come back to) vCenter: flag it, keep the record (CMDB-3). */
  async function markVmMissing(
    given: Db | undefined,
    vmRef: VmRef,
    opts: { missing: boolean; source: CiSource; event: string; cause?: string | null; actor?: Actor },
  ): Promise<{ changed: boolean; vmId: string }> {
    const actor = opts.actor ?? systemActor(opts.source);
    requirePermission(actor, 'cmdb.manage');
    return tx(given, async (t) => {
      const vm = await resolveVm(t, vmRef);
      if (Boolean(vm.missingSince) === opts.missing) return { changed: false, vmId: vm.id };
      const [row] = await t
        .update(cmdbVms)
        .set({ missingSince: opts.missing ? clock.now() : null, updatedAt: clock.now(), version: sql`${cmdbVms.version} + 1` })
        .where(eq(cmdbVms.id, vm.id))
        .returning();
      await record(t, actor, 'vm', vm.id, opts.missing ? 'missing' : 'reappeared', {
        reason: opts.event,
        cause: opts.cause ?? `${opts.source}:${opts.event}`,
        source: opts.source,
      }, vm, row);
      return { changed: true, vmId: vm.id };
    });
  }

  /**
   * The owning department confirms a system is still in use (N §3.5.3.4 / §3.14: servers likely
   * unused are asked about). A system owner may do this for their own systems without 'cmdb.manage'.
   */
  async function confirmInUse(actor: Actor, systemId: string, input: { reason?: string } = {}) {
    requirePermission(actor, 'cmdb.read');
    return inTx(db, async (t) => {
      const before = await load(t, 'system', systemId, true);
      if (!can(actor, 'cmdb.manage')) {
        const scope = visibleDepartments(actor);
        if (!scope) throw new ForbiddenError('error.forbidden');
        await assertVisible(t, scope, 'system', before);
      }
      if (before.status === 'retired') throw new ConflictError('cmdb.retired');
      const now = clock.now();
      const [row] = await t
        .update(cmdbSystems)
        .set({ ownerConfirmedAt: now, updatedAt: now, version: sql`${cmdbSystems.version} + 1` })
        .where(eq(cmdbSystems.id, systemId))
        .returning();
      await record(t, actor, 'system', systemId, 'confirm', { reason: input.reason?.trim() || '利用継続の確認', source: 'api' }, before, row);
      return row!;
    });
  }

  // ---------------------------------------------------------------- reads

  const siteName = (c: PgColumn) => sql<string | null>`(select ${cmdbSites.name} from ${cmdbSites} where ${cmdbSites.id} = ${c})`;
  const clusterName = (c: PgColumn) =>
    sql<string | null>`(select ${cmdbClusters.name} from ${cmdbClusters} where ${cmdbClusters.id} = ${c})`;
  const effectiveLevel = sql<Level | null>`coalesce(${cmdbVms.serviceLevelOverride}, ${cmdbSystems.serviceLevel})`;
  const hostName = sql<string | null>`(select ${cmdbHosts.name} from ${cmdbHosts} where ${cmdbHosts.id} = ${cmdbVms.hostId})`;
  const vmClusterId = sql<string | null>`(select ${cmdbHosts.clusterId} from ${cmdbHosts} where ${cmdbHosts.id} = ${cmdbVms.hostId})`;
  const vmClusterName = sql<string | null>`(select ${cmdbClusters.name} from ${cmdbHosts} join ${cmdbClusters} on ${cmdbClusters.id} = ${cmdbHosts.clusterId} where ${cmdbHosts.id} = ${cmdbVms.hostId})`;
  const vmSiteId = sql<string | null>`(select ${cmdbHosts.siteId} from ${cmdbHosts} where ${cmdbHosts.id} = ${cmdbVms.hostId})`;
  const departmentName = sql<string | null>`(select ${departments.name} from ${departments} where ${departments.id} = ${cmdbSystems.departmentId})`;
  const contractCiName = sql<string | null>`case ${cmdbContracts.ciType}
      when 'host' then (select name from cmdb_hosts where id = ${cmdbContracts.ciId})
      when 'storage' then (select name from cmdb_storage where id = ${cmdbContracts.ciId})
      when 'network_device' then (select name from cmdb_network_devices where id = ${cmdbContracts.ciId})
      when 'management_server' then (select name from cmdb_management_servers where id = ${cmdbContracts.ciId}) end`;

  type Plan = { extra: Record<string, SQL | PgColumn>; from: (q: AnyTable) => AnyTable; where: (SQL | undefined)[]; sorts: Record<string, SQL | PgColumn> };

  function plan(kind: CiKind, q: CiListQuery, scope: string[] | null): Plan {
    const tbl = table(kind);
    const f = q as Record<string, string | undefined>;
    const like = q.q ? likePattern(q.q) : undefined;
    const common: (SQL | undefined)[] = [q.status ? eq(tbl.status, q.status) : undefined];
    const base = { name: tbl.name, status: tbl.status, updatedAt: tbl.updatedAt };
    const scoped = (c: PgColumn) => (scope ? (scope.length ? inArray(c, scope) : sql`false`) : undefined);
    switch (kind) {
      case 'system':
        return {
          extra: {
            departmentName,
            // Qualified by hand: Drizzle leaves column names bare inside a sub-select, and a bare "id" would be the VM's.
            vmCount: sql<number>`(select count(*)::int from cmdb_vms v where v.system_id = "cmdb_systems"."id" and v.status <> 'retired')`,
          },
          from: (s) => s.from(cmdbSystems),
          where: [
            ...common,
            scoped(cmdbSystems.departmentId),
            f.departmentId ? eq(cmdbSystems.departmentId, f.departmentId) : undefined,
            f.serviceLevel ? eq(cmdbSystems.serviceLevel, f.serviceLevel as Level) : undefined,
            f.environment ? eq(cmdbSystems.environment, f.environment as 'production') : undefined,
            like ? or(ilike(cmdbSystems.name, like), ilike(cmdbSystems.code, like)) : undefined,
          ],
          sorts: { ...base, code: cmdbSystems.code, serviceLevel: cmdbSystems.serviceLevel, department: departmentName, environment: cmdbSystems.environment },
        };
      case 'vm':
        return {
          extra: {
            systemName: cmdbSystems.name,
            departmentId: cmdbSystems.departmentId,
            departmentName,
            effectiveServiceLevel: effectiveLevel,
            environment: cmdbSystems.environment,
            lanConnected: cmdbSystems.lanConnected,
            closedNetwork: cmdbSystems.closedNetwork,
            internet: cmdbSystems.internet,
            hostName,
            clusterName: vmClusterName,
          },
          from: (s) => s.from(cmdbVms).leftJoin(cmdbSystems, eq(cmdbSystems.id, cmdbVms.systemId)),
          where: [
            ...common,
            scoped(cmdbSystems.departmentId),
            f.systemId ? eq(cmdbVms.systemId, f.systemId) : undefined,
            f.hostId ? eq(cmdbVms.hostId, f.hostId) : undefined,
            f.clusterId ? sql`${vmClusterId} = ${f.clusterId}` : undefined,
            f.siteId ? sql`${vmSiteId} = ${f.siteId}` : undefined,
            f.departmentId ? eq(cmdbSystems.departmentId, f.departmentId) : undefined,
            f.serviceLevel ? sql`${effectiveLevel} = ${f.serviceLevel}` : undefined,
            f.environment ? eq(cmdbSystems.environment, f.environment as 'production') : undefined,
            f.powerState ? eq(cmdbVms.powerState, f.powerState as 'on') : undefined,
            f.missing === 'true' ? isNotNull(cmdbVms.missingSince) : f.missing === 'false' ? isNull(cmdbVms.missingSince) : undefined,
            like ? or(ilike(cmdbVms.name, like), ilike(cmdbVms.os, like), ilike(cmdbSystems.name, like)) : undefined,
          ],
          sorts: {
            ...base,
            system: cmdbSystems.name,
            host: hostName,
            serviceLevel: effectiveLevel,
            vcpu: cmdbVms.vcpu,
            memoryGib: cmdbVms.memoryGib,
            diskGib: cmdbVms.diskGib,
          },
        };
      case 'contact':
        return {
          extra: { systemName: cmdbSystems.name, departmentId: cmdbSystems.departmentId },
          from: (s) => s.from(cmdbContacts).innerJoin(cmdbSystems, eq(cmdbSystems.id, cmdbContacts.systemId)),
          where: [
            ...common,
            scoped(cmdbSystems.departmentId),
            f.systemId ? eq(cmdbContacts.systemId, f.systemId) : undefined,
            like ? or(ilike(cmdbContacts.name, like), ilike(cmdbContacts.email, like), ilike(cmdbSystems.name, like)) : undefined,
          ],
          sorts: { ...base, system: cmdbSystems.name, escalationOrder: cmdbContacts.escalationOrder, email: cmdbContacts.email },
        };
      case 'contract':
        return {
          extra: { ciName: contractCiName },
          from: (s) => s.from(cmdbContracts),
          where: [
            ...common,
            f.ciType ? eq(cmdbContracts.ciType, f.ciType as 'host') : undefined,
            f.ciId ? eq(cmdbContracts.ciId, f.ciId) : undefined,
            f.endsBefore ? lte(cmdbContracts.endsOn, f.endsBefore) : undefined,
            like ? or(ilike(cmdbContracts.name, like), ilike(cmdbContracts.vendor, like), ilike(cmdbContracts.contractNo, like)) : undefined,
          ],
          sorts: { ...base, vendor: cmdbContracts.vendor, endsOn: cmdbContracts.endsOn },
        };
      default: {
        // Platform equipment: site, cluster, host, management server, storage, network device.
        const extra: Record<string, SQL> = {};
        const sorts: Record<string, SQL | PgColumn> = { ...base };
        if (tbl.siteId) {
          extra.siteName = siteName(tbl.siteId);
          sorts.site = extra.siteName;
        }
        if (tbl.clusterId) {
          extra.clusterName = clusterName(tbl.clusterId);
          sorts.cluster = extra.clusterName;
        }
        for (const c of ['code', 'kind', 'cpuCores', 'memoryGib', 'capacityGib']) if (tbl[c]) sorts[c] = tbl[c];
        return {
          extra,
          from: (s) => s.from(tbl),
          where: [
            ...common,
            f.siteId && tbl.siteId ? eq(tbl.siteId, f.siteId) : undefined,
            f.clusterId && tbl.clusterId ? eq(tbl.clusterId, f.clusterId) : undefined,
            f.kind && tbl.kind ? eq(tbl.kind, f.kind) : undefined,
            like ? or(ilike(tbl.name, like), tbl.ip ? ilike(tbl.ip, like) : undefined, tbl.code ? ilike(tbl.code, like) : undefined) : undefined,
          ],
          sorts,
        };
      }
    }
  }

  const TOTAL = '__total';
  async function query(t: Db, kind: CiKind, q: CiListQuery, scope: string[] | null, paged: boolean) {
    const tbl = table(kind);
    const p = plan(kind, q, scope);
    const where = and(...p.where);
    const { field, desc: d } = parseSort(q.sort, kind === 'contact' ? 'escalationOrder' : 'name');
    const order = p.sorts[field] ?? tbl.name;
    // With a text filter a page carries the count of all matching rows (count(*) OVER ()): the ILIKE over
    // name, OS and system name (most of the time at ×20) runs once, not again for a second count. The
    // per-row lookups (host, cluster, department names) are still computed for the page's rows only.
    // Without one, a sorted page may stop early on an index, and the separate count is cheap.
    const windowed = paged && typeof q.q === 'string' && q.q.trim() !== '';
    const counted: Record<string, SQL> = windowed ? { [TOTAL]: sql<number>`count(*) OVER ()`.mapWith(Number) } : {};
    let sel = p.from(t.select({ row: tbl, ...p.extra, ...counted })).where(where).orderBy(d ? desc(order) : asc(order), asc(tbl.id));
    if (paged) sel = sel.limit(q.pageSize).offset((q.page - 1) * q.pageSize);
    const rows = (await sel) as { row: CiRow; [TOTAL]?: number }[];
    const items = rows.map(({ row, [TOTAL]: _n, ...extra }) => ({ ...row, ...extra }) as CiRow);
    if (!paged) return { items, total: items.length };
    // A page past the end has no row to carry the count: count then (and always without a text filter).
    const total = windowed && rows.length > 0 ? rows[0]![TOTAL]! : Number(((await p.from(t.select({ n: count() })).where(where)) as { n: number }[])[0]?.n ?? 0);
    return { items, total };
  }

  async function list(actor: Actor, kind: CiKind, q: CiListQuery): Promise<Page<CiRow>> {
    const scope = readScope(actor, kind);
    const { items, total } = await query(db, kind, q, scope, true);
    return { items, total, page: q.page, pageSize: q.pageSize };
  }

  const hostSummary = {
    id: cmdbHosts.id,
    name: cmdbHosts.name,
    status: cmdbHosts.status,
    clusterId: cmdbHosts.clusterId,
    clusterName: clusterName(cmdbHosts.clusterId),
    siteId: cmdbHosts.siteId,
    siteName: siteName(cmdbHosts.siteId),
  };
  const vmSummary = {
    id: cmdbVms.id,
    name: cmdbVms.name,
    status: cmdbVms.status,
    os: cmdbVms.os,
    vcpu: cmdbVms.vcpu,
    memoryGib: cmdbVms.memoryGib,
    diskGib: cmdbVms.diskGib,
    powerState: cmdbVms.powerState,
    effectiveServiceLevel: effectiveLevel,
    systemId: cmdbVms.systemId,
    systemName: cmdbSystems.name,
    hostId: cmdbVms.hostId,
    hostName,
    clusterName: vmClusterName,
  };
  const vmsWhere = (c: SQL | undefined) =>
    db.select(vmSummary).from(cmdbVms).leftJoin(cmdbSystems, eq(cmdbSystems.id, cmdbVms.systemId)).where(c).orderBy(asc(cmdbVms.name));
  const contractsOf = (type: string, id: string) =>
    db.select().from(cmdbContracts).where(and(eq(cmdbContracts.ciType, type as 'host'), eq(cmdbContracts.ciId, id))).orderBy(asc(cmdbContracts.name));
  const summary = (kind: CiKind, c: SQL) => {
    const tbl = table(kind);
    return db.select({ id: tbl.id, name: tbl.name, status: tbl.status }).from(tbl).where(c).orderBy(asc(tbl.name));
  };
  const one = async <T>(p: Promise<T[]>) => (await p)[0] ?? null;

  /**
   * One CI with its relations, both ways: system → VMs → host → cluster → site, and back from a
   * site to everything at it.
   */
  async function get(actor: Actor, kind: CiKind, id: string): Promise<CiRow & Record<string, unknown>> {
    const scope = readScope(actor, kind);
    const row = await load(db, kind, id);
    await assertVisible(db, scope, kind, row);
    switch (kind) {
      case 'vm': {
        const [x] = await db
          .select({ effectiveServiceLevel: effectiveLevel })
          .from(cmdbVms)
          .leftJoin(cmdbSystems, eq(cmdbSystems.id, cmdbVms.systemId))
          .where(eq(cmdbVms.id, id));
        const system = row.systemId
          ? await one(
              db
                .select({
                  id: cmdbSystems.id,
                  name: cmdbSystems.name,
                  code: cmdbSystems.code,
                  status: cmdbSystems.status,
                  serviceLevel: cmdbSystems.serviceLevel,
                  environment: cmdbSystems.environment,
                  lanConnected: cmdbSystems.lanConnected,
                  closedNetwork: cmdbSystems.closedNetwork,
                  internet: cmdbSystems.internet,
                  department: { id: departments.id, code: departments.code, name: departments.name },
                })
                .from(cmdbSystems)
                .innerJoin(departments, eq(departments.id, cmdbSystems.departmentId))
                .where(eq(cmdbSystems.id, row.systemId as string)),
            )
          : null;
        const host = row.hostId ? await one(db.select(hostSummary).from(cmdbHosts).where(eq(cmdbHosts.id, row.hostId as string))) : null;
        const contacts = row.systemId
          ? await db
              .select()
              .from(cmdbContacts)
              .where(and(eq(cmdbContacts.systemId, row.systemId as string), ne(cmdbContacts.status, 'retired')))
              .orderBy(asc(cmdbContacts.escalationOrder), asc(cmdbContacts.name))
          : [];
        return { ...row, effectiveServiceLevel: x?.effectiveServiceLevel ?? null, system, host, contacts };
      }
      case 'system': {
        const department = await one(
          db.select({ id: departments.id, code: departments.code, name: departments.name }).from(departments).where(eq(departments.id, row.departmentId as string)),
        );
        const vms = await vmsWhere(eq(cmdbVms.systemId, id));
        const contacts = await db.select().from(cmdbContacts).where(eq(cmdbContacts.systemId, id)).orderBy(asc(cmdbContacts.escalationOrder), asc(cmdbContacts.name));
        const live = vms.filter((v) => v.status !== 'retired');
        const totals = {
          vmCount: live.length,
          vcpu: live.reduce((s, v) => s + v.vcpu, 0),
          memoryGib: live.reduce((s, v) => s + v.memoryGib, 0),
          diskGib: live.reduce((s, v) => s + v.diskGib, 0),
        };
        return { ...row, department, vms, contacts, totals };
      }
      case 'host': {
        const site = await one(summary('site', eq(cmdbSites.id, row.siteId as string)));
        const cluster = row.clusterId ? await one(summary('cluster', eq(cmdbClusters.id, row.clusterId as string))) : null;
        return { ...row, site, cluster, vms: await vmsWhere(eq(cmdbVms.hostId, id)), contracts: await contractsOf('host', id) };
      }
      case 'cluster': {
        const site = await one(summary('site', eq(cmdbSites.id, row.siteId as string)));
        return {
          ...row,
          site,
          hosts: await db.select(hostSummary).from(cmdbHosts).where(eq(cmdbHosts.clusterId, id)).orderBy(asc(cmdbHosts.name)),
          storage: await summary('storage', eq(cmdbStorage.clusterId, id)),
        };
      }
      case 'site':
        return {
          ...row,
          clusters: await summary('cluster', eq(cmdbClusters.siteId, id)),
          hosts: await db.select(hostSummary).from(cmdbHosts).where(eq(cmdbHosts.siteId, id)).orderBy(asc(cmdbHosts.name)),
          storage: await summary('storage', eq(cmdbStorage.siteId, id)),
          networkDevices: await summary('network_device', eq(cmdbNetworkDevices.siteId, id)),
          managementServers: await summary('management_server', eq(cmdbManagementServers.siteId, id)),
        };
      case 'storage':
      case 'network_device':
      case 'management_server': {
        const site = await one(summary('site', eq(cmdbSites.id, row.siteId as string)));
        const cluster = row.clusterId ? await one(summary('cluster', eq(cmdbClusters.id, row.clusterId as string))) : null;
        return { ...row, site, cluster, contracts: await contractsOf(kind, id) };
      }
      case 'contract': {
        const target = row.ciType as CiKind;
        const ci = await one(summary(target, eq(table(target).id, row.ciId as string)));
        return { ...row, ci: ci ? { type: target, ...ci } : null };
      }
      case 'contact': {
        const system = await one(summary('system', eq(cmdbSystems.id, row.systemId as string)));
        return { ...row, system };
      }
    }
  }

  /** The diff timeline of one CI (CMDB-3), newest first. */
  async function history(actor: Actor, kind: CiKind, id: string, q: { page: number; pageSize: number }): Promise<Page<HistoryEntry>> {
    const scope = readScope(actor, kind);
    await assertVisible(db, scope, kind, await load(db, kind, id));
    const where = and(eq(cmdbHistory.ciType, kind), eq(cmdbHistory.ciId, id));
    const [rows, [total]] = await Promise.all([
      db
        .select()
        .from(cmdbHistory)
        .where(where)
        .orderBy(desc(cmdbHistory.at), desc(cmdbHistory.id))
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize),
      db.select({ n: count() }).from(cmdbHistory).where(where),
    ]);
    return {
      items: rows.map((r) => ({
        id: r.id,
        at: r.at,
        actor: r.actor,
        action: r.action,
        reason: r.reason,
        cause: r.cause,
        source: r.source,
        changes: diff(r.before, r.after),
        before: r.before,
        after: r.after,
      })),
      total: total?.n ?? 0,
      page: q.page,
      pageSize: q.pageSize,
    };
  }

  // ---------------------------------------------------------------- capacity, N-1

  function tuned(q: CapacityQuery = {}): CmdbConfig {
    return {
      ...config,
      thresholds: {
        cpu: q.cpuThreshold ?? config.thresholds.cpu,
        memory: q.memoryThreshold ?? config.thresholds.memory,
        disk: q.diskThreshold ?? config.thresholds.disk,
      },
      overcommit: { vcpuPerCore: q.vcpuPerCore ?? config.overcommit.vcpuPerCore, memory: q.memoryOvercommit ?? config.overcommit.memory },
      n1HaOnly: q.haOnly === undefined ? config.n1HaOnly : q.haOnly === 'true',
    };
  }

  async function estate(q: CapacityQuery) {
    const clusters = await db
      .select({ id: cmdbClusters.id, name: cmdbClusters.name, status: cmdbClusters.status, siteId: cmdbClusters.siteId, siteName: siteName(cmdbClusters.siteId) })
      .from(cmdbClusters)
      .where(and(ne(cmdbClusters.status, 'retired'), q.siteId ? eq(cmdbClusters.siteId, q.siteId) : undefined, q.clusterId ? eq(cmdbClusters.id, q.clusterId) : undefined))
      .orderBy(asc(cmdbClusters.name));
    const hosts = await db
      .select({
        id: cmdbHosts.id,
        name: cmdbHosts.name,
        clusterId: cmdbHosts.clusterId,
        siteId: cmdbHosts.siteId,
        status: cmdbHosts.status,
        cpuCores: cmdbHosts.cpuCores,
        cpuGhz: cmdbHosts.cpuGhz,
        memoryGib: cmdbHosts.memoryGib,
        localDiskGib: cmdbHosts.localDiskGib,
      })
      .from(cmdbHosts)
      .where(and(ne(cmdbHosts.status, 'retired'), q.siteId ? eq(cmdbHosts.siteId, q.siteId) : undefined, q.clusterId ? eq(cmdbHosts.clusterId, q.clusterId) : undefined))
      .orderBy(asc(cmdbHosts.name));
    const hostIds = hosts.map((h) => h.id);
    const vms: VmRow[] = hostIds.length
      ? await db
          .select({
            id: cmdbVms.id,
            name: cmdbVms.name,
            hostId: cmdbVms.hostId,
            status: cmdbVms.status,
            powerState: cmdbVms.powerState,
            vcpu: cmdbVms.vcpu,
            memoryGib: cmdbVms.memoryGib,
            diskGib: cmdbVms.diskGib,
            ha: cmdbVms.ha,
          })
          .from(cmdbVms)
          .where(and(ne(cmdbVms.status, 'retired'), inArray(cmdbVms.hostId, hostIds)))
      : [];
    const storage = await db
      .select({ clusterId: cmdbStorage.clusterId, status: cmdbStorage.status, capacityGib: cmdbStorage.capacityGib })
      .from(cmdbStorage)
      .where(isNotNull(cmdbStorage.clusterId));
    return { clusters, hosts, vms, storage };
  }

  /** Resource view (CMDB-5): allocated vs capacity vs threshold per host and cluster. */
  async function capacity(actor: Actor, q: CapacityQuery = {}) {
    readScope(actor, 'host');
    const cfg = tuned(q);
    const e = await estate(q);
    const r = computeCapacity(e, cfg);
    const site = new Map(e.clusters.map((c) => [c.id, { siteId: c.siteId, siteName: c.siteName }]));
    return {
      thresholds: cfg.thresholds,
      overcommit: cfg.overcommit,
      clusters: r.clusters.map((c) => ({ ...c, ...site.get(c.id) })),
      hosts: r.hosts,
    };
  }

  /** N-1 (DR-2): per cluster, whether every host's running VMs can restart on the others. */
  async function n1(actor: Actor, q: CapacityQuery = {}): Promise<{ overcommit: CmdbConfig['overcommit']; haOnly: boolean; ok: boolean; clusters: ClusterN1[] }> {
    readScope(actor, 'host');
    const cfg = tuned(q);
    const clusters = computeN1(await estate(q), cfg);
    return { overcommit: cfg.overcommit, haOnly: cfg.n1HaOnly, ok: clusters.every((c) => c.ok), clusters };
  }

  // ---------------------------------------------------------------- naming, retirement

  /** Checks a proposed instance name against the rule (CMDB-9) before a VM is handed out. */
  async function checkName(actor: Actor, input: { name: string; systemId?: string; serviceLevel?: Level }) {
    requirePermission(actor, 'cmdb.read');
    let ctx: { level: Level; environment: 'production' | 'dev_test'; systemCode: string | null } | null = null;
    if (input.systemId) {
      const s = await load(db, 'system', input.systemId);
      await assertVisible(db, visibleDepartments(actor), 'system', s);
      ctx = { level: input.serviceLevel ?? (s.serviceLevel as Level), environment: s.environment as 'production', systemCode: s.code as string | null };
    } else if (input.serviceLevel) ctx = { level: input.serviceLevel, environment: 'production', systemCode: null };
    if (!ctx) throw fieldError('systemId', 'field.required');
    const ok = followsNamingRule(input.name, config.naming.pattern, ctx);
    return { ok, pattern: config.naming.pattern, example: exampleName(ctx), level: ctx.level };
  }

  /** VMs whose names break the rule, e.g. after a system's level changed (CMDB-9). */
  async function namingViolations(actor: Actor) {
    const scope = readScope(actor, 'vm');
    const rows = await db
      .select({
        id: cmdbVms.id,
        name: cmdbVms.name,
        status: cmdbVms.status,
        systemId: cmdbVms.systemId,
        systemName: cmdbSystems.name,
        systemCode: cmdbSystems.code,
        environment: cmdbSystems.environment,
        level: effectiveLevel,
      })
      .from(cmdbVms)
      .leftJoin(cmdbSystems, eq(cmdbSystems.id, cmdbVms.systemId))
      .where(and(ne(cmdbVms.status, 'retired'), scope ? (scope.length ? inArray(cmdbSystems.departmentId, scope) : sql`false`) : undefined))
      .orderBy(asc(cmdbVms.name));
    const out = [];
    for (const r of rows) {
      if (!r.systemId || !r.level || !r.environment) {
        out.push({ ...r, problem: 'no_system' as const, example: null });
        continue;
      }
      const ctx = { level: r.level, environment: r.environment, systemCode: r.systemCode };
      if (!followsNamingRule(r.name, config.naming.pattern, ctx)) out.push({ ...r, problem: 'pattern' as const, example: exampleName(ctx) });
    }
    return { pattern: config.naming.pattern, items: out };
  }

  /**
   * Servers likely unused (N §3.5.3.4 棚卸, §3.14): VMs stopped for more than N days, and systems whose
   * owner has not confirmed use for more than M days (never confirmed counts from registration).
   */
  async function retirementCandidates(actor: Actor, q: { stoppedDays?: number; inactiveDays?: number } = {}) {
    const scope = readScope(actor, 'vm');
    const stoppedDays = q.stoppedDays ?? config.retirement.stoppedDays;
    const inactiveDays = q.inactiveDays ?? config.retirement.inactiveDays;
    const now = clock.now();
    const day = 86_400_000;
    const scoped = scope ? (scope.length ? inArray(cmdbSystems.departmentId, scope) : sql`false`) : undefined;
    const vms = await db
      .select({ id: cmdbVms.id, name: cmdbVms.name, systemId: cmdbVms.systemId, systemName: cmdbSystems.name, departmentName, stoppedSince: cmdbVms.statusChangedAt })
      .from(cmdbVms)
      .leftJoin(cmdbSystems, eq(cmdbSystems.id, cmdbVms.systemId))
      .where(and(eq(cmdbVms.status, 'stopped'), lte(cmdbVms.statusChangedAt, new Date(now.getTime() - stoppedDays * day)), scoped))
      .orderBy(asc(cmdbVms.statusChangedAt));
    const lastActivity = sql<Date>`coalesce(${cmdbSystems.ownerConfirmedAt}, ${cmdbSystems.createdAt})`;
    const systems = await db
      .select({ id: cmdbSystems.id, name: cmdbSystems.name, status: cmdbSystems.status, departmentName, ownerConfirmedAt: cmdbSystems.ownerConfirmedAt, createdAt: cmdbSystems.createdAt })
      .from(cmdbSystems)
      .where(and(ne(cmdbSystems.status, 'retired'), sql`${lastActivity} <= ${new Date(now.getTime() - inactiveDays * day).toISOString()}`, scoped))
      .orderBy(asc(lastActivity));
    const days = (d: Date) => Math.floor((now.getTime() - new Date(d).getTime()) / day);
    return {
      stoppedDays,
      inactiveDays,
      vms: vms.map((v) => ({ ...v, days: days(v.stoppedSince) })),
      systems: systems.map((s) => ({ ...s, days: days(s.ownerConfirmedAt ?? s.createdAt) })),
    };
  }

  // ---------------------------------------------------------------- export

  /** Every ledger as XLSX or CSV with Japanese headers (CMDB-7, X-3), filtered like its list. */
  async function exportLedger(actor: Actor, kind: CiKind, format: 'xlsx' | 'csv', q: Omit<CiListQuery, 'page' | 'pageSize'> = {}) {
    const scope = readScope(actor, kind);
    const { items } = await query(db, kind, { ...q, page: 1, pageSize: 1 }, scope, false);
    const now = clock.now();
    const stamp = new Date(now.getTime() + 9 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');
    const body = format === 'csv' ? toCsv(kind, items) : await toXlsx(kind, items, now);
    return {
      body,
      filename: `cmdb-${kind}-${stamp}.${format}`,
      filenameJa: `構成管理台帳_${KIND_LABELS[kind].ja}_${stamp}.${format}`,
      contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      rows: items.length,
    };
  }

  /** The effective service level of a VM: the system's, unless the VM overrides it with a reason. */
  async function effectiveServiceLevel(vmId: string): Promise<Level | null> {
    const [r] = await db
      .select({ l: effectiveLevel })
      .from(cmdbVms)
      .leftJoin(cmdbSystems, eq(cmdbSystems.id, cmdbVms.systemId))
      .where(eq(cmdbVms.id, vmId));
    return r?.l ?? null;
  }

  return {
    config,
    create,
    update,
    transition,
    recordPlacement,
    markVmMissing,
    confirmInUse,
    list,
    get,
    history,
    capacity,
    n1,
    checkName,
    namingViolations,
    retirementCandidates,
    exportLedger,
    effectiveServiceLevel,
  };
}

export type CmdbService = ReturnType<typeof createCmdbService>;

/** Validates a placement body (routes) — kept here so the CLI can reuse it. */
export const parsePlacement = (raw: unknown) => placementInput.parse(raw);
