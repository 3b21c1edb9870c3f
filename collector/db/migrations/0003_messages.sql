CREATE TABLE "messages" (
	"id" text PRIMARY KEY NOT NULL,
	"api_key_id" text NOT NULL,
	"status" text NOT NULL,
	"from_address" text NOT NULL,
	"recipient_encrypted" text NOT NULL,
	"recipient_domain" text NOT NULL,
	"subject" text NOT NULL,
	"body_encrypted" text NOT NULL,
	"campaign" text,
	"custom_fields" jsonb NOT NULL,
	"require_tls" boolean NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"queued_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone,
	"tls_level" text,
	"last_error" text
);
--> statement-breakpoint
CREATE TABLE "tracking_links" (
	"token_id" text PRIMARY KEY NOT NULL,
	"message_id" text NOT NULL,
	"link_number" integer NOT NULL,
	"destination" text
);
--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_api_key_id_api_keys_id_fk" FOREIGN KEY ("api_key_id") REFERENCES "public"."api_keys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracking_links" ADD CONSTRAINT "tracking_links_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "messages_status_next_attempt_at_index" ON "messages" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "messages_queued_at_index" ON "messages" USING btree ("queued_at");--> statement-breakpoint
CREATE INDEX "messages_campaign_index" ON "messages" USING btree ("campaign");--> statement-breakpoint
CREATE UNIQUE INDEX "tracking_links_message_id_link_number_index" ON "tracking_links" USING btree ("message_id","link_number");