CREATE TABLE "halfyear_reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"half" text NOT NULL,
	"state" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"snapshot" jsonb,
	"snapshot_at" timestamp with time zone,
	"texts" jsonb DEFAULT '{}'::jsonb NOT NULL,
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
CREATE UNIQUE INDEX "halfyear_reports_half_uq" ON "halfyear_reports" USING btree ("half");