CREATE TABLE "message_rollups_by_dimension" (
	"dimension" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
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
	CONSTRAINT "message_rollups_by_dimension_dimension_hour_value_pk" PRIMARY KEY("dimension","hour","value")
);
--> statement-breakpoint
-- Backfill: every existing combined rollup row adds to the total and to one row per attribute value it holds.
INSERT INTO "message_rollups_by_dimension" ("dimension", "hour", "value", "queued", "sent", "delivered", "failed_hard", "failed_soft", "failed_blocked", "failed_dropped", "secured_encrypted", "secured_verified", "opened_total_human", "opened_unique_human", "clicked_total_human", "clicked_unique_human", "delivered_opened_human", "delivered_clicked_human", "delivered_opened_clicked_human", "opened_total_all", "opened_unique_all", "clicked_total_all", "clicked_unique_all", "delivered_opened_all", "delivered_clicked_all", "delivered_opened_clicked_all")
SELECT d.dimension, r."hour", d.value, sum(r."queued"), sum(r."sent"), sum(r."delivered"), sum(r."failed_hard"), sum(r."failed_soft"), sum(r."failed_blocked"), sum(r."failed_dropped"), sum(r."secured_encrypted"), sum(r."secured_verified"), sum(r."opened_total_human"), sum(r."opened_unique_human"), sum(r."clicked_total_human"), sum(r."clicked_unique_human"), sum(r."delivered_opened_human"), sum(r."delivered_clicked_human"), sum(r."delivered_opened_clicked_human"), sum(r."opened_total_all"), sum(r."opened_unique_all"), sum(r."clicked_total_all"), sum(r."clicked_unique_all"), sum(r."delivered_opened_all"), sum(r."delivered_clicked_all"), sum(r."delivered_opened_clicked_all")
FROM "message_rollups_hourly" AS r
CROSS JOIN LATERAL (
  VALUES ('total', ''), ('subject', r."subject"), ('from', r."from_address"), ('recipient_domain', r."recipient_domain"), ('campaign', r."campaign")
  UNION ALL
  SELECT 'custom:' || f.key, f.value FROM jsonb_each_text(r."custom_fields") AS f
) AS d(dimension, value)
WHERE d.value IS NOT NULL
GROUP BY d.dimension, r."hour", d.value;
