import { and, ne, sql } from 'drizzle-orm';
import { cmdbHosts, cmdbVms } from '../../cmdb/schema.ts';
import type { Db } from '../../db/connection.ts';
import type { ZabbixClient, ZabbixTag } from './client.ts';

/**
 * Zabbix problems in Kiban's words. Both ways in — pulling `problem.get` and the webhook media type —
 * produce a `ZabbixAlert` and hand it to a `ZabbixAlertSink`; what Kiban does with it (alert ledger,
 * notification, incident) belongs to the monitoring module's alert path, which implements the sink.
 */

/** Zabbix's severities 0–5 and their standard names. */
export const ZABBIX_SEVERITY_NAMES = ['Not classified', 'Information', 'Warning', 'Average', 'High', 'Disaster'] as const;

export type KibanSeverity = 'warning' | 'critical';

/** Zabbix 0–3 (not classified, information, warning, average) → warning; 4–5 (high, disaster) → critical. */
export function kibanSeverity(zabbixSeverity: number, criticalFrom = 4): KibanSeverity {
  return zabbixSeverity >= criticalFrom ? 'critical' : 'warning';
}

/** A configuration item of the CMDB a Zabbix host was matched to (by name, case-insensitively). */
export interface CiRef {
  kind: 'host' | 'vm';
  id: string;
  name: string;
}

export interface ZabbixAlert {
  source: 'zabbix';
  /** The problem event's id: the key for de-duplication (a sink must be idempotent on it). */
  eventId: string;
  /** `problem` while the trigger is in PROBLEM; `resolved` once Zabbix closed it (recovery). */
  status: 'problem' | 'resolved';
  /** The Zabbix host's technical name (null when the event names no host). */
  hostName: string | null;
  /** The trigger's (event's) name with macros resolved by Zabbix. */
  triggerName: string;
  triggerId: string | null;
  zabbixSeverity: number;
  severity: KibanSeverity;
  /** When the problem started. */
  clock: Date;
  /** When it was resolved, for `resolved`. */
  resolvedAt: Date | null;
  acknowledged: boolean;
  tags: ZabbixTag[];
  /** The CMDB CI named like the host, or null when none is (the alert still goes to the sink). */
  ci: CiRef | null;
}

/** Receives every alert; implemented by the monitoring alert path, a recording array in tests. */
export type ZabbixAlertSink = (alert: ZabbixAlert) => Promise<void>;

/** Host names → CIs. Keys of the result are the lower-cased names asked for that matched. */
export type CiResolver = (names: string[]) => Promise<Map<string, CiRef>>;

/**
 * Matches Zabbix host names to live (not retired) ESXi hosts and VMs of the CMDB, case-insensitively.
 * A name with a domain ("web01.pref.example.lg.jp") that matches nothing is tried without it ("web01").
 * Where a host and a VM share a name, the VM wins (Zabbix agents run on the VMs, MON-3).
 */
export function cmdbCiResolver(db: Db): CiResolver {
  return async (names) => {
    const out = new Map<string, CiRef>();
    const wanted = new Set<string>();
    for (const n of names) {
      const l = n.trim().toLowerCase();
      if (!l) continue;
      wanted.add(l);
      const short = l.split('.')[0];
      if (short && short !== l) wanted.add(short);
    }
    if (wanted.size === 0) return out;
    const list = [...wanted];
    const byName = new Map<string, CiRef>();
    const lowerIn = (col: typeof cmdbHosts.name | typeof cmdbVms.name) =>
      sql`lower(${col}) IN (${sql.join(
        list.map((n) => sql`${n}`),
        sql`, `,
      )})`;
    const hosts = await db
      .select({ id: cmdbHosts.id, name: cmdbHosts.name })
      .from(cmdbHosts)
      .where(and(lowerIn(cmdbHosts.name), ne(cmdbHosts.status, 'retired')));
    for (const h of hosts)
      byName.set(h.name.toLowerCase(), {
        kind: 'host',
        id: h.id,
        name: h.name,
      });
    const vms = await db
      .select({ id: cmdbVms.id, name: cmdbVms.name })
      .from(cmdbVms)
      .where(and(lowerIn(cmdbVms.name), ne(cmdbVms.status, 'retired')));
    for (const v of vms) byName.set(v.name.toLowerCase(), { kind: 'vm', id: v.id, name: v.name });
    for (const n of names) {
      const l = n.trim().toLowerCase();
      const ci = byName.get(l) ?? byName.get(l.split('.')[0] ?? '');
      if (ci) out.set(l, ci);
    }
    return out;
  };
}

