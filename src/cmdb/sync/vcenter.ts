/**
 * vCenter → configuration ledger (CMDB-6, CMDB-7). vCenter is the authority on what runs where; the
 * ledger is the authority on everything people decide (system, service level, status, site). So the
 * sync writes only what vCenter knows — names, sizes, OS, power state, placement, identity — and
 * leaves the rest alone:
 *
 * - `fullSync()` reads the whole inventory and, in ONE transaction, creates the clusters, ESXi hosts,
 *   datastores (as storage) and VMs the ledger lacks (status 稼働, source 'vcenter', reason
 *   'vCenter同期'), updates the fields that changed (one history entry per CI, source 'vcenter'),
 *   moves VMs whose host changed through the ledger's placement function, and flags VMs that are no
 *   longer in vCenter (missing_since; never deleted). A failure anywhere rolls the whole sync back.
 *   Matching: moref (VMs: instance UUID, then moref), then name for CIs not yet linked to vCenter.
 *   A CI that cannot be written (name used by another CI, value outside the ledger's bounds, retired
 *   in the ledger) is reported in `issues` and skipped; the rest of the sync goes on.
 * - `follow()` runs the VM watcher: vm.moved → placement (history names vcenter and the event),
 *   vm.removed → missing flag, vm.added / renamed / powerState → sync of those VMs, resync (the
 *   session was lost and the watcher re-read everything) → full sync. It outlives session loss (the
 *   client logs in again) and connection failures (it reconnects after `retryMs`).
 *
 * The site (設置場所) of new equipment comes from `sites[datacenter name]`, else a site whose name
 * or code is the datacenter's name, else `siteId`, else a new site named after the datacenter. It is
 * set when the CI is created and never changed by the sync.
 */
import { ZodError } from 'zod';
import type { Db } from '../../db/connection.ts';
import { inTx } from '../../db/tx.ts';
import { type Actor, systemActor } from '../../iam/actor.ts';
import type { Clock } from '../../kernel/clock.ts';
import { DomainError, NotFoundError } from '../../kernel/errors.ts';
import { type CiKind, ciInputs } from '../inputs.ts';
import { KIND_LABELS } from '../messages.ts';
import { cmdbClusters, cmdbHosts, cmdbSites, cmdbStorage, cmdbVms } from '../schema.ts';
import type { CiRow, CmdbService } from '../service.ts';
import type { VmEvent, VmWatcher, VmWatcherOptions, VsphereInventory, VsphereVm } from '../vsphere/index.ts';
import './messages.ts';

/** What the sync needs of a vCenter client (VsphereClient satisfies it). */
export interface VcenterConnection {
  inventory(): Promise<VsphereInventory>;
  watchVms(options?: VmWatcherOptions): VmWatcher;
  close(): Promise<void>;
}

export interface VcenterSyncDeps {
  db: Db;
  clock: Clock;
  cmdb: CmdbService;
  /** Opens a logged-in client; called again after a connection failure. */
  connect: () => Promise<VcenterConnection>;
  /** Site for datacenters that match no site by name or code. */
  siteId?: string;
  /** Datacenter name → site id. */
  sites?: Record<string, string>;
  /** The vCenter's own CI (管理サーバ, kind vcenter): recorded on VMs; only its VMs are flagged missing. */
  vcenterId?: string;
  /** Who the history names (default: the system actor 'vcenter'). */
  actor?: Actor;
  watch?: VmWatcherOptions;
  /** Wait before reconnecting after a failure (default 5 s). */
  retryMs?: number;
  onError?: (err: unknown) => void;
}

type SyncKind = 'site' | 'cluster' | 'host' | 'storage' | 'vm';

export interface SyncIssue {
  kind: SyncKind;
  /** vCenter's identity of the object (moref). */
  ref: string;
  name: string;
  key: string;
  params: Record<string, unknown>;
}

export interface SyncCounts {
  created: number;
  updated: number;
  unchanged: number;
  /** VMs newly flagged as gone from vCenter. */
  missing: number;
  /** VMs seen again after being flagged. */
  reappeared: number;
  skipped: number;
}

export interface SyncReport {
  at: Date;
  vcenter: { name: string; instanceUuid: string | null };
  scope: 'full' | 'vms';
  inventory: { datacenters: number; clusters: number; hosts: number; datastores: number; vms: number; templates: number };
  counts: Record<SyncKind, SyncCounts>;
  issues: SyncIssue[];
  /**
   * Clusters and hosts linked to vCenter that it no longer has. Only VMs have a missing flag in the
   * ledger; these are reported for a person to retire.
   */
  gone: { kind: 'cluster' | 'host'; id: string; name: string; moref: string }[];
}

