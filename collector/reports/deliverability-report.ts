import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/open-database';
import { ROLLUP_COUNTERS } from '../db/schema';
import { drainRollupQueue } from './rollup-queue';
import { addCounts, emptyCounts, ratesOf, type ReportCounts, type ReportRates } from './report-counts';
import type { ReportParams, ReportSplit } from './report-params';

/** One bucket of one split value. */
export interface ReportRow extends ReportCounts {
  /** Bucket start as local time with the zone's offset then, such as 2026-03-08T00:00:00-05:00. */
  bucket: string;
  /** The split attribute's value; null when the message has none, absent without a split. */
  split?: string | null;
  rates: ReportRates;
}

/** The deliverability report: parameters echoed back, the series, and its sum. */
export interface DeliverabilityReport {
  from: string;
  to: string;
  tz: string;
  interval: ReportParams['interval'];
  split: string | null;
  includeMachine: boolean;
  /** Source of the counts: the hourly rollup table, or the message and event tables. */
  source: 'rollup' | 'raw';
  series: ReportRow[];
  summary: ReportCounts & { rates: ReportRates };
}

type Row = Record<string, unknown>;

/** Ranges longer than this read the hourly rollup when its hours align with the buckets. */
export const LONG_RANGE_MS = 7 * 86_400_000;

/** Table a report reads: `auto` chooses from the range and zone, and tests and benchmarks name one. */
export type ReportSource = 'auto' | 'rollup' | 'combined_rollup' | 'raw';

/**
 * Builds the report. Messages are counted in the bucket of their queue time
 * (a cohort), and every later outcome of a message (sent, delivered, failed,
 * opened, clicked) counts in that same bucket, so each rate divides counts
 * of the same messages. Buckets follow the zone's calendar, DST included,
 * because the transaction's TimeZone is set to the zone.
 *
 * Ranges longer than a week read a rollup, which counts per UTC hour. That
 * is exact only when every bucket starts on a UTC hour, so zones with
 * half-hour offsets (Asia/Kolkata) and ranges that start or end off the hour
 * read the message and event tables instead. A report with one split or none
 * reads message_rollups_by_dimension, whose rows for one attribute are few.
 * message_rollups_hourly, keyed by every attribute at once, serves reports
 * that combine attributes, and `combined_rollup` reads it on request.
 */
export async function buildDeliverabilityReport(db: Database, params: ReportParams, source: ReportSource = 'auto'): Promise<DeliverabilityReport> {
  // Opens and clicks reach the rollups through rollup_queue, about a second after they are stored.
  // Draining what is left first makes a rollup report count every event stored before it started.
  if (source !== 'raw') await drainRollupQueue(db, { wait: true });

  const { buckets, rows, used } = await db.transaction(async (tx) => {
    await tx.execute(sql`SELECT set_config('TimeZone', ${params.tz}, true)`);
    const buckets = rowsOf(await tx.execute(bucketQuery(params)));

    const aligned = [params.from, params.to].every((instant) => instant.getTime() % 3_600_000 === 0) && buckets.every((bucket) => Number(bucket.offset_seconds) % 3600 === 0);
    if (source !== 'raw' && source !== 'auto' && !aligned) throw new Error('The rollup cannot be used for a report whose buckets do not start on UTC hours; use the raw source.');
    const raw = source === 'raw' || !aligned || (source === 'auto' && params.to.getTime() - params.from.getTime() <= LONG_RANGE_MS);

    let query = dimensionRollupCountQuery(params);
    if (raw) query = countQuery(params);
    else if (source === 'combined_rollup') query = rollupCountQuery(params);
    const rows = rowsOf(await tx.execute(query));
    return { buckets, rows, used: raw ? ('raw' as const) : ('rollup' as const) };
  });

  const bySplit = new Map<string | null, Map<string, ReportCounts>>();
  for (const row of rows) {
    const split = params.split.kind === 'none' ? null : ((row.split_value as string | null) ?? null);
    if (!bySplit.has(split)) bySplit.set(split, new Map());
    bySplit.get(split)!.set(String(row.bucket_key), countsOf(row));
  }
  if (bySplit.size === 0 && params.split.kind === 'none') bySplit.set(null, new Map());

  const series: ReportRow[] = [];
  const summary = emptyCounts();
  for (const [split, counts] of [...bySplit].sort(([a], [b]) => String(a ?? '').localeCompare(String(b ?? '')))) {
    for (const bucket of buckets) {
      const bucketCounts = counts.get(String(bucket.bucket_key)) ?? emptyCounts();
      addCounts(summary, bucketCounts);
      series.push({ bucket: label(bucket), ...(params.split.kind === 'none' ? {} : { split }), ...bucketCounts, rates: ratesOf(bucketCounts) });
    }
  }

  return {
    from: params.from.toISOString(),
    to: params.to.toISOString(),
    tz: params.tz,
    interval: params.interval,
    split: splitName(params.split),
    includeMachine: params.includeMachine,
    source: used,
    series,
    summary: { ...summary, rates: ratesOf(summary) },
  };
}

