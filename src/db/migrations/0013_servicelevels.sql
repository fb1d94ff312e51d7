CREATE TABLE "sl_case_marks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kpi" text NOT NULL,
	"record_type" text NOT NULL,
	"record_id" uuid NOT NULL,
	"outcome" text NOT NULL,
	"reason" text,
	"marked_by" uuid,
	"marked_by_label" text NOT NULL,
	"marked_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sl_improvements" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kpi" text NOT NULL,
	"month" text NOT NULL,
	"trigger" text NOT NULL,
	"value_percent" double precision,
	"target_percent" double precision,
	"problem_id" uuid,
	"claimed_at" timestamp with time zone NOT NULL,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "sl_manual_figures" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kpi" text NOT NULL,
	"month" text NOT NULL,
	"numerator" double precision NOT NULL,
	"denominator" double precision NOT NULL,
	"note" text,
	"entered_by" uuid,
	"entered_by_label" text NOT NULL,
	"entered_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sl_menu_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"version_no" integer NOT NULL,
	"state" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"items" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"reason" text NOT NULL,
	"author_id" uuid,
	"author_label" text NOT NULL,
	"approved_by" uuid,
	"published_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sl_targets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ref_no" text NOT NULL,
	"kpi" text NOT NULL,
	"target_percent" double precision NOT NULL,
	"effective_from" text NOT NULL,
	"kind" text NOT NULL,
	"reason" text,
	"state" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"requested_by" uuid,
	"requested_by_label" text NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "sl_case_marks_uq" ON "sl_case_marks" USING btree ("kpi","record_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sl_improvements_uq" ON "sl_improvements" USING btree ("kpi","month");--> statement-breakpoint
CREATE UNIQUE INDEX "sl_manual_figures_uq" ON "sl_manual_figures" USING btree ("kpi","month");--> statement-breakpoint
CREATE UNIQUE INDEX "sl_menu_versions_no_uq" ON "sl_menu_versions" USING btree ("version_no");--> statement-breakpoint
CREATE UNIQUE INDEX "sl_targets_ref_uq" ON "sl_targets" USING btree ("ref_no");--> statement-breakpoint
CREATE INDEX "sl_targets_kpi_idx" ON "sl_targets" USING btree ("kpi","effective_from");