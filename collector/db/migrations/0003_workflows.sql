CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"key_sha256" text NOT NULL,
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
ALTER TABLE "workflow_versions" ADD CONSTRAINT "workflow_versions_workflow_id_workflows_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflows"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_key_sha256_index" ON "api_keys" USING btree ("key_sha256");--> statement-breakpoint
CREATE UNIQUE INDEX "contacts_email_index_index" ON "contacts" USING btree ("email_index");--> statement-breakpoint
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