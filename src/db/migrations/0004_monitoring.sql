CREATE TABLE "monitoring_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"item_id" uuid NOT NULL,
	"target_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"severity" text,
	"at" timestamp with time zone NOT NULL,
	"value" text,
	"detail" text,
	"consecutive" integer DEFAULT 0 NOT NULL,
	"suppressed" boolean DEFAULT false NOT NULL,
	"suppressed_by" uuid,
	"handled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "monitoring_item_state" (
	"item_id" uuid PRIMARY KEY NOT NULL,
	"state" text DEFAULT 'ok' NOT NULL,
	"severity" text,
	"consecutive" integer DEFAULT 0 NOT NULL,
	"consecutive_critical" integer DEFAULT 0 NOT NULL,
	"last_value" text,
	"last_detail" text,
	"last_check_at" timestamp with time zone,
	"last_change_at" timestamp with time zone,
	"problem_event_id" bigint,
	"problem_suppressed" boolean DEFAULT false NOT NULL,
	"next_due_at" timestamp with time zone NOT NULL,
	"running_since" timestamp with time zone,
	"running_by" text
);
--> statement-breakpoint
CREATE TABLE "monitoring_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"target_id" uuid NOT NULL,
	"type" text NOT NULL,
	"key" text NOT NULL,
	"name" text NOT NULL,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"collect" text DEFAULT 'poll' NOT NULL,
	"interval_sec" integer DEFAULT 300 NOT NULL,
	"warning_threshold" double precision,
	"critical_threshold" double precision,
	"severity" text DEFAULT 'critical' NOT NULL,
	"consecutive" integer NOT NULL,
	"business_hours_only" boolean DEFAULT false NOT NULL,
	"notify" boolean DEFAULT true NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"origin" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "monitoring_targets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ci_type" text NOT NULL,
	"ci_id" uuid NOT NULL,
	"name" text NOT NULL,
	"host_name" text NOT NULL,
	"address" text,
	"agent_port" integer DEFAULT 10050 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"starts_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "monitoring_values" (
	"item_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"num" double precision,
	"text" text,
	CONSTRAINT "monitoring_values_item_id_at_pk" PRIMARY KEY("item_id","at")
);
--> statement-breakpoint
ALTER TABLE "monitoring_events" ADD CONSTRAINT "monitoring_events_item_id_monitoring_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."monitoring_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_events" ADD CONSTRAINT "monitoring_events_target_id_monitoring_targets_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."monitoring_targets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_item_state" ADD CONSTRAINT "monitoring_item_state_item_id_monitoring_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."monitoring_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_items" ADD CONSTRAINT "monitoring_items_target_id_monitoring_targets_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."monitoring_targets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "monitoring_events_item_idx" ON "monitoring_events" USING btree ("item_id","at");--> statement-breakpoint
CREATE INDEX "monitoring_events_open_idx" ON "monitoring_events" USING btree ("handled_at","at");--> statement-breakpoint
CREATE INDEX "monitoring_item_state_due_idx" ON "monitoring_item_state" USING btree ("next_due_at");--> statement-breakpoint
CREATE UNIQUE INDEX "monitoring_items_target_key_uq" ON "monitoring_items" USING btree ("target_id","type","key");--> statement-breakpoint
CREATE UNIQUE INDEX "monitoring_targets_ci_uq" ON "monitoring_targets" USING btree ("ci_type","ci_id");--> statement-breakpoint
CREATE UNIQUE INDEX "monitoring_targets_host_name_uq" ON "monitoring_targets" USING btree (lower("host_name"));