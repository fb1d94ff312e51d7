import type { Check, CheckItem, Observation } from '../model.ts';
import { AgentError, ZabbixAgentClient } from '../zabbix/agent.ts';

/**
 * Resource, service and process items read through the Zabbix agent on the target (M §3.3(4)).
 * The check only reads; whether the value is a breach is the item's rule (rules.ts). An agent that
 * cannot be asked gives `unknown`, which is not a breach: the alive check tells if the VM is down.
 */
export class AgentCheck implements Check {
  constructor(readonly client: ZabbixAgentClient = new ZabbixAgentClient()) {}

  async check(item: CheckItem): Promise<Observation> {
    try {
      const r = await this.client.get(item.target.address, item.target.agentPort, item.key);
      if (r.kind === 'unsupported') return { outcome: 'unknown', detail: `not supported: ${r.reason}` };
      return { outcome: 'value', value: r.value };
    } catch (e) {
      if (e instanceof AgentError) return { outcome: 'unknown', detail: `agent ${e.reason}: ${e.message}` };
      throw e;
    }
  }
}
