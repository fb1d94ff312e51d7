CREATE TABLE "cmdb_clusters" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'building' NOT NULL,
	"status_changed_at" timestamp with time zone NOT NULL,
	"notes" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"site_id" uuid NOT NULL,
	"ha_enabled" boolean DEFAULT true NOT NULL,
	"drs_enabled" boolean DEFAULT true NOT NULL,
	"moref" text
);
--> statement-breakpoint
CREATE TABLE "cmdb_contacts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'building' NOT NULL,
	"status_changed_at" timestamp with time zone NOT NULL,
	"notes" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"system_id" uuid NOT NULL,
	"role" text,
	"email" text NOT NULL,
	"phone" text,
	"escalation_order" integer DEFAULT 1 NOT NULL,
	"distribution_list" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cmdb_contracts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'building' NOT NULL,
	"status_changed_at" timestamp with time zone NOT NULL,
	"notes" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"ci_type" text NOT NULL,
	"ci_id" uuid NOT NULL,
	"vendor" text NOT NULL,
	"contract_no" text,
	"coverage" text,
	"starts_on" date,
	"ends_on" date,
	"phone" text,
	"email" text
);
--> statement-breakpoint
CREATE TABLE "cmdb_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ci_type" text NOT NULL,
	"ci_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_id" uuid,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"reason" text NOT NULL,
	"cause" text,
	"source" text NOT NULL,
	"before" jsonb,
	"after" jsonb
);
--> statement-breakpoint
CREATE TABLE "cmdb_hosts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'building' NOT NULL,
	"status_changed_at" timestamp with time zone NOT NULL,
	"notes" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"site_id" uuid NOT NULL,
	"cluster_id" uuid,
	"ip" text,
	"os" text,
	"middleware_version" text,
	"model" text,
	"serial_number" text,
	"cpu_sockets" integer DEFAULT 1 NOT NULL,
	"cpu_cores" integer NOT NULL,
	"cpu_ghz" double precision NOT NULL,
	"memory_gib" double precision NOT NULL,
	"local_disk_gib" double precision DEFAULT 0 NOT NULL,
	"moref" text
);
--> statement-breakpoint
CREATE TABLE "cmdb_management_servers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'building' NOT NULL,
	"status_changed_at" timestamp with time zone NOT NULL,
	"notes" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"kind" text NOT NULL,
	"site_id" uuid NOT NULL,
	"ip" text,
	"os" text,
	"middleware_version" text
);
--> statement-breakpoint
CREATE TABLE "cmdb_network_devices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'building' NOT NULL,
	"status_changed_at" timestamp with time zone NOT NULL,
	"notes" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"kind" text NOT NULL,
	"site_id" uuid NOT NULL,
	"model" text,
	"ip" text,
	"firmware" text,
	"config" text
);
--> statement-breakpoint
CREATE TABLE "cmdb_sites" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'building' NOT NULL,
	"status_changed_at" timestamp with time zone NOT NULL,
	"notes" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"code" text NOT NULL,
	"role" text DEFAULT 'main' NOT NULL,
	"address" text
);
--> statement-breakpoint
CREATE TABLE "cmdb_storage" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'building' NOT NULL,
	"status_changed_at" timestamp with time zone NOT NULL,
	"notes" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"site_id" uuid NOT NULL,
	"cluster_id" uuid,
	"model" text,
	"ip" text,
	"firmware" text,
	"capacity_gib" double precision NOT NULL,
	"volumes" jsonb DEFAULT '[]'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cmdb_systems" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'building' NOT NULL,
	"status_changed_at" timestamp with time zone NOT NULL,
	"notes" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"code" text,
	"department_id" uuid NOT NULL,
	"service_level" text NOT NULL,
	"environment" text DEFAULT 'production' NOT NULL,
	"lan_connected" boolean DEFAULT true NOT NULL,
	"closed_network" boolean DEFAULT false NOT NULL,
	"internet" boolean DEFAULT false NOT NULL,
	"owner_confirmed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "cmdb_vms" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'building' NOT NULL,
	"status_changed_at" timestamp with time zone NOT NULL,
	"notes" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"system_id" uuid,
	"host_id" uuid,
	"os" text,
	"vcpu" integer NOT NULL,
	"memory_gib" double precision NOT NULL,
	"disk_gib" double precision NOT NULL,
	"nics" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"provisional_procedure" boolean DEFAULT false NOT NULL,
	"host_pinned" boolean DEFAULT false NOT NULL,
	"ha" boolean DEFAULT true NOT NULL,
	"srm" boolean DEFAULT false NOT NULL,
	"service_level_override" text,
	"service_level_override_reason" text,
	"power_state" text,
	"moref" text,
	"uuid" text,
	"vcenter_id" uuid,
	"missing_since" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "cmdb_clusters" ADD CONSTRAINT "cmdb_clusters_site_id_cmdb_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."cmdb_sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cmdb_contacts" ADD CONSTRAINT "cmdb_contacts_system_id_cmdb_systems_id_fk" FOREIGN KEY ("system_id") REFERENCES "public"."cmdb_systems"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cmdb_hosts" ADD CONSTRAINT "cmdb_hosts_site_id_cmdb_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."cmdb_sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cmdb_hosts" ADD CONSTRAINT "cmdb_hosts_cluster_id_cmdb_clusters_id_fk" FOREIGN KEY ("cluster_id") REFERENCES "public"."cmdb_clusters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cmdb_management_servers" ADD CONSTRAINT "cmdb_management_servers_site_id_cmdb_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."cmdb_sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cmdb_network_devices" ADD CONSTRAINT "cmdb_network_devices_site_id_cmdb_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."cmdb_sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cmdb_storage" ADD CONSTRAINT "cmdb_storage_site_id_cmdb_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."cmdb_sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cmdb_storage" ADD CONSTRAINT "cmdb_storage_cluster_id_cmdb_clusters_id_fk" FOREIGN KEY ("cluster_id") REFERENCES "public"."cmdb_clusters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cmdb_systems" ADD CONSTRAINT "cmdb_systems_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cmdb_vms" ADD CONSTRAINT "cmdb_vms_system_id_cmdb_systems_id_fk" FOREIGN KEY ("system_id") REFERENCES "public"."cmdb_systems"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cmdb_vms" ADD CONSTRAINT "cmdb_vms_host_id_cmdb_hosts_id_fk" FOREIGN KEY ("host_id") REFERENCES "public"."cmdb_hosts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cmdb_vms" ADD CONSTRAINT "cmdb_vms_vcenter_id_cmdb_management_servers_id_fk" FOREIGN KEY ("vcenter_id") REFERENCES "public"."cmdb_management_servers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "cmdb_clusters_name_uq" ON "cmdb_clusters" USING btree (lower("name")) WHERE status <> 'retired';--> statement-breakpoint
