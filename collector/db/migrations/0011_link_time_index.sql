DROP INDEX "tracking_events_message_id_kind_occurred_at_index";--> statement-breakpoint
DROP INDEX "tracking_events_occurred_at_index";--> statement-breakpoint
CREATE INDEX "tracking_events_message_id_kind_link_number_occurred_at_index" ON "tracking_events" USING btree ("message_id","kind","link_number","occurred_at");