import { connect, type Socket } from 'node:net';
import { DEFAULT_MAX_FRAME_BYTES, decodeFrame, encodeFrame, FrameError } from './protocol.ts';

/**
 * Client for the Zabbix agent's passive checks (M §3.3(4): TCP 10050 on every monitored VM). It
 * speaks both dialects a real agent may understand:
 *
 * - legacy (agents before 7.0): the request is the item key, the reply the bare value, or
 *   `ZBX_NOTSUPPORTED\0reason`;
 * - json (7.0 and later): `{"request":"passive checks","data":[{"key":..,"timeout":..}]}` answered by
 *   `{"version":..,"data":[{"value":..}]}` or `{"data":[{"error":..}]}`.
 *
 * 'auto' does what the Zabbix 7.0 server does: it asks in JSON first; an older agent treats the whole
 * JSON text as an unknown key and says ZBX_NOTSUPPORTED, so the client asks again the old way and
 * remembers the endpoint's dialect.
 */
export type AgentDialect = 'legacy' | 'json';
export type AgentReply = { kind: 'value'; value: string } | { kind: 'unsupported'; reason: string };

export type AgentErrorReason = 'connect' | 'timeout' | 'closed' | 'protocol';
/** The agent could not be asked (unreachable, silent, garbage): no value, which is not a breach. */
export class AgentError extends Error {
  constructor(
    readonly reason: AgentErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'AgentError';
  }
}

export interface AgentClientOptions {
  /** Per request, connect to last byte. Zabbix's default item timeout is 3 s. */
  timeoutMs?: number;
  dialect?: AgentDialect | 'auto';
  maxFrameBytes?: number;
  /** Opens the TCP connection (default node:net): the monitoring egress (egress.ts) in demo mode. */
  connect?: (o: { host: string; port: number }) => Socket;
}

const NOT_SUPPORTED = 'ZBX_NOTSUPPORTED';

export class ZabbixAgentClient {
  readonly #dialects = new Map<string, AgentDialect>();
  readonly #timeoutMs: number;
  readonly #dialect: AgentDialect | 'auto';
  readonly #maxBytes: number;
  readonly #connect: (o: { host: string; port: number }) => Socket;

  constructor(opts: AgentClientOptions = {}) {
    this.#timeoutMs = opts.timeoutMs ?? 3000;
    this.#dialect = opts.dialect ?? 'auto';
    this.#maxBytes = opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.#connect = opts.connect ?? ((o) => connect(o));
  }

  /** The dialect learned for an endpoint ('auto' mode), if any. */
  dialectOf(host: string, port: number): AgentDialect | undefined {
    return this.#dialect === 'auto' ? this.#dialects.get(`${host}:${port}`) : this.#dialect;
  }

  async get(host: string, port: number, key: string): Promise<AgentReply> {
    if (this.#dialect !== 'auto') return this.#ask(host, port, key, this.#dialect);
    const endpoint = `${host}:${port}`;
    const known = this.#dialects.get(endpoint);
    if (known) return this.#ask(host, port, key, known);
    const first = await this.#ask(host, port, key, 'json');
    if (first.kind === 'unsupported' && first.reason === LEGACY_AGENT) {
      this.#dialects.set(endpoint, 'legacy');
      return this.#ask(host, port, key, 'legacy');
    }
    this.#dialects.set(endpoint, 'json');
    return first;
  }

  async #ask(host: string, port: number, key: string, dialect: AgentDialect): Promise<AgentReply> {
    const timeoutSec = Math.max(1, Math.min(30, Math.ceil(this.#timeoutMs / 1000)));
    const request =
      dialect === 'json' ? JSON.stringify({ request: 'passive checks', data: [{ key, timeout: `${timeoutSec}s` }] }) : key;
    const payload = (await exchange(this.#connect, host, port, encodeFrame(request), this.#timeoutMs, this.#maxBytes)).toString('utf8');
    return dialect === 'json' ? parseJsonReply(payload) : parseLegacyReply(payload);
  }
}

/** Marker reason: a pre-7.0 agent answered a JSON request (see `get`). */
const LEGACY_AGENT = '\u0000legacy-agent';

export function parseLegacyReply(payload: string): AgentReply {
  if (payload.startsWith(NOT_SUPPORTED) || payload.startsWith('ZBX_ERROR')) {
    const nul = payload.indexOf('\u0000');
    return { kind: 'unsupported', reason: nul >= 0 ? payload.slice(nul + 1) : '' };
  }
  return { kind: 'value', value: payload };
}

export function parseJsonReply(payload: string): AgentReply {
  if (payload.startsWith(NOT_SUPPORTED) || payload.startsWith('ZBX_ERROR')) {
    return { kind: 'unsupported', reason: LEGACY_AGENT };
  }
  let body: unknown;
  try {
    body = JSON.parse(payload);
  } catch {
    throw new AgentError('protocol', 'the agent answered a JSON request with text that is not JSON');
  }
  const b = body as { error?: unknown; data?: Array<{ value?: unknown; error?: unknown }> };
  if (typeof b.error === 'string') return { kind: 'unsupported', reason: b.error };
  const first = Array.isArray(b.data) ? b.data[0] : undefined;
  if (first && typeof first.error === 'string') return { kind: 'unsupported', reason: first.error };
  if (first && first.value !== undefined && first.value !== null) return { kind: 'value', value: String(first.value) };
  throw new AgentError('protocol', 'the agent reply has neither value nor error');
}

/** One request/response on a fresh connection: the agent answers once and closes. */
function exchange(open: (o: { host: string; port: number }) => Socket, host: string, port: number, request: Buffer, timeoutMs: number, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    let settled = false;
    const socket = open({ host, port });
    const done = (err: AgentError | null, value?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(value as Buffer);
    };
    const timer = setTimeout(() => done(new AgentError('timeout', `no answer from ${host}:${port} within ${timeoutMs} ms`)), timeoutMs);
    const tryDecode = (final: boolean) => {
      try {
        const r = decodeFrame(buf, maxBytes);
        if (r.kind === 'frame') return done(null, r.payload);
        if (final) done(new AgentError('closed', `${host}:${port} closed the connection mid-reply`));
      } catch (e) {
        if (e instanceof FrameError) {
          // Very old agents (< 1.4) answer without a header; anything else is garbage.
          if (final && e.reason === 'bad_header' && buf.length > 0 && buf.length <= maxBytes) return done(null, buf);
          if (e.reason !== 'bad_header' || final) return done(new AgentError('protocol', e.message));
          return;
        }
        done(new AgentError('protocol', (e as Error).message));
      }
    };
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length > maxBytes + 21) return done(new AgentError('protocol', `reply larger than ${maxBytes} bytes`));
      tryDecode(false);
    });
    socket.on('end', () => tryDecode(true));
    socket.on('close', () => tryDecode(true));
    socket.on('error', (e: NodeJS.ErrnoException) =>
      done(new AgentError(buf.length === 0 && !socket.bytesWritten ? 'connect' : 'closed', `${host}:${port}: ${e.code ?? e.message}`)),
    );
  });
}
