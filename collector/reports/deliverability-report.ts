import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/open-database';
import { rowsOf } from '../db/run-statement';
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
  /** Source of the counts: the rollup tables, or the message and event tables. */
  source: 'rollup' | 'raw';
  series: ReportRow[];
  summary: ReportCounts & { rates: ReportRates };
}

type Row = Record<string, unknown>;

/** Ranges longer than this read the rollups when the buckets and range ends fall on UTC quarter hours. */
export const LONG_RANGE_MS = 7 * 86_400_000;

const HOUR_MS = 3_600_000;
const QUARTER_MS = 900_000;

/** Table a report reads: `auto` chooses from the range and zone, and tests and benchmarks name one. */
export type ReportSource = 'auto' | 'rollup' | 'combined_rollup' | 'raw';

/**
 * Builds the report. Messages are counted in the bucket of their queue time
 * (a cohort), and every later outcome of a message (sent, delivered, failed,
 * opened, clicked) counts in that same bucket, so each rate divides counts
 * of the same messages. Buckets follow the zone's calendar, DST included,
 * because the transaction's TimeZone is set to the zone.
 *
 * Ranges longer than a week read rollups, which count per UTC hour
 * (message_rollups_by_dimension) and per UTC quarter hour
 * (message_rollups_by_quarter). When every bucket boundary inside the range
 * and both range ends fall on UTC hours, the report reads hourly rows only.
 * Some fall on a quarter hour but not on an hour in zones with half-hour or
 * 45-minute offsets (Asia/Kolkata, Asia/Kathmandu, Australia/Adelaide) and
 * for a range from 10:30. The report then reads hourly rows for the hours
 * wholly inside one bucket and inside the range. Quarter rows serve the
 * hours that straddle a bucket boundary or a range end: 31 of 721 hours for
 * 30 daily buckets in Asia/Kolkata. Reports whose boundaries do
 * not fall even on quarter hours (from 10:07) read the message and event
 * tables. Those two rollups keep one split attribute per row, so their rows
 * for one attribute are few. message_rollups_hourly, keyed by every
 * attribute at once, serves reports that combine attributes;
 * `combined_rollup` reads it on request, for hour-aligned reports only.
 */
