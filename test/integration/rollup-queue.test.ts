import { count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageRollupsByDimension, rollupQueue } from '../../collector/db/schema';
import { buildDeliverabilityReport } from '../../collector/reports/deliverability-report';
import { parseReportParams } from '../../collector/reports/report-params';
import { drainRollupQueue } from '../../collector/reports/rollup-queue';
import { startRollupWorker } from '../../collector/reports/rollup-worker';
import { writeTrackingEvents, type TrackingEvent } from '../../collector/tracking/write-events';
import { apiHeaders, queueTrackedMessage } from '../support/email-fixtures';
import { captureLogs } from '../support/log-capture';
import { createTestCollector } from '../support/test-collector';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';

const START = Date.parse('2026-06-01T09:00:00Z');
const HOUR = 3_600_000;
const MESSAGES = 12;
const REPORT = { from: '2026-06-01T00:00:00Z', to: '2026-06-11T00:00:00Z', tz: 'UTC', interval: 'day', split: 'recipient_domain' };
const LINKS = '<p><a href="https://clinic.example/a">a</a> <a href="https://clinic.example/b">b</a></p>';

describe.each(drivers)('rollup queue on %s', (driver) => {
  let database: TestDatabase;
  let messageIds: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    let now = new Date(START);
    const collector = await createTestCollector(database, { clock: () => now });
    const headers = await apiHeaders(database.db);
    for (let i = 0; i < MESSAGES; i++) {
      now = new Date(START + i * 13 * HOUR);
      const to = `patient${i}@${['north.example', 'south.example', 'east.example'][i % 3]}`;
      messageIds.push((await queueTrackedMessage(collector.app, database.db, collector.emailKeys, headers, { to, html: LINKS })).id);
    }
    messageIds = messageIds.sort();
  });

  afterAll(async () => {
    await database?.dispose();
  });

  const open = (messageId: string, minutes: number): TrackingEvent => ({ messageId, kind: 'open', linkNumber: 0, occurredAt: new Date(START + 20 * 24 * HOUR + minutes * 60_000), machineReason: undefined });
  const click = (messageId: string, linkNumber: number, minutes: number): TrackingEvent => ({ ...open(messageId, minutes), kind: 'click', linkNumber });

  async function queued(): Promise<number> {
    const [row] = await database.db.select({ n: count() }).from(rollupQueue);
    return Number(row!.n);
  }

  async function totalOpens(): Promise<number> {
    const [row] = await database.db
      .select({ n: sql<number>`coalesce(sum(${messageRollupsByDimension.openedTotalAll}), 0)::int` })
      .from(messageRollupsByDimension)
      .where(eq(messageRollupsByDimension.dimension, 'total'));
    return Number(row!.n);
  }

  async function expectRollupsMatchRaw() {
    const params = parseReportParams(REPORT);
    const raw = await buildDeliverabilityReport(database.db, params, 'raw');
    expect(raw.summary.opened.total).toBeGreaterThan(0);
    expect({ ...(await buildDeliverabilityReport(database.db, params, 'rollup')), source: 'raw' }).toEqual(raw);
    expect({ ...(await buildDeliverabilityReport(database.db, params, 'combined_rollup')), source: 'raw' }).toEqual(raw);
  }

  it('queues one row per message and batch', async () => {
    await drainRollupQueue(database.db);
    const before = await totalOpens();

    await writeTrackingEvents(database.db, [open(messageIds[0]!, 1), open(messageIds[0]!, 2), open(messageIds[1]!, 3)]);
    expect(await queued()).toBe(2);
    expect(await totalOpens()).toBe(before);

    expect(await drainRollupQueue(database.db)).toBe(2);
    expect(await queued()).toBe(0);
    expect(await totalOpens()).toBe(before + 3);
  });

  it('queues human clicks with their batch', async () => {
    await writeTrackingEvents(database.db, [click(messageIds[2]!, 1, 10), open(messageIds[2]!, 10)]);
    expect(await queued()).toBe(1);
    await drainRollupQueue(database.db);
    expect(await queued()).toBe(0);
  });

  it('drains in batches', async () => {
    await writeTrackingEvents(database.db, messageIds.map((id, i) => open(id, 20 + i)));
    expect(await drainRollupQueue(database.db, { batchSize: 5 })).toBe(MESSAGES);
    expect(await queued()).toBe(0);
    await expectRollupsMatchRaw();
  });

  it('drains before a rollup report', async () => {
    await writeTrackingEvents(database.db, [open(messageIds[3]!, 40), click(messageIds[4]!, 2, 41)]);
    expect(await queued()).toBe(2);
    await expectRollupsMatchRaw();
    expect(await queued()).toBe(0);
  });

  // PGlite has one connection, so no other transaction can hold a lock while the report runs.
  if (driver === 'postgres') {
    it('waits for a message locked elsewhere', async () => {
    // Another transaction holds the message's lock, as a drain in another process does while it refreshes.
    await writeTrackingEvents(database.db, [open(messageIds[7]!, 50)]);
    let release!: () => void;
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const holder = database.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT id FROM messages WHERE id = ${messageIds[7]!} FOR NO KEY UPDATE`);
      locked();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await lockTaken;

    const params = parseReportParams(REPORT);
    const report = buildDeliverabilityReport(database.db, params, 'rollup');
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    await holder;

    expect({ ...(await report), source: 'raw' }).toEqual(await buildDeliverabilityReport(database.db, params, 'raw'));
    expect(await queued()).toBe(0);
  });
  }

  it('counts once with concurrent drains', async () => {
    // Writers and drainers run together, so drains claim rows while later events of the same messages commit.
    let writing = true;
    const drainer = async () => {
      let drained = 0;
      while (writing) drained += await drainRollupQueue(database.db, { batchSize: 3 });
      return drained;
    };
    const drainers = [drainer(), drainer(), drainer()];
    for (let round = 0; round < 20; round++) {
      const batch = messageIds.map((id, i) => (i % 2 === 0 ? open(id, 60 + round) : click(id, 1 + (round % 2), 60 + round)));
      await Promise.all([writeTrackingEvents(database.db, batch.slice(0, 6)), writeTrackingEvents(database.db, batch.slice(6))]);
    }
    writing = false;
    const drained = (await Promise.all(drainers)).reduce((sum, n) => sum + n, 0);
    await drainRollupQueue(database.db);

    expect(drained).toBeGreaterThan(0);
    expect(await queued()).toBe(0);
    await expectRollupsMatchRaw();
  });

  it('drains in the background worker', async () => {
    const logs = captureLogs();
    const worker = startRollupWorker({ db: database.db, logger: logs.logger, intervalMs: 20 });
    try {
      const before = await totalOpens();
      await writeTrackingEvents(database.db, [open(messageIds[5]!, 200), open(messageIds[6]!, 201)]);

      const deadline = Date.now() + 10_000;
      while ((await queued()) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await queued()).toBe(0);
      expect(await totalOpens()).toBe(before + 2);
    } finally {
      await worker.stop();
    }
    expect(logs.text()).not.toContain('rollup worker pass failed');
  });
});
