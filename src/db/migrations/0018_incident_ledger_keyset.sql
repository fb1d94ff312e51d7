DROP INDEX "incidents_state_idx";--> statement-breakpoint
CREATE INDEX "incidents_state_registered_idx" ON "incidents" USING btree ("state","registered_at" DESC NULLS LAST,"receipt_no" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "incidents_class_registered_idx" ON "incidents" USING btree ("class","registered_at" DESC NULLS LAST,"receipt_no" DESC NULLS FIRST);