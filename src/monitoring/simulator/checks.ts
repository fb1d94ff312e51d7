import { AgentCheck } from '../checks/agent.ts';
import { HttpCheck } from '../checks/http.ts';
import type { Egress } from '../egress.ts';
import type { Check, CheckItem, Checks, Observation } from '../model.ts';
import { AgentError, ZabbixAgentClient } from '../zabbix/agent.ts';

/**
 * The checks a demo start runs: the production agent and HTTP checks, opening their connections
 * through the demo's egress (mapping + loopback guard), and an alive check that asks the simulated
 * host's agent for `agent.ping` — every address of 127.0.0.0/8 answers ICMP echo, so fping cannot
 * tell a simulated host that is down from one that is up; the simulator resets a down host's
 * connections instead. A destination the egress refuses gives `unknown` (nothing was asked), never
 * `down`.
 */
export class SimulatedAliveCheck implements Check {
  readonly #client: ZabbixAgentClient;
  constructor(readonly egress: Egress) {
    this.#client = new ZabbixAgentClient({ dialect: 'json', timeoutMs: 2000, connect: (o) => egress.connect(o) });
  }

  async check(item: CheckItem): Promise<Observation> {
    const refused = this.egress.refuses(item.target.address, item.target.agentPort);
    if (refused) return { outcome: 'unknown', detail: refused.message };
    const started = performance.now();
    try {
      const r = await this.#client.get(item.target.address, item.target.agentPort, 'agent.ping');
      const ms = Math.round((performance.now() - started) * 100) / 100;
      return r.kind === 'value' ? { outcome: 'value', value: '1', ms, detail: 'agent.ping answered' } : { outcome: 'down', detail: `agent.ping: ${r.reason}` };
    } catch (e) {
      if (e instanceof AgentError) return { outcome: 'down', detail: `no answer from the host (${e.reason})` };
      throw e;
    }
  }

  async checkBatch(items: CheckItem[]): Promise<Map<string, Observation>> {
    const out = new Map<string, Observation>();
    await Promise.all(items.map(async (i) => out.set(i.id, await this.check(i))));
    return out;
  }
}

/** The HTTP check through the egress; a URL the egress refuses gives `unknown`. */
class GuardedHttpCheck implements Check {
  readonly #http: HttpCheck;
  constructor(readonly egress: Egress) {
    this.#http = new HttpCheck({ fetch: egress.fetch });
  }
  async check(item: CheckItem): Promise<Observation> {
    const raw = item.params.url;
    if (typeof raw === 'string' && URL.canParse(raw)) {
      const u = new URL(raw);
      const refused = this.egress.refuses(u.hostname, Number(u.port || (u.protocol === 'https:' ? 443 : 80)));
      if (refused) return { outcome: 'unknown', detail: refused.message };
    }
    return this.#http.check(item);
  }
}

export function simulatedChecks(egress: Egress): Checks {
  const agent = new AgentCheck(new ZabbixAgentClient({ dialect: 'auto', connect: (o) => egress.connect(o) }));
  return { icmp: new SimulatedAliveCheck(egress), http: new GuardedHttpCheck(egress), resource: agent, service: agent, process: agent };
}
