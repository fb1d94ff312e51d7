/**
 * Test helper: a real vCenter simulator (govmomi's vcsim, built by scripts/ensure-vcsim.sh from
 * Debian's package) on a random loopback port. Building or starting it failing is an error, never a
 * skip: a connector test that silently does not run proves nothing.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** What the launcher prints once it listens (scripts/vcsim/main.go). */
export interface VcsimReady {
  url: string;
  host: string;
  port: number;
  username: string;
  password: string;
  certificatePem: string;
  counts: {
    datacenter: number;
    cluster: number;
    host: number;
    datastore: number;
    vm: number;
    resourcePool: number;
    folder: number;
    portgroup: number;
  };
  pid: number;
}

export interface Vcsim extends VcsimReady {
  /** `https://127.0.0.1:PORT/sdk`, without credentials. */
  sdkUrl: string;
  /** Closes stdin and waits for the process to exit; resolves with its exit code. */
  stop(): Promise<number | null>;
}

/** Builds the simulator if needed (first build ~30-60 s) and returns the binary's path. */
export async function ensureVcsim(): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', [path.join(repo, 'scripts/ensure-vcsim.sh')], {
    cwd: repo,
    maxBuffer: 16 * 1024 * 1024,
  }).catch((err: { stderr?: string; message: string }) => {
    throw new Error(`scripts/ensure-vcsim.sh failed: ${err.stderr || err.message}`);
  });
  const bin = stdout.trim().split('\n').pop();
  if (!bin) throw new Error('scripts/ensure-vcsim.sh printed no binary path');
  return bin;
}

/** Starts a simulator; `args` are the launcher's flags (e.g. `['-vm', '2']`). */
export async function startVcsim(args: string[] = []): Promise<Vcsim> {
  const bin = await ensureVcsim();
  const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const ready = await readyLine(child, () => stderr).catch((err: unknown) => {
    child.kill('SIGKILL');
    process.off('exit', killOnExit);
    throw err;
  });
  const exited = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });

  return {
    ...ready,
    sdkUrl: `https://${ready.host}:${ready.port}/sdk`,
    async stop() {
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
        process.off('exit', killOnExit);
      }
    },
  };
}

async function readyLine(child: ChildProcess, stderr: () => string): Promise<VcsimReady> {
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const timeout = AbortSignal.timeout(30_000);
  const exit = once(child, 'exit', { signal: timeout }).then(([code]) => {
    throw new Error(`vcsim exited (${String(code)}) before it was ready: ${stderr()}`);
  });
  const first = once(lines, 'line', { signal: timeout }).then(([line]) => JSON.parse(String(line)) as VcsimReady);
  try {
    return await Promise.race([first, exit]);
  } catch (err) {
    if (timeout.aborted) throw new Error(`vcsim did not become ready within 30 s: ${stderr()}`);
    throw err;
  } finally {
    lines.close();
    child.stdout?.resume(); // keep draining: a full pipe would block the simulator
    exit.catch(() => undefined);
    first.catch(() => undefined);
  }
}
