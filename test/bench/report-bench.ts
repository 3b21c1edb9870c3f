// Benchmark, not a test: a 30-day deliverability report split by recipient
// domain, read through the real report code from the per-dimension hourly
// rollup, next to the same report over the raw message and event tables, in
// the same run. A second figure does the same for daily buckets in
// Asia/Kolkata (+05:30), whose day boundaries fall on UTC half hours. That
// report reads hourly rows for the hours inside a day, and quarter-hour rows
// for the 31 hours that straddle a boundary or a range end.
//
//   npx tsx test/bench/report-bench.ts [events, default 10000000] [runs, default 7]
//
// The script creates a fresh database on the integration tests' PostgreSQL
// server, fills it with SQL generate_series, builds the rollup with
// refreshRollups counting the events (the contribution and upsert code that
// keeps the rollups current in production), and drops
// the database at the end. Events are delivery events (one "delivered" per
// delivered message) and tracking events (opens and clicks), about five per
// message. Messages spread over 30 days and 40 recipient domains, skewed
// towards the first domains, with 5 campaigns, 2 senders and 3 clinics.
import { sql } from 'drizzle-orm';
import { buildDeliverabilityReport, type DeliverabilityReport } from '../../collector/reports/deliverability-report';
import { refreshRollups } from '../../collector/reports/refresh-rollups';
import { parseReportParams } from '../../collector/reports/report-params';
import { createTestDatabase, findPostgres } from '../support/test-databases';
import { reportResult } from './support/report';

const events = Number(process.argv[2] ?? 10_000_000);
const runs = Number(process.argv[3] ?? 7);
if (!Number.isInteger(events) || events < 1000) throw new Error(`The event count ${process.argv[2]} is invalid; give a whole number of at least 1000, such as 10000000.`);
if (!(await findPostgres())) throw new Error('No PostgreSQL server answers; set TEST_DATABASE_URL or start one on 127.0.0.1:5432.');

const EVENTS_PER_MESSAGE = 5;
const messageCount = Math.round(events / EVENTS_PER_MESSAGE);
const START = '2026-04-01T00:00:00Z';
const ROLLUP_CHUNK = 5000;

const database = await createTestDatabase('postgres');
const { db } = database;

