CREATE TABLE "monthly_reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"month" text NOT NULL,
	"state" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"snapshot" jsonb,
	"snapshot_at" timestamp with time zone,
	"texts" jsonb DEFAULT '{"kpis":{},"summary":"","fixInfo":""}'::jsonb NOT NULL,
	"error" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"claimed_at" timestamp with time zone NOT NULL,
	"created_by_label" text NOT NULL,
	"submitted_by" uuid,
	"submitted_by_label" text,
	"approved_by" uuid,
	"approved_at" timestamp with time zone,
	"reason" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "monthly_reports_month_uq" ON "monthly_reports" USING btree ("month");