/** A resolver for tests and for sites without a CMDB match: a fixed name → CI table. */
export function staticCiResolver(cis: CiRef[]): CiResolver {
  const m = new Map(cis.map((c) => [c.name.toLowerCase(), c]));
  return async (names) => {
    const out = new Map<string, CiRef>();
    for (const n of names) {
      const ci = m.get(n.trim().toLowerCase());
      if (ci) out.set(n.trim().toLowerCase(), ci);
    }
    return out;
  };
}

export interface PullOptions {
  /** Zabbix severities to pull (default all). */
  severities?: number[];
  /** Only problems of these Zabbix host groups. */
  groupIds?: string[];
  hostIds?: string[];
  since?: Date;
  /** Include recently resolved problems (default true), which become `resolved` alerts. */
  recent?: boolean;
  limit?: number;
  /** Zabbix severity from which an alert is critical (default 4, High). */
  criticalFrom?: number;
}

export interface PullDeps {
  client: ZabbixClient;
  resolveCi: CiResolver;
  /** When given, every alert is passed to it, in event order (oldest first). */
  sink?: ZabbixAlertSink;
}

/**
 * Reads Zabbix's current problems (`problem.get` with tags), asks `event.get` for their hosts and
 * triggers, matches the hosts to CMDB CIs and returns Kiban alerts oldest first — handing each to the
 * sink when there is one. Every pull returns every open problem again: the sink de-duplicates on
 * `eventId` (and sees `status` change to `resolved`).
 */
export async function pullProblems(deps: PullDeps, opts: PullOptions = {}): Promise<ZabbixAlert[]> {
  const problems = await deps.client.getProblems({
    severities: opts.severities,
    groupIds: opts.groupIds,
    hostIds: opts.hostIds,
    since: opts.since,
    recent: opts.recent,
    limit: opts.limit,
  });
  if (problems.length === 0) return [];
  const events = await deps.client.getEvents(problems.map((p) => p.eventid));
  const eventById = new Map(events.map((e) => [e.eventid, e]));
  const hostOf = (id: string) => eventById.get(id)?.hosts?.[0] ?? null;
  const names = new Set<string>();
  for (const p of problems) {
    const h = hostOf(p.eventid);
    if (h) {
      names.add(h.host);
      names.add(h.name);
    }
  }
  const cis = await deps.resolveCi([...names]);
  const alerts = problems
    .map((p): ZabbixAlert => {
      const h = hostOf(p.eventid);
      const ci = h ? (cis.get(h.host.toLowerCase()) ?? cis.get(h.name.toLowerCase()) ?? null) : null;
      const ev = eventById.get(p.eventid);
      const related = ev?.relatedObject && !Array.isArray(ev.relatedObject) ? ev.relatedObject : null;
      const sev = Number.parseInt(p.severity, 10) || 0;
      const resolved = p.r_eventid !== '0' && p.r_eventid !== '';
      return {
        source: 'zabbix',
        eventId: p.eventid,
        status: resolved ? 'resolved' : 'problem',
        hostName: h?.host ?? null,
        triggerName: p.name,
        triggerId: related?.triggerid ?? p.objectid ?? null,
        zabbixSeverity: sev,
        severity: kibanSeverity(sev, opts.criticalFrom),
        clock: new Date(Number(p.clock) * 1000),
        resolvedAt: resolved && p.r_clock !== '0' ? new Date(Number(p.r_clock) * 1000) : null,
        acknowledged: p.acknowledged === '1',
        tags: p.tags ?? [],
        ci,
      };
    })
    .sort((a, b) => a.clock.getTime() - b.clock.getTime() || Number(a.eventId) - Number(b.eventId));
  if (deps.sink) for (const a of alerts) await deps.sink(a);
  return alerts;
}
