import { index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * One row per run of a background job and period (src/worker/runs.ts): several Kiban processes on one
 * PostgreSQL claim a job's period with INSERT … ON CONFLICT DO NOTHING, so each job runs once per
 * period (its interval, e.g. every minute) across them. The claimer holds a lease it renews while the
 * job runs; a run whose process died (SIGKILL) is left unfinished and, once its lease has passed,
 * neither blocks the next period nor is lost — the next claimer takes over. Old rows are pruned.
 */
export const workerJobRuns = pgTable(
  'worker_job_runs',
  {
    job: text('job').notNull(),
    /** The period's start (ISO instant): the interval bucket the run belongs to. */
    period: text('period').notNull(),
    /** host:pid:random of the process that runs it. */
    leasedBy: text('leased_by').notNull(),
    leaseUntil: timestamp('lease_until', { withTimezone: true, mode: 'date' }).notNull(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
    /** 1, or more when a run was taken over after its process died. */
    attempts: integer('attempts').notNull().default(1),
    error: text('error'),
  },
  (t) => [primaryKey({ columns: [t.job, t.period] }), index('worker_job_runs_started').on(t.startedAt)],
);
