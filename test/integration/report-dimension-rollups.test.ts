import { readdirSync, readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeliverabilityReport } from '../../collector/reports/deliverability-report';
import { refreshRollups } from '../../collector/reports/refresh-rollups';
import { parseReportParams } from '../../collector/reports/report-params';
import { writeTrackingEvents } from '../../collector/tracking/write-events';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';

const MESSAGES = 420;
const SPLITS = ['', 'campaign', 'custom:clinic', 'custom:ward', 'custom:absent', 'recipient_domain', 'subject', 'from'];

// Ranges over the 2026 DST changes: United States on March 8, European Union on March 29, Lord Howe Island
// (a half-hour change) on April 5; and zones whose offsets are not whole hours.
const ALIGNED = [
  { from: '2026-03-01T00:00:00Z', to: '2026-04-08T00:00:00Z', tz: 'UTC', interval: 'day' },
  { from: '2026-03-01T05:00:00Z', to: '2026-03-20T04:00:00Z', tz: 'America/New_York', interval: 'day' },
  { from: '2026-03-01T05:00:00Z', to: '2026-03-20T04:00:00Z', tz: 'America/New_York', interval: 'hour' },
  { from: '2026-03-01T23:00:00Z', to: '2026-04-07T22:00:00Z', tz: 'Europe/Berlin', interval: 'week' },
  { from: '2026-03-01T00:00:00Z', to: '2026-05-01T00:00:00Z', tz: 'UTC', interval: 'month' },
];
const HALF_HOUR = [
  { from: '2026-02-28T18:30:00Z', to: '2026-04-07T18:30:00Z', tz: 'Asia/Kolkata', interval: 'day' },
  { from: '2026-03-01T03:30:00Z', to: '2026-04-01T02:30:00Z', tz: 'America/St_Johns', interval: 'day' },
  { from: '2026-02-28T13:00:00Z', to: '2026-04-07T13:30:00Z', tz: 'Australia/Lord_Howe', interval: 'day' },
];

