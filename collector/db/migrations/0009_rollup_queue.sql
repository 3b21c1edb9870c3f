CREATE TABLE "rollup_queue" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"message_id" text NOT NULL,
	"opens_human" integer DEFAULT 0 NOT NULL,
	"opens_all" integer DEFAULT 0 NOT NULL,
	"recount" boolean DEFAULT false NOT NULL
);
