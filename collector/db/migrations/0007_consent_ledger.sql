CREATE TABLE "consent_ledger" (
	"seq" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "consent_ledger_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"form_id" text NOT NULL,
	"form_version" integer NOT NULL,
	"locale" text NOT NULL,
	"text_sha256" text NOT NULL,
	"signed_at" timestamp with time zone NOT NULL,
	"submission_id" text NOT NULL,
	CONSTRAINT "consent_ledger_submissionId_unique" UNIQUE("submission_id")
);
--> statement-breakpoint
CREATE TABLE "consent_texts" (
	"form_id" text NOT NULL,
	"form_version" integer NOT NULL,
	"locale" text NOT NULL,
	"text" text NOT NULL,
	"text_sha256" text NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "consent_texts_form_id_form_version_locale_pk" PRIMARY KEY("form_id","form_version","locale")
);
--> statement-breakpoint
ALTER TABLE "consent_ledger" ADD CONSTRAINT "consent_ledger_text_fk" FOREIGN KEY ("form_id","form_version","locale") REFERENCES "public"."consent_texts"("form_id","form_version","locale") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_texts" ADD CONSTRAINT "consent_texts_form_version_fk" FOREIGN KEY ("form_id","form_version") REFERENCES "public"."form_versions"("form_id","version") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "consent_ledger_form_id_seq_index" ON "consent_ledger" USING btree ("form_id","seq");--> statement-breakpoint
-- The consent ledger is append-only, like the audit log: rows can be inserted, never changed or removed.
CREATE FUNCTION consent_ledger_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'consent_ledger is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER consent_ledger_append_only
  BEFORE UPDATE OR DELETE ON consent_ledger
  FOR EACH ROW EXECUTE FUNCTION consent_ledger_reject_change();
--> statement-breakpoint
CREATE TRIGGER consent_ledger_no_truncate
  BEFORE TRUNCATE ON consent_ledger
  FOR EACH STATEMENT EXECUTE FUNCTION consent_ledger_reject_change();
