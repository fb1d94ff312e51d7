import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Clock } from '../../kernel/clock.ts';
import { type AgentAnswer, type AgentResponder, handleAgentConnection, listenAgent } from './agent-server.ts';
import { cpuPercent, diskPercent, type Fault, type FaultKind, hash32, memoryAvailablePercent, scheduledFault, seededRandom } from './curves.ts';

/**
 * The demo estate, simulated on loopback: every monitored target of the demo gets its own address in
 * 127.0.0.0/8 (127.0.1.1, 127.0.1.2, …) with a Zabbix agent answering its resource, process and
 * service keys from the curves of curves.ts, and — for targets with HTTP items — a web server. The
 * engine reaches them through the mapping `resolve` (fictional address and port → loopback endpoint),
 * handed to the monitoring egress; the CMDB and the monitoring settings keep the fictional addresses.
 *
 * Faults (scheduled by the seed, or injected by a test): `down` — the host stops answering (agent and
 * web connections are reset), `cpu` — CPU runs at 93–98 %, `http` — the web server answers 503.
 */
export interface SimItem {
  type: string;
  key: string;
  params: Record<string, unknown>;
  /** Only items watched around the clock are used for the scheduled faults (level C sleeps at night). */
  businessHoursOnly: boolean;
  collect: string;
  enabled: boolean;
}

export interface SimTarget {
  name: string;
  /** The address the monitoring settings hold (fictional); null = the host name is used. */
  address: string | null;
  hostName: string;
  agentPort: number;
  items: SimItem[];
  /** May get a scheduled fault (default true). The demo start schedules them on VMs only: a host that goes down suppresses its VMs' alerts. */
  faultable?: boolean;
}

export interface SimulatorOptions {
  clock: Clock;
  targets: SimTarget[];
  seed?: number;
  /** Scheduled faults: off with false; otherwise one chance per `everyMs` window (default 45 min). */
  faults?: false | { everyMs?: number; chance?: number };
  /** First loopback address handed out is 127.0.<base>.1 (default 1). */
  subnetBase?: number;
}

export interface Endpoint {
  host: string;
  port: number;
}

export interface SimulatedHost {
  name: string;
  loopback: string;
  agent: Endpoint;
  http: Array<{ url: string; endpoint: Endpoint }>;
}

export interface Simulator {
  /** The mapping layer's table: (address or host name, port) of a target → its loopback endpoint. */
  resolve(host: string, port: number): Endpoint | undefined;
  hosts(): SimulatedHost[];
  /** The fault of `target` at `at` (default now), scheduled or injected. */
  faultOf(target: string, at?: number): Fault | undefined;
  /** The fault in force anywhere at `at`, scheduled first. */
  faults(at?: number): Fault[];
  /** A test's fault: `target` shows `kind` from now for `ms`. */
  inject(target: string, kind: FaultKind, ms: number): Fault;
  /** Value the agent of `target` answers for `key` now. */
  answer(target: string, key: string): AgentAnswer;
  close(): Promise<void>;
}

const DISK = /^vfs\.fs\.size\[.*,\s*pused\s*\]$/;

function loopbackAt(base: number, i: number): string {
  return `127.0.${base + Math.floor(i / 250)}.${(i % 250) + 1}`;
}

/** Listens on `port` if free on this address, otherwise on any port (a real agent may hold 10050 on 0.0.0.0). */
async function listenPreferring<T>(listen: (port: number) => Promise<T>, port: number): Promise<T> {
  try {
    return await listen(port);
  } catch {
    return listen(0);
  }
}

