CREATE TABLE "email_templates" (
	"id" text NOT NULL,
	"version" integer NOT NULL,
	"template" jsonb NOT NULL,
	"template_sha256" text NOT NULL,
	"published_at" timestamp with time zone NOT NULL,
	"published_by" text NOT NULL,
	CONSTRAINT "email_templates_id_version_pk" PRIMARY KEY("id","version")
);
--> statement-breakpoint
ALTER TABLE "messages" ALTER COLUMN "api_key_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "workflow_jobs" ADD COLUMN "payload" jsonb;