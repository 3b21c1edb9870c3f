import { readdirSync, readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../collector/db/open-database';
import { buildDeliverabilityReport } from '../../collector/reports/deliverability-report';
import { refreshRollups } from '../../collector/reports/refresh-rollups';
import { parseReportParams } from '../../collector/reports/report-params';
import { writeTrackingEvents } from '../../collector/tracking/write-events';
import { FUZZ_TIMEOUT_MS, fuzzRuns } from '../support/fuzz-runs';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';

// Some zones have bucket boundaries on UTC quarter hours but not on UTC hours. Their reports read hourly rollup
// rows for the hours wholly inside a bucket and quarter-hour rows for the rest, and must equal the same report
// over the message and event tables.

const SPLITS = ['', 'recipient_domain', 'campaign', 'custom:clinic'];

// Queue times at these minutes of these UTC hours, on every day from March 24 to April 15, 2026, put messages on
// both sides of the boundaries below. Local midnight is 18:30Z in Asia/Kolkata (+05:30) and 18:15Z in
// Asia/Kathmandu (+05:45). In Australia/Adelaide it is 13:30Z before its DST change on April 5 (+10:30) and
// 14:30Z after it (+09:30). Hours 3 and 9 lie inside a day in all three zones.
const HOURS = [3, 9, 13, 14, 18];
const MINUTES = [10, 29, 31, 44, 46, 59];
const DAYS = 23;
const FIRST_DAY = Date.parse('2026-03-24T00:00:00Z');

const CASES = [
  { from: '2026-03-24T18:30:00Z', to: '2026-04-14T18:30:00Z', tz: 'Asia/Kolkata', interval: 'day' },
  { from: '2026-03-30T00:00:00Z', to: '2026-04-08T00:00:00Z', tz: 'Asia/Kolkata', interval: 'hour' },
  { from: '2026-03-23T00:00:00Z', to: '2026-04-13T00:00:00Z', tz: 'Asia/Kolkata', interval: 'week' },
  { from: '2026-03-25T18:15:00Z', to: '2026-04-12T18:15:00Z', tz: 'Asia/Kathmandu', interval: 'day' },
  { from: '2026-04-01T06:45:00Z', to: '2026-04-09T06:45:00Z', tz: 'Asia/Kathmandu', interval: 'hour' },
  { from: '2026-03-22T18:15:00Z', to: '2026-04-12T18:15:00Z', tz: 'Asia/Kathmandu', interval: 'week' },
  { from: '2026-03-28T13:30:00Z', to: '2026-04-12T14:30:00Z', tz: 'Australia/Adelaide', interval: 'day' },
  { from: '2026-04-01T00:00:00Z', to: '2026-04-09T00:00:00Z', tz: 'Australia/Adelaide', interval: 'hour' },
  { from: '2026-03-24T00:00:00Z', to: '2026-04-14T00:00:00Z', tz: 'Australia/Adelaide', interval: 'week' },
  // Range ends on a quarter hour in a whole-hour zone.
  { from: '2026-03-26T10:45:00Z', to: '2026-04-06T07:15:00Z', tz: 'UTC', interval: 'day' },
  { from: '2026-03-26T18:45:00Z', to: '2026-04-06T18:15:00Z', tz: 'Asia/Kolkata', interval: 'day' },
];

describe.each(drivers)('quarter-hour report rollups on %s', (driver) => {
  let database: TestDatabase;
  let ids: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    const { db } = database;
    await db.execute(sql`INSERT INTO api_keys (id, name, secret_sha256, created_by) VALUES ('quarters', 'quarters', 'x', 'test')`);

    const times: string[] = [];
    for (let day = 0; day < DAYS; day++) {
      for (const hour of HOURS) {
        for (const minute of MINUTES) times.push(new Date(FIRST_DAY + day * 86_400_000 + hour * 3_600_000 + minute * 60_000 + (day % 7) * 1000).toISOString());
      }
    }
    ids = times.map((_, i) => `q${String(i + 1).padStart(4, '0')}`);

    // Outcomes and attributes vary with the message number g; some messages have no campaign or no clinic.
    await db.execute(sql`
      INSERT INTO messages (id, api_key_id, status, from_address, recipient_encrypted, recipient_domain, subject, body_encrypted, campaign, custom_fields,
                            attempts, queued_at, sent_at, delivered_at, failure_kind, tls_level)
      SELECT 'q' || lpad(g::text, 4, '0'), 'quarters', 'sent',
             (ARRAY['reminders@clinic.example', 'billing@clinic.example'])[1 + g % 2],
             'x', (ARRAY['north.example', 'south.example', 'east.example'])[1 + g % 3],
             (ARRAY['Flu shots', 'Your recall'])[1 + g % 2], 'x',
             CASE WHEN g % 4 = 0 THEN NULL ELSE (ARRAY['flu', 'recall', 'survey'])[1 + g % 3] END,
             CASE WHEN g % 5 = 0 THEN '{}'::jsonb ELSE jsonb_build_object('clinic', (ARRAY['north', 'south'])[1 + g % 2]) END,
             1, q.queued_at,
             CASE WHEN g % 11 = 0 THEN NULL ELSE q.queued_at + interval '2 seconds' END,
             CASE WHEN g % 11 = 0 OR g % 13 = 0 THEN NULL ELSE q.queued_at + interval '3 minutes' END,
             CASE WHEN g % 13 = 0 THEN (ARRAY['hard', 'soft', 'blocked', 'dropped'])[1 + g % 4] END,
             CASE WHEN g % 11 = 0 THEN NULL ELSE (ARRAY['none', 'encrypted', 'verified'])[1 + g % 3] END
      FROM jsonb_array_elements_text(${JSON.stringify(times)}::jsonb) WITH ORDINALITY AS t(queued_text, g)
      CROSS JOIN LATERAL (SELECT t.queued_text::timestamptz AS queued_at) AS q`);
    await db.execute(sql`
      INSERT INTO tracking_events (message_id, kind, link_number, occurred_at, machine_reason, is_unique)
      SELECT 'q' || lpad((1 + (g * 37) % ${ids.length})::text, 4, '0'), CASE WHEN g % 3 = 0 THEN 'click' ELSE 'open' END,
             CASE WHEN g % 3 = 0 THEN 1 + g % 2 ELSE 0 END, timestamptz '2026-03-24T00:00:00Z' + g * interval '11 minutes',
             CASE WHEN g % 7 = 0 THEN 'scanner_user_agent' END, false
      FROM generate_series(1, ${Math.round(ids.length * 1.5)}) AS g`);

    for (let start = 0; start < ids.length; start += 150) await db.transaction((tx) => refreshRollups(tx, ids.slice(start, start + 150), 'recount'));

    // Later hits through the tracking writer, which queues them for the rollups, on messages queued at :29 and :31.
    const at = new Date('2026-04-16T00:00:00Z');
    await writeTrackingEvents(db, [
      { messageId: 'q0002', kind: 'open', linkNumber: 0, occurredAt: at, machineReason: undefined },
      { messageId: 'q0003', kind: 'open', linkNumber: 0, occurredAt: at, machineReason: 'head_request' },
      { messageId: 'q0027', kind: 'click', linkNumber: 2, occurredAt: at, machineReason: undefined },
    ]);
  });

  afterAll(async () => {
    await database?.dispose();
  });

  async function expectSameAsRaw(query: Record<string, string>, db: Database = database.db): Promise<void> {
    for (const split of SPLITS) {
      for (const includeMachine of ['false', 'true']) {
        const params = parseReportParams({ ...query, include_machine: includeMachine, ...(split ? { split } : {}) });
        const raw = await buildDeliverabilityReport(db, params, 'raw');
        const rollup = await buildDeliverabilityReport(db, params, 'rollup');
        const label = `${query.tz} ${query.interval} ${query.from} split ${split || 'none'} machine ${includeMachine}`;
        expect(rollup.source, label).toBe('rollup');
        expect({ ...rollup, source: 'raw' }, label).toEqual(raw);
        expect(await buildDeliverabilityReport(db, params), label).toEqual(rollup);
      }
    }
  }

  it('has messages and events on both sides of the boundaries', async () => {
    const report = await buildDeliverabilityReport(database.db, parseReportParams({ ...CASES[0]!, split: 'campaign' }), 'raw');
    expect(report.summary.queued).toBeGreaterThan(500);
    expect(report.summary.delivered).toBeGreaterThan(0);
    expect(report.summary.opened.unique).toBeGreaterThan(0);
    expect(report.summary.clicked.unique).toBeGreaterThan(0);
    expect(report.summary.failed.hard + report.summary.failed.soft + report.summary.failed.blocked + report.summary.failed.dropped).toBeGreaterThan(0);
    expect(report.series.some((row) => row.split === null && row.queued > 0)).toBe(true);

    // Adelaide's days are 24 hours, then 25 hours on April 5, then 24 hours again, all starting at local midnight.
    const adelaide = await buildDeliverabilityReport(database.db, parseReportParams(CASES[6]!), 'rollup');
    expect(adelaide.series.map((row) => row.bucket)).toContain('2026-04-05T00:00:00+10:30');
    expect(adelaide.series.map((row) => row.bucket)).toContain('2026-04-06T00:00:00+09:30');
    expect(adelaide.series.every((row) => row.queued > 0)).toBe(true);
  });

  it('matches the raw tables in half-hour and 45-minute zones, across DST', async () => {
    for (const query of CASES) await expectSameAsRaw(query);
  });

  it('reads quarter-hour rows only for hours that straddle a boundary', async () => {
    // Kolkata's daily boundaries and the range ends are at 18:30Z. Without the quarter rows of every other hour,
    // the report must not change: those hours come from the hourly rows.
    const query = CASES[0]!;
    await expect(
      database.db.transaction(async (tx) => {
        await tx.execute(sql`DELETE FROM message_rollups_by_quarter WHERE extract(hour FROM quarter AT TIME ZONE 'UTC') <> 18`);
        await expectSameAsRaw(query, tx as unknown as Database);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    // And the 18:00Z hours come from the quarter rows: without them, the counts change.
    await expect(
      database.db.transaction(async (tx) => {
        const params = parseReportParams(query);
        const before = await buildDeliverabilityReport(tx as unknown as Database, params, 'rollup');
        await tx.execute(sql`DELETE FROM message_rollups_by_quarter WHERE extract(hour FROM quarter AT TIME ZONE 'UTC') = 18`);
        const after = await buildDeliverabilityReport(tx as unknown as Database, params, 'rollup');
        expect(after.summary.queued).toBeLessThan(before.summary.queued);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
  });

  it('reads raw off quarter hours', async () => {
    const offQuarter = parseReportParams({ ...CASES[0]!, from: '2026-03-24T18:37:00Z' });
    expect((await buildDeliverabilityReport(database.db, offQuarter)).source).toBe('raw');
    await expect(buildDeliverabilityReport(database.db, offQuarter, 'rollup')).rejects.toThrow(/quarter hours/);
    await expect(buildDeliverabilityReport(database.db, parseReportParams(CASES[0]!), 'combined_rollup')).rejects.toThrow(/UTC hours/);
  });

  it('matches the raw tables for generated quarter-hour ranges', async () => {
    const zones = ['Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Adelaide', 'America/St_Johns', 'Australia/Lord_Howe', 'UTC', 'America/New_York'];
    const quarters = DAYS * 96;
    const range = fc
      .tuple(fc.integer({ min: -96, max: quarters }), fc.integer({ min: 8 * 96 + 1, max: 20 * 96 }))
      .map(([start, length]) => ({ from: new Date(FIRST_DAY + start * 900_000).toISOString(), to: new Date(FIRST_DAY + (start + length) * 900_000).toISOString() }));
    await fc.assert(
      fc.asyncProperty(range, fc.constantFrom(...zones), fc.constantFrom('hour', 'day', 'week', 'month'), fc.constantFrom(...SPLITS), fc.boolean(), async ({ from, to }, tz, interval, split, includeMachine) => {
        const params = parseReportParams({ from, to, tz, interval, include_machine: String(includeMachine), ...(split ? { split } : {}) });
        const raw = await buildDeliverabilityReport(database.db, params, 'raw');
        const rollup = await buildDeliverabilityReport(database.db, params);
        expect(rollup.source).toBe('rollup');
        expect({ ...rollup, source: 'raw' }).toEqual(raw);
      }),
      { numRuns: fuzzRuns(driver === 'pglite' ? 40 : 20) },
    );
  }, FUZZ_TIMEOUT_MS);

  it('keeps quarter rows consistent', async () => {
    const { db } = database;
    // Outcome changes after the first refresh: a bounce on a delivered message, a delivery, new opens and clicks.
    await db.transaction(async (tx) => {
      await tx.execute(sql`UPDATE messages SET failure_kind = 'hard' WHERE id IN ('q0004', 'q0031')`);
      await tx.execute(sql`UPDATE messages SET delivered_at = queued_at + interval '1 hour', failure_kind = NULL WHERE id = 'q0013'`);
      await tx.execute(sql`
        INSERT INTO tracking_events (message_id, kind, link_number, occurred_at, machine_reason, is_unique)
        VALUES ('q0005', 'open', 0, '2026-04-17T00:00:00Z', NULL, false), ('q0006', 'click', 1, '2026-04-17T00:00:00Z', 'scanner_user_agent', false)`);
      await refreshRollups(tx, ['q0004', 'q0031', 'q0013', 'q0005', 'q0006'], 'recount');
    });
    await writeTrackingEvents(db, [{ messageId: 'q0030', kind: 'open', linkNumber: 0, occurredAt: new Date('2026-04-17T00:00:00Z'), machineReason: undefined }]);
    await expectSameAsRaw(CASES[0]!);

    // Quarter rows summed per hour are the hourly rows.
    const counters = sql.raw(
      ['queued', 'sent', 'delivered', 'failed_hard', 'opened_total_human', 'opened_total_all', 'clicked_unique_all', 'delivered_opened_clicked_all'].map((name) => `sum(${name})::int AS ${name}`).join(', '),
    );
    const byHour = await rows(sql`
      SELECT dimension, date_bin('1 hour', quarter, timestamptz '2000-01-01 00:00:00+00') AS hour, value, ${counters}
      FROM message_rollups_by_quarter GROUP BY 1, 2, 3 HAVING sum(queued) <> 0 ORDER BY 1, 2, 3`);
    const hourly = await rows(sql`SELECT dimension, hour, value, ${counters} FROM message_rollups_by_dimension GROUP BY 1, 2, 3 HAVING sum(queued) <> 0 ORDER BY 1, 2, 3`);
    expect(byHour.length).toBeGreaterThan(0);
    expect(byHour).toEqual(hourly);

    // The migration's backfill from each message's rollup_contribution gives the same rows.
    const before = await rows(sql`SELECT * FROM message_rollups_by_quarter WHERE queued <> 0 ORDER BY dimension, quarter, value`);
    const folder = new URL('../../collector/db/migrations/', import.meta.url);
    // Found by name, so that the test does not depend on the migration's number.
    const migration = readFileSync(new URL(readdirSync(folder).find((name) => name.endsWith('_quarter_hour_rollups.sql'))!, folder), 'utf8');
    const backfill = migration.split('--> statement-breakpoint').find((statement) => statement.includes('INSERT INTO "message_rollups_by_quarter"'))!;
    await db.transaction(async (tx) => {
      await tx.execute(sql`DELETE FROM message_rollups_by_quarter`);
      // The session zone must not move the slots.
      await tx.execute(sql`SELECT set_config('TimeZone', 'Asia/Kathmandu', true)`);
      await tx.execute(sql.raw(backfill));
    });
    expect(await rows(sql`SELECT * FROM message_rollups_by_quarter WHERE queued <> 0 ORDER BY dimension, quarter, value`)).toEqual(before);
    await expectSameAsRaw(CASES[3]!);
  });

  async function rows(query: ReturnType<typeof sql>): Promise<unknown[]> {
    const result = await database.db.execute(query);
    const list = Array.isArray(result) ? result : (result as { rows: unknown[] }).rows;
    return list.map((row) => JSON.parse(JSON.stringify(row)));
  }
});
