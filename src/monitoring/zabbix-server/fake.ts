import type { ZabbixMaintenance, ZabbixProblem } from './client.ts';

/**
 * A JSON-RPC double of the few Zabbix 6.0 API methods the integration uses, as a `fetch` for
 * ZabbixClient — for fast tests of the ledger and the worker wiring. What Zabbix really answers is
 * tested against a real zabbix-server in zabbix.test.ts; this only plays it back. `down` makes every
 * call fail like an unreachable server.
 */
export interface FakeZabbixHost {
  hostid: string;
  host: string;
  name?: string;
}
export interface FakeZabbixProblem {
  eventid: string;
  hostid: string;
  triggerid: string;
  name: string;
  severity: number;
  /** Unix seconds. */
  clock: number;
  resolvedAt?: number;
  tags?: { tag: string; value: string }[];
}

export class FakeZabbix {
  hosts: FakeZabbixHost[] = [];
  problems: FakeZabbixProblem[] = [];
  maintenances: ZabbixMaintenance[] = [];
  calls: string[] = [];
  down = false;
  /** Runs while problem.get is being answered (what else happens during a pull). */
  duringProblemGet: (() => Promise<void>) | null = null;
  private nextId = 500;

  readonly fetch: typeof fetch = async (_url, init) => {
    if (this.down) throw new TypeError('fetch failed: connect ECONNREFUSED');
    const req = JSON.parse(String(init?.body)) as { method: string; params: Record<string, unknown> & unknown[]; id: number };
    this.calls.push(req.method);
    const result = this.answer(req.method, req.params);
    if (req.method === 'problem.get' && this.duringProblemGet) await this.duringProblemGet();
    return new Response(JSON.stringify({ jsonrpc: '2.0', result, id: req.id }), { status: 200, headers: { 'content-type': 'application/json' } });
  };

  private host(id: string) {
    const h = this.hosts.find((x) => x.hostid === id);
    return h ? { hostid: h.hostid, host: h.host, name: h.name ?? h.host } : undefined;
  }

  private answer(method: string, p: Record<string, unknown>): unknown {
    switch (method) {
      case 'apiinfo.version':
        return '6.0.14';
      case 'problem.get':
        return [...this.problems]
          .sort((a, b) => Number(b.eventid) - Number(a.eventid))
          .map(
            (x): ZabbixProblem => ({
              eventid: x.eventid,
              objectid: x.triggerid,
              clock: String(x.clock),
              ns: '0',
              name: x.name,
              severity: String(x.severity),
              acknowledged: '0',
              suppressed: '0',
              r_eventid: x.resolvedAt ? String(Number(x.eventid) + 1) : '0',
              r_clock: x.resolvedAt ? String(x.resolvedAt) : '0',
              tags: x.tags ?? [],
            }),
          );
      case 'event.get':
        return this.problems
          .filter((x) => (p.eventids as string[]).includes(x.eventid))
          .map((x) => ({
            eventid: x.eventid,
            objectid: x.triggerid,
            clock: String(x.clock),
            value: '1',
            name: x.name,
            severity: String(x.severity),
            acknowledged: '0',
            hosts: [this.host(x.hostid)].filter(Boolean),
            relatedObject: { triggerid: x.triggerid, description: x.name, priority: String(x.severity) },
          }));
      case 'host.get': {
        const names = (p.filter as { host?: string[] } | undefined)?.host;
        return this.hosts.filter((h) => !names || names.includes(h.host)).map((h) => ({ ...this.host(h.hostid), status: '0' }));
      }
      case 'maintenance.get': {
        const exact = (p.filter as { name?: string[] } | undefined)?.name;
        const prefix = (p.search as { name?: string } | undefined)?.name;
        return this.maintenances.filter((m) => (!exact || exact.includes(m.name)) && (!prefix || m.name.startsWith(prefix)));
      }
      case 'maintenance.create': {
        const id = String(this.nextId++);
        const hostids = (p.hosts as { hostid: string }[]).map((h) => h.hostid);
        this.maintenances.push({
          maintenanceid: id,
          name: String(p.name),
          maintenance_type: String(p.maintenance_type),
          description: String(p.description ?? ''),
          active_since: String(p.active_since),
          active_till: String(p.active_till),
          hosts: hostids.map((h) => this.host(h)!),
          timeperiods: [],
        });
        return { maintenanceids: [id] };
      }
      case 'maintenance.delete': {
        const ids = p as unknown as string[];
        this.maintenances = this.maintenances.filter((m) => !ids.includes(m.maintenanceid));
        return { maintenanceids: ids };
      }
      default:
        throw new Error(`FakeZabbix: ${method} is not played back`);
    }
  }
}
