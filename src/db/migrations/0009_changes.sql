CREATE TABLE "change_cis" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"change_id" uuid NOT NULL,
	"ci_type" text NOT NULL,
	"ci_id" uuid,
	"name" text NOT NULL
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
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "change_cis" ADD CONSTRAINT "change_cis_change_id_changes_id_fk" FOREIGN KEY ("change_id") REFERENCES "public"."changes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "changes" ADD CONSTRAINT "changes_problem_id_problems_id_fk" FOREIGN KEY ("problem_id") REFERENCES "public"."problems"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "change_cis_change_idx" ON "change_cis" USING btree ("change_id");--> statement-breakpoint
CREATE INDEX "change_cis_ci_idx" ON "change_cis" USING btree ("ci_type","ci_id");--> statement-breakpoint
CREATE UNIQUE INDEX "changes_receipt_no_uq" ON "changes" USING btree ("receipt_no");--> statement-breakpoint
CREATE INDEX "changes_state_idx" ON "changes" USING btree ("state");--> statement-breakpoint
CREATE INDEX "changes_problem_idx" ON "changes" USING btree ("problem_id");