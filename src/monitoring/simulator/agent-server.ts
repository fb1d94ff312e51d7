import { createServer, type Server, type Socket } from 'node:net';
import { decodeFrame, encodeFrame } from '../zabbix/protocol.ts';

/**
 * A Zabbix agent's passive-check side, as the simulator's VMs run it: one request per connection,
 * in either dialect the engine's client speaks — the bare key (agents before 7.0, framed or
 * newline-terminated) answered by the value or `ZBX_NOTSUPPORTED\0reason`, or 7.0's JSON
 * `{"request":"passive checks","data":[{"key":…}]}` answered by `{"version":…,"data":[{"value":…}]}`.
 */
export type AgentAnswer = { value: string } | { unsupported: string };

export interface AgentResponder {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

function reply(socket: Socket, payload: string) {
  socket.end(encodeFrame(payload));
}

export function handleAgentConnection(socket: Socket, answer: (key: string) => AgentAnswer) {
  let buf = Buffer.alloc(0);
  socket.setTimeout(5000, () => socket.destroy());
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    let r: ReturnType<typeof decodeFrame>;
    try {
      r = decodeFrame(buf, 64 * 1024, true);
    } catch {
      return socket.destroy();
    }
    if (r.kind === 'incomplete') return;
    socket.removeAllListeners('data');
    const text = r.payload.toString('utf8').trim();
    if (text.startsWith('{')) {
      let key: unknown;
      try {
        key = (JSON.parse(text) as { data?: Array<{ key?: unknown }> }).data?.[0]?.key;
      } catch {
        key = undefined;
      }
      if (typeof key !== 'string') return reply(socket, JSON.stringify({ version: '7.0.0', variant: 1, error: 'Cannot parse request.' }));
      const a = answer(key);
      return reply(socket, JSON.stringify({ version: '7.0.0', variant: 1, data: ['value' in a ? { value: a.value } : { error: a.unsupported }] }));
    }
    const a = answer(text);
    reply(socket, 'value' in a ? a.value : `ZBX_NOTSUPPORTED\u0000${a.unsupported}`);
  });
}

/** Listens on `host:port` (port 0 = any); resolves once bound. */
export function listenAgent(host: string, port: number, answer: (key: string) => AgentAnswer): Promise<AgentResponder & { server: Server }> {
  const server = createServer((s) => handleAgentConnection(s, answer));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const bound = (server.address() as { port: number }).port;
      resolve({
        host,
        port: bound,
        server,
        close: () => new Promise<void>((r) => server.close(() => r())),
      });
    });
  });
}