try {
  const generation = performance.now();
  await generate();
  // Autovacuum would gather statistics for the bulk-loaded tables over time. Without them, the event
  // counts of each rollup chunk scan every event instead of using the message index.
  await db.execute(sql`ANALYZE`);
  const generated = ((performance.now() - generation) / 1000).toFixed(0);

  const building = performance.now();
  await buildRollups();
  const built = ((performance.now() - building) / 1000).toFixed(0);
  await db.execute(sql`VACUUM ANALYZE`);

  const counts = rowsOf(await db.execute(sql`SELECT (SELECT count(*) FROM messages)::int AS messages, (SELECT count(*) FROM tracking_events)::int AS tracking, (SELECT count(*) FROM delivery_events)::int AS delivery, (SELECT count(*) FROM message_rollups_hourly)::int AS rollup_rows, (SELECT count(*) FROM message_rollups_by_dimension WHERE dimension = 'recipient_domain')::int AS domain_rows, (SELECT count(*) FROM message_rollups_by_quarter WHERE dimension = 'recipient_domain')::int AS domain_quarter_rows`))[0]!;
  console.log(`${counts.messages} messages, ${Number(counts.tracking) + Number(counts.delivery)} events (${counts.tracking} tracking, ${counts.delivery} delivery), ${counts.rollup_rows} combined rollup rows, ${counts.domain_rows} recipient domain rollup rows (${counts.domain_quarter_rows} per quarter hour); generated in ${generated} s, rollups built in ${built} s`);

  const params = parseReportParams({ from: START, to: '2026-05-01T00:00:00Z', tz: 'UTC', interval: 'day', split: 'recipient_domain' });
  const rollup = await measure(() => buildDeliverabilityReport(db, params, 'rollup'), runs);
  const raw = await measure(() => buildDeliverabilityReport(db, params, 'raw'), Math.min(runs, 3));
  const same = JSON.stringify({ ...rollup.report, source: 'raw' }) === JSON.stringify(raw.report);
  console.log(`rollup median ${rollup.median.toFixed(1)} ms (runs: ${rollup.times.map((t) => t.toFixed(0)).join(', ')}); raw median ${raw.median.toFixed(1)} ms (runs: ${raw.times.map((t) => t.toFixed(0)).join(', ')}); reports equal: ${same}`);
  if (!same) process.exitCode = 1;

  reportResult({
    benchmark: `deliverability report (PostgreSQL, ${(Number(counts.tracking) + Number(counts.delivery)).toLocaleString('en')} events)`,
    metric: '30-day report by recipient domain, median',
    unit: 'ms',
    value: Math.round(rollup.median * 10) / 10,
    baselineName: 'same report over raw tables',
    baseline: Math.round(raw.median * 10) / 10,
    ratio: rollup.median / raw.median,
    target: '< 100 ms and ratio ≤ 0.1',
    notes: `${counts.messages} messages, ${counts.domain_rows} recipient domain rollup rows (${counts.rollup_rows} combined), ${runs} rollup runs, ${Math.min(runs, 3)} raw runs, reports equal: ${same}`,
  });

  // The same 30 days as local days in Asia/Kolkata: from and to are local midnights, 18:30 UTC.
  const kolkataParams = parseReportParams({ from: '2026-04-01T00:00:00+05:30', to: '2026-05-01T00:00:00+05:30', tz: 'Asia/Kolkata', interval: 'day', split: 'recipient_domain' });
  const kolkataRollup = await measure(() => buildDeliverabilityReport(db, kolkataParams, 'rollup'), runs);
  const kolkataRaw = await measure(() => buildDeliverabilityReport(db, kolkataParams, 'raw'), Math.min(runs, 3));
  const kolkataSame = JSON.stringify({ ...kolkataRollup.report, source: 'raw' }) === JSON.stringify(kolkataRaw.report);
  console.log(`Asia/Kolkata: rollup median ${kolkataRollup.median.toFixed(1)} ms (runs: ${kolkataRollup.times.map((t) => t.toFixed(0)).join(', ')}); raw median ${kolkataRaw.median.toFixed(1)} ms (runs: ${kolkataRaw.times.map((t) => t.toFixed(0)).join(', ')}); reports equal: ${kolkataSame}`);
  if (!kolkataSame) process.exitCode = 1;

  reportResult({
    benchmark: `deliverability report in Asia/Kolkata (PostgreSQL, ${(Number(counts.tracking) + Number(counts.delivery)).toLocaleString('en')} events)`,
    metric: '30-day daily report by recipient domain, +05:30, median',
    unit: 'ms',
    value: Math.round(kolkataRollup.median * 10) / 10,
    baselineName: 'same report over raw tables',
    baseline: Math.round(kolkataRaw.median * 10) / 10,
    ratio: kolkataRollup.median / kolkataRaw.median,
    target: '< 100 ms and ratio ≤ 0.1',
    notes: `${counts.messages} messages, hourly rows for 690 whole hours and quarter-hour rows for 31 straddling hours (${counts.domain_quarter_rows} recipient domain quarter-hour rows in all), ${runs} rollup runs, ${Math.min(runs, 3)} raw runs, reports equal: ${kolkataSame}`,
  });
} finally {
  await database.dispose();
}

