import { createServer, connect, type Server, type Socket } from 'node:net';
import { z } from 'zod';
import { DEFAULT_MAX_FRAME_BYTES, decodeFrame, encodeFrame, FrameError, type FrameErrorReason } from './protocol.ts';

/**
 * A listener for the Zabbix SENDER (trapper) protocol, so values can be pushed to Kiban the way
 * `zabbix_sender` pushes them to a Zabbix server (MON-3: "values may also be pushed"):
 *
 *   → ZBXD frame {"request":"sender data","data":[{"host":..,"key":..,"value":..,"clock"?,"ns"?}]}
 *   ← ZBXD frame {"response":"success","info":"processed: N; failed: M; total: T; seconds spent: S"}
 *
 * zabbix_sender parses `info` with a fixed format, so it is reproduced exactly. What the values mean
 * is not this file's business: `ingest` (the engine) says how many it took.
 *
 * Peers are untrusted: a frame with a wrong header, over the size limit, not JSON or not a sender
 * request is rejected and counted in `stats()`; the connection is dropped and the listener goes on.
 */
export interface SenderValue {
  host: string;
  key: string;
  value: string;
  /** Unix seconds (+ nanoseconds) of the measurement, when the sender gave them. */
  clock?: number;
  ns?: number;
}

export type IngestResult = { processed: number; failed: number };
export type RejectReason = FrameErrorReason | 'bad_json' | 'bad_request' | 'idle_timeout' | 'not_allowed';

export interface SenderServerOptions {
  ingest(values: SenderValue[]): Promise<IngestResult>;
  maxFrameBytes?: number;
  /** A connection that does not complete its frame in this time is dropped. */
  idleTimeoutMs?: number;
  maxConnections?: number;
  /** Like a Zabbix trapper's allowed hosts: peers for which this is false are dropped at once. */
  allowPeer?: (remoteAddress: string) => boolean;
  /** Monotonic milliseconds for `seconds spent`; performance.now by default. */
  now?: () => number;
}

export interface SenderServerStats {
  connections: number;
  requests: number;
  processed: number;
  failed: number;
  rejected: Record<RejectReason, number>;
}

export interface SenderServer {
  listen(port: number, host?: string): Promise<{ port: number }>;
  close(): Promise<void>;
  stats(): SenderServerStats;
}

const entrySchema = z.object({
  host: z.string().min(1).max(255),
  key: z.string().min(1).max(2048),
  value: z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v)),
  clock: z.number().int().nonnegative().optional(),
  ns: z.number().int().min(0).max(999_999_999).optional(),
});
const requestSchema = z.object({
  request: z.literal('sender data'),
  data: z.array(z.unknown()).max(100_000),
  clock: z.number().int().optional(),
  ns: z.number().int().optional(),
});

/** Parses a sender request body; entries that are not valid values come back as `invalid`. */
export function parseSenderRequest(payload: string): { values: SenderValue[]; invalid: number } | { error: 'bad_json' | 'bad_request' } {
  let body: unknown;
  try {
    body = JSON.parse(payload);
  } catch {
    return { error: 'bad_json' };
  }
  const req = requestSchema.safeParse(body);
  if (!req.success) return { error: 'bad_request' };
  const values: SenderValue[] = [];
  let invalid = 0;
  for (const raw of req.data.data) {
    const e = entrySchema.safeParse(raw);
    if (!e.success) {
      invalid++;
      continue;
    }
    const v: SenderValue = { host: e.data.host, key: e.data.key, value: e.data.value };
    if (e.data.clock !== undefined) v.clock = e.data.clock;
    if (e.data.ns !== undefined) v.ns = e.data.ns;
    values.push(v);
  }
  return { values, invalid };
}

export function senderInfo(processed: number, failed: number, total: number, seconds: number): string {
  return `processed: ${processed}; failed: ${failed}; total: ${total}; seconds spent: ${seconds.toFixed(6)}`;
}

