/**
 * RVTools import (CMDB-7): an export's vHost, vDatastore and vInfo rows become ESXi hosts (and the
 * clusters they name), storage and VMs in the ledger.
 *
 * `previewImport` is a dry run: it reads the ledger, never writes, and answers what would be created,
 * what would change (field by field) and which rows cannot be taken — each with its sheet, row and
 * column. `commitImport` recomputes the same plan inside one transaction (the ledger may have changed
 * since the preview) and applies it with history source 'rvtools' and the reason the person gave.
 * Rows in conflict block the commit unless they are excluded (by sheet and row, or all of them).
 *
 * Like the vCenter sync, the import writes what RVTools knows (sizes, OS, placement, identity) and
 * leaves what people decide (system, service level, status after creation, site) alone. Templates
 * are not VMs and are skipped.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/connection.ts';
import { inTx } from '../../db/tx.ts';
import { type Actor, requirePermission } from '../../iam/actor.ts';
import type { Clock } from '../../kernel/clock.ts';
import { ConflictError, InputError, NotFoundError } from '../../kernel/errors.ts';
import { type Lang, translate } from '../../kernel/messages.ts';
import { type CiKind, ciInputs } from '../inputs.ts';
import { KIND_LABELS } from '../messages.ts';
import { cmdbClusters, cmdbHosts, cmdbSites, cmdbStorage, cmdbVms } from '../schema.ts';
import type { CiRow, CmdbService } from '../service.ts';
import { type Cell, type ParsedExport, parseRvtools, type SheetName, type SheetRow, toBool, toNumber, toText, type UploadedFile } from './parse.ts';
import './messages.ts';

type Kind = 'cluster' | 'host' | 'storage' | 'vm';

export interface ImportIssue {
  sheet: SheetName;
  row: number;
  /** Column letter as Excel shows it, and the header text. */
  column: string | null;
  header: string | null;
  key: string;
  params: Record<string, unknown>;
  message: string;
}

export interface PlanItem {
  sheet: SheetName | null;
  row: number | null;
  kind: Kind;
  name: string;
  /** The CI when it exists. */
  id: string | null;
  /** For creates: the values; for updates: the changed fields only. */
  fields: Record<string, unknown>;
  changes: { field: string; before: unknown; after: unknown }[];
}

export interface ImportPreview {
  token: string;
  files: string[];
  expiresAt: Date;
  rows: { vInfo: number; vHost: number; vDatastore: number };
  creates: PlanItem[];
  updates: PlanItem[];
  unchanged: number;
  conflicts: ImportIssue[];
  /** Rows not imported on purpose: templates, and rows the caller excluded. */
  skipped: { sheet: SheetName; row: number; reason: 'template' | 'excluded' }[];
  canCommit: boolean;
}

export interface ImportOptions {
  /** Site of new clusters, hosts and storage whose datacenter matches no site by name or code. */
  siteId?: string;
  /** Rows to leave out, e.g. [{ sheet: 'vInfo', row: 12 }]. */
  exclude?: { sheet: SheetName; row: number }[];
  /** Leave out every row in conflict (and what depends on it). */
  excludeConflicts?: boolean;
  lang?: Lang;
}

export interface CommitResult {
  created: Record<Kind, number>;
  updated: Record<Kind, number>;
  unchanged: number;
  skipped: ImportPreview['skipped'];
}

export interface RvtoolsDeps {
  db: Db;
  clock: Clock;
  cmdb: CmdbService;
  /** How long a preview can be committed by its token (default 30 min). */
  previewTtlMs?: number;
}

const MIB_PER_GIB = 1024;
const round = (n: number, d: number) => Math.round(n * 10 ** d) / 10 ** d;
const POWER: Record<string, 'on' | 'off' | 'suspended'> = { poweredon: 'on', poweredoff: 'off', suspended: 'suspended' };
const MAX_PREVIEWS = 20;

