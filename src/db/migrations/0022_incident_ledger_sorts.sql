DROP INDEX "incidents_next_report_idx";--> statement-breakpoint
CREATE INDEX "incidents_title_idx" ON "incidents" USING btree ("title","receipt_no" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "incidents_detected_idx" ON "incidents" USING btree ("detected_at" DESC NULLS LAST,"receipt_no" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "incidents_priority_idx" ON "incidents" USING btree ("priority","receipt_no" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "incidents_next_report_idx" ON "incidents" USING btree ("next_report_due_at","receipt_no" DESC NULLS FIRST);