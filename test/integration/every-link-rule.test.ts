import fc from 'fast-check';
import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trackingEvents } from '../../collector/db/schema';
import type { EmailKeys } from '../../collector/keys/email-keys';
import { writeTrackingEvents, type TrackingEvent } from '../../collector/tracking/write-events';
import { apiHeaders, queueTrackedMessage } from '../support/email-fixtures';
import { applyBatchToModel, type ModelEvent } from '../support/every-link-model';
import { FUZZ_TIMEOUT_MS, fuzzRuns } from '../support/fuzz-runs';
import { createTestCollector } from '../support/test-collector';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';

const START = Date.parse('2026-03-10T15:00:00Z');
const LINKS = (count: number) => `<p>${Array.from({ length: count }, (_, i) => `<a href="https://clinic.example/${i + 1}">${i + 1}</a>`).join(' ')}</p>`;

// A generated event names its message by position (0: two links, 1: three links, 2: one link) and its time
// as quarter seconds from START, so many events fall on the window's edges.
const generatedEvent = fc.record({
  message: fc.integer({ min: 0, max: 2 }),
  kind: fc.constantFrom('click', 'click', 'click', 'open'),
  link: fc.integer({ min: 1, max: 3 }),
  quarterSeconds: fc.integer({ min: 0, max: 24 }),
  headRequest: fc.boolean(),
});

describe.each(drivers)('every-link rule on %s', (driver) => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof createTestCollector>>['app'];
  let keys: EmailKeys;
  let headers: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    const collector = await createTestCollector(database, { clock: () => new Date(START) });
    app = collector.app;
    keys = collector.emailKeys;
    headers = await apiHeaders(database.db);
  });

  afterAll(async () => {
    await database?.dispose();
  });

  async function storedEvents(messageIds: string[]): Promise<ModelEvent[]> {
    const rows = await database.db.select().from(trackingEvents).where(inArray(trackingEvents.messageId, messageIds));
    return rows.map((row) => ({ messageId: row.messageId, kind: row.kind, linkNumber: row.linkNumber, at: row.occurredAt.getTime(), reason: row.machineReason, unique: row.isUnique }));
  }

  it('stores what writing the events one by one would store', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(generatedEvent, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 4 }), async (batches) => {
        const linkCounts = [2, 3, 1];
        const messageIds: string[] = [];
        for (const count of linkCounts) messageIds.push((await queueTrackedMessage(app, database.db, keys, headers, { html: LINKS(count) })).id);
        const counts = new Map(messageIds.map((id, i) => [id, linkCounts[i]!]));

        let model: ModelEvent[] = [];
        for (const generated of batches) {
          const batch = generated.map((event): TrackingEvent => {
            const messageId = messageIds[event.message]!;
            const linkNumber = event.kind === 'open' ? 0 : Math.min(event.link, counts.get(messageId)!);
            return { messageId, kind: event.kind as 'open' | 'click', linkNumber, occurredAt: new Date(START + event.quarterSeconds * 250), machineReason: event.headRequest ? 'head_request' : undefined };
          });
          await writeTrackingEvents(database.db, batch);
          model = applyBatchToModel(model, batch, counts);
        }

        expect(sorted(await storedEvents(messageIds))).toEqual(sorted(model));
      }),
      { numRuns: fuzzRuns(driver === 'pglite' ? 60 : 40) },
    );
  }, FUZZ_TIMEOUT_MS);
});

// Rows of one batch are stored unique ones first, so the comparison ignores the order of rows.
function sorted(events: ModelEvent[]): string[] {
  return events.map((event) => JSON.stringify([event.messageId, event.kind, event.linkNumber, event.at, event.reason, event.unique])).sort();
}
