import { createCmdbService } from '../cmdb/index.ts';
import { createVcenterSync, type FollowHandle, type VcenterConfig, vcenterConnector } from '../cmdb/sync/index.ts';
import type { Db } from '../db/connection.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Config } from '../kernel/config.ts';
import { createOutboxWorker, createSmtpTransport, type MailTransport } from '../notify/index.ts';

/** Runs `fn` every `ms`; returns a stop function. Tests pass their own to fire jobs by hand. */
export type Every = (fn: () => Promise<void>, ms: number) => () => void;

const realEvery: Every = (fn, ms) => {
  const t = setInterval(() => void fn(), ms);
  t.unref();
  return () => clearInterval(t);
};

export interface Workers {
  /** Stops scheduling and waits for the jobs that are running. */
  stop(): Promise<void>;
}

/**
 * The background jobs of a Kiban process: outbox delivery now; monitoring and vCenter follow-up join
 * here. A job never runs twice at once in one process; across processes the outbox claims with
 * FOR UPDATE SKIP LOCKED, so several API processes may all run workers.
 */
export function startWorkers(deps: {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'mail'>;
  transport?: MailTransport;
  every?: Every;
  /** When set, the ledger follows this vCenter live (CMDB-6): placement changes within seconds. */
  vcenter?: VcenterConfig | null;
  onError?: (job: string, e: unknown) => void;
}): Workers {
  const every = deps.every ?? realEvery;
  const running = new Set<Promise<void>>();
  const stops: Array<() => void> = [];

  function job(name: string, ms: number, fn: () => Promise<unknown>) {
    let busy = false;
    stops.push(
      every(async () => {
        if (busy) return;
        busy = true;
        const p = fn()
          .then(() => undefined)
          .catch((e) => deps.onError?.(name, e))
          .finally(() => {
            busy = false;
            running.delete(p);
          });
        running.add(p);
        await p;
      }, ms),
    );
  }

  const outbox = createOutboxWorker({
    db: deps.db,
    clock: deps.clock,
    transport: deps.transport ?? createSmtpTransport(deps.config.mail.smtp),
    from: deps.config.mail.from,
  });
  job('outbox', 10_000, () => outbox.runOnce());

  let follow: FollowHandle | undefined;
  if (deps.vcenter) {
    const sync = createVcenterSync({
      db: deps.db,
      clock: deps.clock,
      cmdb: createCmdbService({ db: deps.db, clock: deps.clock }),
      connect: vcenterConnector(deps.vcenter, deps.clock),
      siteId: deps.vcenter.siteId,
      vcenterId: deps.vcenter.vcenterId,
      onError: (e) => deps.onError?.('vcenter', e),
    });
    follow = sync.follow();
  }

  return {
    async stop() {
      for (const s of stops) s();
      await follow?.stop();
      await Promise.all(running);
    },
  };
}
