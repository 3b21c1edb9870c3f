import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages, trackingEvents } from '../../collector/db/schema';
import type { EmailKeys } from '../../collector/keys/email-keys';
import { GroupCommit } from '../../collector/tracking/group-commit';
import { WRITE_ATTEMPTS, writeTrackingEvents, type TrackingEvent } from '../../collector/tracking/write-events';
import { apiHeaders, queueTrackedMessage } from '../support/email-fixtures';
import { createTestCollector } from '../support/test-collector';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';

const SENT_AT = new Date('2026-03-10T14:00:00Z');
const LATER = new Date('2026-03-10T15:00:00Z');
const READER = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)';
const GMAIL_PROXY = 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)';
const THREE_LINKS = '<p><a href="https://clinic.example/1">1</a> <a href="https://clinic.example/2">2</a> <a href="https://clinic.example/3">3</a></p>';

describe.each(drivers)('tracking events on %s', (driver) => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof createTestCollector>>['app'];
  let keys: EmailKeys;
  let headers: Record<string, string>;
  let now = LATER;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    const collector = await createTestCollector(database, { clock: () => now });
    app = collector.app;
    keys = collector.emailKeys;
    headers = await apiHeaders(database.db);
  });

  afterAll(async () => {
    await database?.dispose();
  });

  async function sentMessage(html = THREE_LINKS) {
    const queued = await queueTrackedMessage(app, database.db, keys, headers, { html });
    await database.db.update(messages).set({ status: 'sent', sentAt: SENT_AT }).where(eq(messages.id, queued.id));
    return queued;
  }

  async function eventsOf(messageId: string) {
    return database.db.select().from(trackingEvents).where(eq(trackingEvents.messageId, messageId)).orderBy(trackingEvents.id);
  }

  async function hit(path: string, init: { method?: string; userAgent?: string } = {}) {
    return app.request(path, { method: init.method ?? 'GET', headers: { 'user-agent': init.userAgent ?? READER } });
  }

  it('counts the first human open as unique', async () => {
    now = LATER;
    const message = await sentMessage();
    expect((await hit(`/t/o/${message.pixelToken}`)).status).toBe(200);
    expect((await hit(`/t/o/${message.pixelToken}`)).status).toBe(200);

    const events = await eventsOf(message.id);
    expect(events.map((event) => [event.kind, event.linkNumber, event.isUnique, event.machineReason])).toEqual([
      ['open', 0, true, null],
      ['open', 0, false, null],
    ]);
    expect(events[0]!.occurredAt).toEqual(LATER);
  });

  it('stores the event before the response', async () => {
    now = LATER;
    const message = await sentMessage();
    const response = await hit(`/t/c/${message.clickTokens[1]}`);
    expect(response.status).toBe(302);
    expect(await eventsOf(message.id)).toHaveLength(1);
  });

  it('counts one unique click per link', async () => {
    now = LATER;
    const message = await sentMessage();
    await hit(`/t/c/${message.clickTokens[0]}`);
    await hit(`/t/c/${message.clickTokens[0]}`);
    now = new Date(LATER.getTime() + 60_000);
    await hit(`/t/c/${message.clickTokens[1]}`);

    const events = await eventsOf(message.id);
    expect(events.map((event) => [event.linkNumber, event.isUnique])).toEqual([
      [1, true],
      [1, false],
      [2, true],
    ]);
  });

  it.each([
    ['a HEAD request', { method: 'HEAD' }, LATER, 'head_request'],
    ['a link scanner', { userAgent: 'Mozilla/5.0 (compatible; Barracuda Sentinel)' }, LATER, 'scanner_user_agent'],
    ['a hit soon after delivery', {}, new Date(SENT_AT.getTime() + 2_000), 'soon_after_delivery'],
  ] as const)('flags %s as a machine click', async (_case, init, at, reason) => {
    now = at;
    const message = await sentMessage();
    const response = await hit(`/t/c/${message.clickTokens[0]}`, init);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://clinic.example/1');

    const [event] = await eventsOf(message.id);
    expect(event!.machineReason).toBe(reason);
    expect(event!.isUnique).toBe(false);
  });

  it('flags a hit before delivery', async () => {
    now = LATER;
    const message = await queueTrackedMessage(app, database.db, keys, headers, { html: THREE_LINKS });
    await hit(`/t/o/${message.pixelToken}`);
    const [event] = await eventsOf(message.id);
    expect(event!.machineReason).toBe('before_delivery');
  });

  it('counts an image-proxy fetch as a human open', async () => {
    now = LATER;
    const message = await sentMessage();
    await hit(`/t/o/${message.pixelToken}`, { userAgent: GMAIL_PROXY });
    const [event] = await eventsOf(message.id);
    expect(event!.machineReason).toBeNull();
    expect(event!.isUnique).toBe(true);
  });

  it('flags every link clicked at once', async () => {
    now = LATER;
    const message = await sentMessage();
    for (const token of message.clickTokens) expect((await hit(`/t/c/${token}`)).status).toBe(302);

    const burst = await eventsOf(message.id);
    expect(burst.map((event) => event.machineReason)).toEqual(['all_links_at_once', 'all_links_at_once', 'all_links_at_once']);
    expect(burst.some((event) => event.isUnique)).toBe(false);

    // The reader's own click later is the first human click of that link.
    now = new Date(LATER.getTime() + 600_000);
    await hit(`/t/c/${message.clickTokens[0]}`);
    const last = (await eventsOf(message.id)).at(-1)!;
    expect(last.machineReason).toBeNull();
    expect(last.isUnique).toBe(true);
  });

  it('flags a burst inside one batch', async () => {
    const message = await sentMessage();
    const clicks = [1, 2, 3].map((linkNumber): TrackingEvent => ({ messageId: message.id, kind: 'click', linkNumber, occurredAt: LATER, machineReason: undefined }));
    await writeTrackingEvents(database.db, clicks);

    const events = await eventsOf(message.id);
    expect(events.map((event) => event.machineReason)).toEqual(['all_links_at_once', 'all_links_at_once', 'all_links_at_once']);
    expect(events.some((event) => event.isUnique)).toBe(false);
  });

  it('marks one unique per link in one batch', async () => {
    const message = await sentMessage();
    const event = (kind: 'open' | 'click', linkNumber: number, machineReason?: 'head_request'): TrackingEvent => ({ messageId: message.id, kind, linkNumber, occurredAt: LATER, machineReason });
    await writeTrackingEvents(database.db, [event('open', 0, 'head_request'), event('open', 0), event('click', 1), event('open', 0), event('click', 1)]);

    const events = await eventsOf(message.id);
    expect(events).toHaveLength(5);
    const uniques = events.filter((row) => row.isUnique).map((row) => [row.kind, row.linkNumber, row.machineReason]);
    expect(uniques.sort()).toEqual([
      ['click', 1, null],
      ['open', 0, null],
    ]);
  });

  it('marks one unique open in a batch of opens', async () => {
    const message = await sentMessage();
    const event = (kind: 'open' | 'click', linkNumber: number, machineReason?: 'head_request'): TrackingEvent => ({ messageId: message.id, kind, linkNumber, occurredAt: LATER, machineReason });
    await writeTrackingEvents(database.db, [event('open', 0), event('click', 1, 'head_request'), event('open', 0), event('open', 0)]);

    const events = await eventsOf(message.id);
    expect(events).toHaveLength(4);
    expect(events.filter((row) => row.isUnique).map((row) => [row.kind, row.machineReason])).toEqual([['open', null]]);
  });

  // A database whose statements fail with the given SQLSTATE for the first `failures` calls.
  function failingDatabase(code: string, failures: number) {
    const calls = { count: 0 };
    const db = new Proxy(database.db, {
      get(target, property) {
        // Without $client, runStatement sends every statement through execute.
        if (property === '$client') return undefined;
        if (property === 'execute') {
          return async (query: Parameters<typeof target.execute>[0]) => {
            if (calls.count++ < failures) throw Object.assign(new Error(`failed with ${code}`), { code });
            return target.execute(query);
          };
        }
        const value = Reflect.get(target, property) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    return { db, calls };
  }

  it('retries a batch a deadlock aborted', async () => {
    const message = await sentMessage();
    const { db, calls } = failingDatabase('40P01', 1);
    await writeTrackingEvents(db, [{ messageId: message.id, kind: 'open', linkNumber: 0, occurredAt: LATER, machineReason: undefined }]);

    expect(calls.count).toBe(2);
    expect(await eventsOf(message.id)).toHaveLength(1);
  });

  it('gives up after three deadlocks', async () => {
    const message = await sentMessage();
    const { db, calls } = failingDatabase('40P01', 3);
    await expect(writeTrackingEvents(db, [{ messageId: message.id, kind: 'open', linkNumber: 0, occurredAt: LATER, machineReason: undefined }])).rejects.toThrow('failed with 40P01');

    expect(calls.count).toBe(WRITE_ATTEMPTS);
    expect(await eventsOf(message.id)).toEqual([]);
  });

  it('does not retry other errors', async () => {
    const message = await sentMessage();
    const { db, calls } = failingDatabase('23505', 1);
    await expect(writeTrackingEvents(db, [{ messageId: message.id, kind: 'open', linkNumber: 0, occurredAt: LATER, machineReason: undefined }])).rejects.toThrow('failed with 23505');

    expect(calls.count).toBe(1);
    expect(await eventsOf(message.id)).toEqual([]);
  });

  it('records nothing for an invalid pixel token', async () => {
    const before = (await database.db.select().from(trackingEvents)).length;
    expect((await hit('/t/o/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).status).toBe(200);
    expect((await database.db.select().from(trackingEvents)).length).toBe(before);
  });

  it('counts one unique for simultaneous clicks', async () => {
    now = LATER;
    const message = await sentMessage();
    const responses = await Promise.all(Array.from({ length: 20 }, () => hit(`/t/c/${message.clickTokens[2]}`)));
    expect(responses.every((response) => response.status === 302)).toBe(true);

    const events = await eventsOf(message.id);
    expect(events).toHaveLength(20);
    expect(events.filter((event) => event.isUnique)).toHaveLength(1);
  });

  it('keeps one unique across two writers', async () => {
    const message = await sentMessage();
    const event: TrackingEvent = { messageId: message.id, kind: 'open', linkNumber: 0, occurredAt: LATER, machineReason: undefined };

    // Two writers stand for two collector processes; only the unique index can keep them apart.
    await Promise.all([writeTrackingEvents(database.db, [event]), writeTrackingEvents(database.db, [event]), writeTrackingEvents(database.db, [event])]);
    const uniques = await database.db.select().from(trackingEvents).where(and(eq(trackingEvents.messageId, message.id), eq(trackingEvents.isUnique, true)));
    expect(uniques).toHaveLength(1);
    expect(await eventsOf(message.id)).toHaveLength(3);
  });

  it('rejects a second unique row in the index', async () => {
    const message = await sentMessage();
    const row = { messageId: message.id, kind: 'open' as const, linkNumber: 0, occurredAt: LATER, isUnique: true };
    await database.db.insert(trackingEvents).values(row);
    await expect(database.db.insert(trackingEvents).values(row)).rejects.toMatchObject({ cause: { code: '23505' } });
  });

  it('commits concurrent events in one batch', async () => {
    const message = await sentMessage();
    const commit = new GroupCommit<TrackingEvent>((batch) => writeTrackingEvents(database.db, batch));
    const event: TrackingEvent = { messageId: message.id, kind: 'open', linkNumber: 0, occurredAt: LATER, machineReason: undefined };

    // The first add starts a writer, which takes its batch after this turn of the event loop, so the 49 added meanwhile join it.
    await Promise.all(Array.from({ length: 50 }, () => commit.add(event)));
    expect(commit.stats).toEqual({ batches: 1, items: 50 });
    expect(await eventsOf(message.id)).toHaveLength(50);

    // Items added while that batch is written share the next transaction.
    const first = commit.add(event);
    await Promise.resolve();
    const rest = Array.from({ length: 10 }, () => commit.add(event));
    await Promise.all([first, ...rest]);
    expect(commit.stats.items).toBe(61);
    expect(commit.stats.batches).toBeLessThanOrEqual(3);
  });

  it('writes batches side by side', async () => {
    const gates: (() => void)[] = [];
    const written: number[][] = [];
    let active = 0;
    let mostActive = 0;
    const commit = new GroupCommit<number>(async (takeBatch) => {
      const batch = takeBatch();
      active++;
      mostActive = Math.max(mostActive, active);
      await new Promise<void>((resolve) => gates.push(resolve));
      written.push(batch);
      active--;
    }, 500, 2);

    // The first writer has taken its batch, so the second item starts a second writer.
    const first = commit.add(1);
    const second = commit.add(2);
    expect(gates).toHaveLength(2);

    // Both writers are busy, so these two wait and share the next batch.
    const rest = [commit.add(3), commit.add(4)];
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(gates).toHaveLength(2);

    while (written.flat().length < 4) {
      gates.shift()?.();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    await Promise.all([first, second, ...rest]);
    expect(written).toEqual([[1], [2], [3, 4]]);
    expect(commit.stats).toEqual({ batches: 3, items: 4 });
    expect(mostActive).toBe(2);
  });

  it('rejects every item when a batch cannot start', async () => {
    const commit = new GroupCommit<number>(async () => {
      throw new Error('no connection');
    });
    const results = await Promise.allSettled([commit.add(1), commit.add(2)]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    await commit.flush();
    expect(commit.stats).toEqual({ batches: 0, items: 0 });
  });
});
