import type { FastifyInstance } from 'fastify';
import { count, sql } from 'drizzle-orm';
import { inTx } from '../db/tx.ts';
import { openConfigured } from '../db/datadir.ts';
import { loadDemo } from '../demo/index.ts';
import { departments } from '../iam/schema.ts';
import { createLdapAuthenticator } from '../iam/ldap.ts';
import { createIamService } from '../iam/service.ts';
import { type Clock, systemClock } from '../kernel/clock.ts';
import type { Config } from '../kernel/config.ts';
import { loadVcenterConfig } from '../cmdb/sync/index.ts';
import { startWorkers } from '../worker/index.ts';
import { buildApp } from './app.ts';
import type { Db } from '../db/connection.ts';
import { type DemoLive, demoRoutes, demoWorkerOptions, startDemoLive } from '../monitoring/simulator/index.ts';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/**
 * `kiban start`: open (and lock) the database, apply migrations, load the demo on a new database in
 * demo mode, then serve the API and the web UI. A production start on an empty database serves the
 * login page and tells the operator to create the first administrator with the CLI.
 */
export async function startServer(config: Config, out: (line: string) => void = console.log, clock: Clock = systemClock): Promise<RunningServer> {
  const database = await openConfigured(config, 'kiban start');
  try {
    await database.migrate();
    out(`Database: ${database.where} (migrations applied)`);
    if (config.mode === 'demo') {
      // Several processes started at once on an empty PostgreSQL database: one loads the demo in one
      // transaction under an advisory lock, the others wait for it and then find it loaded.
      await inTx(database.db, async (t) => {
        if (database.kind === 'postgres') await t.execute(sql`SELECT pg_advisory_xact_lock(4711002)`);
        const [d] = await t.select({ n: count() }).from(departments);
        if ((d?.n ?? 0) > 0) return;
        out('New database in demo mode: loading the demo organisation …');
        const { summary } = await loadDemo(t, clock, { password: config.demoPassword });
        out(summary);
      });
    }
    const iam = createIamService({ db: database.db, clock });
    if (!(await iam.hasActiveAdmin()) && config.mode === 'production') {
      out('No administrator yet. Create the first one with: npm run kiban -- user add <login> --name "<氏名>" --admin');
      out('管理者が未登録です。上記のコマンドで最初の管理者を作成してください（サーバ停止中に実行）。');
    }
    const directory = config.ldap ? createLdapAuthenticator(config.ldap) : undefined;
    if (config.ldap) out(`Directory login: ${config.ldap.url} (${config.ldap.baseDn})`);
    const app = await buildApp({ db: database.db, dbKind: database.kind, clock, config, directory });
    // KIBAN_ROLE (several processes on one PostgreSQL, README): api = HTTP only, worker = jobs only.
    const role = config.process?.role ?? 'all';
    const live = await startDemoSimulator(config, role, database.db, clock, app, out);
    let url = '';
    if (role !== 'worker') {
      await app.listen({ port: config.port, host: config.host });
      url = `http://localhost:${(app.server.address() as { port: number }).port}`;
      out(`Kiban is running on ${url}  (mode: ${config.mode}${role === 'api' ? ', role: api — no background jobs' : ''})`);
    }
    const workers =
      role === 'api'
        ? { stop: async () => undefined, monitoring: undefined }
        : startWorkers({
            db: database.db,
            clock,
            config,
            ...(live ? demoWorkerOptions(live, config) : {}),
            vcenter: live ? null : loadVcenterConfig(),
            jobLeaseMs: config.process?.jobLeaseMs,
            onError: (job, e) => app.log.warn({ job, err: e }, 'background job failed'),
          });
    if (role === 'worker') out(`Kiban worker is running (mode: ${config.mode}, role: worker — background jobs only, no HTTP)`);
    if (workers.monitoring) {
      const port = await workers.monitoring.senderPort.catch(() => null);
      out(`Monitoring: on (sender protocol ${port === null ? 'not listening' : `on port ${port}`})`);
    }
    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        await workers.stop();
        await live?.stop();
        await app.close();
        await database.close();
      })());
    return { app, url, close };
  } catch (e) {
    await database.close();
    throw e;
  }
}

/**
 * Demo mode (issue 13 item 4): the built-in simulator of the demo estate on 127.0.0.0/8, monitoring
 * against it through the loopback-only egress, mail to the catcher (/demo/mail). Nothing in
 * production mode, and nothing for an API-only process (it runs no monitoring).
 */
async function startDemoSimulator(config: Config, role: string, db: Db, clock: Clock, app: FastifyInstance, out: (line: string) => void): Promise<DemoLive | undefined> {
  if (config.mode !== 'demo' || role === 'api') return undefined;
  const live = await startDemoLive({ db, clock, log: (line) => app.log.warn(line) });
  demoRoutes(app, live);
  const hosts = live.simulator.hosts();
  out(`Demo simulator: ${hosts.length} hosts on ${hosts[0]?.loopback ?? '-'} … ${hosts.at(-1)?.loopback ?? '-'}, mail catcher on ${live.catcher.host}:${live.catcher.port} (/demo/mail); monitoring sends nothing outside 127.0.0.0/8`);
  return live;
}