export interface FollowHandle {
  /** Resolves once the watcher runs and the catch-up full sync is done. */
  ready: Promise<void>;
  /** Resolves when following has stopped. */
  done: Promise<void>;
  stop(): Promise<void>;
}

export const SYNC_REASON = 'vCenter同期';
const SYNC_CAUSE = 'vcenter:sync';
const GIB = 1024 ** 3;
const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

const POWER: Record<string, 'on' | 'off' | 'suspended'> = { poweredOn: 'on', poweredOff: 'off', suspended: 'suspended' };

/** Ledger rows of one kind, indexed the ways the sync matches them. */
class LedgerIndex {
  readonly live = new Map<string, CiRow>();
  readonly byMoref = new Map<string, CiRow>();
  readonly byUuid = new Map<string, CiRow>();
  readonly byName = new Map<string, CiRow>();
  readonly retiredMoref = new Map<string, CiRow>();
  readonly retiredUuid = new Map<string, CiRow>();
  readonly claimed = new Set<string>();

  constructor(rows: CiRow[]) {
    for (const r of rows) this.put(r);
  }

  put(r: CiRow): void {
    const moref = r.moref as string | null | undefined;
    const uuid = r.uuid as string | null | undefined;
    if (r.status === 'retired') {
      if (moref) this.retiredMoref.set(moref, r);
      if (uuid) this.retiredUuid.set(uuid, r);
      return;
    }
    this.live.set(r.id, r);
    if (moref) this.byMoref.set(moref, r);
    if (uuid) this.byUuid.set(uuid, r);
    this.byName.set(r.name.toLowerCase(), r);
  }

  replace(before: CiRow, after: CiRow): void {
    if (before.name.toLowerCase() !== after.name.toLowerCase() && this.byName.get(before.name.toLowerCase())?.id === before.id) {
      this.byName.delete(before.name.toLowerCase());
    }
    this.put(after);
  }

  /** Identity first; by name only a CI not linked to another vCenter object. */
  find(m: { moref: string; uuid?: string | null; name: string }): { row?: CiRow; retired?: CiRow } {
    const free = (r: CiRow | undefined) => (r && !this.claimed.has(r.id) ? r : undefined);
    const byId = free((m.uuid ? this.byUuid.get(m.uuid) : undefined) ?? this.byMoref.get(m.moref));
    if (byId) return { row: byId };
    const named = free(this.byName.get(m.name.toLowerCase()));
    if (named && !named.moref && !named.uuid) return { row: named };
    const retired = (m.uuid ? this.retiredUuid.get(m.uuid) : undefined) ?? this.retiredMoref.get(m.moref);
    return { retired };
  }

  /** The live CI holding `name`, if it is not `selfId`. */
  nameOwner(name: string, selfId?: string): CiRow | undefined {
    const r = this.byName.get(name.toLowerCase());
    return r && r.id !== selfId ? r : undefined;
  }
}

const emptyCounts = (): SyncCounts => ({ created: 0, updated: 0, unchanged: 0, missing: 0, reappeared: 0, skipped: 0 });

/** Errors that concern one CI (refused by the ledger's rules before any SQL failed): skip it, go on. */
const perItem = (e: unknown) => e instanceof DomainError || e instanceof ZodError;

