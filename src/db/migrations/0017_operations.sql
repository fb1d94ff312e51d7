CREATE TABLE "operation_entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"entry_no" text NOT NULL,
	"title" text NOT NULL,
	"scope" text NOT NULL,
	"category" text NOT NULL,
	"procedure" text NOT NULL,
	"frequency" text NOT NULL,
	"schedule" text NOT NULL,
	"evidence" text NOT NULL,
	"preconditions" text NOT NULL,
	"owner_role" text NOT NULL,
	"department_id" uuid,
	"restore_kinds" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"keywords" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"revision_no" integer DEFAULT 1 NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "operation_entry_changes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"change_no" text NOT NULL,
	"kind" text NOT NULL,
	"entry_id" uuid,
	"base_revision_no" integer,
	"content" jsonb NOT NULL,
	"reason" text NOT NULL,
	"state" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"department_id" uuid,
	"requested_by" uuid,
	"requested_by_label" text NOT NULL,
	"training_date" text,
	"training_attendees" jsonb,
	"approved_by" uuid,
	"approved_by_label" text,
	"approved_at" timestamp with time zone,
	"applied_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "operation_entry_revisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"entry_id" uuid NOT NULL,
	"revision_no" integer NOT NULL,
	"kind" text NOT NULL,
	"content" jsonb NOT NULL,
	"change_id" uuid,
	"reason" text NOT NULL,
	"approved_by_label" text,
	"training_date" text,
	"training_attendees" jsonb,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "restore_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"request_no" text NOT NULL,
	"kind" text NOT NULL,
	"state" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"vm_id" uuid NOT NULL,
	"vm_name" text NOT NULL,
	"department_id" uuid NOT NULL,
	"target" text NOT NULL,
	"restore_point" text NOT NULL,
	"reason" text NOT NULL,
	"entry_id" uuid,
	"entry_revision_no" integer,
	"checklist" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"evidence" text,
	"requested_by" uuid,
	"requested_by_label" text NOT NULL,
	"requester_kind" text NOT NULL,
	"completed_at" timestamp with time zone,
	"confirmed_at" timestamp with time zone,
	"confirmed_by_label" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "operation_entry_changes" ADD CONSTRAINT "operation_entry_changes_entry_id_operation_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."operation_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operation_entry_revisions" ADD CONSTRAINT "operation_entry_revisions_entry_id_operation_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."operation_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "restore_requests" ADD CONSTRAINT "restore_requests_entry_id_operation_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."operation_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "operation_entries_no_uq" ON "operation_entries" USING btree ("entry_no");--> statement-breakpoint
CREATE INDEX "operation_entries_active_idx" ON "operation_entries" USING btree ("active");--> statement-breakpoint
CREATE UNIQUE INDEX "operation_entry_changes_no_uq" ON "operation_entry_changes" USING btree ("change_no");--> statement-breakpoint
CREATE INDEX "operation_entry_changes_state_idx" ON "operation_entry_changes" USING btree ("state");--> statement-breakpoint
CREATE INDEX "operation_entry_changes_entry_idx" ON "operation_entry_changes" USING btree ("entry_id");--> statement-breakpoint
CREATE UNIQUE INDEX "operation_entry_revisions_no_uq" ON "operation_entry_revisions" USING btree ("entry_id","revision_no");--> statement-breakpoint
CREATE UNIQUE INDEX "restore_requests_no_uq" ON "restore_requests" USING btree ("request_no");--> statement-breakpoint
CREATE INDEX "restore_requests_state_idx" ON "restore_requests" USING btree ("state");--> statement-breakpoint
CREATE INDEX "restore_requests_department_idx" ON "restore_requests" USING btree ("department_id");