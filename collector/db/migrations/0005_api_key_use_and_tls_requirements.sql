CREATE TABLE "campaign_settings" (
	"campaign" text PRIMARY KEY NOT NULL,
	"required_tls" text,
	"updated_at" timestamp with time zone NOT NULL,
	"updated_by_api_key_id" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "last_used_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "required_tls" text;--> statement-breakpoint
ALTER TABLE "campaign_settings" ADD CONSTRAINT "campaign_settings_updated_by_api_key_id_api_keys_id_fk" FOREIGN KEY ("updated_by_api_key_id") REFERENCES "public"."api_keys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
UPDATE "messages" SET "required_tls" = 'verified' WHERE "require_tls";--> statement-breakpoint
ALTER TABLE "messages" DROP COLUMN "require_tls";