/** Ledger field → sheet field, to point a range error at its column. */
const FIELD_COLUMN: Record<Kind, Record<string, string>> = {
  cluster: { name: 'cluster' },
  host: { name: 'host', cpuSockets: 'sockets', cpuCores: 'cores', cpuGhz: 'speed', memoryGib: 'memory', os: 'esxVersion', model: 'model', serialNumber: 'serial', moref: 'objectId' },
  storage: { name: 'name', capacityGib: 'capacity' },
  vm: { name: 'vm', vcpu: 'cpus', memoryGib: 'memory', diskGib: 'totalDisk', os: 'os', powerState: 'powerstate', uuid: 'uuid', moref: 'vmId' },
};

interface Planned {
  item: PlanItem;
  /** Set for creates: references to clusters/hosts created by the same import. */
  pendingCluster?: string;
  version?: number;
}

interface Plan {
  creates: Planned[];
  updates: Planned[];
  unchanged: number;
  conflicts: ImportIssue[];
  skipped: ImportPreview['skipped'];
}

export function createRvtoolsImport({ db, clock, cmdb, previewTtlMs = 30 * 60_000 }: RvtoolsDeps) {
  const previews = new Map<string, { parsed: ParsedExport; owner: string; expiresAt: Date; siteId?: string }>();

  const ownerOf = (actor: Actor) => actor.personId ?? `${actor.kind}:${actor.label}`;

  function prune(): void {
    const now = clock.now().getTime();
    for (const [k, v] of previews) if (v.expiresAt.getTime() <= now) previews.delete(k);
    while (previews.size > MAX_PREVIEWS) previews.delete(previews.keys().next().value as string);
  }

  // ------------------------------------------------------------------ planning

  async function plan(t: Db, parsed: ParsedExport, opts: ImportOptions): Promise<Plan> {
    const lang = opts.lang ?? 'ja';
    const excluded = new Set((opts.exclude ?? []).map((e) => `${e.sheet}:${e.row}`));
    const out: Plan = { creates: [], updates: [], unchanged: 0, conflicts: [], skipped: [] };
    const bad = new Set<string>(); // sheet:row with a conflict

    const issue = (r: SheetRow, field: string | null, key: string, params: Record<string, unknown> = {}) => {
      const col = field ? parsed.columns[r.sheet]?.[field] : undefined;
      out.conflicts.push({ sheet: r.sheet, row: r.row, column: col?.letter ?? null, header: col?.header ?? null, key, params, message: translate(key, params, lang) });
      bad.add(`${r.sheet}:${r.row}`);
    };
    const rowsOf = <S extends SheetName>(s: S): SheetRow<S>[] => {
      const rows = (parsed.sheets[s] ?? []) as SheetRow<S>[];
      return rows.filter((r) => {
        if (!excluded.has(`${s}:${r.row}`)) return true;
        out.skipped.push({ sheet: s, row: r.row, reason: 'excluded' });
        return false;
      });
    };

    const all = async (tbl: typeof cmdbSites | typeof cmdbClusters | typeof cmdbHosts | typeof cmdbStorage | typeof cmdbVms) =>
      (await t.select().from(tbl)) as CiRow[];
    // One after the other: inside a transaction there is one connection.
    const sites = await all(cmdbSites);
    const clusters = await all(cmdbClusters);
    const hosts = await all(cmdbHosts);
    const storage = await all(cmdbStorage);
    const vms = await all(cmdbVms);
    const live = (rows: CiRow[]) => rows.filter((r) => r.status !== 'retired');
    const byName = (rows: CiRow[]) => new Map(live(rows).map((r) => [r.name.toLowerCase(), r]));
    const sitesByKey = new Map<string, string>();
    for (const s of live(sites)) {
      sitesByKey.set(s.name.toLowerCase(), s.id);
      if (s.code) sitesByKey.set(String(s.code).toLowerCase(), s.id);
    }
    const siteFor = (dc: string | null) => (dc ? sitesByKey.get(dc.toLowerCase()) : undefined) ?? opts.siteId ?? null;
    const clustersByName = byName(clusters);
    const hostsByName = byName(hosts);
    const storageByName = byName(storage);
    const vmsByName = byName(vms);
    const idx = (rows: CiRow[], key: 'moref' | 'uuid') => new Map(rows.filter((r) => r[key]).map((r) => [String(r[key]), r]));
    const hostsByMoref = idx(live(hosts), 'moref');
    const retiredHostsByMoref = idx(hosts.filter((r) => r.status === 'retired'), 'moref');
    const vmsByMoref = idx(live(vms), 'moref');
    const vmsByUuid = idx(live(vms), 'uuid');
    const retiredVms = [...idx(vms.filter((r) => r.status === 'retired'), 'moref'), ...idx(vms.filter((r) => r.status === 'retired'), 'uuid')];
    const retiredVm = new Map(retiredVms);

    /** Duplicate names within a sheet: every row involved is a conflict. */
    function duplicates<S extends SheetName>(rows: SheetRow<S>[], field: string, sheet: S): Set<number> {
      const by = new Map<string, SheetRow<S>[]>();
      for (const r of rows) {
        const n = toText((r.values as Record<string, Cell>)[field] ?? null);
        if (!n) continue;
        by.set(n.toLowerCase(), [...(by.get(n.toLowerCase()) ?? []), r]);
      }
      const dup = new Set<number>();
      for (const group of by.values()) {
        if (group.length < 2) continue;
        for (const r of group) {
          dup.add(r.row);
          issue(r, field, 'rvtools.duplicate', { name: toText((r.values as Record<string, Cell>)[field] ?? null), sheet, rows: group.map((g) => g.row).join(', ') });
        }
      }
      return dup;
    }

    /** Reads a numeric cell; reports a non-number. undefined = empty, null = bad. */
    function num(r: SheetRow, field: string): number | undefined | null {
      const c = (r.values as Record<string, Cell>)[field] ?? null;
      const v = toNumber(c);
      if (v === null) return undefined;
      if (Number.isNaN(v)) {
        issue(r, field, 'rvtools.not_a_number', { value: String(c) });
        return null;
      }
      return v;
    }

    /** Checks values against the ledger's bounds; reports the first bad field at its column. */
    function inRange(r: SheetRow, kind: Kind, data: Record<string, unknown>): boolean {
      const res = (ciInputs[kind as CiKind].update as unknown as { safeParse(v: unknown): { success: boolean; error?: { issues: { path: PropertyKey[] }[] } } }).safeParse({
        ...data,
        version: 1,
        reason: 'rvtools',
      });
      if (res.success) return true;
      for (const i of res.error?.issues ?? []) {
        const f = String(i.path[0] ?? '');
        issue(r, FIELD_COLUMN[kind][f] ?? null, 'rvtools.out_of_range', { value: JSON.stringify(data[f] ?? null), field: f });
      }
      return false;
    }

    function diffOf(row: CiRow, wanted: Record<string, unknown>) {
      return Object.entries(wanted)
        .filter(([f, v]) => v !== undefined && JSON.stringify(row[f] ?? null) !== JSON.stringify(v ?? null))
        .map(([field, after]) => ({ field, before: row[field] ?? null, after }));
    }

    function upsertPlan(r: SheetRow | null, kind: Kind, name: string, existing: CiRow | undefined, wanted: Record<string, unknown>, createExtra: Record<string, unknown>, pendingCluster?: string) {
      const clean = Object.fromEntries(Object.entries(wanted).filter(([, v]) => v !== undefined));
      if (!existing) {
        out.creates.push({ item: { sheet: r?.sheet ?? null, row: r?.row ?? null, kind, name, id: null, fields: { ...createExtra, ...clean }, changes: [] }, pendingCluster });
        return;
      }
      const changes = diffOf(existing, clean);
      if (!changes.length) {
        out.unchanged++;
        return;
      }
      out.updates.push({
        item: { sheet: r?.sheet ?? null, row: r?.row ?? null, kind, name, id: existing.id, fields: Object.fromEntries(changes.map((c) => [c.field, c.after])), changes },
        version: existing.version,
        pendingCluster,
      });
    }

    // -------------------------------------------------------------- vHost (and the clusters it names)

    const newClusters = new Map<string, { name: string; siteId: string }>();
    /** Hosts the import will know after it runs: name → { id or pending, site }. */
    const knownHosts = new Map<string, { id: string | null; siteId: string | null }>();
    for (const h of live(hosts)) knownHosts.set(h.name.toLowerCase(), { id: h.id, siteId: h.siteId as string });

    const hostRows = rowsOf('vHost');
    const dupHosts = duplicates(hostRows, 'host', 'vHost');
    for (const r of hostRows) {
      const v = r.values;
      const name = toText(v.host ?? null);
      if (!name) {
        issue(r, 'host', 'rvtools.required');
        continue;
      }
      if (dupHosts.has(r.row)) continue;
      const sockets = num(r, 'sockets');
      const perCpu = num(r, 'coresPerCpu');
      let cores = num(r, 'cores');
      const speed = num(r, 'speed');
      const memory = num(r, 'memory');
      if ([sockets, perCpu, cores, speed, memory].includes(null)) continue;
      if (cores === undefined && sockets && perCpu) cores = sockets * perCpu;
      const moref = toText(v.objectId ?? null);
      const existing = (moref ? hostsByMoref.get(moref) : undefined) ?? hostsByName.get(name.toLowerCase());
      if (!existing && moref && retiredHostsByMoref.get(moref)) {
        issue(r, 'host', 'rvtools.retired', { kind: KIND_LABELS.host.ja, name });
        continue;
      }
      if (existing && existing.name.toLowerCase() !== name.toLowerCase() && hostsByName.get(name.toLowerCase())) {
        issue(r, 'host', 'rvtools.name_taken', { name, kind: KIND_LABELS.host.ja });
        continue;
      }
      // The cluster: in the ledger, or created by this import at the datacenter's site.
      const clusterName = toText(v.cluster ?? null);
      const datacenter = toText(v.datacenter ?? null);
      let clusterId: string | null | undefined = clusterName ? undefined : null;
      let clusterSite: string | null = null;
      let pendingCluster: string | undefined;
      if (clusterName) {
        const c = clustersByName.get(clusterName.toLowerCase());
        if (c) {
          clusterId = c.id;
          clusterSite = c.siteId as string;
        } else {
          const site = siteFor(datacenter);
          if (!site) {
            issue(r, 'datacenter', 'rvtools.unknown_site', { name: clusterName, datacenter: datacenter ?? '' });
            continue;
          }
          if (!newClusters.has(clusterName.toLowerCase())) newClusters.set(clusterName.toLowerCase(), { name: clusterName, siteId: site });
          pendingCluster = clusterName.toLowerCase();
          clusterSite = newClusters.get(pendingCluster)?.siteId ?? site;
        }
      }
      const siteId = existing ? (existing.siteId as string) : (clusterSite ?? siteFor(datacenter));
      if (!siteId) {
        issue(r, 'datacenter', 'rvtools.unknown_site', { name, datacenter: datacenter ?? '' });
        continue;
      }
      if (clusterSite && clusterSite !== siteId) {
        issue(r, 'cluster', 'rvtools.cluster_other_site', { cluster: clusterName });
        continue;
      }
      const wanted: Record<string, unknown> = {
        name,
        os: toText(v.esxVersion ?? null) ?? undefined,
        model: toText(v.model ?? null) ?? undefined,
        serialNumber: toText(v.serial ?? null) ?? undefined,
        cpuSockets: sockets ?? undefined,
        cpuCores: cores ?? undefined,
        cpuGhz: speed != null ? round(speed / 1000, 3) : undefined,
        memoryGib: memory != null ? round(memory / MIB_PER_GIB, 2) : undefined,
        moref: moref && /^host-\d+$/.test(moref) ? moref : undefined,
      };
      if (!inRange(r, 'host', wanted)) continue;
      if (!existing) {
        for (const f of ['cpuCores', 'cpuGhz', 'memoryGib'] as const) {
          if (wanted[f] === undefined) {
            issue(r, FIELD_COLUMN.host[f] ?? null, 'rvtools.required');
          }
        }
        if (bad.has(`vHost:${r.row}`)) continue;
      }
      if (clusterId !== undefined) wanted.clusterId = clusterId;
      upsertPlan(r, 'host', name, existing, wanted, { siteId }, pendingCluster);
      knownHosts.set(name.toLowerCase(), { id: existing?.id ?? null, siteId });
    }
    for (const c of newClusters.values()) {
      out.creates.unshift({ item: { sheet: null, row: null, kind: 'cluster', name: c.name, id: null, fields: { name: c.name, siteId: c.siteId }, changes: [] } });
    }

    // -------------------------------------------------------------- vDatastore

    const dsRows = rowsOf('vDatastore');
    const dupDs = duplicates(dsRows, 'name', 'vDatastore');
    for (const r of dsRows) {
      const v = r.values;
      const name = toText(v.name ?? null);
      if (!name) {
        issue(r, 'name', 'rvtools.required');
        continue;
      }
      if (dupDs.has(r.row)) continue;
      const capacity = num(r, 'capacity');
      if (capacity === null) continue;
      const existing = storageByName.get(name.toLowerCase());
      const clusterName = toText(v.clusterName ?? null);
      const cluster = clusterName ? clustersByName.get(clusterName.toLowerCase()) : undefined;
      const pendingCluster = clusterName && !cluster && newClusters.has(clusterName.toLowerCase()) ? clusterName.toLowerCase() : undefined;
      const hostSite = (toText(v.hosts ?? null) ?? '')
        .split(/[,;]\s*/)
        .map((h) => knownHosts.get(h.trim().toLowerCase())?.siteId)
        .find(Boolean);
      const siteId =
        (existing?.siteId as string | undefined) ??
        (cluster?.siteId as string | undefined) ??
        (pendingCluster ? newClusters.get(pendingCluster)?.siteId : undefined) ??
        hostSite ??
        siteFor(toText(v.datacenter ?? null));
      if (!siteId) {
        issue(r, 'name', 'rvtools.unknown_site', { name, datacenter: toText(v.datacenter ?? null) ?? '' });
        continue;
      }
      const wanted: Record<string, unknown> = { name, capacityGib: capacity !== undefined ? round(capacity / MIB_PER_GIB, 2) : undefined };
      if (cluster) wanted.clusterId = cluster.id;
      if (!inRange(r, 'storage', wanted)) continue;
      if (!existing && wanted.capacityGib === undefined) {
        issue(r, 'capacity', 'rvtools.required');
        continue;
      }
      upsertPlan(r, 'storage', name, existing, wanted, { siteId }, pendingCluster);
    }

    // -------------------------------------------------------------- vInfo

    const vmRows = rowsOf('vInfo').filter((r) => {
      if (toBool(r.values.template ?? null) !== true) return true;
      out.skipped.push({ sheet: 'vInfo', row: r.row, reason: 'template' });
      return false;
    });
    const dupVms = duplicates(vmRows, 'vm', 'vInfo');
    for (const r of vmRows) {
      const v = r.values;
      const name = toText(v.vm ?? null);
      if (!name) {
        issue(r, 'vm', 'rvtools.required');
        continue;
      }
      if (dupVms.has(r.row)) continue;
      const cpus = num(r, 'cpus');
      const memory = num(r, 'memory');
      const diskField = v.totalDisk !== undefined && toNumber(v.totalDisk ?? null) !== null ? 'totalDisk' : 'provisioned';
      const disk = num(r, diskField);
      if ([cpus, memory, disk].includes(null)) continue;
      const hostName = toText(v.host ?? null);
      const host = hostName ? knownHosts.get(hostName.toLowerCase()) : undefined;
      if (!hostName) {
        issue(r, 'host', 'rvtools.required');
        continue;
      }
      if (!host) {
        issue(r, 'host', 'rvtools.unknown_host', { host: hostName });
        continue;
      }
      const moref = toText(v.vmId ?? null);
      const uuid = toText(v.uuid ?? null);
      const linked = (moref ? vmsByMoref.get(moref) : undefined) ?? (uuid ? vmsByUuid.get(uuid) : undefined);
      const named = vmsByName.get(name.toLowerCase());
      const existing = linked ?? (named && (!named.moref || named.moref === moref) && (!named.uuid || named.uuid === uuid) ? named : undefined);
      if (!existing && ((moref && retiredVm.get(moref)) || (uuid && retiredVm.get(uuid)))) {
        issue(r, 'vm', 'rvtools.retired', { kind: KIND_LABELS.vm.ja, name });
        continue;
      }
      if (named && named.id !== existing?.id) {
        issue(r, 'vm', 'rvtools.name_taken', { name, kind: KIND_LABELS.vm.ja });
        continue;
      }
      const power = toText(v.powerstate ?? null);
      const wanted: Record<string, unknown> = {
        name,
        vcpu: cpus,
        memoryGib: memory != null ? round(memory / MIB_PER_GIB, 4) : undefined,
        diskGib: disk != null ? round(disk / MIB_PER_GIB, 2) : undefined,
        os: toText(v.os ?? null) ?? toText(v.osTools ?? null) ?? undefined,
        powerState: power ? (POWER[power.toLowerCase()] ?? undefined) : undefined,
        moref: moref ?? undefined,
        uuid: uuid ?? undefined,
      };
      if (!inRange(r, 'vm', wanted)) continue;
      if (!existing) {
        for (const f of ['vcpu', 'memoryGib', 'diskGib'] as const) {
          if (wanted[f] === undefined) issue(r, f === 'diskGib' ? diskField : (FIELD_COLUMN.vm[f] ?? null), 'rvtools.required');
        }
        if (bad.has(`vInfo:${r.row}`)) continue;
      }
      // The host: an id, or the name of a host this import creates (resolved when applied).
      const hostRef = host.id ?? `pending:${hostName.toLowerCase()}`;
      const annotation = toText(v.annotation ?? null);
      upsertPlan(r, 'vm', name, existing, { ...wanted, hostId: hostRef }, annotation ? { notes: annotation.slice(0, 2000) } : {});
    }
    return out;
  }

  /** Plans, excluding conflicting rows (and what depends on them) when asked to. */
  async function planWith(t: Db, parsed: ParsedExport, opts: ImportOptions): Promise<Plan> {
    let p = await plan(t, parsed, opts);
    if (!opts.excludeConflicts) return p;
    const exclude = [...(opts.exclude ?? [])];
    for (let i = 0; i < 4 && p.conflicts.length; i++) {
      exclude.push(...p.conflicts.map((c) => ({ sheet: c.sheet, row: c.row })));
      p = await plan(t, parsed, { ...opts, exclude });
    }
    return p;
  }

  // ------------------------------------------------------------------ API

  /** Dry run: what the file would change. Writes nothing (the token lets the same file be committed). */
  async function previewImport(actor: Actor, files: UploadedFile | UploadedFile[], opts: ImportOptions = {}): Promise<ImportPreview> {
    requirePermission(actor, 'cmdb.manage');
    const parsed = await parseRvtools(files);
    const p = await planWith(db, parsed, opts);
    prune();
    const token = randomUUID();
    const expiresAt = new Date(clock.now().getTime() + previewTtlMs);
    previews.set(token, { parsed, owner: ownerOf(actor), expiresAt, siteId: opts.siteId });
    return {
      token,
      files: parsed.files,
      expiresAt,
      rows: { vInfo: parsed.sheets.vInfo?.length ?? 0, vHost: parsed.sheets.vHost?.length ?? 0, vDatastore: parsed.sheets.vDatastore?.length ?? 0 },
      creates: p.creates.map((c) => c.item),
      updates: p.updates.map((u) => u.item),
      unchanged: p.unchanged,
      conflicts: p.conflicts,
      skipped: p.skipped,
      canCommit: p.conflicts.length === 0,
    };
  }

  /**
   * Applies a previewed file (by token) or a file given now, in one transaction. Requires a reason;
   * refuses while any row not excluded is in conflict.
   */
  async function commitImport(
    actor: Actor,
    source: { token: string } | { files: UploadedFile | UploadedFile[] },
    reason: string,
    opts: ImportOptions = {},
  ): Promise<CommitResult> {
    requirePermission(actor, 'cmdb.manage');
    if (!reason?.trim()) throw new InputError('error.invalid_input', {}, { reason: { key: 'field.required' } });
    let parsed: ParsedExport;
    let siteId = opts.siteId;
    let cause = 'rvtools:upload';
    if ('token' in source) {
      prune();
      const saved = previews.get(source.token);
      if (!saved || saved.owner !== ownerOf(actor)) throw new NotFoundError('rvtools.token_unknown');
      parsed = saved.parsed;
      siteId ??= saved.siteId;
      cause = `rvtools:${source.token.slice(0, 8)}`;
    } else {
      parsed = await parseRvtools(source.files);
    }
    const result = await inTx(db, async (t) => {
      const p = await planWith(t, parsed, { ...opts, siteId });
      const first = p.conflicts[0];
      if (first) {
        throw new ConflictError('rvtools.has_conflicts', { count: new Set(p.conflicts.map((c) => `${c.sheet}:${c.row}`)).size, sheet: first.sheet, row: first.row, column: first.column ?? '-' });
      }
      const meta = { reason: reason.trim(), cause };
      const opt = { tx: t, source: 'rvtools' as const };
      const created: Record<Kind, number> = { cluster: 0, host: 0, storage: 0, vm: 0 };
      const updated: Record<Kind, number> = { cluster: 0, host: 0, storage: 0, vm: 0 };
      const newCluster = new Map<string, string>();
      const newHost = new Map<string, string>();
      const resolve = (f: Record<string, unknown>, pending?: string) => {
        const out = { ...f };
        if (pending) out.clusterId = newCluster.get(pending);
        if (typeof out.hostId === 'string' && out.hostId.startsWith('pending:')) out.hostId = newHost.get(out.hostId.slice(8));
        return out;
      };
      const order: Kind[] = ['cluster', 'host', 'storage', 'vm'];
      for (const kind of order) {
        for (const c of p.creates.filter((x) => x.item.kind === kind)) {
          const row = (await cmdb.create(actor, kind, { ...resolve(c.item.fields, c.pendingCluster), status: 'active', ...meta } as never, opt)) as CiRow;
          if (kind === 'cluster') newCluster.set(row.name.toLowerCase(), row.id);
          if (kind === 'host') newHost.set(row.name.toLowerCase(), row.id);
          created[kind]++;
        }
        for (const u of p.updates.filter((x) => x.item.kind === kind)) {
          await cmdb.update(actor, kind, u.item.id as string, { version: u.version, ...resolve(u.item.fields, u.pendingCluster), ...meta } as never, opt);
          updated[kind]++;
        }
      }
      return { created, updated, unchanged: p.unchanged, skipped: p.skipped };
    });
    if ('token' in source) previews.delete(source.token);
    return result;
  }

  return { previewImport, commitImport };
}

export type RvtoolsImport = ReturnType<typeof createRvtoolsImport>;