export function createVcenterSync(deps: VcenterSyncDeps) {
  const { db, clock, cmdb } = deps;
  const actor = deps.actor ?? systemActor('vcenter');
  const onError = deps.onError ?? (() => undefined);
  const retryMs = deps.retryMs ?? 5_000;

  // ------------------------------------------------------------------ connection

  let client: Promise<VcenterConnection> | null = null;
  function getClient(): Promise<VcenterConnection> {
    if (!client) {
      client = deps.connect();
      client.catch(() => {
        client = null;
      });
    }
    return client;
  }
  async function dropClient(): Promise<void> {
    const c = client;
    client = null;
    if (c) await (await c.catch(() => null))?.close().catch(() => undefined);
  }

  // One sync at a time: follow's handlers and an explicit fullSync() must not interleave.
  let chain: Promise<unknown> = Promise.resolve();
  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  }

  // ------------------------------------------------------------------ apply an inventory

  async function apply(inv: VsphereInventory, only: Set<string> | null): Promise<SyncReport> {
    return inTx(db, async (t) => {
      const report: SyncReport = {
        at: clock.now(),
        vcenter: { name: inv.about.name, instanceUuid: inv.about.instanceUuid },
        scope: only ? 'vms' : 'full',
        inventory: {
          datacenters: Object.keys(inv.datacenters).length,
          clusters: Object.keys(inv.clusters).length,
          hosts: Object.keys(inv.hosts).length,
          datastores: Object.keys(inv.datastores).length,
          vms: Object.values(inv.vms).filter((v) => !v.template).length,
          templates: Object.values(inv.vms).filter((v) => v.template).length,
        },
        counts: { site: emptyCounts(), cluster: emptyCounts(), host: emptyCounts(), storage: emptyCounts(), vm: emptyCounts() },
        issues: [],
        gone: [],
      };
      const issue = (kind: SyncKind, ref: string, name: string, key: string, params: Record<string, unknown> = {}) => {
        report.issues.push({ kind, ref, name, key, params: { kind: KIND_LABELS[kind].ja, name, ref, ...params } });
        report.counts[kind].skipped++;
      };
      const opts = { tx: t, source: 'vcenter' as const };
      const meta = { reason: SYNC_REASON, cause: SYNC_CAUSE };

      const sites = new LedgerIndex((await t.select().from(cmdbSites)) as CiRow[]);
      const clusters = new LedgerIndex((await t.select().from(cmdbClusters)) as CiRow[]);
      const hosts = new LedgerIndex((await t.select().from(cmdbHosts)) as CiRow[]);
      const storage = new LedgerIndex((await t.select().from(cmdbStorage)) as CiRow[]);
      const vms = new LedgerIndex((await t.select().from(cmdbVms)) as CiRow[]);
      const indexes: Record<Exclude<SyncKind, 'site'>, LedgerIndex> = { cluster: clusters, host: hosts, storage, vm: vms };

      // -------------------------------------------------------------- sites

      const siteOfDc = new Map<string, string | null>();
      async function siteFor(dc: string | null): Promise<string | null> {
        const key = dc ?? '';
        if (siteOfDc.has(key)) return siteOfDc.get(key) ?? null;
        const dcName = (dc && inv.datacenters[dc]?.name) || null;
        let id: string | null = (dcName && deps.sites?.[dcName]) || null;
        if (!id && dcName) {
          const lower = dcName.toLowerCase();
          id = [...sites.live.values()].find((s) => s.name.toLowerCase() === lower || String(s.code).toLowerCase() === lower)?.id ?? null;
        }
        id ??= deps.siteId ?? null;
        if (!id && dcName) {
          const base = dcName.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 12) || 'DC';
          const taken = new Set([...sites.live.values()].map((s) => String(s.code).toLowerCase()));
          let code = base;
          for (let i = 2; taken.has(code.toLowerCase()); i++) code = `${base}-${i}`;
          if (sites.nameOwner(dcName)) {
            issue('site', dc ?? '', dcName, 'vcenter.no_site', { datacenter: dcName });
          } else {
            const row = (await cmdb.create(actor, 'site', { name: dcName, code, status: 'active', ...meta }, opts)) as CiRow;
            sites.put(row);
            report.counts.site.created++;
            id = row.id;
          }
        }
        siteOfDc.set(key, id);
        return id;
      }

      // -------------------------------------------------------------- generic upsert

      /**
       * Creates or updates one CI from vCenter's view of it. `createOnly` fields are set on creation
       * and then belong to people. Returns the ledger row, or null when skipped.
       */
      async function upsert(
        kind: Exclude<SyncKind, 'site'>,
        ref: string,
        name: string,
        match: { moref: string; uuid?: string | null },
        desired: Record<string, unknown>,
        createOnly: Record<string, unknown> = {},
      ): Promise<CiRow | null> {
        const idx = indexes[kind];
        const { row, retired } = idx.find({ ...match, name });
        if (!row && retired) {
          issue(kind, ref, name, 'vcenter.retired_present');
          return null;
        }
        // Seen in vCenter, even if it cannot be written now: it is not gone.
        if (row) idx.claimed.add(row.id);
        // Out-of-range values (a VM with 0 vCPU, a 0.5 GiB host…) are reported, not written.
        const wanted = Object.fromEntries(Object.entries(desired).filter(([, v]) => v !== undefined));
        const checked = (ciInputs[kind as CiKind].update as unknown as { safeParse(v: unknown): { success: boolean; error?: ZodError } }).safeParse({
          ...wanted,
          version: 1,
          ...meta,
        });
        if (!checked.success) {
          const first = checked.error?.issues[0];
          const field = String(first?.path[0] ?? '');
          issue(kind, ref, name, 'vcenter.invalid_value', { field, value: JSON.stringify(wanted[field] ?? null) });
          return null;
        }
        if (!row) {
          if (idx.nameOwner(name)) {
            issue(kind, ref, name, 'vcenter.name_taken');
            return null;
          }
          try {
            const created = (await cmdb.create(actor, kind, { ...createOnly, ...wanted, status: 'active', ...meta } as never, opts)) as CiRow;
            idx.put(created);
            idx.claimed.add(created.id);
            report.counts[kind].created++;
            return created;
          } catch (e) {
            if (!perItem(e)) throw e;
            issue(kind, ref, name, e instanceof DomainError ? e.key : 'vcenter.invalid_value', { field: '', value: '' });
            return null;
          }
        }
        const changes: Record<string, unknown> = {};
        for (const [f, v] of Object.entries(wanted)) if (JSON.stringify(row[f] ?? null) !== JSON.stringify(v ?? null)) changes[f] = v;
        if ('name' in changes && idx.nameOwner(name, row.id)) {
          delete changes.name;
          issue(kind, ref, name, 'vcenter.name_taken');
          report.counts[kind].skipped--; // the CI itself is still synced
        }
        if (!Object.keys(changes).length) return row;
        try {
          const updated = (await cmdb.update(actor, kind, row.id, { version: row.version, ...changes, ...meta } as never, opts)) as CiRow;
          idx.replace(row, updated);
          report.counts[kind].updated++;
          return updated;
        } catch (e) {
          if (!perItem(e)) throw e;
          issue(kind, ref, name, e instanceof DomainError ? e.key : 'vcenter.invalid_value', { field: Object.keys(changes).join(','), value: '' });
          return row;
        }
      }

      const touched = (kind: Exclude<SyncKind, 'site'>, row: CiRow | null, before: number) => {
        if (row && report.counts[kind].created + report.counts[kind].updated === before) report.counts[kind].unchanged++;
      };
      const done = (kind: Exclude<SyncKind, 'site'>) => report.counts[kind].created + report.counts[kind].updated;

      // -------------------------------------------------------------- clusters, hosts, storage

      const clusterId = new Map<string, string>();
      for (const c of Object.values(inv.clusters).sort((a, b) => a.name.localeCompare(b.name))) {
        const before = done('cluster');
        const existing = clusters.find({ moref: c.moref, name: c.name }).row;
        const siteId = existing ? null : await siteFor(c.datacenter);
        if (!existing && !siteId) {
          issue('cluster', c.moref, c.name, 'vcenter.no_site', { datacenter: c.datacenter });
          continue;
        }
        const row = await upsert('cluster', c.moref, c.name, { moref: c.moref }, { name: c.name, moref: c.moref }, { siteId });
        touched('cluster', row, before);
        if (row) clusterId.set(c.moref, row.id);
      }

      const hostId = new Map<string, string>();
      const siteOfCluster = (id: string | undefined) => (id ? (clusters.live.get(id)?.siteId as string | undefined) : undefined);
      for (const h of Object.values(inv.hosts).sort((a, b) => a.name.localeCompare(b.name))) {
        const before = done('host');
        const cId = h.cluster ? clusterId.get(h.cluster) : undefined;
        const existing = hosts.find({ moref: h.moref, name: h.name }).row;
        const siteId = existing ? null : (siteOfCluster(cId) ?? (await siteFor(h.datacenter)));
        if (!existing && !siteId) {
          issue('host', h.moref, h.name, 'vcenter.no_site', { datacenter: h.datacenter });
          continue;
        }
        const row = await upsert(
          'host',
          h.moref,
          h.name,
          { moref: h.moref },
          {
            name: h.name,
            moref: h.moref,
            // A host whose cluster could not be synced keeps the ledger's cluster.
            clusterId: h.cluster ? cId : null,
            ip: h.managementIp ?? undefined,
            os: h.productFullName ?? undefined,
            model: h.model ?? undefined,
            cpuSockets: h.cpuSockets ?? undefined,
            cpuCores: h.cpuCores ?? undefined,
            cpuGhz: h.cpuMhz != null ? round(h.cpuMhz / 1000, 3) : undefined,
            memoryGib: h.memoryBytes != null ? round(h.memoryBytes / GIB, 2) : undefined,
          },
          { siteId },
        );
        touched('host', row, before);
        if (row) hostId.set(h.moref, row.id);
      }

      // Datastores have no moref column in the ledger: they are matched by name, qualified with the
      // datacenter when two datacenters use the same name (LocalDS_0 in each, typically).
      const dsNames = new Map<string, number>();
      for (const d of Object.values(inv.datastores)) dsNames.set(d.name.toLowerCase(), (dsNames.get(d.name.toLowerCase()) ?? 0) + 1);
      const mountedBy = new Map<string, Set<string | null>>();
      for (const h of Object.values(inv.hosts)) {
        for (const d of h.datastores) {
          const set = mountedBy.get(d) ?? new Set();
          set.add(h.cluster);
          mountedBy.set(d, set);
        }
      }
      for (const d of Object.values(inv.datastores).sort((a, b) => a.name.localeCompare(b.name))) {
        const before = done('storage');
        const dcName = (d.datacenter && inv.datacenters[d.datacenter]?.name) || '';
        const name = (dsNames.get(d.name.toLowerCase()) ?? 0) > 1 && dcName ? `${dcName}/${d.name}` : d.name;
        const users = [...(mountedBy.get(d.moref) ?? [])];
        const only1 = users.length === 1 && users[0] ? clusterId.get(users[0]) : undefined;
        const existing = storage.find({ moref: `\u0000${d.moref}`, name }).row;
        const siteId = existing ? null : (siteOfCluster(only1) ?? (await siteFor(d.datacenter)));
        if (!existing && !siteId) {
          issue('storage', d.moref, name, 'vcenter.no_site', { datacenter: d.datacenter });
          continue;
        }
        const row = await upsert(
          'storage',
          d.moref,
          name,
          { moref: `\u0000${d.moref}` },
          {
            name,
            clusterId: only1 ?? null,
            capacityGib: d.capacityBytes != null ? round(d.capacityBytes / GIB, 2) : undefined,
          },
          { siteId },
        );
        touched('storage', row, before);
      }

      // -------------------------------------------------------------- VMs

      const list = Object.values(inv.vms)
        .filter((v) => !v.template && (!only || only.has(v.moref)))
        .sort((a, b) => a.name.localeCompare(b.name) || a.moref.localeCompare(b.moref));
      for (const v of list) await syncVm(v);

      async function syncVm(v: VsphereVm): Promise<void> {
        const before = done('vm');
        const uuid = v.instanceUuid ?? v.uuid;
        const target = v.host ? hostId.get(v.host) : undefined;
        const disk = v.committedBytes != null || v.uncommittedBytes != null ? round(((v.committedBytes ?? 0) + (v.uncommittedBytes ?? 0)) / GIB, 2) : undefined;
        const desired = {
          name: v.name,
          moref: v.moref,
          uuid: uuid ?? undefined,
          os: v.guestFullName ?? undefined,
          vcpu: v.numCpu ?? undefined,
          memoryGib: v.memoryMB != null ? round(v.memoryMB / 1024, 4) : undefined,
          diskGib: disk,
          powerState: v.powerState ? (POWER[v.powerState] ?? null) : undefined,
          vcenterId: deps.vcenterId,
        };
        const existing = vms.find({ moref: v.moref, uuid, name: v.name }).row;
        // New VMs are placed on creation; a known VM moves through the placement function below.
        const row = await upsert('vm', v.moref, v.name, { moref: v.moref, uuid }, desired, existing ? {} : { hostId: target ?? null });
        if (!row) return;
        let changed = done('vm') !== before;
        if (existing && row.missingSince) {
          await cmdb.markVmMissing(t, { id: row.id }, { missing: false, source: 'vcenter', event: SYNC_REASON, cause: SYNC_CAUSE, actor });
          report.counts.vm.reappeared++;
          changed = true;
        }
        if (existing && target && row.hostId !== target) {
          await cmdb.recordPlacement(t, { id: row.id }, { id: target }, { source: 'vcenter', event: SYNC_REASON, cause: SYNC_CAUSE, actor });
          if (done('vm') === before) report.counts.vm.updated++;
          changed = true;
        }
        if (!changed) report.counts.vm.unchanged++;
      }

      // -------------------------------------------------------------- gone from vCenter

      if (!only) {
        for (const r of vms.live.values()) {
          if (vms.claimed.has(r.id) || (!r.moref && !r.uuid) || r.missingSince) continue;
          if (deps.vcenterId && r.vcenterId && r.vcenterId !== deps.vcenterId) continue;
          const res = await cmdb.markVmMissing(t, { id: r.id }, { missing: true, source: 'vcenter', event: `${SYNC_REASON}: vCenter に存在しない`, cause: SYNC_CAUSE, actor });
          if (res.changed) report.counts.vm.missing++;
        }
        for (const [kind, idx] of [
          ['cluster', clusters],
          ['host', hosts],
        ] as const) {
          for (const r of idx.live.values()) {
            if (!idx.claimed.has(r.id) && r.moref) report.gone.push({ kind, id: r.id, name: r.name, moref: String(r.moref) });
          }
        }
      }
      return report;
    });
  }

  // ------------------------------------------------------------------ public API

  async function runFull(): Promise<SyncReport> {
    const c = await getClient();
    return apply(await c.inventory(), null);
  }

  /** Reads the whole inventory and reconciles the ledger with it in one transaction. */
  function fullSync(): Promise<SyncReport> {
    return exclusive(runFull);
  }

  /** Reconciles only the given VMs (and the hosts they need) from a fresh inventory. */
  function syncVms(morefs: Iterable<string>): Promise<SyncReport> {
    return exclusive(async () => {
      const c = await getClient();
      return apply(await c.inventory(), new Set(morefs));
    });
  }

  /** Applies one round of watcher events (exported for the CLI and for tests). */
  function handleEvents(events: VmEvent[]): Promise<void> {
    return exclusive(async () => {
      let full = false;
      const refresh = new Set<string>();
      try {
        for (const e of events) {
          switch (e.kind) {
            case 'vm.moved':
              if (!e.toHost) break;
              try {
                await cmdb.recordPlacement(undefined, { moref: e.vm }, { moref: e.toHost }, { source: 'vcenter', event: 'vm.moved', cause: 'vcenter:vm.moved', actor });
              } catch (err) {
                if (!(err instanceof NotFoundError)) throw err;
                refresh.add(e.vm); // not in the ledger yet (or its host is not): sync it
              }
              break;
            case 'vm.removed':
              try {
                await cmdb.markVmMissing(undefined, { moref: e.vm }, { missing: true, source: 'vcenter', event: 'vm.removed', cause: 'vcenter:vm.removed', actor });
              } catch (err) {
                if (!(err instanceof NotFoundError)) throw err;
              }
              refresh.delete(e.vm);
              break;
            case 'vm.added':
            case 'vm.renamed':
            case 'vm.powerState':
              refresh.add(e.vm);
              break;
            case 'resync':
              full = true;
              break;
          }
        }
        if (full) await runFull();
        else if (refresh.size) {
          const c = await getClient();
          await apply(await c.inventory(), refresh);
        }
      } catch (err) {
        // Whatever went wrong, a full sync puts the ledger right; if that fails too, the follower restarts.
        onError(err);
        await runFull();
      }
    });
  }

  /** Follows VM placement until stopped (CMDB-6). */
  function follow(opts: { signal?: AbortSignal } = {}): FollowHandle {
    const ac = new AbortController();
    const signal = ac.signal;
    if (opts.signal) {
      if (opts.signal.aborted) ac.abort();
      else opts.signal.addEventListener('abort', () => ac.abort(), { once: true });
    }
    let markReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => {
      markReady = resolve;
    });
    const done = (async () => {
      while (!signal.aborted) {
        let watcher: VmWatcher | null = null;
        try {
          const c = await getClient();
          watcher = c.watchVms(deps.watch);
          // Start watching first, then catch up: nothing that happens in between is missed.
          await watcher.start();
          await fullSync();
          markReady();
          await watcher.run((events) => handleEvents(events), signal);
        } catch (err) {
          if (signal.aborted) break;
          onError(err);
          await watcher?.stop().catch(() => undefined);
          watcher = null;
          await dropClient();
          await sleep(retryMs, signal);
        } finally {
          await watcher?.stop().catch(() => undefined);
        }
      }
    })();
    return {
      ready,
      done,
      async stop() {
        ac.abort();
        await done;
      },
    };
  }

  /** Closes the vCenter connection (stop followers first). */
  async function close(): Promise<void> {
    await chain.catch(() => undefined);
    await dropClient();
  }

  return { fullSync, syncVms, handleEvents, follow, close };
}

export type VcenterSync = ReturnType<typeof createVcenterSync>;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
