import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

/**
 * A real Zabbix 6.0 for tests, from Debian's packages (scripts/ensure-zabbix-server.sh installs them):
 * a database made for the run on the local PostgreSQL server with Zabbix's schema, `zabbix_server -f`
 * with a configuration in a temporary folder, and the PHP frontend served by `php -S` — all on free
 * loopback ports, all stopped and dropped by `stop()`. Nothing here skips: a missing piece throws.
 */

const run = promisify(execFile);

export const ZABBIX_SERVER_BIN = '/usr/sbin/zabbix_server';
export const ZABBIX_FRONTEND_DIR = '/usr/share/zabbix';
export const ZABBIX_SCHEMA_DIR = '/usr/share/zabbix-server-pgsql';
/** Debian's frontend reads only this file (CConfigFile::CONFIG_FILE_PATH). */
export const ZABBIX_FRONTEND_CONF = '/etc/zabbix/zabbix.conf.php';
const MARKER = 'kiban-zabbix-test-harness';

export interface ZabbixTestServer {
  /** http://127.0.0.1:<port>/api_jsonrpc.php */
  apiUrl: string;
  /** The server's trapper port (zabbix_sender -p). */
  trapperPort: number;
  dbName: string;
  /** Default superuser of a fresh Zabbix database. */
  admin: { username: 'Admin'; password: 'zabbix' };
  dir: string;
  /** The server's and PHP's output so far (for failure messages). */
  logs(): Promise<string>;
  /** Pushes one value with Debian's zabbix_sender; resolves with its summary line. */
  send(host: string, key: string, value: string | number): Promise<{ processed: number; failed: number; output: string }>;
  stop(): Promise<void>;
}

/** A free loopback port; below 32768 because zabbix_server's ListenPort accepts 1024-32767 only. */
async function freePort(): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
  for (let i = 0; i < 200; i++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await tryPort(port)) return port;
  }
  throw new Error('no free loopback port between 20000 and 32000');
}

function which(bin: string): string | null {
  for (const d of (process.env.PATH ?? '/usr/bin:/bin').split(':').concat(['/usr/sbin', '/usr/bin'])) {
    const p = join(d, bin);
    if (existsSync(p)) return p;
  }
  return null;
}

/** What is missing for a real Zabbix here (empty when everything is present). */
export function missingZabbixPieces(): string[] {
  const missing: string[] = [];
  if (!existsSync(ZABBIX_SERVER_BIN)) missing.push(`${ZABBIX_SERVER_BIN} (zabbix-server-pgsql)`);
  for (const f of ['schema', 'images', 'data']) {
    if (!existsSync(join(ZABBIX_SCHEMA_DIR, `${f}.sql.gz`))) missing.push(`${ZABBIX_SCHEMA_DIR}/${f}.sql.gz (zabbix-server-pgsql)`);
  }
  if (!existsSync(join(ZABBIX_FRONTEND_DIR, 'api_jsonrpc.php')))
    missing.push(`${ZABBIX_FRONTEND_DIR}/api_jsonrpc.php (zabbix-frontend-php)`);
  if (!which('php')) missing.push('php (php-cli)');
  if (!which('psql')) missing.push('psql (postgresql-client)');
  if (!which('zabbix_sender')) missing.push('zabbix_sender (zabbix-agent)');
  if (!existsSync(ZABBIX_FRONTEND_CONF)) missing.push(`${ZABBIX_FRONTEND_CONF} (written by the script)`);
  else if (!readFileSync(ZABBIX_FRONTEND_CONF, 'utf8').includes(MARKER)) {
    missing.push(`${ZABBIX_FRONTEND_CONF} is not Kiban's (it would point the frontend at another database)`);
  }
  return missing;
}

