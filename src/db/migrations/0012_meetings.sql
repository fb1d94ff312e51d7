CREATE TABLE "meeting_actions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"meeting_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"title" text NOT NULL,
	"owner_id" uuid NOT NULL,
	"due_on" date NOT NULL,
	"state" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"done_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "meeting_attendees" (
	"meeting_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "meeting_decisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"meeting_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"kind" text NOT NULL,
	"text" text NOT NULL,
	"maintenance_day_id" uuid,
	"created_by" uuid,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "meeting_kinds" (
	"code" text PRIMARY KEY NOT NULL,
	"no" integer NOT NULL,
	"name" text NOT NULL,
	"purpose" text NOT NULL,
	"agenda" jsonb NOT NULL,
	"cadence" text NOT NULL,
	"cadence_label" text NOT NULL,
	"required_roles" jsonb NOT NULL,
	"minutes_approver" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "meeting_references" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"meeting_id" uuid NOT NULL,
	"ref_kind" text NOT NULL,
	"ref_id" text NOT NULL,
	"label" text NOT NULL,
	"added_by" uuid,
	"added_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "meetings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"meeting_no" text NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone,
	"place" text NOT NULL,
	"department_id" uuid,
	"agenda" jsonb NOT NULL,
	"minutes" text DEFAULT '' NOT NULL,
	"minutes_file_id" uuid,
	"state" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" uuid,
	"created_by_label" text NOT NULL,
	"minutes_author_id" uuid,
	"approved_by" uuid,
	"approved_by_label" text,
	"approved_at" timestamp with time zone,
	"shared_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "meeting_actions" ADD CONSTRAINT "meeting_actions_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_attendees" ADD CONSTRAINT "meeting_attendees_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_decisions" ADD CONSTRAINT "meeting_decisions_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_references" ADD CONSTRAINT "meeting_references_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_kind_meeting_kinds_code_fk" FOREIGN KEY ("kind") REFERENCES "public"."meeting_kinds"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_minutes_file_id_stored_files_id_fk" FOREIGN KEY ("minutes_file_id") REFERENCES "public"."stored_files"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "meeting_actions_seq_uq" ON "meeting_actions" USING btree ("meeting_id","seq");--> statement-breakpoint
CREATE INDEX "meeting_actions_owner_idx" ON "meeting_actions" USING btree ("owner_id","state");--> statement-breakpoint
CREATE UNIQUE INDEX "meeting_attendees_uq" ON "meeting_attendees" USING btree ("meeting_id","person_id");--> statement-breakpoint
CREATE INDEX "meeting_attendees_person_idx" ON "meeting_attendees" USING btree ("person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "meeting_decisions_seq_uq" ON "meeting_decisions" USING btree ("meeting_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "meeting_references_uq" ON "meeting_references" USING btree ("meeting_id","ref_kind","ref_id");--> statement-breakpoint
CREATE UNIQUE INDEX "meetings_no_uq" ON "meetings" USING btree ("meeting_no");--> statement-breakpoint
CREATE INDEX "meetings_kind_starts_idx" ON "meetings" USING btree ("kind","starts_at");