describe.each(drivers)('per-dimension report rollups on %s', (driver) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    const { db } = database;
    await db.execute(sql`INSERT INTO api_keys (id, name, secret_sha256, created_by) VALUES ('rollups', 'rollups', 'x', 'test')`);

    // Messages every 131 minutes from March 1, so queue times fall on every minute of the hour and on both
    // sides of each DST change. Some messages have no campaign or no custom fields.
    await db.execute(sql`
      INSERT INTO messages (id, api_key_id, status, from_address, recipient_encrypted, recipient_domain, subject, body_encrypted, campaign, custom_fields,
                            attempts, queued_at, sent_at, delivered_at, failure_kind, tls_level)
      SELECT 'm' || lpad(g::text, 4, '0'), 'rollups', 'sent',
             (ARRAY['reminders@clinic.example', 'billing@clinic.example'])[1 + g % 2],
             'x', (ARRAY['north.example', 'south.example', 'east.example'])[1 + g % 3],
             (ARRAY['Flu shots', 'Your recall', 'A short survey', 'Results'])[1 + g % 4], 'x',
             CASE WHEN g % 4 = 0 THEN NULL ELSE (ARRAY['flu', 'recall', 'survey'])[1 + g % 3] END,
             CASE WHEN g % 5 = 0 THEN '{}'::jsonb WHEN g % 5 = 1 THEN jsonb_build_object('clinic', 'north')
                  ELSE jsonb_build_object('clinic', (ARRAY['north', 'south'])[1 + g % 2], 'ward', (ARRAY['a', 'b', 'c'])[1 + g % 3]) END,
             1, timestamptz '2026-03-01T00:00:00Z' + g * interval '131 minutes',
             CASE WHEN g % 11 = 0 THEN NULL ELSE timestamptz '2026-03-01T00:00:00Z' + g * interval '131 minutes' + interval '2 seconds' END,
             CASE WHEN g % 11 = 0 OR g % 13 = 0 THEN NULL ELSE timestamptz '2026-03-01T00:00:00Z' + g * interval '131 minutes' + interval '3 seconds' END,
             CASE WHEN g % 13 = 0 THEN (ARRAY['hard', 'soft', 'blocked', 'dropped'])[1 + g % 4] END,
             CASE WHEN g % 11 = 0 THEN NULL ELSE (ARRAY['none', 'encrypted', 'verified'])[1 + g % 3] END
      FROM generate_series(1, ${MESSAGES}) AS g`);
    await db.execute(sql`
      INSERT INTO tracking_events (message_id, kind, link_number, occurred_at, machine_reason, is_unique)
      SELECT 'm' || lpad((1 + (g * 37) % ${MESSAGES})::text, 4, '0'), CASE WHEN g % 3 = 0 THEN 'click' ELSE 'open' END,
             CASE WHEN g % 3 = 0 THEN 1 + g % 2 ELSE 0 END, timestamptz '2026-03-01T00:00:00Z' + g * interval '7 minutes',
             CASE WHEN g % 7 = 0 THEN 'scanner_user_agent' END, false
      FROM generate_series(1, 900) AS g`);

    const ids = Array.from({ length: MESSAGES }, (_, i) => `m${String(i + 1).padStart(4, '0')}`);
    for (let start = 0; start < ids.length; start += 100) await db.transaction((tx) => refreshRollups(tx, ids.slice(start, start + 100), 'recount'));

    // Later hits through the tracking writer, which queues opens as counts to add and clicks for a recount.
    const at = new Date('2026-04-10T00:00:00Z');
    await writeTrackingEvents(db, [
      { messageId: 'm0003', kind: 'open', linkNumber: 0, occurredAt: at, machineReason: undefined },
      { messageId: 'm0040', kind: 'open', linkNumber: 0, occurredAt: at, machineReason: 'head_request' },
      { messageId: 'm0041', kind: 'click', linkNumber: 2, occurredAt: at, machineReason: undefined },
    ]);
  });

  afterAll(async () => {
    await database?.dispose();
  });

  async function expectSameAsRaw(query: Record<string, string>, source: 'auto' | 'rollup'): Promise<void> {
    for (const split of SPLITS) {
      for (const includeMachine of ['false', 'true']) {
        const params = parseReportParams({ ...query, include_machine: includeMachine, ...(split ? { split } : {}) });
        const raw = await buildDeliverabilityReport(database.db, params, 'raw');
        const report = await buildDeliverabilityReport(database.db, params, source);
        expect({ ...report, source: 'raw' }, `${query.tz} ${query.interval} split ${split || 'none'}`).toEqual(raw);
      }
    }
  }

  it('matches raw tables across DST changes', async () => {
    for (const query of ALIGNED) await expectSameAsRaw(query, 'rollup');
  });

  it('reads hourly and quarter-hour rollups for half-hour zones', async () => {
    for (const query of HALF_HOUR) {
      const params = parseReportParams(query);
      expect((await buildDeliverabilityReport(database.db, params)).source).toBe('rollup');
      // The combined rollup counts per hour only.
      await expect(buildDeliverabilityReport(database.db, params, 'combined_rollup')).rejects.toThrow(/UTC hours/);
      await expectSameAsRaw(query, 'auto');
    }
  });

  it('reads raw tables when the range ends are off the quarter hour', async () => {
    const query = { ...HALF_HOUR[0]!, from: '2026-03-01T10:07:00Z' };
    const params = parseReportParams(query);
    expect((await buildDeliverabilityReport(database.db, params)).source).toBe('raw');
    await expect(buildDeliverabilityReport(database.db, params, 'rollup')).rejects.toThrow(/quarter hours/);
    await expectSameAsRaw(query, 'auto');
  });

  it('covers DST changes and absent values', async () => {
    const report = await buildDeliverabilityReport(database.db, parseReportParams({ ...ALIGNED[1]!, split: 'campaign' }), 'raw');
    const days = new Set(report.series.filter((row) => row.queued > 0).map((row) => row.bucket.slice(0, 10)));
    expect(days).toContain('2026-03-07');
    expect(days).toContain('2026-03-09');
    expect(report.series.some((row) => row.split === null && row.queued > 0)).toBe(true);
    expect(report.summary.opened.unique).toBeGreaterThan(0);
    expect(report.summary.clicked.unique).toBeGreaterThan(0);
  });

  it('matches combined rollup and backfill', async () => {
    const params = parseReportParams({ ...ALIGNED[0]!, split: 'custom:ward', include_machine: 'true' });
    const combined = await buildDeliverabilityReport(database.db, params, 'combined_rollup');
    expect(await buildDeliverabilityReport(database.db, params, 'rollup')).toEqual(combined);

    const before = await dimensionRows();
    expect(before.length).toBeGreaterThan(0);
    // Found by name, since migrations are renumbered when branches merge.
    const folder = new URL('../../collector/db/migrations/', import.meta.url);
    const migration = readFileSync(new URL(readdirSync(folder).find((name) => name.endsWith('_per_dimension_rollups.sql'))!, folder), 'utf8');
    const backfill = migration.split('--> statement-breakpoint').find((statement) => statement.includes('INSERT INTO "message_rollups_by_dimension"'))!;
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`DELETE FROM message_rollups_by_dimension`);
      await tx.execute(sql.raw(backfill));
    });
    expect(await dimensionRows()).toEqual(before);
  });

  async function dimensionRows(): Promise<unknown[]> {
    const result = await database.db.execute(sql`SELECT * FROM message_rollups_by_dimension WHERE queued <> 0 ORDER BY dimension, hour, value`);
    const rows = Array.isArray(result) ? result : (result as { rows: unknown[] }).rows;
    return rows.map((row) => JSON.parse(JSON.stringify(row)));
  }
});
