import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckItem } from '../model.ts';
import { findBinary, type RunningAgent, startZabbixAgent } from '../testing.ts';
import { ZabbixAgentClient } from '../zabbix/agent.ts';
import { AgentCheck } from './agent.ts';
import { HttpCheck } from './http.ts';
import { FpingCheck, parseFpingOutput, runFping } from './icmp.ts';

const item = (id: string, over: Partial<CheckItem> = {}): CheckItem => ({
  id,
  type: 'icmp',
  key: 'icmpping',
  params: {},
  target: { address: '127.0.0.1', agentPort: 10050 },
  ...over,
});

describe('alive check with fping', () => {
  it('pings a whole batch with one fping process: loopback alive, an unresolvable name down', async () => {
    const calls: string[][] = [];
    const real = runFping(findBinary('fping'));
    const check = new FpingCheck({ count: 2, timeoutMs: 300, periodMs: 50, run: (args) => {
        calls.push(args);
        return real(args);
      },
    });
    const items = [
      item('a', { target: { address: '127.0.0.1', agentPort: 0 } }),
      item('b', { target: { address: '127.0.0.2', agentPort: 0 } }),
      item('c', { target: { address: 'kiban-no-such-host.invalid', agentPort: 0 } }),
      item('d', { target: { address: '127.0.0.1', agentPort: 0 } }),
    ];
    const r = await check.checkBatch(items);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.filter((a) => a.startsWith('127.') || a.endsWith('.invalid'))).toHaveLength(3); // deduplicated
    expect(r.get('a')?.outcome).toBe('value');
    expect(r.get('b')?.outcome).toBe('value');
    expect(r.get('d')?.outcome).toBe('value');
    expect(r.get('c')).toMatchObject({ outcome: 'down' });
  });

  it('splits large lists into batches of batchSize', async () => {
    const calls: string[][] = [];
    const check = new FpingCheck({
      batchSize: 2,
      run: async (args) => {
        calls.push(args);
        const hosts = args.slice(args.indexOf('--') + 1);
        return { code: 1, stderr: hosts.map((h) => `${h} : ${h.endsWith('.9') ? '- - -' : '0.1 - 0.2'}`).join('\n') };
      },
    });
    const items = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.9', '10.0.0.5'].map((a, i) => item(`i${i}`, { target: { address: a, agentPort: 0 } }));
    const r = await check.checkBatch(items);
    expect(calls).toHaveLength(3);
    expect(r.get('i3')).toEqual({ outcome: 'down', detail: 'no echo reply (3/3 lost)' });
    expect(r.get('i0')).toMatchObject({ outcome: 'value', ms: 0.1 });
  });

  it('runs at most `parallel` fping processes at once, each sending at the given interval', async () => {
    let now = 0;
    let most = 0;
    const seen: string[][] = [];
    const check = new FpingCheck({
      batchSize: 1,
      parallel: 2,
      intervalMs: 2,
      run: async (args) => {
        seen.push(args);
        most = Math.max(most, ++now);
        await Promise.resolve();
        now--;
        const h = args[args.length - 1] as string;
        return { code: 0, stderr: `${h} : 0.1 0.1 0.1` };
      },
    });
    const r = await check.checkBatch(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5'].map((a, i) => item(`p${i}`, { target: { address: a, agentPort: 0 } })));
    expect(seen).toHaveLength(5);
    expect(most).toBe(2);
    expect(seen.every((a) => a[a.indexOf('-i') + 1] === '2')).toBe(true);
    expect([...r.values()].every((o) => o.outcome === 'value')).toBe(true);
  });

  it('reports unknown (not down) when fping itself cannot run', async () => {
    const check = new FpingCheck({ fpingPath: '/nonexistent/fping' });
    expect((await check.check(item('x'))).outcome).toBe('unknown');
  });

  it('parses fping -C output', () => {
    const p = parseFpingOutput('127.0.0.1    : 0.030 0.042 -\n10.255.255.1 : - - -\n');
    expect(p.get('127.0.0.1')).toMatchObject({ alive: true, rttMs: 0.03 });
    expect(p.get('10.255.255.1')?.alive).toBe(false);
  });
});

describe('HTTP check against a local server', () => {
  let server: Server;
  let base: string;
  let flaky = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/ok') return res.end('<h1>県民ポータル 稼働中</h1>');
      if (req.url === '/error') {
        res.statusCode = 503;
        return res.end('maintenance');
      }
      if (req.url === '/flaky') {
        flaky++;
        res.statusCode = flaky % 3 === 0 ? 200 : 500;
        return res.end('x');
      }
      if (req.url === '/slow') return; // never answers
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  const http = new HttpCheck();
  const h = (params: Record<string, unknown>) => item('h', { type: 'http', key: 'web', params });

  it('is up on the expected status and content', async () => {
    const r = await http.check(h({ url: `${base}/ok`, contains: '稼働中' }));
    expect(r).toMatchObject({ outcome: 'value', value: '200' });
  });

  it('is down on a wrong status after the first try and 2 retries', async () => {
    const r = await http.check(h({ url: `${base}/error` }));
    expect(r.outcome).toBe('down');
    expect((r as { detail: string }).detail).toBe('3 attempts failed: status 503; status 503; status 503');
  });

  it('is down when the content is missing', async () => {
    const r = await http.check(h({ url: `${base}/ok`, contains: '停止', retries: 0 }));
    expect(r).toMatchObject({ outcome: 'down', detail: '1 attempts failed: content "停止" not found' });
  });

  it('succeeds on the last retry', async () => {
    flaky = 0;
    const r = await http.check(h({ url: `${base}/flaky` }));
    expect(r).toMatchObject({ outcome: 'value', value: '200', detail: 'ok after 2 retries' });
  });

  it('times out per attempt (timeout option) and is down', async () => {
    const r = await http.check(h({ url: `${base}/slow`, timeoutMs: 100, retries: 1 }));
    expect(r).toMatchObject({ outcome: 'down', detail: '2 attempts failed: no response within 100 ms; no response within 100 ms' });
  });

  it('is down when nothing listens', async () => {
    const r = await http.check(h({ url: 'http://127.0.0.1:9/', retries: 0 }));
    expect(r.outcome).toBe('down');
  });
});

describe('agent check against a real zabbix_agentd', () => {
  let agent: RunningAgent;
  beforeAll(async () => {
    agent = await startZabbixAgent();
  });
  afterAll(async () => agent?.stop());

  it('reads a value, and gives unknown for an unsupported key or an unreachable agent', async () => {
    const check = new AgentCheck(new ZabbixAgentClient({ dialect: 'legacy' }));
    const t = { address: '127.0.0.1', agentPort: agent.port };
    expect(await check.check(item('p', { type: 'process', key: 'proc.num[zabbix_agentd]', target: t }))).toMatchObject({ outcome: 'value' });
    expect((await check.check(item('u', { type: 'resource', key: 'kiban.none', target: t }))).outcome).toBe('unknown');
    expect((await check.check(item('z', { type: 'resource', key: 'agent.ping', target: { address: '127.0.0.1', agentPort: 9 } }))).outcome).toBe('unknown');
  });
});