// Every value derives from the row number g, so messages and their events agree without a join.
async function generate(): Promise<void> {
  await db.execute(sql`INSERT INTO api_keys (id, name, secret_sha256, created_by) VALUES ('bench', 'bench', 'x', 'bench')`);
  await db.execute(sql`
    INSERT INTO messages (id, api_key_id, status, from_address, recipient_encrypted, recipient_domain, subject, body_encrypted, campaign, custom_fields,
                          attempts, queued_at, sent_at, delivered_at, failure_kind, tls_level)
    SELECT 'm' || g, 'bench', CASE WHEN g % 20 = 0 THEN 'failed' ELSE 'sent' END,
           CASE WHEN g % 7 = 0 THEN 'billing@clinic.example' ELSE 'reminders@clinic.example' END,
           'f1.x.x.x',
           'domain' || floor(40 * power(((g * 7919) % 1000) / 1000.0, 2))::int || '.example',
           (ARRAY['Your flu shot is due', 'Time for your annual check-up', 'How was your visit?', 'Your results are ready', 'Appointment reminder'])[1 + g % 5],
           'f1.x.x.x',
           (ARRAY['flu-shot', 'annual-recall', 'survey', 'results', 'reminder'])[1 + g % 5],
           jsonb_build_object('clinic', (ARRAY['north', 'south', 'east'])[1 + g % 3]),
           1,
           ${START}::timestamptz + (g::float8 / ${messageCount}) * interval '30 days',
           ${START}::timestamptz + (g::float8 / ${messageCount}) * interval '30 days' + interval '2 seconds',
           CASE WHEN g % 20 = 0 THEN NULL ELSE ${START}::timestamptz + (g::float8 / ${messageCount}) * interval '30 days' + interval '2 seconds' END,
           CASE WHEN g % 20 <> 0 THEN NULL WHEN g % 60 = 0 THEN 'soft' WHEN g % 40 = 0 THEN 'blocked' ELSE 'hard' END,
           (ARRAY['none', 'encrypted', 'verified', 'verified'])[1 + g % 4]
    FROM generate_series(1::bigint, ${messageCount}) AS g`);
  await db.execute(sql`
    INSERT INTO delivery_events (api_key_id, event_id, message_id, type, occurred_at, received_at)
    SELECT 'bench', 'd' || id, id, 'delivered', delivered_at, delivered_at FROM messages WHERE delivered_at IS NOT NULL`);

  // The rest of the events are opens (3 in 4) and clicks on links 1 to 3, each at least a minute after
  // its message was sent. is_unique stays false: the reports count from the events, not from that mark.
  const delivered = Number(rowsOf(await db.execute(sql`SELECT count(*)::int AS n FROM delivery_events`))[0]!.n);
  const tracking = Math.max(0, events - delivered);
  await db.execute(sql`
    INSERT INTO tracking_events (message_id, kind, link_number, occurred_at, machine_reason, is_unique)
    SELECT 'm' || m, CASE WHEN g % 4 = 3 THEN 'click' ELSE 'open' END, CASE WHEN g % 4 = 3 THEN 1 + g % 3 ELSE 0 END,
           ${START}::timestamptz + (m::float8 / ${messageCount}) * interval '30 days' + (60 + g % 86400) * interval '1 second',
           CASE WHEN g % 10 = 0 THEN 'scanner_user_agent' END, false
    FROM generate_series(1::bigint, ${tracking}) AS g, LATERAL (SELECT 1 + (g * 48271) % ${messageCount} AS m) AS pick`);
}

async function buildRollups(): Promise<void> {
  for (let from = 1; from <= messageCount; from += ROLLUP_CHUNK) {
    const ids = Array.from({ length: Math.min(ROLLUP_CHUNK, messageCount - from + 1) }, (_, i) => `m${from + i}`);
    await db.transaction((tx) => refreshRollups(tx, ids, 'recount'));
  }
}

async function measure(run: () => Promise<DeliverabilityReport>, count: number): Promise<{ median: number; times: number[]; report: DeliverabilityReport }> {
  const times: number[] = [];
  let report: DeliverabilityReport | undefined;
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    report = await run();
    times.push(performance.now() - started);
  }
  const sorted = [...times].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, times, report: report! };
}

// postgres.js returns an array of rows.
function rowsOf(result: unknown): Record<string, unknown>[] {
  return Array.isArray(result) ? (result as Record<string, unknown>[]) : ((result as { rows: Record<string, unknown>[] }).rows ?? []);
}
