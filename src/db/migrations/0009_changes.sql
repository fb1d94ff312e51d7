CREATE TABLE "stored_files" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"file_name" text NOT NULL,
	"media_type" text NOT NULL,
	"size" bigint NOT NULL,
	"sha256" text NOT NULL,
	"content" "bytea" NOT NULL,
	"uploaded_by" uuid,
	"uploaded_by_label" text NOT NULL,
	"uploaded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "change_cis" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"change_id" uuid NOT NULL,
	"ci_type" text NOT NULL,
	"ci_id" uuid,
	"name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "change_documents" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"change_id" uuid NOT NULL,
	"document_id" uuid NOT NULL,
	"attached_by" uuid,
	"attached_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "change_tasks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"change_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"label" text NOT NULL,
	"ci_type" text,
	"ci_id" uuid,
	"status" text DEFAULT 'open' NOT NULL,
	"reason" text,
	"done_by" uuid,
	"done_by_label" text,
	"done_at" timestamp with time zone,
	"sort_order" integer DEFAULT 0 NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "changes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"receipt_no" text NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"source" text NOT NULL,
	"problem_id" uuid,
	"state" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"registered_by" uuid,
	"registered_at" timestamp with time zone NOT NULL,
	"assignee_id" uuid,
	"criteria" jsonb,
	"priority" text,
	"due_at" timestamp with time zone,
	"priority_agreed_by" uuid,
	"priority_agreed_at" timestamp with time zone,
	"emergency" boolean DEFAULT false NOT NULL,
	"policy_decision" text,
	"policy_reason" text,
	"policy_decided_by" uuid,
	"policy_decided_at" timestamp with time zone,
	"implementation" text,
	"completion_report" text,
	"completed_at" timestamp with time zone,
	"sl_system_id" uuid,
	"sl_from_level" text,
	"sl_to_level" text,
	"sl_to_production" boolean DEFAULT false NOT NULL,
	"sl_starts_at" timestamp with time zone,
	"sl_applied_at" timestamp with time zone,
	"pm_patch" text,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "maintenance_days" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"day" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"note" text,
	"decided_at" text,
	"created_by" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "release_evidence" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"release_id" uuid NOT NULL,
	"file_id" uuid NOT NULL,
	"note" text
);
--> statement-breakpoint
CREATE TABLE "releases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"change_id" uuid NOT NULL,
	"release_no" text NOT NULL,
	"state" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"proven" boolean NOT NULL,
	"emergency" boolean DEFAULT false NOT NULL,
	"emergency_reason" text,
	"planned_start" timestamp with time zone NOT NULL,
	"planned_end" timestamp with time zone NOT NULL,
	"timeline" jsonb NOT NULL,
	"backup_time" text,
	"rollback_criteria" text,
	"rollback_decision_at" timestamp with time zone,
	"staffing" jsonb NOT NULL,
	"impact_scope" text,
	"risks" jsonb NOT NULL,
	"contacts" text,
	"rollback_procedure" text,
	"work_content" text NOT NULL,
	"business_impact" text NOT NULL,
	"worker_label" text,
	"suppression_method" text DEFAULT 'watch' NOT NULL,
	"suppression_id" uuid,
	"prepared_by" uuid,
	"submitted_at" timestamp with time zone,
	"reviewed_by" uuid,
	"reviewed_at" timestamp with time zone,
	"approved_by" uuid,
	"approved_at" timestamp with time zone,
	"actual_start" timestamp with time zone,
	"actual_end" timestamp with time zone,
	"result" text,
	"anomaly_report" text,
	"investigation" text,
	"rollback_reason" text,
	"completion_note" text,
	"start_mail_id" uuid,
	"end_mail_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "document_revisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"document_id" uuid NOT NULL,
	"revision_no" integer NOT NULL,
	"state" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"reason" text NOT NULL,
	"summary" text,
	"file_id" uuid,
	"change_id" uuid,
	"author_id" uuid,
	"author_label" text NOT NULL,
	"reviewed_by" uuid,
	"reviewed_at" timestamp with time zone,
	"approved_by" uuid,
	"approved_by_label" text,
	"approved_at" timestamp with time zone,
	"published_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"doc_no" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"location" text NOT NULL,
	"retention" text NOT NULL,
	"author_role" text NOT NULL,
	"reviewer_role" text NOT NULL,
	"approver_role" text NOT NULL,
	"affects_owners" boolean DEFAULT false NOT NULL,
	"current_revision_id" uuid,
	"current_revision_no" integer,
	"created_by" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "change_cis" ADD CONSTRAINT "change_cis_change_id_changes_id_fk" FOREIGN KEY ("change_id") REFERENCES "public"."changes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_documents" ADD CONSTRAINT "change_documents_change_id_changes_id_fk" FOREIGN KEY ("change_id") REFERENCES "public"."changes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_tasks" ADD CONSTRAINT "change_tasks_change_id_changes_id_fk" FOREIGN KEY ("change_id") REFERENCES "public"."changes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "changes" ADD CONSTRAINT "changes_problem_id_problems_id_fk" FOREIGN KEY ("problem_id") REFERENCES "public"."problems"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "changes" ADD CONSTRAINT "changes_sl_system_id_cmdb_systems_id_fk" FOREIGN KEY ("sl_system_id") REFERENCES "public"."cmdb_systems"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "release_evidence" ADD CONSTRAINT "release_evidence_release_id_releases_id_fk" FOREIGN KEY ("release_id") REFERENCES "public"."releases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "release_evidence" ADD CONSTRAINT "release_evidence_file_id_stored_files_id_fk" FOREIGN KEY ("file_id") REFERENCES "public"."stored_files"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "releases" ADD CONSTRAINT "releases_change_id_changes_id_fk" FOREIGN KEY ("change_id") REFERENCES "public"."changes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "releases" ADD CONSTRAINT "releases_suppression_id_monitoring_suppressions_id_fk" FOREIGN KEY ("suppression_id") REFERENCES "public"."monitoring_suppressions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_revisions" ADD CONSTRAINT "document_revisions_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_revisions" ADD CONSTRAINT "document_revisions_file_id_stored_files_id_fk" FOREIGN KEY ("file_id") REFERENCES "public"."stored_files"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "stored_files_sha256_idx" ON "stored_files" USING btree ("sha256");--> statement-breakpoint