// Every bucket that overlaps [from, to), in the session's zone.
function bucketQuery(params: ReportParams): SQL {
  return sql`
    SELECT extract(epoch FROM b)::bigint::text AS bucket_key,
           to_char(b, 'YYYY-MM-DD"T"HH24:MI:SS') AS local_start,
           extract(timezone FROM b)::int AS offset_seconds
    FROM generate_series(date_trunc(${params.interval}, ${params.from.toISOString()}::timestamptz),
                         ${params.to.toISOString()}::timestamptz - interval '1 microsecond',
                         ${`1 ${params.interval}`}::interval) AS b
    ORDER BY b`;
}

function countQuery(params: ReportParams): SQL {
  const machine = params.includeMachine ? sql`true` : sql`machine_reason IS NULL`;
  return sql`
    WITH m AS (
      SELECT id, extract(epoch FROM date_trunc(${params.interval}, queued_at))::bigint::text AS bucket_key, ${splitExpression(params.split)} AS split_value,
             sent_at IS NOT NULL AS sent,
             sent_at IS NOT NULL AND delivered_at IS NOT NULL AND failure_kind IS NULL AS delivered,
             failure_kind, tls_level
      FROM messages
      WHERE queued_at >= ${params.from.toISOString()}::timestamptz AND queued_at < ${params.to.toISOString()}::timestamptz
    ), e AS (
      SELECT message_id,
             count(*) FILTER (WHERE kind = 'open') AS opens,
             count(*) FILTER (WHERE kind = 'click') AS clicks,
             count(DISTINCT link_number) FILTER (WHERE kind = 'click') AS clicked_links
      FROM tracking_events
      WHERE message_id IN (SELECT id FROM m) AND ${machine}
      GROUP BY message_id
    )
    SELECT m.bucket_key, m.split_value,
           count(*)::int AS queued,
           count(*) FILTER (WHERE m.sent)::int AS sent,
           count(*) FILTER (WHERE m.delivered)::int AS delivered,
           count(*) FILTER (WHERE m.failure_kind = 'hard')::int AS failed_hard,
           count(*) FILTER (WHERE m.failure_kind = 'soft')::int AS failed_soft,
           count(*) FILTER (WHERE m.failure_kind = 'blocked')::int AS failed_blocked,
           count(*) FILTER (WHERE m.failure_kind = 'dropped')::int AS failed_dropped,
           coalesce(sum(e.opens), 0)::int AS opened_total,
           count(*) FILTER (WHERE e.opens > 0)::int AS opened_unique,
           coalesce(sum(e.clicks), 0)::int AS clicked_total,
           coalesce(sum(e.clicked_links), 0)::int AS clicked_unique,
           count(*) FILTER (WHERE m.sent AND m.tls_level = 'encrypted')::int AS secured_encrypted,
           count(*) FILTER (WHERE m.sent AND m.tls_level = 'verified')::int AS secured_verified,
           count(*) FILTER (WHERE m.delivered AND e.opens > 0)::int AS delivered_opened,
           count(*) FILTER (WHERE m.delivered AND e.clicks > 0)::int AS delivered_clicked,
           count(*) FILTER (WHERE m.delivered AND e.opens > 0 AND e.clicks > 0)::int AS delivered_opened_clicked
    FROM m LEFT JOIN e ON e.message_id = m.id
    GROUP BY m.bucket_key, m.split_value`;
}

// The same columns as countQuery, summed from the rollup rows of the range.
// NOTE: a message_rollups_hourly row is kept per hour and combination of all five attributes, so a range holds
// up to one row per message when combinations are many (160,504 rows for 200,000 messages in
// test/bench/report-bench.ts). Reports with one split or none read message_rollups_by_dimension instead, whose
// rows are bounded by hours times one attribute's values. This query stays for reports that combine attributes.
function rollupCountQuery(params: ReportParams): SQL {
  return sql`
    SELECT extract(epoch FROM date_trunc(${params.interval}, hour))::bigint::text AS bucket_key, ${splitExpression(params.split)} AS split_value, ${counterSums(params)}
    FROM message_rollups_hourly
    WHERE hour >= ${params.from.toISOString()}::timestamptz AND hour < ${params.to.toISOString()}::timestamptz
    GROUP BY 1, 2`;
}