export function createSenderServer(opts: SenderServerOptions): SenderServer {
  const maxBytes = opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const idleMs = opts.idleTimeoutMs ?? 10_000;
  const now = opts.now ?? (() => performance.now());
  const rejected: Record<RejectReason, number> = {
    bad_header: 0,
    too_large: 0,
    bad_compression: 0,
    truncated: 0,
    bad_json: 0,
    bad_request: 0,
    idle_timeout: 0,
    not_allowed: 0,
  };
  const counters = { connections: 0, requests: 0, processed: 0, failed: 0 };
  const sockets = new Set<Socket>();

  const handle = (sock: Socket) => {
    counters.connections++;
    if (opts.allowPeer && !opts.allowPeer(sock.remoteAddress ?? '')) {
      rejected.not_allowed++;
      sock.destroy();
      return;
    }
    sockets.add(sock);
    let buf = Buffer.alloc(0);
    let busy = false;
    const reject = (reason: RejectReason, reply?: string) => {
      rejected[reason]++;
      if (reply) sock.end(encodeFrame(JSON.stringify({ response: 'failed', info: reply })));
      else sock.destroy();
    };
    sock.setTimeout(idleMs, () => {
      if (!busy) reject('idle_timeout');
    });
    sock.on('error', () => {});
    sock.on('close', () => sockets.delete(sock));
    sock.on('end', () => {
      if (!busy && buf.length > 0) reject('truncated');
    });
    sock.on('data', (chunk: Buffer) => {
      if (busy) return;
      buf = Buffer.concat([buf, chunk]);
      let frame: Buffer;
      try {
        const r = decodeFrame(buf, maxBytes);
        if (r.kind === 'incomplete') return;
        frame = r.payload;
      } catch (e) {
        return reject(e instanceof FrameError ? e.reason : 'bad_header');
      }
      busy = true;
      sock.pause();
      const started = now();
      const parsed = parseSenderRequest(frame.toString('utf8'));
      if ('error' in parsed) return reject(parsed.error, parsed.error === 'bad_json' ? 'invalid JSON' : 'not a "sender data" request');
      counters.requests++;
      const total = parsed.values.length + parsed.invalid;
      const finish = (r: IngestResult) => {
        const failed = r.failed + parsed.invalid;
        counters.processed += r.processed;
        counters.failed += failed;
        const info = senderInfo(r.processed, failed, total, (now() - started) / 1000);
        sock.end(encodeFrame(JSON.stringify({ response: 'success', info })));
      };
      (parsed.values.length > 0 ? opts.ingest(parsed.values) : Promise.resolve({ processed: 0, failed: 0 })).then(finish, () =>
        finish({ processed: 0, failed: parsed.values.length }),
      );
    });
  };

  let server: Server | null = null;
  return {
    listen(port, host = '127.0.0.1') {
      server = createServer(handle);
      if (opts.maxConnections) server.maxConnections = opts.maxConnections;
      const s = server;
      return new Promise((resolve, rejectListen) => {
        s.once('error', rejectListen);
        s.listen(port, host, () => resolve({ port: (s.address() as { port: number }).port }));
      });
    },
    close() {
      for (const s of sockets) s.destroy();
      const s = server;
      server = null;
      return new Promise((resolve) => (s ? s.close(() => resolve()) : resolve()));
    },
    stats: () => ({ ...counters, rejected: { ...rejected } }),
  };
}

/** Our own sender client (the other side of the protocol; used by tests and by `kiban` tools). */
export async function sendValues(
  host: string,
  port: number,
  values: SenderValue[],
  timeoutMs = 5000,
): Promise<{ response: string; info: string; processed: number; failed: number; total: number }> {
  const reply = await rawExchange(host, port, encodeFrame(JSON.stringify({ request: 'sender data', data: values })), timeoutMs);
  const r = decodeFrame(reply);
  if (r.kind !== 'frame') throw new FrameError('truncated', 'the server closed the connection mid-reply');
  const body = JSON.parse(r.payload.toString('utf8')) as { response: string; info: string };
  const m = /processed: (\d+); failed: (\d+); total: (\d+)/.exec(body.info ?? '');
  return {
    response: body.response,
    info: body.info,
    processed: Number(m?.[1] ?? 0),
    failed: Number(m?.[2] ?? 0),
    total: Number(m?.[3] ?? 0),
  };
}

/** Writes `bytes` and collects everything until the peer closes (or the timeout). */
export function rawExchange(host: string, port: number, bytes: Buffer, timeoutMs = 5000): Promise<Buffer> {
  return new Promise((resolve, rejectP) => {
    const chunks: Buffer[] = [];
    const sock = connect({ host, port }, () => sock.write(bytes));
    const timer = setTimeout(() => {
      sock.destroy();
      rejectP(new Error(`no reply from ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
    sock.on('error', () => {});
  });
}
