ALTER TABLE "document_revisions" ADD COLUMN "author_role" text NOT NULL;--> statement-breakpoint
ALTER TABLE "document_revisions" ADD COLUMN "reviewer_role" text NOT NULL;--> statement-breakpoint
ALTER TABLE "document_revisions" ADD COLUMN "approver_role" text NOT NULL;