CREATE INDEX "cmdb_clusters_site_idx" ON "cmdb_clusters" USING btree ("site_id");--> statement-breakpoint
CREATE INDEX "cmdb_contacts_system_idx" ON "cmdb_contacts" USING btree ("system_id","escalation_order");--> statement-breakpoint
CREATE UNIQUE INDEX "cmdb_contracts_name_uq" ON "cmdb_contracts" USING btree (lower("name")) WHERE status <> 'retired';--> statement-breakpoint
CREATE INDEX "cmdb_contracts_ci_idx" ON "cmdb_contracts" USING btree ("ci_type","ci_id");--> statement-breakpoint
CREATE INDEX "cmdb_history_ci_idx" ON "cmdb_history" USING btree ("ci_type","ci_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "cmdb_hosts_name_uq" ON "cmdb_hosts" USING btree (lower("name")) WHERE status <> 'retired';--> statement-breakpoint
CREATE INDEX "cmdb_hosts_cluster_idx" ON "cmdb_hosts" USING btree ("cluster_id");--> statement-breakpoint
CREATE INDEX "cmdb_hosts_site_idx" ON "cmdb_hosts" USING btree ("site_id");--> statement-breakpoint
CREATE UNIQUE INDEX "cmdb_mgmt_name_uq" ON "cmdb_management_servers" USING btree (lower("name")) WHERE status <> 'retired';--> statement-breakpoint
CREATE UNIQUE INDEX "cmdb_netdev_name_uq" ON "cmdb_network_devices" USING btree (lower("name")) WHERE status <> 'retired';--> statement-breakpoint
CREATE UNIQUE INDEX "cmdb_sites_name_uq" ON "cmdb_sites" USING btree (lower("name")) WHERE status <> 'retired';--> statement-breakpoint
CREATE UNIQUE INDEX "cmdb_sites_code_uq" ON "cmdb_sites" USING btree (lower("code")) WHERE status <> 'retired';--> statement-breakpoint
CREATE UNIQUE INDEX "cmdb_storage_name_uq" ON "cmdb_storage" USING btree (lower("name")) WHERE status <> 'retired';--> statement-breakpoint
CREATE UNIQUE INDEX "cmdb_systems_name_uq" ON "cmdb_systems" USING btree (lower("name")) WHERE status <> 'retired';--> statement-breakpoint
CREATE UNIQUE INDEX "cmdb_systems_code_uq" ON "cmdb_systems" USING btree (lower("code")) WHERE status <> 'retired';--> statement-breakpoint
CREATE INDEX "cmdb_systems_department_idx" ON "cmdb_systems" USING btree ("department_id");--> statement-breakpoint
CREATE UNIQUE INDEX "cmdb_vms_name_uq" ON "cmdb_vms" USING btree (lower("name")) WHERE status <> 'retired';--> statement-breakpoint
CREATE INDEX "cmdb_vms_system_idx" ON "cmdb_vms" USING btree ("system_id");--> statement-breakpoint
CREATE INDEX "cmdb_vms_host_idx" ON "cmdb_vms" USING btree ("host_id");--> statement-breakpoint
CREATE INDEX "cmdb_vms_moref_idx" ON "cmdb_vms" USING btree ("moref");--> statement-breakpoint
CREATE INDEX "cmdb_vms_uuid_idx" ON "cmdb_vms" USING btree ("uuid");--> statement-breakpoint
-- CMDB-3: a CI's history is kept whole. Refuse UPDATE and DELETE per row and TRUNCATE per statement.
CREATE OR REPLACE FUNCTION kiban_cmdb_history_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'cmdb_history is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER cmdb_history_no_update BEFORE UPDATE OR DELETE ON cmdb_history
  FOR EACH ROW EXECUTE FUNCTION kiban_cmdb_history_refuse();
--> statement-breakpoint
CREATE TRIGGER cmdb_history_no_truncate BEFORE TRUNCATE ON cmdb_history
  FOR EACH STATEMENT EXECUTE FUNCTION kiban_cmdb_history_refuse();
