CREATE TABLE "worker_job_runs" (
	"job" text NOT NULL,
	"period" text NOT NULL,
	"leased_by" text NOT NULL,
	"lease_until" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"attempts" integer DEFAULT 1 NOT NULL,
	"error" text,
	CONSTRAINT "worker_job_runs_job_period_pk" PRIMARY KEY("job","period")
);
--> statement-breakpoint
CREATE INDEX "worker_job_runs_started" ON "worker_job_runs" USING btree ("started_at");