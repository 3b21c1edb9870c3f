// Benchmark, not a test. It times the tracking writer on a batch in which a
// link scanner clicks every link of a message. The baseline is a batch of as
// many human opens on the same database, measured in the same run.
//
//   npx tsx test/bench/scanner-burst.ts [postgres|pglite, default postgres]
//
// The message has 50 links and 20,000 stored clicks; each burst batch holds
// 500 clicks, the 50 links ten times over, 10 ms apart, so every click from
// the 50th on is a burst. A last batch also turns a stored human click into a
// machine click, which takes the reclassifying transaction. On PGlite the
// writer runs in the collector's own thread, so these times are also how long
// the collector answers no request.
import os from 'node:os';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../collector/db/run-statement';
import { messages } from '../../collector/db/schema';
import { writeTrackingEvents, type TrackingEvent } from '../../collector/tracking/write-events';
import { apiHeaders, queueTrackedMessage } from '../support/email-fixtures';
import { createTestCollector } from '../support/test-collector';
import { createTestDatabase, findPostgres } from '../support/test-databases';
import { reportResult } from './support/report';

const driver = process.argv[2] === 'pglite' ? 'pglite' : 'postgres';
const ROUNDS = 5;
const LINKS = 50;
const BATCH = 500;
const START = Date.parse('2026-03-10T15:00:00Z');

if (driver === 'postgres' && !(await findPostgres())) throw new Error('No PostgreSQL server answers; set TEST_DATABASE_URL or start one on 127.0.0.1:5432, or pass pglite.');
const database = await createTestDatabase(driver);

try {
  const collector = await createTestCollector(database);
  const headers = await apiHeaders(database.db);
  const html = `<p>${Array.from({ length: LINKS }, (_, i) => `<a href="https://clinic.example/${i + 1}">${i + 1}</a>`).join(' ')}</p>`;
  const scanned = (await queueTrackedMessage(collector.app, database.db, collector.emailKeys, headers, { html })).id;
  const opened = (await queueTrackedMessage(collector.app, database.db, collector.emailKeys, headers, { html })).id;
  await database.db.update(messages).set({ status: 'sent', sentAt: new Date(START - 86_400_000) });

  // Earlier scanner clicks, one every 43 s over ten days, so the index contains a long history for the message.
  await database.db.execute(sql`INSERT INTO tracking_events (message_id, kind, link_number, occurred_at, machine_reason, is_unique)
    SELECT ${scanned}, 'click', 1 + k % ${LINKS}, ${new Date(START - 11 * 86_400_000).toISOString()}::timestamptz + k * interval '43 seconds', 'scanner_user_agent', false
    FROM generate_series(1, 20000) k`);
  await database.db.execute(sql`ANALYZE tracking_events`);

  const burstTimes: number[] = [];
  const openTimes: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const base = START + round * 60_000;
    const clicks: TrackingEvent[] = Array.from({ length: BATCH }, (_, i) => ({ messageId: scanned, kind: 'click', linkNumber: 1 + (i % LINKS), occurredAt: new Date(base + i * 10), machineReason: undefined }));
    const opens: TrackingEvent[] = Array.from({ length: BATCH }, (_, i) => ({ messageId: opened, kind: 'open', linkNumber: 0, occurredAt: new Date(base + i * 10), machineReason: undefined }));
    burstTimes.push(await timed(() => writeTrackingEvents(database.db, clicks)));
    openTimes.push(await timed(() => writeTrackingEvents(database.db, opens)));
  }

  // A human click stored just before a burst makes the batch reclassify it.
  const base = START + 30 * 60_000;
  await writeTrackingEvents(database.db, [{ messageId: scanned, kind: 'click', linkNumber: 1, occurredAt: new Date(base - 500), machineReason: undefined }]);
  const reclassifying: TrackingEvent[] = Array.from({ length: BATCH }, (_, i) => ({ messageId: scanned, kind: 'click', linkNumber: 1 + ((i + 1) % LINKS), occurredAt: new Date(base + i * 10), machineReason: undefined }));
  const reclassifyTime = await timed(() => writeTrackingEvents(database.db, reclassifying));

  // Every click of the scanned message, the human one stored before the last burst included, must now be a machine click.
  const [left] = rowsOf(await database.db.execute(sql`SELECT count(*)::int AS human FROM tracking_events WHERE message_id = ${scanned} AND machine_reason IS NULL`));
  if (Number(left!.human) !== 0) throw new Error(`${String(left!.human)} human clicks are left on the scanned message; the every-link rule missed them.`);

  const burst = median(burstTimes);
  const open = median(openTimes);
  const settings = `${driver}, ${BATCH} events per batch, ${LINKS}-link message with 20000 stored clicks, median of ${ROUNDS}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(1)}`;
  console.log(`burst batches ${burstTimes.join(', ')} ms; open batches ${openTimes.join(', ')} ms; reclassifying batch ${reclassifyTime} ms`);
  reportResult({
    benchmark: `scanner burst (${driver})`,
    metric: `${BATCH}-click batch clicking all ${LINKS} links of a message ten times, median`,
    unit: 'ms',
    value: burst,
    baselineName: `${BATCH} human opens of one message`,
    baseline: open,
    ratio: burst / open,
    notes: `${settings}; a burst batch that also reclassifies a stored human click: ${reclassifyTime} ms`,
  });
} finally {
  await database.dispose();
}

async function timed(write: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await write();
  return Math.round(performance.now() - started);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