async function waitFor(what: string, ms: number, probe: () => Promise<boolean>, logs: () => Promise<string>): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not come up within ${ms} ms\n${(await logs()).slice(-4000)}`);
}

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = new Socket();
    s.setTimeout(500);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
    s.connect(port, '127.0.0.1');
  });

async function stopProcess(child: ChildProcess | null, graceMs: number): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  // Each child leads its own process group (detached): zabbix_server's forked workers go with it.
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), s);
    } catch {
      /* already gone */
    }
  };
  signal('SIGTERM');
  const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
  if ((await Promise.race([exited, timer])) === 'timeout') {
    signal('SIGKILL');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000).unref())]);
  }
}

export interface StartOptions {
  /** Admin URL of the PostgreSQL server (trust auth for its user). */
  pgAdminUrl?: string;
  /** Seconds between configuration-cache syncs: how soon API changes reach the server (default 1). */
  cacheUpdateFrequency?: number;
}

/** Starts database, server and frontend; throws (with what is missing or the logs) when it cannot. */
export async function startZabbixServer(opts: StartOptions = {}): Promise<ZabbixTestServer> {
  const missing = missingZabbixPieces();
  if (missing.length) {
    throw new Error(`Zabbix server pieces are missing (run scripts/ensure-zabbix-server.sh): ${missing.join('; ')}`);
  }
  const adminUrl = new URL(opts.pgAdminUrl ?? process.env.KIBAN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const dbName = `kiban_zbx_${process.pid}_${Date.now().toString(36)}`;
  const dir = await mkdtemp(join(tmpdir(), 'kiban-zbx-'));
  const serverLog = join(dir, 'zabbix_server.log');
  const phpLog = join(dir, 'php.log');
  let server: ChildProcess | null = null;
  let php: ChildProcess | null = null;
  let dbCreated = false;

  const logs = async () => {
    const parts: string[] = [];
    for (const f of [serverLog, phpLog]) parts.push(`--- ${f}\n${await readFile(f, 'utf8').catch(() => '')}`);
    return parts.join('\n');
  };
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>) => {
    const c = new pg.Client({ connectionString: adminUrl.toString() });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  const stop = async () => {
    await stopProcess(php, 5000);
    await stopProcess(server, 20_000);
    if (dbCreated) await admin((c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await admin((c) => c.query(`CREATE DATABASE ${dbName} ENCODING 'UTF8' TEMPLATE template0`));
    dbCreated = true;
    const dbHost = adminUrl.hostname || '127.0.0.1';
    const dbPort = adminUrl.port || '5432';
    const dbUser = decodeURIComponent(adminUrl.username || 'postgres');
    const dbPassword = decodeURIComponent(adminUrl.password || '');
    // psql reads COPY data from the dump; one transaction is ~40% faster than autocommit.
    const files = ['schema', 'images', 'data'].map((f) => join(ZABBIX_SCHEMA_DIR, `${f}.sql.gz`));
    await run(
      'bash',
      ['-o', 'pipefail', '-c', `zcat ${files.join(' ')} | psql -q -1 -v ON_ERROR_STOP=1 -h "$H" -p "$P" -U "$U" -d "$D" >/dev/null`],
      {
        env: {
          ...process.env,
          H: dbHost,
          P: dbPort,
          U: dbUser,
          D: dbName,
          PGPASSWORD: dbPassword,
          PGOPTIONS: '-c synchronous_commit=off',
        },
        maxBuffer: 16 * 1024 * 1024,
      },
    );

    const trapperPort = await freePort();
    const httpPort = await freePort();
    const conf = [
      'ListenIP=127.0.0.1',
      `ListenPort=${trapperPort}`,
      `DBHost=${dbHost}`,
      `DBPort=${dbPort}`,
      `DBName=${dbName}`,
      `DBUser=${dbUser}`,
      ...(dbPassword ? [`DBPassword=${dbPassword}`] : []),
      `PidFile=${join(dir, 'zabbix_server.pid')}`,
      'LogType=console',
      `SocketDir=${dir}`,
      // Running as root (CI) needs this; as another user it is ignored.
      'AllowRoot=1',
      // Small: two cores and a test that needs trappers, history syncer, timer and escalator only.
      'StartPollers=1',
      'StartPollersUnreachable=1',
      'StartPingers=0',
      'StartDiscoverers=0',
      'StartHTTPPollers=0',
      'StartTimers=1',
      'StartEscalators=1',
      'StartAlerters=1',
      'StartTrappers=2',
      'StartPreprocessors=1',
      'StartDBSyncers=1',
      'StartLLDProcessors=1',
      'StartReportWriters=0',
      'StartHistoryPollers=1',
      'CacheSize=16M',
      'HistoryCacheSize=16M',
      'HistoryIndexCacheSize=4M',
      'TrendCacheSize=4M',
      'ValueCacheSize=8M',
      `CacheUpdateFrequency=${opts.cacheUpdateFrequency ?? 1}`,
      'HousekeepingFrequency=0',
      'Timeout=4',
      '',
    ].join('\n');
    const confPath = join(dir, 'zabbix_server.conf');
    await writeFile(confPath, conf);

    const serverOut = createWriteStream(serverLog);
    server = spawn(ZABBIX_SERVER_BIN, ['-f', '-c', confPath], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout?.pipe(serverOut);
    server.stderr?.pipe(serverOut);
    const srv = server;
    await waitFor('zabbix_server (trapper port)', 60_000, async () => srv.exitCode !== null || portOpen(trapperPort), logs);
    if (srv.exitCode !== null) throw new Error(`zabbix_server exited with ${srv.exitCode}\n${await logs()}`);

    const phpOut = createWriteStream(phpLog);
    php = spawn(
      which('php') as string,
      [
        '-d',
        'memory_limit=256M',
        '-d',
        'max_execution_time=300',
        '-d',
        'post_max_size=16M',
        '-d',
        'display_errors=stderr',
        '-S',
        `127.0.0.1:${httpPort}`,
        '-t',
        ZABBIX_FRONTEND_DIR,
      ],
      {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          KIBAN_ZBX_DB_HOST: dbHost,
          KIBAN_ZBX_DB_PORT: dbPort,
          KIBAN_ZBX_DB_NAME: dbName,
          KIBAN_ZBX_DB_USER: dbUser,
          KIBAN_ZBX_DB_PASSWORD: dbPassword,
          KIBAN_ZBX_SERVER_HOST: '127.0.0.1',
          KIBAN_ZBX_SERVER_PORT: String(trapperPort),
          // The built-in server serves requests one at a time unless told otherwise.
          PHP_CLI_SERVER_WORKERS: '4',
        },
      },
    );
    php.stdout?.pipe(phpOut);
    php.stderr?.pipe(phpOut);
    const apiUrl = `http://127.0.0.1:${httpPort}/api_jsonrpc.php`;
    await waitFor(
      'the Zabbix frontend (apiinfo.version)',
      30_000,
      async () => {
        const res = await fetch(apiUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json-rpc' },
          body: JSON.stringify({
            jsonrpc: '2.0',
            method: 'apiinfo.version',
            params: {},
            id: 1,
          }),
          signal: AbortSignal.timeout(3000),
        });
        const j = (await res.json()) as { result?: string };
        return typeof j.result === 'string';
      },
      logs,
    );

    const sender = which('zabbix_sender') as string;
    return {
      apiUrl,
      trapperPort,
      dbName,
      dir,
      admin: { username: 'Admin', password: 'zabbix' },
      logs,
      async send(host, key, value) {
        const { stdout } = await run(sender, [
          '-z',
          '127.0.0.1',
          '-p',
          String(trapperPort),
          '-s',
          host,
          '-k',
          key,
          '-o',
          String(value),
        ]).catch(
          // zabbix_sender exits 2 when some values failed: its output still says how many.
          (e: { stdout?: string; stderr?: string; message: string }) => {
            if (e.stdout && /processed:/.test(e.stdout)) return { stdout: e.stdout };
            throw new Error(`zabbix_sender failed: ${e.message} ${e.stderr ?? ''}`);
          },
        );
        const m = /processed: (\d+); failed: (\d+)/.exec(stdout);
        return {
          processed: Number(m?.[1] ?? 0),
          failed: Number(m?.[2] ?? 0),
          output: stdout.trim(),
        };
      },
      stop,
    };
  } catch (e) {
    await stop().catch(() => undefined);
    throw e;
  }
}