CREATE INDEX "change_cis_change_idx" ON "change_cis" USING btree ("change_id");--> statement-breakpoint
CREATE INDEX "change_cis_ci_idx" ON "change_cis" USING btree ("ci_type","ci_id");--> statement-breakpoint
CREATE UNIQUE INDEX "change_documents_uq" ON "change_documents" USING btree ("change_id","document_id");--> statement-breakpoint
CREATE UNIQUE INDEX "change_tasks_key_uq" ON "change_tasks" USING btree ("change_id","kind","key");--> statement-breakpoint
CREATE UNIQUE INDEX "changes_receipt_no_uq" ON "changes" USING btree ("receipt_no");--> statement-breakpoint
CREATE INDEX "changes_state_idx" ON "changes" USING btree ("state");--> statement-breakpoint
CREATE INDEX "changes_problem_idx" ON "changes" USING btree ("problem_id");--> statement-breakpoint
CREATE UNIQUE INDEX "maintenance_days_day_uq" ON "maintenance_days" USING btree ("day");--> statement-breakpoint
CREATE INDEX "release_evidence_release_idx" ON "release_evidence" USING btree ("release_id");--> statement-breakpoint
CREATE UNIQUE INDEX "releases_no_uq" ON "releases" USING btree ("release_no");--> statement-breakpoint
CREATE INDEX "releases_change_idx" ON "releases" USING btree ("change_id");--> statement-breakpoint
CREATE INDEX "releases_window_idx" ON "releases" USING btree ("planned_start","planned_end");--> statement-breakpoint
CREATE UNIQUE INDEX "document_revisions_no_uq" ON "document_revisions" USING btree ("document_id","revision_no");--> statement-breakpoint
CREATE INDEX "document_revisions_state_idx" ON "document_revisions" USING btree ("state");--> statement-breakpoint
CREATE INDEX "document_revisions_published_idx" ON "document_revisions" USING btree ("published_at");--> statement-breakpoint
CREATE UNIQUE INDEX "documents_doc_no_uq" ON "documents" USING btree ("doc_no");--> statement-breakpoint
CREATE UNIQUE INDEX "documents_name_uq" ON "documents" USING btree ("name");