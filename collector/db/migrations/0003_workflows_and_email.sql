CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"secret_sha256" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "contacts" (
	"id" text PRIMARY KEY NOT NULL,
	"email_ciphertext" text NOT NULL,
	"email_index" text NOT NULL,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"segments" text[] DEFAULT '{}' NOT NULL,
	"time_zone" text DEFAULT 'UTC' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "delivery_events" (
	"api_key_id" text NOT NULL,
	"event_id" text NOT NULL,
	"message_id" text NOT NULL,
	"type" text NOT NULL,
	"bounce_type" text,
	"smtp_code" integer,
	"occurred_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "delivery_events_api_key_id_event_id_pk" PRIMARY KEY("api_key_id","event_id")
);
--> statement-breakpoint
CREATE TABLE "message_rollups_hourly" (
	"hour" timestamp with time zone NOT NULL,
	"attributes_key" text NOT NULL,
	"from_address" text NOT NULL,
	"recipient_domain" text NOT NULL,
	"subject" text NOT NULL,
	"campaign" text,
	"custom_fields" jsonb NOT NULL,
	"queued" integer DEFAULT 0 NOT NULL,
	"sent" integer DEFAULT 0 NOT NULL,
	"delivered" integer DEFAULT 0 NOT NULL,
	"failed_hard" integer DEFAULT 0 NOT NULL,
	"failed_soft" integer DEFAULT 0 NOT NULL,
	"failed_blocked" integer DEFAULT 0 NOT NULL,
	"failed_dropped" integer DEFAULT 0 NOT NULL,
	"secured_encrypted" integer DEFAULT 0 NOT NULL,
	"secured_verified" integer DEFAULT 0 NOT NULL,
	"opened_total_human" integer DEFAULT 0 NOT NULL,
	"opened_unique_human" integer DEFAULT 0 NOT NULL,
	"clicked_total_human" integer DEFAULT 0 NOT NULL,
	"clicked_unique_human" integer DEFAULT 0 NOT NULL,
	"delivered_opened_human" integer DEFAULT 0 NOT NULL,
	"delivered_clicked_human" integer DEFAULT 0 NOT NULL,
	"delivered_opened_clicked_human" integer DEFAULT 0 NOT NULL,
	"opened_total_all" integer DEFAULT 0 NOT NULL,
	"opened_unique_all" integer DEFAULT 0 NOT NULL,
	"clicked_total_all" integer DEFAULT 0 NOT NULL,
	"clicked_unique_all" integer DEFAULT 0 NOT NULL,
	"delivered_opened_all" integer DEFAULT 0 NOT NULL,
	"delivered_clicked_all" integer DEFAULT 0 NOT NULL,
	"delivered_opened_clicked_all" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "message_rollups_hourly_hour_attributes_key_pk" PRIMARY KEY("hour","attributes_key")
);
--> statement-breakpoint
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
	"delivered_at" timestamp with time zone,
	"complained_at" timestamp with time zone,
	"tls_level" text,
	"failed_at" timestamp with time zone,
	"failure_kind" text,
	"smtp_code" integer,
	"tls_result" text,
	"last_error" text,
	"rollup_contribution" jsonb
);
--> statement-breakpoint
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
CREATE TABLE "tracking_links" (
	"token_id" text PRIMARY KEY NOT NULL,
	"message_id" text NOT NULL,
	"link_number" integer NOT NULL,
	"destination" text
);
--> statement-breakpoint
CREATE TABLE "workflow_emails" (
	"message_id" text PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"workflow_id" text NOT NULL,
	"version" integer NOT NULL,
	"step_id" text NOT NULL,
	"contact_id" text NOT NULL,
	"template" text NOT NULL,
	"variables" jsonb NOT NULL,
	"queued_at" timestamp with time zone NOT NULL,
	"opened_at" timestamp with time zone,
	"clicked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "workflow_jobs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"step_id" text NOT NULL,
	"kind" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"lease_owner" text,
	"lease_expires_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "workflow_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"workflow_id" text NOT NULL,
	"version" integer NOT NULL,
	"contact_id" text NOT NULL,
	"entry_number" integer NOT NULL,
	"trigger_key" text NOT NULL,
	"status" text NOT NULL,
	"end_reason" text,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "workflow_step_runs" (
	"run_id" text NOT NULL,
	"workflow_id" text NOT NULL,
	"version" integer NOT NULL,
	"step_id" text NOT NULL,
	"contact_id" text NOT NULL,
	"entry_number" integer NOT NULL,
	"status" text NOT NULL,
	"awaiting" text,
	"outcome" text,
	"entered_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "workflow_versions" (
	"workflow_id" text NOT NULL,
	"version" integer NOT NULL,
	"definition" jsonb NOT NULL,
	"definition_sha256" text NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workflow_versions_workflow_id_version_pk" PRIMARY KEY("workflow_id","version")
);
--> statement-breakpoint
CREATE TABLE "workflows" (
	"id" text PRIMARY KEY NOT NULL,
	"current_version" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "delivery_events" ADD CONSTRAINT "delivery_events_api_key_id_api_keys_id_fk" FOREIGN KEY ("api_key_id") REFERENCES "public"."api_keys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delivery_events" ADD CONSTRAINT "delivery_events_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_api_key_id_api_keys_id_fk" FOREIGN KEY ("api_key_id") REFERENCES "public"."api_keys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracking_events" ADD CONSTRAINT "tracking_events_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracking_links" ADD CONSTRAINT "tracking_links_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_versions" ADD CONSTRAINT "workflow_versions_workflow_id_workflows_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflows"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_keys_created_at_index" ON "api_keys" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "contacts_email_index_index" ON "contacts" USING btree ("email_index");--> statement-breakpoint
CREATE INDEX "delivery_events_message_id_index" ON "delivery_events" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "messages_status_next_attempt_at_index" ON "messages" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "messages_queued_at_index" ON "messages" USING btree ("queued_at");--> statement-breakpoint
CREATE INDEX "messages_campaign_index" ON "messages" USING btree ("campaign");--> statement-breakpoint
CREATE UNIQUE INDEX "tracking_events_first_human_index" ON "tracking_events" USING btree ("message_id","kind","link_number") WHERE "tracking_events"."is_unique";--> statement-breakpoint
CREATE INDEX "tracking_events_message_id_kind_occurred_at_index" ON "tracking_events" USING btree ("message_id","kind","occurred_at");--> statement-breakpoint
CREATE INDEX "tracking_events_occurred_at_index" ON "tracking_events" USING btree ("occurred_at");--> statement-breakpoint
CREATE UNIQUE INDEX "tracking_links_message_id_link_number_index" ON "tracking_links" USING btree ("message_id","link_number");--> statement-breakpoint
CREATE UNIQUE INDEX "workflow_emails_run_id_step_id_index" ON "workflow_emails" USING btree ("run_id","step_id");--> statement-breakpoint
CREATE INDEX "workflow_emails_workflow_id_queued_at_index" ON "workflow_emails" USING btree ("workflow_id","queued_at");--> statement-breakpoint
CREATE UNIQUE INDEX "workflow_jobs_run_id_step_id_kind_index" ON "workflow_jobs" USING btree ("run_id","step_id","kind");--> statement-breakpoint
CREATE INDEX "workflow_jobs_due_at_index" ON "workflow_jobs" USING btree ("due_at");--> statement-breakpoint
CREATE UNIQUE INDEX "workflow_runs_workflow_id_trigger_key_index" ON "workflow_runs" USING btree ("workflow_id","trigger_key");--> statement-breakpoint
CREATE UNIQUE INDEX "workflow_runs_workflow_id_contact_id_entry_number_index" ON "workflow_runs" USING btree ("workflow_id","contact_id","entry_number");--> statement-breakpoint
CREATE INDEX "workflow_runs_workflow_id_status_index" ON "workflow_runs" USING btree ("workflow_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "workflow_step_runs_once" ON "workflow_step_runs" USING btree ("workflow_id","version","step_id","contact_id","entry_number");--> statement-breakpoint
CREATE UNIQUE INDEX "workflow_step_runs_run_id_step_id_index" ON "workflow_step_runs" USING btree ("run_id","step_id");--> statement-breakpoint
CREATE INDEX "workflow_step_runs_contact_id_awaiting_index" ON "workflow_step_runs" USING btree ("contact_id","awaiting");--> statement-breakpoint
CREATE INDEX "workflow_step_runs_workflow_id_entered_at_index" ON "workflow_step_runs" USING btree ("workflow_id","entered_at");