export async function buildDeliverabilityReport(db: Database, params: ReportParams, source: ReportSource = 'auto'): Promise<DeliverabilityReport> {
  // Opens and clicks reach the rollups through rollup_queue, about a second after they are stored.
  // Draining what is left first makes a rollup report count every event stored before it started.
  if (source !== 'raw') await drainRollupQueue(db, { wait: true });

  const { buckets, rows, used } = await db.transaction(async (tx) => {
    await tx.execute(sql`SELECT set_config('TimeZone', ${params.tz}, true)`);
    const buckets = rowsOf(await tx.execute(bucketQuery(params)));

    const hourAligned = alignedTo(HOUR_MS, params, buckets);
    const quarterAligned = hourAligned || alignedTo(QUARTER_MS, params, buckets);
    if (source === 'combined_rollup' && !hourAligned) throw new Error('The rollup cannot be used for a report whose buckets do not start on UTC hours; use the raw source.');
    if (source === 'rollup' && !quarterAligned) throw new Error('The rollups cannot be used for a report whose buckets or range ends do not fall on UTC quarter hours; use the raw source.');
    const raw = source === 'raw' || !quarterAligned || (source === 'auto' && params.to.getTime() - params.from.getTime() <= LONG_RANGE_MS);

    let query = dimensionRollupCountQuery(params, !hourAligned);
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
// Days, weeks and months step through local dates (timestamp without zone) and convert each start back, as
// date_trunc does for a message. Stepping a timestamptz by '1 day' instead drifts after a day whose
// midnight does not exist (America/Santiago starts DST at 00:00): that day starts at 01:00, and every later
// step kept 01:00 while messages' buckets start at midnight again. Hours step in absolute time, so that the
// repeated hour when clocks go back is a bucket of its own.
function bucketQuery(params: ReportParams): SQL {
  const from = sql`${params.from.toISOString()}::timestamptz`;
  const last = sql`${params.to.toISOString()}::timestamptz - interval '1 microsecond'`;
  const step = sql`${`1 ${params.interval}`}::interval`;
  const starts =
    params.interval === 'hour'
      ? sql`SELECT b FROM generate_series(date_trunc('hour', ${from}), ${last}, ${step}) AS b`
      : sql`SELECT l::timestamptz AS b FROM generate_series(date_trunc(${params.interval}, ${from})::timestamp, (${last})::timestamp, ${step}) AS l`;
  return sql`
    SELECT extract(epoch FROM b)::bigint::text AS bucket_key,
           to_char(b, 'YYYY-MM-DD"T"HH24:MI:SS') AS local_start,
           extract(timezone FROM b)::int AS offset_seconds
    FROM (${starts}) AS starts
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

// The same columns from message_rollups_by_dimension, and from message_rollups_by_quarter when `quarters` is set.
// Messages without a value for the split attribute (no campaign, no such custom field) have no rows of their own:
// they are the slot's total row less the attribute's rows. Groups that hold no message are left out, as the raw
// query has no group for them.
//
// The slots CTE lists what the range is read from: 'hour' slots for hours that lie wholly inside one bucket and
// inside [from, to), and, for every other hour, 'quarter' slots for its quarter hours inside [from, to). Each slot
// carries its bucket, computed as the raw query computes a message's bucket (date_trunc in the zone), so the two
// agree whatever the zone's calendar does. An hour lies inside one bucket when its first and last quarter hour
// do, since bucket boundaries fall on quarter hours here. Without `quarters` every boundary falls on an hour, so
// every hour is an 'hour' slot and the quarter table is not read.
function dimensionRollupCountQuery(params: ReportParams, quarters: boolean): SQL {
  const from = sql`${params.from.toISOString()}::timestamptz`;
  const to = sql`${params.to.toISOString()}::timestamptz`;
  const counters = (sign: '' | '-') => sql.raw(ROLLUP_COUNTERS.map((name) => `${sign}${name} AS ${name}`).join(', '));
  const dimension = splitDimension(params.split);
  const bucketOf = (time: SQL) => sql`extract(epoch FROM date_trunc(${params.interval}, ${time}))::bigint::text`;

  // Rows of one table, each with its slot's bucket: the split attribute's values, and, for attributes that
  // messages may lack, the total less those values. Quarter rows are read for the quarter slots only, through
  // the primary key. The ANY condition keeps that true when the planner hashes the slots instead of looking
  // each one up, as it does for the three branches of a campaign split.
  const branches = (kind: 'hour' | 'quarter'): SQL[] => {
    const table = sql.identifier(kind === 'hour' ? 'message_rollups_by_dimension' : 'message_rollups_by_quarter');
    const column = sql.identifier(kind);
    const range = kind === 'hour' ? sql`${column} >= ${from} AND ${column} < ${to}` : sql`${column} = ANY (ARRAY(SELECT start_at FROM slots WHERE kind = 'quarter'))`;
    const select = (split: SQL, sign: '' | '-', rowDimension: string) =>
      sql`SELECT slots.bucket_key, ${split} AS split_value, ${counters(sign)} FROM ${table} JOIN slots ON slots.kind = ${kind} AND slots.start_at = ${column} WHERE dimension = ${rowDimension} AND ${range}`;
    const selects = [select(dimension === 'total' ? sql`NULL::text` : sql`value`, '', dimension)];
    if (params.split.kind === 'campaign' || params.split.kind === 'custom') selects.push(select(sql`NULL::text`, '', 'total'), select(sql`NULL::text`, '-', dimension));
    return selects;
  };

  // An hour is whole when it lies inside [from, to) and its first and last quarter hours share a bucket.
  // Each hour's bucket is computed once, not once per row: converting a time to the zone's calendar costs more
  // than summing the row.
  const firstHour = new Date(Math.floor(params.from.getTime() / HOUR_MS) * HOUR_MS).toISOString();
  const slots = quarters
    ? sql`
    hours AS MATERIALIZED (
      SELECT h, date_trunc(${params.interval}, h) AS first_bucket,
             h >= ${from} AND h + interval '1 hour' <= ${to} AND date_trunc(${params.interval}, h) = date_trunc(${params.interval}, h + interval '45 minutes') AS whole
      FROM generate_series(${firstHour}::timestamptz, ${to} - interval '1 microsecond', interval '1 hour') AS h
    ), slots AS MATERIALIZED (
      SELECT 'hour' AS kind, h AS start_at, extract(epoch FROM first_bucket)::bigint::text AS bucket_key FROM hours WHERE whole
      UNION ALL
      SELECT 'quarter', q, ${bucketOf(sql`q`)}
      FROM hours CROSS JOIN LATERAL generate_series(h, h + interval '45 minutes', interval '15 minutes') AS q
      WHERE NOT whole AND q >= ${from} AND q < ${to}
    )`
    : sql`
    slots AS MATERIALIZED (
      SELECT 'hour' AS kind, h AS start_at, ${bucketOf(sql`h`)} AS bucket_key
      FROM generate_series(${from}, ${to} - interval '1 hour', interval '1 hour') AS h
    )`;

  return sql`
    WITH ${slots}
    SELECT r.bucket_key, r.split_value, ${counterSums(params)}
    FROM (${sql.join([...branches('hour'), ...(quarters ? branches('quarter') : [])], sql` UNION ALL `)}) AS r
    GROUP BY 1, 2
    HAVING sum(r.queued) > 0`;
}

// Whether from, to and every bucket boundary between them fall on a multiple of `unit` milliseconds of UTC time.
// Only boundaries inside the range matter: counts are read from `from` on, so a first bucket that starts before
// it (and off the unit) needs no rows before it.
function alignedTo(unit: number, params: ReportParams, buckets: Row[]): boolean {
  const from = params.from.getTime();
  const to = params.to.getTime();
  if (from % unit !== 0 || to % unit !== 0) return false;
  return buckets.every((bucket) => {
    const start = Number(bucket.bucket_key) * 1000;
    return start <= from || start >= to || start % unit === 0;
  });
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
