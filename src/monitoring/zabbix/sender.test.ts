import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBinary } from '../testing.ts';
import { encodeFrame, FLAG_COMPRESSED, FLAG_PROTOCOL } from './protocol.ts';
import { createSenderServer, rawExchange, type SenderServer, type SenderValue, sendValues } from './sender.ts';

const received: SenderValue[] = [];
let server: SenderServer;
let port: number;
const dir = mkdtempSync(join(tmpdir(), 'kiban-sender-'));

beforeAll(async () => {
  server = createSenderServer({
    maxFrameBytes: 64 * 1024,
    idleTimeoutMs: 300,
    // The engine's answer: it knows host "vm-01" only.
    ingest: async (values) => {
      received.push(...values);
      const known = values.filter((v) => v.host === 'vm-01').length;
      return { processed: known, failed: values.length - known };
    },
  });
  port = (await server.listen(0)).port;
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function zabbixSender(args: string[]): Promise<{ code: number; stdout: string }> {
  const bin = findBinary('zabbix_sender');
  return new Promise((resolve) => {
    execFile(bin, ['-z', '127.0.0.1', '-p', String(port), ...args], { timeout: 15_000 }, (err, stdout) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout });
    });
  });
}

describe('the sender-protocol listener with the real zabbix_sender', () => {
  it('accepts one value (-s -k -o) and answers in the format zabbix_sender parses', async () => {
    const r = await zabbixSender(['-s', 'vm-01', '-k', 'system.cpu.util', '-o', '42.5']);
    expect(r.stdout).toMatch(/processed: 1; failed: 0; total: 1/);
    expect(r.stdout).toMatch(/sent: 1; skipped: 0; total: 1/);
    expect(r.code).toBe(0);
    expect(received.at(-1)).toMatchObject({ host: 'vm-01', key: 'system.cpu.util', value: '42.5' });
  });

  it('accepts a file of timestamped values (-T -i) and reports the ones the engine refused as failed', async () => {
    const file = join(dir, 'values.txt');
    writeFileSync(
      file,
      ['vm-01 vm.memory.size[pavailable] 1795786000 12.5', 'vm-01 vfs.fs.size[/,pused] 1795786000 91', 'unknown-host agent.ping 1795786000 1', ''].join('\n'),
    );
    const before = received.length;
    const r = await zabbixSender(['-T', '-i', file]);
    expect(r.stdout).toMatch(/processed: 2; failed: 1; total: 3/);
    expect(r.code).toBe(2); // zabbix_sender: some values failed
    const got = received.slice(before);
    expect(got).toHaveLength(3);
    expect(got[0]).toMatchObject({ host: 'vm-01', key: 'vm.memory.size[pavailable]', value: '12.5', clock: 1795786000 });
  });
});

describe('malformed and hostile frames', () => {
  it('our own client round-trips, and invalid entries count as failed', async () => {
    const r = await sendValues('127.0.0.1', port, [
      { host: 'vm-01', key: 'proc.num[httpd]', value: '3' },
      { host: '', key: 'x', value: '1' } as SenderValue,
    ]);
    expect(r.response).toBe('success');
    expect([r.processed, r.failed, r.total]).toEqual([1, 1, 2]);
  });

  it('drops a connection that does not start with ZBXD and counts it', async () => {
    const before = server.stats().rejected.bad_header;
    const reply = await rawExchange('127.0.0.1', port, Buffer.from('GET / HTTP/1.0\r\n\r\n'));
    expect(reply.length).toBe(0);
    expect(server.stats().rejected.bad_header).toBe(before + 1);
  });

  it('drops a frame announcing more than the limit without reading it', async () => {
    const frame = encodeFrame('{}');
    frame.writeUInt32LE(10 * 1024 * 1024, 5);
    const before = server.stats().rejected.too_large;
    expect((await rawExchange('127.0.0.1', port, frame)).length).toBe(0);
    expect(server.stats().rejected.too_large).toBe(before + 1);
  });

  it('answers "failed" to JSON garbage and to a request that is not sender data', async () => {
    const a = await rawExchange('127.0.0.1', port, encodeFrame('{"request":'));
    expect(a.subarray(13).toString()).toContain('"response":"failed"');
    const b = await rawExchange('127.0.0.1', port, encodeFrame(JSON.stringify({ request: 'active checks', host: 'vm-01' })));
    expect(b.subarray(13).toString()).toContain('"response":"failed"');
    expect(server.stats().rejected.bad_json).toBeGreaterThanOrEqual(1);
    expect(server.stats().rejected.bad_request).toBeGreaterThanOrEqual(1);
  });

  it('reads a zlib-compressed frame and refuses a corrupt one', async () => {
    const body = Buffer.from(JSON.stringify({ request: 'sender data', data: [{ host: 'vm-01', key: 'agent.ping', value: 1 }] }));
    const z = deflateSync(body);
    const head = Buffer.alloc(13);
    head.write('ZBXD', 0, 'latin1');
    head.writeUInt8(FLAG_PROTOCOL | FLAG_COMPRESSED, 4);
    head.writeUInt32LE(z.length, 5);
    head.writeUInt32LE(body.length, 9);
    const ok = await rawExchange('127.0.0.1', port, Buffer.concat([head, z]));
    expect(ok.subarray(13).toString()).toContain('processed: 1; failed: 0; total: 1');
    const bad = Buffer.concat([head, Buffer.alloc(z.length, 7)]);
    const before = server.stats().rejected.bad_compression;
    expect((await rawExchange('127.0.0.1', port, bad)).length).toBe(0);
    expect(server.stats().rejected.bad_compression).toBe(before + 1);
  });

  it('drops a peer that stalls mid-frame, and keeps serving others', async () => {
    const before = server.stats().rejected.idle_timeout;
    const partial = encodeFrame(JSON.stringify({ request: 'sender data', data: [] })).subarray(0, 20);
    expect((await rawExchange('127.0.0.1', port, partial, 3000)).length).toBe(0);
    expect(server.stats().rejected.idle_timeout).toBe(before + 1);
    const r = await sendValues('127.0.0.1', port, [{ host: 'vm-01', key: 'agent.ping', value: '1' }]);
    expect(r.processed).toBe(1);
  });

  it('drops peers that are not allowed, before reading anything', async () => {
    const guarded = createSenderServer({ allowPeer: (a) => a === '192.0.2.10', ingest: async (v) => ({ processed: v.length, failed: 0 }) });
    const { port: p } = await guarded.listen(0);
    try {
      await expect(sendValues('127.0.0.1', p, [{ host: 'vm-01', key: 'agent.ping', value: '1' }])).rejects.toThrow();
      expect(guarded.stats().rejected.not_allowed).toBe(1);
      expect(guarded.stats().requests).toBe(0);
    } finally {
      await guarded.close();
    }
  });
});
