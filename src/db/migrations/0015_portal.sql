CREATE TABLE "integration_plan_rows" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"plan_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"host_name" text NOT NULL,
	"ip" text NOT NULL,
	"os_code" text NOT NULL,
	"edition" text DEFAULT '' NOT NULL,
	"bits" integer DEFAULT 64 NOT NULL,
	"template_code" text,
	"cpu" integer NOT NULL,
	"memory_gb" integer NOT NULL,
	"disk_gb" integer NOT NULL,
	"site" text NOT NULL,
	"host_pinning" text,
	"srm" boolean DEFAULT false NOT NULL,
	"ha" boolean DEFAULT true NOT NULL,
	"monitoring" jsonb NOT NULL,
	"mail_addresses" jsonb NOT NULL,
	"over_limit" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "integration_plans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"plan_no" text NOT NULL,
	"system_id" uuid NOT NULL,
	"title" text NOT NULL,
	"provision_until" date NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"state" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" uuid,
	"created_by_label" text NOT NULL,
	"submitted_by" uuid,
	"submitted_at" timestamp with time zone,
	"reviewed_by" uuid,
	"return_reason" text,
	"approved_by" uuid,
	"approved_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "portal_os" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"family" text NOT NULL,
	"end_of_support_on" date NOT NULL,
	"allowed" boolean DEFAULT true NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "portal_templates" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"os_code" text,
	"vcpu" integer NOT NULL,
	"memory_gb" integer NOT NULL,
	"disk_gb" integer NOT NULL,
	"nics" integer NOT NULL,
	"partitioning" text DEFAULT '' NOT NULL,
	"install" text DEFAULT '' NOT NULL,
	"max_vcpu" integer NOT NULL,
	"max_memory_gb" integer NOT NULL,
	"source" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "integration_plan_rows" ADD CONSTRAINT "integration_plan_rows_plan_id_integration_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."integration_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integration_plans" ADD CONSTRAINT "integration_plans_system_id_cmdb_systems_id_fk" FOREIGN KEY ("system_id") REFERENCES "public"."cmdb_systems"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "integration_plan_rows_pos_uq" ON "integration_plan_rows" USING btree ("plan_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "integration_plans_no_uq" ON "integration_plans" USING btree ("plan_no");--> statement-breakpoint
CREATE INDEX "integration_plans_system_idx" ON "integration_plans" USING btree ("system_id");