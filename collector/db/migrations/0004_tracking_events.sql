CREATE TABLE "tracking_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"message_id" text NOT NULL,
	"kind" text NOT NULL,
	"link_number" integer NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"machine_reason" text,
	"is_unique" boolean NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tracking_events" ADD CONSTRAINT "tracking_events_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "tracking_events_first_human_index" ON "tracking_events" USING btree ("message_id","kind","link_number") WHERE "tracking_events"."is_unique";--> statement-breakpoint
CREATE INDEX "tracking_events_message_id_kind_occurred_at_index" ON "tracking_events" USING btree ("message_id","kind","occurred_at");--> statement-breakpoint
CREATE INDEX "tracking_events_occurred_at_index" ON "tracking_events" USING btree ("occurred_at");