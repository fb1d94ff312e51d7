CREATE TABLE "workbench_settings" (
	"person_id" uuid PRIMARY KEY NOT NULL,
	"approval_digest" boolean DEFAULT false NOT NULL,
	"digest_sent_at" timestamp with time zone,
	"digest_keys" text[] DEFAULT '{}' NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "workbench_settings" ADD CONSTRAINT "workbench_settings_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;