import { hostname } from 'node:os';
import { and, eq, isNull, lt, ne, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.ts';
import { inTx } from '../db/tx.ts';
import type { Clock } from '../kernel/clock.ts';
import { workerJobRuns } from './schema.ts';

/**
 * Run-once-per-period across the Kiban processes on one database (issue 13, item 3).
 *
 * A job's period is the interval bucket of the clock (`floor(now / ms)`): the first process to tick in
 * it inserts (job, period) and runs the job; the others find the row and skip — so with N processes a
 * job still runs once per interval. The runner holds a lease (`lease_until`) it renews while the job
 * runs. A process killed mid-run (SIGKILL) leaves its row unfinished; once the lease has passed, the
 * next tick of any process takes the period over (attempts + 1), and a later period is no longer held
 * back by it. Every scheduled job is a catch-up job (it does whatever is due), so nothing is lost.
 * The same process may run a period again after its own run finished (a test firing a job by hand, a
 * restart within the interval): within one process the jobs are spaced by their timers already.
 */
export const DEFAULT_JOB_LEASE_MS = 2 * 60_000;
/** Finished runs are kept this long (what ran when, for the operator), then pruned. */
const KEEP_MS = 24 * 3600_000;

export const defaultWorkerId = (): string => `${hostname()}:${process.pid}`;

export const periodOf = (at: Date, ms: number): string => new Date(Math.floor(at.getTime() / ms) * ms).toISOString();

/** Claims the job's current period for `owner`; null when another process has it (or a run still holds the lease). */
export async function claimRun(
  db: Db,
  clock: Clock,
  job: string,
  ms: number,
  owner: string,
  leaseMs: number,
): Promise<{ period: string; attempts: number } | null> {
  const now = clock.now();
  const period = periodOf(now, ms);
  const until = new Date(now.getTime() + leaseMs);
  return inTx(db, async (t) => {
    // Claims of one job are serialised (two processes ticking at once); other jobs are not held up.
    await t.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`kiban.job:${job}`}))`);
    const [busy] = await t
      .select({ period: workerJobRuns.period })
      .from(workerJobRuns)
      .where(
        and(
          eq(workerJobRuns.job, job),
          ne(workerJobRuns.period, period),
          isNull(workerJobRuns.finishedAt),
          sql`${workerJobRuns.leaseUntil} > ${now.toISOString()}::timestamptz`,
        ),
      )
      .limit(1);
    if (busy) return null;
    const [row] = await t
      .insert(workerJobRuns)
      .values({ job, period, leasedBy: owner, leaseUntil: until, startedAt: now })
      .onConflictDoUpdate({
        target: [workerJobRuns.job, workerJobRuns.period],
        set: { leasedBy: owner, leaseUntil: until, startedAt: now, finishedAt: null, error: null, attempts: sql`${workerJobRuns.attempts} + 1` },
        // Taken over: left unfinished by a process whose lease passed; or run again by the same process.
        setWhere: sql`(${workerJobRuns.finishedAt} IS NULL AND ${workerJobRuns.leaseUntil} < ${now.toISOString()}::timestamptz) OR (${workerJobRuns.finishedAt} IS NOT NULL AND ${workerJobRuns.leasedBy} = ${owner})`,
      })
      .returning({ attempts: workerJobRuns.attempts });
    return row ? { period, attempts: row.attempts } : null;
  });
}

/** Keeps the lease while the job runs. */
export async function renewRun(db: Db, clock: Clock, job: string, period: string, owner: string, leaseMs: number): Promise<void> {
  await db
    .update(workerJobRuns)
    .set({ leaseUntil: new Date(clock.now().getTime() + leaseMs) })
    .where(and(eq(workerJobRuns.job, job), eq(workerJobRuns.period, period), eq(workerJobRuns.leasedBy, owner), isNull(workerJobRuns.finishedAt)));
}

/** Marks the run finished (with the error, if it failed) and prunes the job's runs older than a day. */
export async function finishRun(db: Db, clock: Clock, job: string, period: string, owner: string, error: unknown): Promise<void> {
  const now = clock.now();
  await db
    .update(workerJobRuns)
    .set({ finishedAt: now, leaseUntil: now, error: error === undefined ? null : String((error as Error)?.message ?? error).slice(0, 2000) })
    .where(and(eq(workerJobRuns.job, job), eq(workerJobRuns.period, period), eq(workerJobRuns.leasedBy, owner)));
  await db.delete(workerJobRuns).where(and(eq(workerJobRuns.job, job), lt(workerJobRuns.startedAt, new Date(now.getTime() - KEEP_MS))));
}

/**
 * Runs `fn` if this process wins the job's period: claim, renew the lease every third of it while
 * `fn` runs, finish. Answers whether it ran.
 */
export async function runOncePerPeriod(
  deps: { db: Db; clock: Clock; owner: string; leaseMs: number },
  job: string,
  ms: number,
  fn: () => Promise<unknown>,
): Promise<boolean> {
  const claim = await claimRun(deps.db, deps.clock, job, ms, deps.owner, deps.leaseMs);
  if (!claim) return false;
  const beat = setInterval(
    () => void renewRun(deps.db, deps.clock, job, claim.period, deps.owner, deps.leaseMs).catch(() => undefined),
    Math.max(1000, deps.leaseMs / 3),
  );
  beat.unref();
  let failure: unknown;
  try {
    await fn();
  } catch (e) {
    failure = e ?? new Error('failed');
    throw e;
  } finally {
    clearInterval(beat);
    await finishRun(deps.db, deps.clock, job, claim.period, deps.owner, failure);
  }
  return true;
}
