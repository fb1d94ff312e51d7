import type { ZabbixClient } from './client.ts';
import { ZabbixError } from './client.ts';

/**
 * A Kiban suppression window (監視の一時抑止, MON-6) carried over to a site's Zabbix as a one-time
 * maintenance over the same hosts, so Zabbix's own actions stay quiet too. 静観 ("watch": alerts are
 * recorded, no action) keeps collecting data; "stop" (disable) collects none.
 */
export interface SuppressionWindow {
  /** The suppression's id in Kiban: the maintenance is named after it, so it can be found again. */
  id: string;
  startsAt: Date;
  endsAt: Date;
  method: 'watch' | 'stop';
  /** The Zabbix hosts (technical names — in Kiban, the CI names). */
  hostNames: string[];
  description?: string;
}

export const maintenanceName = (suppressionId: string) => `Kiban suppression ${suppressionId}`;

export interface AppliedMaintenance {
  maintenanceId: string;
  hostIds: string[];
  /** Host names Zabbix does not know: not covered by the maintenance. */
  unknownHosts: string[];
}

/** Creates the maintenance (replacing one made before for the same window). */
export async function applySuppressionWindow(client: ZabbixClient, w: SuppressionWindow): Promise<AppliedMaintenance> {
  const hosts = await client.getHosts({ names: w.hostNames });
  const known = new Map(hosts.map((h) => [h.host.toLowerCase(), h.hostid]));
  const unknownHosts = w.hostNames.filter((n) => !known.has(n.toLowerCase()));
  const hostIds = [...new Set(hosts.map((h) => h.hostid))];
  if (hostIds.length === 0) throw new ZabbixError(`none of the hosts is known to Zabbix: ${w.hostNames.join(', ')}`);
  await removeSuppressionWindow(client, w.id);
  const maintenanceId = await client.createMaintenance({
    name: maintenanceName(w.id),
    hostIds,
    activeSince: w.startsAt,
    activeTill: w.endsAt,
    collectData: w.method === 'watch',
    description: w.description,
  });
  return { maintenanceId, hostIds, unknownHosts };
}

/** Deletes the window's maintenance (resumed early or withdrawn); returns whether there was one. */
export async function removeSuppressionWindow(client: ZabbixClient, suppressionId: string): Promise<boolean> {
  const found = await client.getMaintenances({
    names: [maintenanceName(suppressionId)],
  });
  await client.deleteMaintenances(found.map((m) => m.maintenanceid));
  return found.length > 0;
}
