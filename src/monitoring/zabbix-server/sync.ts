import { and, gt, inArray } from 'drizzle-orm';
import type { Db } from '../../db/index.ts';
import type { Clock } from '../../kernel/clock.ts';
import { monitoringSuppressions, monitoringTargets } from '../schema.ts';
import type { CiResolver } from './alerts.ts';
import type { ZabbixClient, ZabbixMaintenance } from './client.ts';
import { applySuppressionWindow } from './maintenance.ts';

/**
 * Keeps the site's Zabbix maintenances in step with Kiban's suppression windows (監視の一時抑止, MON-6):
 * every suppression that is approved (抑止予定) or active (抑止中) and not yet over has a one-time
 * maintenance "Kiban suppression <id>" over the Zabbix hosts of its CIs; a maintenance whose
 * suppression was withdrawn, resumed or has ended is deleted.
 *
 * It reconciles instead of reacting to each state change: approvals happen in the API process and
 * starts/resumes in the worker, and a Zabbix that was down when a change happened is brought up to
 * date on the next run without anything to remember. Zabbix hosts are matched to the suppression's
 * CIs with the same resolver as the alerts (name case-insensitively, with or without the domain).
 */

const NAME = /^Kiban suppression ([0-9a-f-]{36})$/;
const unix = (d: Date) => Math.floor(d.getTime() / 1000);

export interface MaintenanceSyncResult {
  /** Maintenances created or replaced (window, method or hosts changed). */
  applied: string[];
  /** Maintenances deleted (suppression withdrawn, resumed or over). */
  removed: string[];
  /** Suppressions none of whose CIs Zabbix knows (nothing to put into maintenance). */
  noHosts: string[];
}

export async function syncSuppressionMaintenances(deps: { db: Db; clock: Clock; client: ZabbixClient; resolveCi: CiResolver }): Promise<MaintenanceSyncResult> {
  const { db, client } = deps;
  const now = deps.clock.now();
  const wanted = await db
    .select()
    .from(monitoringSuppressions)
    .where(and(inArray(monitoringSuppressions.state, ['approved', 'active']), gt(monitoringSuppressions.endsAt, now)));
  const existing = (
    await client.call<ZabbixMaintenance[]>('maintenance.get', {
      output: 'extend',
      selectHosts: ['hostid', 'host', 'name'],
      search: { name: 'Kiban suppression ' },
      startSearch: true,
    })
  ).filter((m) => NAME.test(m.name));
  const byId = new Map(existing.map((m) => [NAME.exec(m.name)![1]!, m]));
  const result: MaintenanceSyncResult = { applied: [], removed: [], noHosts: [] };
  const errors: unknown[] = [];

  // Zabbix host → CMDB CI, asked once per run and only when something is to be checked.
  let hostCis: Promise<Map<string, { hostid: string; host: string }[]>> | undefined;
  const zabbixHostsByCi = () =>
    (hostCis ??= (async () => {
      const hosts = await client.getHosts();
      const cis = await deps.resolveCi(hosts.flatMap((h) => [h.host, h.name]));
      const out = new Map<string, { hostid: string; host: string }[]>();
      for (const h of hosts) {
        const ci = cis.get(h.host.toLowerCase()) ?? cis.get(h.name.toLowerCase());
        if (!ci) continue;
        const k = `${ci.kind}:${ci.id}`;
        out.set(k, [...(out.get(k) ?? []), { hostid: h.hostid, host: h.host }]);
      }
      return out;
    })());

  for (const s of wanted) {
    try {
      const targets = s.targetIds.length
        ? await db.select({ ciType: monitoringTargets.ciType, ciId: monitoringTargets.ciId }).from(monitoringTargets).where(inArray(monitoringTargets.id, s.targetIds))
        : [];
      const map = await zabbixHostsByCi();
      const hosts = [...new Map(targets.flatMap((t) => map.get(`${t.ciType}:${t.ciId}`) ?? []).map((h) => [h.hostid, h])).values()];
      const have = byId.get(s.id);
      if (hosts.length === 0) {
        result.noHosts.push(s.id);
        continue;
      }
      const type = s.method === 'watch' ? '0' : '1';
      const same =
        have &&
        have.maintenance_type === type &&
        Number(have.active_since) === unix(s.startsAt) &&
        Number(have.active_till) === unix(s.endsAt) &&
        [...(have.hosts ?? [])].map((h) => h.hostid).sort().join(',') === hosts.map((h) => h.hostid).sort().join(',');
      if (same) continue;
      await applySuppressionWindow(client, {
        id: s.id,
        startsAt: s.startsAt,
        endsAt: s.endsAt,
        method: s.method,
        hostNames: hosts.map((h) => h.host),
        description: `Kiban 監視の一時抑止（${s.systemNames.join('、') || s.requestedByLabel}）${s.reasonText ? `: ${s.reasonText}` : ''}`.slice(0, 2000),
      });
      result.applied.push(s.id);
    } catch (e) {
      errors.push(e);
    }
  }

  const keep = new Set(wanted.map((s) => s.id));
  const stale = [...byId.entries()].filter(([id]) => !keep.has(id));
  if (stale.length > 0) {
    try {
      await client.deleteMaintenances(stale.map(([, m]) => m.maintenanceid));
      result.removed.push(...stale.map(([id]) => id));
    } catch (e) {
      errors.push(e);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `${errors.length} suppression maintenances could not be synchronised`);
  return result;
}
