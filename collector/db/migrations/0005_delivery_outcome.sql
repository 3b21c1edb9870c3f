ALTER TABLE "messages" ADD COLUMN "failed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "failure_kind" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "smtp_code" integer;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "tls_result" text;