export async function startSimulator(opts: SimulatorOptions): Promise<Simulator> {
  const seed = opts.seed ?? 20261207;
  const epoch = opts.clock.now().getTime();
  const injected: Fault[] = [];
  const routes = new Map<string, Endpoint>();
  const hosts: SimulatedHost[] = [];
  const agents: AgentResponder[] = [];
  const webs: Server[] = [];
  const byName = new Map(opts.targets.map((t) => [t.name, t]));

  const faultTargets = opts.targets
    .filter((t) => t.faultable !== false)
    .map((t) => {
      const live = t.items.filter((i) => i.enabled && i.collect === 'poll' && !i.businessHoursOnly);
      const kinds: FaultKind[] = [];
      if (live.some((i) => i.type === 'icmp')) kinds.push('down');
      if (live.some((i) => i.type === 'resource' && i.key.startsWith('system.cpu.util'))) kinds.push('cpu');
      if (live.some((i) => i.type === 'http')) kinds.push('http');
      return { name: t.name, kinds };
    })
    .filter((t) => t.kinds.length > 0);

  const now = () => opts.clock.now().getTime();
  const faultOf = (target: string, at = now()): Fault | undefined => {
    const inj = injected.find((f) => f.target === target && at >= f.from && at < f.until);
    if (inj) return inj;
    if (opts.faults === false) return undefined;
    const s = scheduledFault(seed, faultTargets, at, { epoch, ...(opts.faults ?? {}) });
    return s?.target === target ? s : undefined;
  };

  function answer(target: string, key: string): AgentAnswer {
    const t = now();
    const fault = faultOf(target, t);
    if (key === 'agent.ping') return { value: '1' };
    if (key === 'system.uptime') return { value: String(Math.floor((t - epoch) / 1000) + 86_400 * (1 + (hash32(seed, target) % 90))) };
    if (key.startsWith('system.cpu.util')) {
      if (fault?.kind === 'cpu') return { value: (93 + seededRandom(hash32(seed, target, Math.floor(t / 60_000)))() * 5).toFixed(1) };
      return { value: String(cpuPercent(seed, target, t)) };
    }
    if (/^vm\.memory\.size\[\s*pavailable\s*\]$/.test(key)) return { value: String(memoryAvailablePercent(seed, target, t)) };
    if (DISK.test(key)) return { value: String(diskPercent(seed, target, key, t)) };
    if (key.startsWith('proc.num[')) return { value: String(1 + (hash32(seed, target, key) % 4)) };
    if (key.startsWith('service.info[')) return { value: '0' };
    return { unsupported: 'Unsupported item key.' };
  }

  const down = (name: string) => faultOf(name)?.kind === 'down';
  /** A host that is down: the connection is reset at once, as a stopped machine's address refuses it. */
  const refuse = (s: Socket) => (typeof s.resetAndDestroy === 'function' ? s.resetAndDestroy() : s.destroy());

  const base = opts.subnetBase ?? 1;
  for (const [i, target] of opts.targets.entries()) {
    const loopback = loopbackAt(base, i);
    const agent = await listenPreferring(
      (port) =>
        listenAgent(loopback, port, (key) => answer(target.name, key)).then((a) => {
          // The down fault is decided per connection, at the instant it arrives.
          a.server.removeAllListeners('connection');
          a.server.on('connection', (s: Socket) => (down(target.name) ? refuse(s) : handleAgentConnection(s, (key) => answer(target.name, key))));
          return a;
        }),
      target.agentPort,
    );
    agents.push(agent);
    const ep = { host: agent.host, port: agent.port };
    for (const a of new Set([target.address, target.hostName].filter((x): x is string => !!x))) routes.set(`${a}|${target.agentPort}`, ep);
    const host: SimulatedHost = { name: target.name, loopback, agent: ep, http: [] };
    const urls = target.items.filter((it) => it.type === 'http' && typeof it.params.url === 'string').map((it) => new URL(it.params.url as string));
    if (urls.length > 0) {
      const web = createServer((req, res) => {
        const f = faultOf(target.name);
        if (f?.kind === 'down') return refuse(req.socket);
        res.setHeader('content-type', 'text/html; charset=utf-8');
        if (f?.kind === 'http') {
          res.statusCode = 503;
          return res.end('<h1>Service Unavailable</h1><p>メンテナンス中</p>');
        }
        res.end(`<!doctype html><title>${target.name}</title><h1>${target.name} 稼働中</h1><p>${req.url}</p>`);
      });
      web.on('connection', (s: Socket) => {
        if (down(target.name)) refuse(s);
      });
      const wanted = Number(urls[0]?.port || 80);
      const port = await listenPreferring(
        (p) =>
          new Promise<number>((resolve, reject) => {
            web.once('error', reject);
            web.listen(p, loopback, () => {
              web.off('error', reject);
              resolve((web.address() as { port: number }).port);
            });
          }),
        wanted,
      );
      webs.push(web);
      for (const u of urls) {
        const endpoint = { host: loopback, port };
        routes.set(`${u.hostname}|${Number(u.port || (u.protocol === 'https:' ? 443 : 80))}`, endpoint);
        host.http.push({ url: u.toString(), endpoint });
      }
    }
    hosts.push(host);
  }

  return {
    resolve: (host, port) => routes.get(`${host}|${port}`),
    hosts: () => hosts,
    faultOf,
    faults(at = now()) {
      return opts.targets.map((t) => faultOf(t.name, at)).filter((f): f is Fault => f !== undefined);
    },
    inject(target, kind, ms) {
      if (!byName.has(target)) throw new Error(`no simulated target ${target}`);
      const f = { target, kind, from: now(), until: now() + ms };
      injected.push(f);
      return f;
    },
    answer,
    async close() {
      await Promise.all(agents.map((a) => a.close()));
      await Promise.all(
        webs.map(
          (w) =>
            new Promise<void>((r) => {
              w.closeAllConnections();
              w.close(() => r());
            }),
        ),
      );
    },
  };
}
