import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import { cmdbClusters, cmdbContacts, cmdbHosts, cmdbSystems, cmdbVms } from '../cmdb/schema.ts';
import type { Db } from '../db/index.ts';
import { monitoringSuppressions, monitoringTargets } from './schema.ts';

/** What alert handling needs to know about a monitored CI, from the CMDB's current state. */
export interface CiContext {
  /** A VM's system's department (system owners' scope); null for infrastructure. */
  departmentId: string | null;
  /** The systems concerned: a VM's system; the systems of the VMs now on a host. */
  systemIds: string[];
  /** A host's cluster has DRS (MON-5 guidance row), null if not a host. */
  drs: boolean | null;
  serviceLevel: 'A' | 'B' | 'C' | null;
}

export async function ciContext(t: Db, ciType: string, ciId: string): Promise<CiContext> {
  if (ciType === 'vm') {
    const [r] = await t
      .select({ systemId: cmdbVms.systemId, departmentId: cmdbSystems.departmentId, level: sql<'A' | 'B' | 'C' | null>`coalesce(${cmdbVms.serviceLevelOverride}, ${cmdbSystems.serviceLevel})` })
      .from(cmdbVms)
      .leftJoin(cmdbSystems, eq(cmdbSystems.id, cmdbVms.systemId))
      .where(eq(cmdbVms.id, ciId));
    return { departmentId: r?.departmentId ?? null, systemIds: r?.systemId ? [r.systemId] : [], drs: null, serviceLevel: r?.level ?? null };
  }
  if (ciType === 'host') {
    const [h] = await t.select({ drs: cmdbClusters.drsEnabled }).from(cmdbHosts).leftJoin(cmdbClusters, eq(cmdbClusters.id, cmdbHosts.clusterId)).where(eq(cmdbHosts.id, ciId));
    const vms = await t
      .selectDistinct({ systemId: cmdbVms.systemId })
      .from(cmdbVms)
      .where(and(eq(cmdbVms.hostId, ciId), ne(cmdbVms.status, 'retired')));
    return { departmentId: null, systemIds: vms.map((v) => v.systemId).filter((s): s is string => s !== null), drs: h?.drs ?? null, serviceLevel: null };
  }
  return { departmentId: null, systemIds: [], drs: null, serviceLevel: null };
}

/**
 * MON-8: a system's monitoring mail addresses — its contacts whose role names monitoring (監視 /
 * monitor), or, when none is marked so, all its contacts (the escalation list), in escalation order.
 */
export async function monitoringAddresses(t: Db, systemIds: readonly string[]): Promise<string[]> {
  if (systemIds.length === 0) return [];
  const rows = await t
    .select({ email: cmdbContacts.email, role: cmdbContacts.role, systemId: cmdbContacts.systemId })
    .from(cmdbContacts)
    .where(and(inArray(cmdbContacts.systemId, [...systemIds]), ne(cmdbContacts.status, 'retired')))
    .orderBy(asc(cmdbContacts.escalationOrder), asc(cmdbContacts.email));
  const out: string[] = [];
  for (const sid of systemIds) {
    const mine = rows.filter((r) => r.systemId === sid);
    const marked = mine.filter((r) => /監視|monitor/i.test(r.role ?? ''));
    for (const r of marked.length ? marked : mine) if (!out.some((x) => x.toLowerCase() === r.email.toLowerCase())) out.push(r.email);
  }
  return out;
}

/** All contacts of the systems (N's 「To : システム所管」 of the suppression mails). */
export async function systemOwnerAddresses(t: Db, systemIds: readonly string[]): Promise<string[]> {
  if (systemIds.length === 0) return [];
  const rows = await t
    .selectDistinct({ email: cmdbContacts.email, order: cmdbContacts.escalationOrder })
    .from(cmdbContacts)
    .where(and(inArray(cmdbContacts.systemId, [...systemIds]), ne(cmdbContacts.status, 'retired')))
    .orderBy(asc(cmdbContacts.escalationOrder), asc(cmdbContacts.email));
  const out: string[] = [];
  for (const r of rows) if (!out.some((x) => x.toLowerCase() === r.email.toLowerCase())) out.push(r.email);
  return out;
}

/** SQL: the target is under an approved/active suppression covering `at` (optionally of one method). */
export function suppressedAt(targetId: unknown, at: Date, method?: 'watch' | 'stop') {
  return sql`EXISTS (SELECT 1 FROM ${monitoringSuppressions} s WHERE s.state IN ('approved', 'active')
    AND s.starts_at <= ${at.toISOString()}::timestamptz AND s.ends_at > ${at.toISOString()}::timestamptz AND ${targetId} = ANY(s.target_ids)${method ? sql` AND s.method = ${method}` : sql``})`;
}

/** The suppression covering the target at `at`, if any (the most recent one). */
export async function suppressionCovering(t: Db, targetId: string, at: Date) {
  const [s] = await t
    .select()
    .from(monitoringSuppressions)
    .where(
      and(
        inArray(monitoringSuppressions.state, ['approved', 'active']),
        sql`${monitoringSuppressions.startsAt} <= ${at.toISOString()}::timestamptz`,
        sql`${monitoringSuppressions.endsAt} > ${at.toISOString()}::timestamptz`,
        sql`${targetId}::uuid = ANY(${monitoringSuppressions.targetIds})`,
      ),
    )
    .orderBy(sql`${monitoringSuppressions.startsAt} DESC`)
    .limit(1);
  return s ?? null;
}

/** Department scope of monitoring targets for system owners: VMs of the departments' systems. */
export function targetInDepartments(depts: readonly string[]) {
  return sql`(${monitoringTargets.ciType} = 'vm' AND EXISTS (SELECT 1 FROM ${cmdbVms} JOIN ${cmdbSystems} ON ${cmdbSystems.id} = ${cmdbVms.systemId}
    WHERE ${cmdbVms.id} = ${monitoringTargets.ciId} AND ${inArray(cmdbSystems.departmentId, [...depts])}))`;
}