// The same columns from message_rollups_by_dimension. Messages without a value for the split attribute (no
// campaign, no such custom field) have no rows of their own: they are the hour's total row less the attribute's
// rows. Groups that hold no message are left out, as the raw query has no group for them.
function dimensionRollupCountQuery(params: ReportParams): SQL {
  const range = sql`hour >= ${params.from.toISOString()}::timestamptz AND hour < ${params.to.toISOString()}::timestamptz`;
  const counters = (sign: '' | '-') => sql.raw(ROLLUP_COUNTERS.map((name) => `${sign}${name} AS ${name}`).join(', '));
  const dimension = splitDimension(params.split);

  const branches = [sql`SELECT hour, ${dimension === 'total' ? sql`NULL::text` : sql`value`} AS split_value, ${counters('')} FROM message_rollups_by_dimension WHERE dimension = ${dimension} AND ${range}`];
  if (params.split.kind === 'campaign' || params.split.kind === 'custom') {
    branches.push(sql`SELECT hour, NULL::text, ${counters('')} FROM message_rollups_by_dimension WHERE dimension = 'total' AND ${range}`);
    branches.push(sql`SELECT hour, NULL::text, ${counters('-')} FROM message_rollups_by_dimension WHERE dimension = ${dimension} AND ${range}`);
  }
  // Each hour's bucket is computed once, not once per row: converting a time to the zone's calendar costs more
  // than summing the row.
  return sql`
    WITH hours AS MATERIALIZED (
      SELECT h AS hour, extract(epoch FROM date_trunc(${params.interval}, h))::bigint::text AS bucket_key
      FROM generate_series(${params.from.toISOString()}::timestamptz, ${params.to.toISOString()}::timestamptz - interval '1 hour', interval '1 hour') AS h
    )
    SELECT hours.bucket_key, r.split_value, ${counterSums(params)}
    FROM (${sql.join(branches, sql` UNION ALL `)}) AS r JOIN hours ON hours.hour = r.hour
    GROUP BY 1, 2
    HAVING sum(r.queued) > 0`;
}

// The report's count columns summed from rollup counters, with the open and click variant the report requests.
function counterSums(params: ReportParams): SQL {
  const variant = params.includeMachine ? 'all' : 'human';
  const sum = (name: string) => sql`sum(${sql.identifier(name)})::int AS ${sql.identifier(name.replace(/_(human|all)$/, ''))}`;
  return sql`${sql.join(
    ['queued', 'sent', 'delivered', 'failed_hard', 'failed_soft', 'failed_blocked', 'failed_dropped', 'secured_encrypted', 'secured_verified'].map(sum),
    sql`, `,
  )},
           ${sql.join(
             ['opened_total', 'opened_unique', 'clicked_total', 'clicked_unique', 'delivered_opened', 'delivered_clicked', 'delivered_opened_clicked'].map((name) => sum(`${name}_${variant}`)),
             sql`, `,
           )}`;
}

// The message_rollups_by_dimension dimension that contains a split's values (see dimensionValues).
function splitDimension(split: ReportSplit): string {
  if (split.kind === 'none') return 'total';
  return split.kind === 'custom' ? `custom:${split.key}` : split.kind;
}

function splitExpression(split: ReportSplit): SQL {
  switch (split.kind) {
    case 'none':
      return sql`NULL::text`;
    case 'subject':
      return sql`subject`;
    case 'from':
      return sql`from_address`;
    case 'recipient_domain':
      return sql`recipient_domain`;
    case 'campaign':
      return sql`campaign`;
    case 'custom':
      return sql`custom_fields ->> ${split.key}`;
  }
}

function splitName(split: ReportSplit): string | null {
  if (split.kind === 'none') return null;
  return split.kind === 'custom' ? `custom:${split.key}` : split.kind;
}

function countsOf(row: Row): ReportCounts {
  const n = (name: string) => Number(row[name] ?? 0);
  return {
    queued: n('queued'),
    sent: n('sent'),
    delivered: n('delivered'),
    failed: { hard: n('failed_hard'), soft: n('failed_soft'), blocked: n('failed_blocked'), dropped: n('failed_dropped') },
    opened: { total: n('opened_total'), unique: n('opened_unique') },
    clicked: { total: n('clicked_total'), unique: n('clicked_unique') },
    secured: { encrypted: n('secured_encrypted'), verified: n('secured_verified') },
    deliveredOpened: n('delivered_opened'),
    deliveredClicked: n('delivered_clicked'),
    deliveredOpenedAndClicked: n('delivered_opened_clicked'),
  };
}

// "+05:30" from 19800 seconds.
function label(bucket: Row): string {
  const offset = Number(bucket.offset_seconds);
  const sign = offset < 0 ? '-' : '+';
  const minutes = Math.abs(offset) / 60;
  return `${String(bucket.local_start)}${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

// PGlite returns { rows }, postgres.js an array of rows.
function rowsOf(result: unknown): Row[] {
  return Array.isArray(result) ? (result as Row[]) : ((result as { rows: Row[] }).rows ?? []);
}
