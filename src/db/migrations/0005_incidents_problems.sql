CREATE TABLE "incident_cis" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"incident_id" uuid NOT NULL,
	"ci_type" text NOT NULL,
	"ci_id" uuid,
	"name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incident_problems" (
	"incident_id" uuid NOT NULL,
	"problem_id" uuid NOT NULL,
	"linked_at" timestamp with time zone NOT NULL,
	"linked_by" text NOT NULL,
	CONSTRAINT "incident_problems_incident_id_problem_id_pk" PRIMARY KEY("incident_id","problem_id")
);
--> statement-breakpoint
CREATE TABLE "incident_reports" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"incident_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"channel" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"by_id" uuid,
	"by_label" text NOT NULL,
	"due_at" timestamp with time zone,
	"late" boolean DEFAULT false NOT NULL,
	"mail_id" uuid,
	"recipients" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incident_routing" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"incident_id" uuid NOT NULL,
	"decision" text NOT NULL,
	"ref" text,
	"reason" text,
	"decided_by" uuid,
	"decided_by_label" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incident_stocktakes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"by_id" uuid,
	"by_label" text NOT NULL,
	"undispatched" jsonb NOT NULL,
	"overdue" jsonb NOT NULL,
	"at_risk" boolean DEFAULT false NOT NULL,
	"note" text,
	"corrective_action" text,
	"mail_id" uuid
);
--> statement-breakpoint
CREATE TABLE "incidents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"receipt_no" text NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"source" text NOT NULL,
	"class" text NOT NULL,
	"state" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"requester_id" uuid,
	"requester_name" text,
	"department_id" uuid,
	"registered_by" uuid,
	"registered_at" timestamp with time zone NOT NULL,
	"detected_at" timestamp with time zone NOT NULL,
	"assignee_id" uuid,
	"dispatched_at" timestamp with time zone,
	"due_at" timestamp with time zone,
	"urgency" jsonb,
	"priority" text,
	"platform_caused" boolean,
	"scope" text,
	"service_level" text,
	"detected_in_business_hours" boolean,
	"report_rule" text,
	"first_report_due_at" timestamp with time zone,
	"first_reported_at" timestamp with time zone,
	"next_report_due_at" timestamp with time zone,
	"last_reported_at" timestamp with time zone,
	"final_reported_at" timestamp with time zone,
	"recovery_due_at" timestamp with time zone,
	"recovered_at" timestamp with time zone,
	"symptom" text,
	"business_impact" text,
	"probable_cause" text,
	"procedure_ref" text,
	"procedure" jsonb,
	"procedure_submitted_by" uuid,
	"procedure_approved_by" uuid,
	"procedure_approved_at" timestamp with time zone,
	"vm_return_required" boolean DEFAULT false NOT NULL,
	"vm_return_done_at" timestamp with time zone,
	"route_to" text,
	"route_ref" text,
	"resolution" text,
	"requester_approval" text,
	"provisionally_closed_by" uuid,
	"closed_by" uuid,
	"closed_at" timestamp with time zone,
	"grams" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "receipt_counters" (
	"scope" text PRIMARY KEY NOT NULL,
	"last" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "preventive_targets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"category" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"ci_type" text,
	"ci_id" uuid,
	"vendor" text,
	"collection_method" text,
	"active" boolean DEFAULT true NOT NULL,
	"notes" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "problem_decisions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"problem_id" uuid NOT NULL,
	"question" text NOT NULL,
	"answer" boolean NOT NULL,
	"reason" text,
	"decided_by" uuid,
	"decided_by_label" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "problems" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"receipt_no" text NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"source" text NOT NULL,
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
	"critical" boolean DEFAULT false NOT NULL,
	"preventive_target_id" uuid,
	"cause" text,
	"policy" text,
	"permanent_fix" text,
	"change_ref" text,
	"result" text,
	"no_fix_reason" text,
	"no_implement_reason" text,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "incident_cis" ADD CONSTRAINT "incident_cis_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_problems" ADD CONSTRAINT "incident_problems_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_reports" ADD CONSTRAINT "incident_reports_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_routing" ADD CONSTRAINT "incident_routing_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "problem_decisions" ADD CONSTRAINT "problem_decisions_problem_id_problems_id_fk" FOREIGN KEY ("problem_id") REFERENCES "public"."problems"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "incident_cis_incident_idx" ON "incident_cis" USING btree ("incident_id");--> statement-breakpoint
CREATE INDEX "incident_cis_ci_idx" ON "incident_cis" USING btree ("ci_type","ci_id");--> statement-breakpoint
CREATE INDEX "incident_problems_problem_idx" ON "incident_problems" USING btree ("problem_id");--> statement-breakpoint
CREATE INDEX "incident_reports_incident_idx" ON "incident_reports" USING btree ("incident_id","id");--> statement-breakpoint
CREATE INDEX "incident_routing_incident_idx" ON "incident_routing" USING btree ("incident_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "incidents_receipt_no_uq" ON "incidents" USING btree ("receipt_no");--> statement-breakpoint
CREATE INDEX "incidents_state_idx" ON "incidents" USING btree ("state");--> statement-breakpoint
CREATE INDEX "incidents_department_idx" ON "incidents" USING btree ("department_id");--> statement-breakpoint
CREATE INDEX "incidents_next_report_idx" ON "incidents" USING btree ("next_report_due_at");--> statement-breakpoint
CREATE INDEX "incidents_grams_gin" ON "incidents" USING gin ("grams");--> statement-breakpoint
CREATE INDEX "preventive_targets_category_idx" ON "preventive_targets" USING btree ("category","kind");--> statement-breakpoint
CREATE INDEX "problem_decisions_problem_idx" ON "problem_decisions" USING btree ("problem_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "problems_receipt_no_uq" ON "problems" USING btree ("receipt_no");--> statement-breakpoint
CREATE INDEX "problems_state_idx" ON "problems" USING btree ("state");