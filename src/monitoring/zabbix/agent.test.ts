import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type RunningAgent, startZabbixAgent } from '../testing.ts';
import { AgentError, ZabbixAgentClient } from './agent.ts';
import { decodeFrame, encodeFrame } from './protocol.ts';

let agent: RunningAgent;

beforeAll(async () => {
  agent = await startZabbixAgent();
});
afterAll(async () => {
  await agent?.stop();
});

/** The CPU collector needs a second sample after start; ask again until it has one. */
async function settled(client: ZabbixAgentClient, key: string) {
  for (let i = 0; i < 30; i++) {
    const r = await client.get('127.0.0.1', agent.port, key);
    if (r.kind === 'value') return r;
    await new Promise((res) => setTimeout(res, 200));
  }
  return client.get('127.0.0.1', agent.port, key);
}

describe('passive checks against a real Debian zabbix_agentd', () => {
  const legacy = new ZabbixAgentClient({ dialect: 'legacy', timeoutMs: 5000 });

  it('reads agent.ping and the agent version', async () => {
    expect(await legacy.get('127.0.0.1', agent.port, 'agent.ping')).toEqual({ kind: 'value', value: '1' });
    const v = await legacy.get('127.0.0.1', agent.port, 'agent.version');
    expect(v.kind === 'value' && /^\d+\.\d+/.test(v.value)).toBe(true);
  });

  it('reads the CPU, memory and disk figures the resource checks use', async () => {
    const cpu = await settled(legacy, 'system.cpu.util');
    const mem = await legacy.get('127.0.0.1', agent.port, 'vm.memory.size[pavailable]');
    const disk = await legacy.get('127.0.0.1', agent.port, 'vfs.fs.size[/,pused]');
    for (const r of [cpu, mem, disk]) {
      expect(r.kind).toBe('value');
      const n = Number((r as { value: string }).value);
      expect(Number.isFinite(n)).toBe(true);
      expect(n).toBeGreaterThanOrEqual(0);
      expect(n).toBeLessThanOrEqual(100);
    }
  });

  it('counts processes (proc.num), the agent itself among them', async () => {
    const r = await legacy.get('127.0.0.1', agent.port, 'proc.num[zabbix_agentd]');
    expect(r.kind).toBe('value');
    expect(Number((r as { value: string }).value)).toBeGreaterThanOrEqual(1);
    const none = await legacy.get('127.0.0.1', agent.port, 'proc.num[kiban-no-such-process]');
    expect(none).toEqual({ kind: 'value', value: '0' });
  });

  it('reports an unknown key as not supported, with the reason', async () => {
    const r = await legacy.get('127.0.0.1', agent.port, 'kiban.no.such.key');
    expect(r.kind).toBe('unsupported');
    expect((r as { reason: string }).reason).toMatch(/unsupported|not supported/i);
  });

  it('auto mode asks in JSON first, learns that a 6.0 agent speaks the old dialect, and gets the value', async () => {
    const auto = new ZabbixAgentClient({ timeoutMs: 5000 });
    expect(await auto.get('127.0.0.1', agent.port, 'agent.ping')).toEqual({ kind: 'value', value: '1' });
    expect(auto.dialectOf('127.0.0.1', agent.port)).toBe('legacy');
    expect(await auto.get('127.0.0.1', agent.port, 'agent.ping')).toEqual({ kind: 'value', value: '1' });
  });
});

/** A stand-in agent that answers each connection with `reply(request)`. */
async function fakeAgent(reply: (request: Buffer) => Buffer | null): Promise<{ port: number; server: Server; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((sock) => {
    let buf = Buffer.alloc(0);
    sock.on('data', (c) => {
      buf = Buffer.concat([buf, c]);
      const r = decodeFrame(buf, 1 << 20, true);
      if (r.kind === 'incomplete') return;
      requests.push(r.payload.toString('utf8'));
      const out = reply(r.payload);
      if (out) sock.end(out);
    });
    sock.on('error', () => {});
  });
  const port = await freePort();
  await new Promise<void>((res) => server.listen(port, '127.0.0.1', res));
  return { port, server, requests };
}

describe('the Zabbix 7.0 JSON dialect and broken agents', () => {
  const servers: Server[] = [];
  afterAll(() => {
    for (const s of servers) s.close();
  });

  it('sends {"request":"passive checks"} and reads value and error replies', async () => {
    const f = await fakeAgent((req) => {
      const body = JSON.parse(req.toString('utf8')) as { data: { key: string }[] };
      const key = body.data[0]?.key;
      return encodeFrame(
        key === 'system.cpu.util'
          ? JSON.stringify({ version: '7.0.0', variant: 1, data: [{ value: '12.5' }] })
          : JSON.stringify({ version: '7.0.0', variant: 1, data: [{ error: 'Unsupported item key.' }] }),
      );
    });
    servers.push(f.server);
    const auto = new ZabbixAgentClient({ timeoutMs: 2000 });
    expect(await auto.get('127.0.0.1', f.port, 'system.cpu.util')).toEqual({ kind: 'value', value: '12.5' });
    expect(auto.dialectOf('127.0.0.1', f.port)).toBe('json');
    expect(await auto.get('127.0.0.1', f.port, 'nope')).toEqual({ kind: 'unsupported', reason: 'Unsupported item key.' });
    expect(JSON.parse(f.requests[0] as string)).toEqual({ request: 'passive checks', data: [{ key: 'system.cpu.util', timeout: '2s' }] });
  });

  it('fails with connect when nothing listens', async () => {
    const port = await freePort();
    const err = await new ZabbixAgentClient({ dialect: 'legacy' }).get('127.0.0.1', port, 'agent.ping').catch((e) => e);
    expect(err).toBeInstanceOf(AgentError);
    expect(err.reason).toBe('connect');
  });

  it('times out on an agent that never answers', async () => {
    const f = await fakeAgent(() => null);
    servers.push(f.server);
    const err = await new ZabbixAgentClient({ dialect: 'legacy', timeoutMs: 150 }).get('127.0.0.1', f.port, 'agent.ping').catch((e) => e);
    expect(err).toBeInstanceOf(AgentError);
    expect(err.reason).toBe('timeout');
  });

  it('rejects a reply that announces more than the frame limit', async () => {
    const f = await fakeAgent(() => {
      const h = encodeFrame('x');
      h.writeUInt32LE(50 * 1024 * 1024, 5);
      return h;
    });
    servers.push(f.server);
    const err = await new ZabbixAgentClient({ dialect: 'legacy' }).get('127.0.0.1', f.port, 'agent.ping').catch((e) => e);
    expect(err).toBeInstanceOf(AgentError);
    expect(err.reason).toBe('protocol');
  });

  it('rejects garbage in answer to a JSON request', async () => {
    const f = await fakeAgent(() => encodeFrame('{not json'));
    servers.push(f.server);
    const err = await new ZabbixAgentClient({ dialect: 'json' }).get('127.0.0.1', f.port, 'agent.ping').catch((e) => e);
    expect(err).toBeInstanceOf(AgentError);
    expect(err.reason).toBe('protocol');
  });
});
