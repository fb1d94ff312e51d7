import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Test helpers that run REAL Zabbix programs from Debian's zabbix-agent package (installed by
 * scripts/ensure-monitoring.sh). A missing binary throws: the tests fail, they do not skip.
 */
export function findBinary(name: string): string {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/bin', '/sbin']) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  throw new Error(`${name} is not installed: run scripts/ensure-monitoring.sh (Debian packages zabbix-agent, fping)`);
}

function tryPort(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(null));
    s.listen(port, '127.0.0.1', () => {
      const got = (s.address() as { port: number }).port;
      s.close(() => resolve(got));
    });
  });
}

/**
 * A free loopback port. zabbix_agentd accepts ListenPort only in 1024–32767, below Linux's ephemeral
 * range, so `inZabbixRange` picks one there at random instead of asking the kernel for any.
 */
export async function freePort(inZabbixRange = false): Promise<number> {
  if (!inZabbixRange) return (await tryPort(0)) as number;
  for (let i = 0; i < 200; i++) {
    const got = await tryPort(20000 + Math.floor(Math.random() * 12000));
    if (got) return got;
  }
  throw new Error('no free port in 20000–32000');
}

async function waitForPort(port: number, child: ChildProcess, log: string, stderr: () => string, deadlineMs = 15_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) break;
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  const text = existsSync(log) ? readFileSync(log, 'utf8') : '';
  throw new Error(`zabbix_agentd did not listen on 127.0.0.1:${port}\n${stderr()}\n${text}`);
}

export interface RunningAgent {
  port: number;
  stop(): Promise<void>;
}

/** Starts zabbix_agentd in the foreground on a free loopback port with a generated configuration. */
export async function startZabbixAgent(): Promise<RunningAgent> {
  const bin = findBinary('zabbix_agentd');
  const dir = mkdtempSync(join(tmpdir(), 'kiban-zbx-agent-'));
  const port = await freePort(true);
  const conf = join(dir, 'zabbix_agentd.conf');
  const log = join(dir, 'agent.log');
  writeFileSync(
    conf,
    [
      'Server=127.0.0.1',
      'ListenIP=127.0.0.1',
      `ListenPort=${port}`,
      'Hostname=kiban-test-agent',
      `PidFile=${join(dir, 'agent.pid')}`,
      `LogFile=${log}`,
      'LogType=file',
      'AllowRoot=1',
      'StartAgents=3',
      'Timeout=5',
      '',
    ].join('\n'),
  );
  const child = spawn(bin, ['-f', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (c: Buffer) => {
    err += c.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForPort(port, child, log, () => err);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return {
    port,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
