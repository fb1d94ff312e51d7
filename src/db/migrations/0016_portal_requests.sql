CREATE TABLE "portal_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"request_no" text NOT NULL,
	"kind" text NOT NULL,
	"system_id" uuid NOT NULL,
	"department_id" uuid NOT NULL,
	"vm_id" uuid,
	"title" text NOT NULL,
	"spec" jsonb NOT NULL,
	"current" jsonb,
	"template_code" text,
	"plan_check" jsonb NOT NULL,
	"route" text NOT NULL,
	"report" jsonb,
	"placement" jsonb,
	"host_id" uuid,
	"checklist" jsonb,
	"due_on" date NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"waiting_since" timestamp with time zone,
	"requester_wait_minutes" integer DEFAULT 0 NOT NULL,
	"return_reason" text,
	"decided_by" uuid,
	"decision_reason" text,
	"instructed_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"completed_by" uuid,
	"confirmed_at" timestamp with time zone,
	"state" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" uuid,
	"created_by_label" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "portal_requests" ADD CONSTRAINT "portal_requests_system_id_cmdb_systems_id_fk" FOREIGN KEY ("system_id") REFERENCES "public"."cmdb_systems"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "portal_requests_no_uq" ON "portal_requests" USING btree ("request_no");--> statement-breakpoint
CREATE INDEX "portal_requests_system_idx" ON "portal_requests" USING btree ("system_id");--> statement-breakpoint
CREATE INDEX "portal_requests_state_idx" ON "portal_requests" USING btree ("state");--> statement-breakpoint
CREATE INDEX "portal_requests_vm_idx" ON "portal_requests" USING btree ("vm_id");