import { and, asc, eq, ilike, inArray, or, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../db/connection.ts';
import { type Actor, can, visibleDepartments } from '../iam/actor.ts';
import { likePattern } from '../kernel/paging.ts';
import { KIND_LABELS } from './messages.ts';
import { cmdbClusters, cmdbHosts, cmdbManagementServers, cmdbNetworkDevices, cmdbSites, cmdbStorage, cmdbSystems, cmdbVms } from './schema.ts';

/** What the workbench's search box gets from the CMDB (its Searcher shape, kept here type-free). */
export interface CiHit {
  kind: { ja: string; en: string };
  id: string;
  ref: string;
  title: string;
  path: string;
}

const IPV4ISH = /^[0-9.]+$/;

/** Infrastructure CIs with a name and a management address; a system owner finds none of them. */
const INFRA: { kind: keyof typeof KIND_LABELS; table: PgTable & { id: AnyPgColumn; name: AnyPgColumn; ip?: AnyPgColumn }; path: (id: string, name: string) => string }[] = [
  { kind: 'host', table: cmdbHosts, path: (id) => `/cmdb/hosts/${id}` },
  { kind: 'cluster', table: cmdbClusters, path: (id) => `/cmdb/clusters/${id}` },
  { kind: 'site', table: cmdbSites, path: (id) => `/cmdb/sites/${id}` },
  { kind: 'management_server', table: cmdbManagementServers, path: (_id, name) => `/cmdb/management-servers?q=${encodeURIComponent(name)}` },
  { kind: 'storage', table: cmdbStorage, path: (_id, name) => `/cmdb/storage?q=${encodeURIComponent(name)}` },
  { kind: 'network_device', table: cmdbNetworkDevices, path: (_id, name) => `/cmdb/network-devices?q=${encodeURIComponent(name)}` },
];

/**
 * CIs by name (a part of it) or by IP address (the whole address or its leading part, "10.20.3."):
 * VMs by their NICs' addresses, devices by their management address. A system owner finds only the
 * systems and VMs of their own department (ORG-4), as the CMDB's own ledgers show them.
 */
export async function searchCis(db: Db, actor: Actor, text: string, limit: number): Promise<CiHit[]> {
  if (!can(actor, 'cmdb.read')) return [];
  const depts = visibleDepartments(actor);
  if (depts !== null && depts.length === 0) return [];
  const name = likePattern(text);
  const ipPrefix = IPV4ISH.test(text) ? `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const hits: CiHit[] = [];

  const vmIp: SQL | undefined = ipPrefix
    ? sql`EXISTS (SELECT 1 FROM jsonb_array_elements(${cmdbVms.nics}) n WHERE n->>'ip' LIKE ${ipPrefix})`
    : undefined;
  const vms = await db
    .select({ id: cmdbVms.id, name: cmdbVms.name, system: cmdbSystems.name, nics: cmdbVms.nics })
    .from(cmdbVms)
    .leftJoin(cmdbSystems, eq(cmdbSystems.id, cmdbVms.systemId))
    .where(and(or(ilike(cmdbVms.name, name), vmIp), depts ? inArray(cmdbSystems.departmentId, depts) : undefined))
    .orderBy(asc(cmdbVms.name))
    .limit(limit);
  for (const v of vms) {
    const ips = v.nics.map((n) => n.ip).filter(Boolean).join(', ');
    hits.push({ kind: KIND_LABELS.vm, id: v.id, ref: v.name, title: [v.system, ips].filter(Boolean).join(' / '), path: `/cmdb/vms/${v.id}` });
  }

  const systems = await db
    .select({ id: cmdbSystems.id, name: cmdbSystems.name, code: cmdbSystems.code })
    .from(cmdbSystems)
    .where(and(or(ilike(cmdbSystems.name, name), ilike(cmdbSystems.code, name)), depts ? inArray(cmdbSystems.departmentId, depts) : undefined))
    .orderBy(asc(cmdbSystems.name))
    .limit(limit);
  for (const s of systems) hits.push({ kind: KIND_LABELS.system, id: s.id, ref: s.name, title: s.code ?? '', path: `/cmdb/systems/${s.id}` });

  if (depts === null) {
    for (const k of INFRA) {
      const t = k.table;
      const rows = (await db
        .select({ id: t.id, name: t.name, ip: t.ip ? t.ip : sql<string | null>`NULL` })
        .from(t)
        .where(or(ilike(t.name, name), t.ip && ipPrefix ? sql`${t.ip} LIKE ${ipPrefix}` : undefined))
        .orderBy(asc(t.name))
        .limit(limit)) as { id: string; name: string; ip: string | null }[];
      for (const r of rows) hits.push({ kind: KIND_LABELS[k.kind], id: r.id, ref: r.name, title: r.ip ?? '', path: k.path(r.id, r.name) });
    }
  }
  return hits.slice(0, limit * 2);
}

/** The CMDB's part of the workbench's global search (its Searcher, matched structurally). */
export const cmdbSearcher = {
  source: 'cmdb',
  label: { ja: '構成管理', en: 'CMDB' },
  search: (db: Db, actor: Actor, q: { text: string; limit: number }): Promise<CiHit[]> => searchCis(db, actor, q.text, q.limit),
};
