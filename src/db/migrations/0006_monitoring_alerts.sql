CREATE TABLE "monitoring_alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"event_id" bigint NOT NULL,
	"item_id" uuid NOT NULL,
	"target_id" uuid NOT NULL,
	"ci_type" text NOT NULL,
	"ci_id" uuid NOT NULL,
	"ci_name" text NOT NULL,
	"item_type" text NOT NULL,
	"item_key" text NOT NULL,
	"item_name" text NOT NULL,
	"severity" text,
	"value" text,
	"detail" text,
	"detected_at" timestamp with time zone NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"department_id" uuid,
	"system_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"silenced" boolean DEFAULT false NOT NULL,
	"silence_reason" text,
	"suppression_id" uuid,
	"pattern" text DEFAULT 'single' NOT NULL,
	"guidance" text,
	"known_failure" text,
	"procedure" text,
	"incident_id" uuid,
	"mailed_to" text[] DEFAULT '{}'::text[] NOT NULL,
	"first_response_at" timestamp with time zone,
	"escalated_at" timestamp with time zone,
	"resolution" text,
	"done_at" timestamp with time zone,
	"recovered_at" timestamp with time zone,
	"recovery_event_id" bigint,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "monitoring_setting_changes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"target_id" uuid,
	"item_id" uuid,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"effective_at" timestamp with time zone NOT NULL,
	"reason" text NOT NULL,
	"requested_by" uuid,
	"requested_by_label" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"applied_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "monitoring_suppressions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"state" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"reason" text NOT NULL,
	"reason_text" text,
	"method" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"target_ids" uuid[] NOT NULL,
	"system_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"system_names" text[] DEFAULT '{}'::text[] NOT NULL,
	"department_id" uuid,
	"requested_by" uuid,
	"requested_by_label" text NOT NULL,
	"submitted_at" timestamp with time zone NOT NULL,
	"deadline_at" timestamp with time zone,
	"late" boolean DEFAULT false NOT NULL,
	"late_reason" text,
	"approved_by" uuid,
	"approved_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"resumed_at" timestamp with time zone,
	"start_mail_id" uuid,
	"resume_mail_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "monitoring_alerts" ADD CONSTRAINT "monitoring_alerts_item_id_monitoring_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."monitoring_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_alerts" ADD CONSTRAINT "monitoring_alerts_target_id_monitoring_targets_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."monitoring_targets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_setting_changes" ADD CONSTRAINT "monitoring_setting_changes_target_id_monitoring_targets_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."monitoring_targets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_setting_changes" ADD CONSTRAINT "monitoring_setting_changes_item_id_monitoring_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."monitoring_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "monitoring_alerts_event_uq" ON "monitoring_alerts" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "monitoring_alerts_item_idx" ON "monitoring_alerts" USING btree ("item_id","detected_at");--> statement-breakpoint
CREATE INDEX "monitoring_alerts_state_idx" ON "monitoring_alerts" USING btree ("state","detected_at");--> statement-breakpoint
CREATE INDEX "monitoring_alerts_department_idx" ON "monitoring_alerts" USING btree ("department_id");--> statement-breakpoint
CREATE INDEX "monitoring_setting_changes_due_idx" ON "monitoring_setting_changes" USING btree ("applied_at","effective_at");--> statement-breakpoint
CREATE INDEX "monitoring_suppressions_window_idx" ON "monitoring_suppressions" USING btree ("state","starts_at","ends_at");--> statement-breakpoint
CREATE INDEX "monitoring_suppressions_department_idx" ON "monitoring_suppressions" USING btree ("department_id");