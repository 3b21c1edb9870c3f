CREATE TABLE "message_rollups_by_quarter" (
	"dimension" text NOT NULL,
	"quarter" timestamp with time zone NOT NULL,
	"value" text NOT NULL,
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
	CONSTRAINT "message_rollups_by_quarter_dimension_quarter_value_pk" PRIMARY KEY("dimension","quarter","value")
);
--> statement-breakpoint
-- Backfill: every message adds the counts it last added to the other rollups (rollup_contribution; none while
-- null) to its UTC quarter hour's total row and to one row per attribute value it has, as dimensionValues() in
-- collector/reports/refresh-rollups.ts lists them. date_bin from a UTC origin bins the absolute time, whatever
-- the session's TimeZone.
INSERT INTO "message_rollups_by_quarter" ("dimension", "quarter", "value", "queued", "sent", "delivered", "failed_hard", "failed_soft", "failed_blocked", "failed_dropped", "secured_encrypted", "secured_verified", "opened_total_human", "opened_unique_human", "clicked_total_human", "clicked_unique_human", "delivered_opened_human", "delivered_clicked_human", "delivered_opened_clicked_human", "opened_total_all", "opened_unique_all", "clicked_total_all", "clicked_unique_all", "delivered_opened_all", "delivered_clicked_all", "delivered_opened_clicked_all")
SELECT d.dimension, date_bin('15 minutes', m."queued_at", timestamptz '2000-01-01 00:00:00+00'), d.value, sum(coalesce((m."rollup_contribution" ->> 'queued')::integer, 0)), sum(coalesce((m."rollup_contribution" ->> 'sent')::integer, 0)), sum(coalesce((m."rollup_contribution" ->> 'delivered')::integer, 0)), sum(coalesce((m."rollup_contribution" ->> 'failed_hard')::integer, 0)), sum(coalesce((m."rollup_contribution" ->> 'failed_soft')::integer, 0)), sum(coalesce((m."rollup_contribution" ->> 'failed_blocked')::integer, 0)), sum(coalesce((m."rollup_contribution" ->> 'failed_dropped')::integer, 0)), sum(coalesce((m."rollup_contribution" ->> 'secured_encrypted')::integer, 0)), sum(coalesce((m."rollup_contribution" ->> 'secured_verified')::integer, 0)), sum(coalesce((m."rollup_contribution" ->> 'opened_total_human')::integer, 0)), sum(coalesce((m."rollup_contribution" ->> 'opened_unique_human')::integer, 0)), sum(coalesce((m."rollup_contribution" ->> 'clicked_total_human')::integer, 0)), sum(coalesce((m."rollup_contribution" ->> 'clicked_unique_human')::integer, 0)), sum(coalesce((m."rollup_contribution" ->> 'delivered_opened_human')::integer, 0)), sum(coalesce((m."rollup_contribution" ->> 'delivered_clicked_human')::integer, 0)), sum(coalesce((m."rollup_contribution" ->> 'delivered_opened_clicked_human')::integer, 0)), sum(coalesce((m."rollup_contribution" ->> 'opened_total_all')::integer, 0)), sum(coalesce((m."rollup_contribution" ->> 'opened_unique_all')::integer, 0)), sum(coalesce((m."rollup_contribution" ->> 'clicked_total_all')::integer, 0)), sum(coalesce((m."rollup_contribution" ->> 'clicked_unique_all')::integer, 0)), sum(coalesce((m."rollup_contribution" ->> 'delivered_opened_all')::integer, 0)), sum(coalesce((m."rollup_contribution" ->> 'delivered_clicked_all')::integer, 0)), sum(coalesce((m."rollup_contribution" ->> 'delivered_opened_clicked_all')::integer, 0))
FROM "messages" AS m
CROSS JOIN LATERAL (
  VALUES ('total', ''), ('subject', m."subject"), ('from', m."from_address"), ('recipient_domain', m."recipient_domain"), ('campaign', m."campaign")
  UNION ALL
  SELECT 'custom:' || f.key, f.value FROM jsonb_each_text(m."custom_fields") AS f
) AS d(dimension, value)
WHERE m."rollup_contribution" IS NOT NULL AND d.value IS NOT NULL
GROUP BY d.dimension, 2, d.value;
