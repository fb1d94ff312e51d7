import { connect as netConnect, isIPv4, Socket } from 'node:net';

/**
 * Where the engine's checks open their connections: ONE place for the agent client's TCP sockets,
 * the HTTP check's requests and the demo's alive check. In production it passes every destination
 * through unchanged. In demo mode (src/monitoring/simulator) it is handed a `resolve` that maps the
 * demo estate's fictional addresses to the simulator's loopback endpoints — the CMDB keeps its
 * addresses — and `loopbackOnly`, which refuses (counted and logged, no socket opened) any destination
 * that is not an IPv4 literal in 127.0.0.0/8: not a name (a DNS lookup is a packet too), not another
 * address, not an HTTP redirect leaving loopback.
 */
export interface EgressOptions {
  /** Demo mode: only 127.0.0.0/8 literals may be connected to. */
  loopbackOnly?: boolean;
  /** The demo's mapping layer: (address, port) of a target → the endpoint really connected to; undefined = unchanged. */
  resolve?: (host: string, port: number) => { host: string; port: number } | undefined;
  /** Told of every refused destination. */
  log?: (line: string) => void;
  /** The socket opener (tests may count). */
  connect?: (o: { host: string; port: number }) => Socket;
}

export class EgressRefusedError extends Error {
  constructor(readonly destination: string) {
    super(`refused: ${destination} is outside 127.0.0.0/8 (demo mode sends nothing off this machine)`);
    this.name = 'EgressRefusedError';
  }
}

export const isLoopback = (host: string): boolean => isIPv4(host) && host.startsWith('127.');

export interface EgressStats {
  /** Connections and requests let through. */
  allowed: number;
  /** Destinations refused (demo mode, not loopback). */
  refused: number;
  /** The last few refused destinations, newest last. */
  refusedTo: string[];
}

export interface Egress {
  readonly loopbackOnly: boolean;
  /** The endpoint a check connects to for (host, port), mapped and guarded; throws EgressRefusedError. */
  endpoint(host: string, port: number): { host: string; port: number };
  /** Whether (host, port) would be refused, without connecting; a refusal is counted and logged like a refused connect. */
  refuses(host: string, port: number): EgressRefusedError | undefined;
  /** A TCP connection through `endpoint`. A refused destination gives a socket that fails with the error, asynchronously, like a refused connect. */
  connect(o: { host: string; port: number }): Socket;
  /** fetch through `endpoint`; redirects are followed here, hop by hop, each hop guarded. */
  fetch: typeof fetch;
  readonly stats: EgressStats;
}

const MAX_REDIRECTS = 5;

export function createEgress(opts: EgressOptions = {}): Egress {
  const loopbackOnly = opts.loopbackOnly ?? false;
  const open = opts.connect ?? ((o) => netConnect(o));
  const stats: EgressStats = { allowed: 0, refused: 0, refusedTo: [] };

  function route(host: string, port: number): { to: { host: string; port: number }; refused?: EgressRefusedError } {
    const bare = host.replace(/^\[|\]$/g, '');
    const to = opts.resolve?.(bare, port) ?? { host: bare, port };
    if (!loopbackOnly || isLoopback(to.host)) return { to };
    stats.refused++;
    const dest = `${to.host}:${to.port}`;
    stats.refusedTo.push(dest);
    if (stats.refusedTo.length > 20) stats.refusedTo.shift();
    opts.log?.(`monitoring egress refused (demo mode, not loopback): ${dest}`);
    return { to, refused: new EgressRefusedError(dest) };
  }

  function endpoint(host: string, port: number) {
    const r = route(host, port);
    if (r.refused) throw r.refused;
    stats.allowed++;
    return r.to;
  }

  function connect(o: { host: string; port: number }): Socket {
    let to: { host: string; port: number };
    try {
      to = endpoint(o.host, o.port);
    } catch (e) {
      // Never connected: a socket that only reports the refusal (the agent client reads it as 'connect').
      const s = new Socket();
      process.nextTick(() => s.destroy(e as Error));
      return s;
    }
    return open(to);
  }

  const guardedFetch = (async (input: string | URL | Request, init: RequestInit = {}) => {
    let url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    for (let hop = 0; ; hop++) {
      const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
      const to = endpoint(url.hostname, port);
      const real = new URL(url);
      real.hostname = to.host;
      real.port = String(to.port);
      const res = await fetch(real, { ...init, redirect: 'manual' });
      const location = res.headers.get('location');
      if (init.redirect === 'manual' || res.status < 300 || res.status >= 400 || !location || hop >= MAX_REDIRECTS) return res;
      await res.body?.cancel();
      url = new URL(location, url);
    }
  }) as typeof fetch;

  return { loopbackOnly, endpoint, refuses: (host, port) => route(host, port).refused, connect, fetch: guardedFetch, stats };
}

/** Production: every destination unchanged, nothing refused. */
export const openEgress: Egress = createEgress();
