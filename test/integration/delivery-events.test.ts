import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryEvents, messages, trackingLinks } from '../../collector/db/schema';
import type { EmailKeys } from '../../collector/keys/email-keys';
import { apiHeaders, queueTrackedMessage, readStoredMessage, sampleMessage } from '../support/email-fixtures';
import { databaseFingerprint } from '../support/table-counts';
import { createTestCollector } from '../support/test-collector';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';

type ErrorBody = { error: { code: string; message: string; index?: number; field?: string } };

describe.each(drivers)('delivery events and external messages on %s', (driver) => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof createTestCollector>>['app'];
  let keys: EmailKeys;
  let headers: Record<string, string>;
  const now = new Date('2026-03-10T15:00:00Z');

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

  async function postEvents(body: unknown) {
    return app.request('/v1/messages/events', { method: 'POST', headers, body: JSON.stringify(body) });
  }

  async function message(id: string) {
    const [row] = await database.db.select().from(messages).where(eq(messages.id, id));
    return row!;
  }

  it('applies delivered and complained events', async () => {
    const { id } = await queueTrackedMessage(app, database.db, keys, headers);
    const response = await postEvents([
      { id: 'evt-1', messageId: id, type: 'delivered', occurredAt: '2026-03-10T15:01:00Z' },
      { id: 'evt-2', messageId: id, type: 'complained', occurredAt: '2026-03-10T16:00:00+01:00' },
    ]);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ recorded: 2, duplicates: 0 });

    const row = await message(id);
    expect(row.deliveredAt).toEqual(new Date('2026-03-10T15:01:00Z'));
    expect(row.complainedAt).toEqual(new Date('2026-03-10T15:00:00Z'));
    expect(row.failureKind).toBeNull();
  });

  it('ignores an exact replay', async () => {
    const { id } = await queueTrackedMessage(app, database.db, keys, headers);
    const event = { id: 'evt-bounce', messageId: id, type: 'bounced', bounceType: 'hard', smtpCode: 550, occurredAt: '2026-03-10T15:02:00Z' };
    expect(await (await postEvents(event)).json()).toEqual({ recorded: 1, duplicates: 0 });

    // The same instant written in another zone is the same content.
    const replay = await postEvents([{ ...event, occurredAt: '2026-03-10T16:02:00+01:00' }, event]);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ recorded: 0, duplicates: 2 });

    const row = await message(id);
    expect(row.failureKind).toBe('hard');
    expect(row.smtpCode).toBe(550);
    expect(await database.db.select().from(deliveryEvents).where(eq(deliveryEvents.messageId, id))).toHaveLength(1);
  });

  it.each([
    ['another type', { type: 'delivered', bounceType: undefined, smtpCode: undefined }, ['type', 'bounceType', 'smtpCode']],
    ['another bounce type', { bounceType: 'soft' }, ['bounceType']],
    ['another time', { occurredAt: '2026-03-10T15:03:00Z' }, ['occurredAt']],
  ])('rejects a reused id with %s', async (_case, change, differing) => {
    const { id } = await queueTrackedMessage(app, database.db, keys, headers);
    const eventId = `evt-reused-${differing.join('-')}`;
    const event = { id: eventId, messageId: id, type: 'bounced', bounceType: 'hard', smtpCode: 550, occurredAt: '2026-03-10T15:02:00Z' };
    expect((await postEvents(event)).status).toBe(200);

    const before = await databaseFingerprint(database.db);
    const response = await postEvents([
      { id: `fresh-${eventId}`, messageId: id, type: 'complained', occurredAt: '2026-03-10T15:04:00Z' },
      { ...event, ...change },
    ]);
    expect(response.status).toBe(409);
    const { error } = (await response.json()) as ErrorBody & { error: { differing: string[] } };
    expect(error.code).toBe('event_id_conflict');
    expect(error.message).toBe(`events[1].id "${eventId}" was already recorded with a different ${differing.join(', ')}; event ids must be unique, so give each distinct event a new id.`);
    expect(error.index).toBe(1);
    expect(error.field).toBe('id');
    expect(error.differing).toEqual(differing);
    expect(await databaseFingerprint(database.db)).toEqual(before);
    expect((await message(id)).complainedAt).toBeNull();
  });

  it('rejects a reused id within one request', async () => {
    const { id } = await queueTrackedMessage(app, database.db, keys, headers);
    const before = await databaseFingerprint(database.db);
    const response = await postEvents([
      { id: 'evt-twice', messageId: id, type: 'delivered', occurredAt: '2026-03-10T15:01:00Z' },
      { id: 'evt-twice', messageId: id, type: 'complained', occurredAt: '2026-03-10T15:01:00Z' },
    ]);
    expect(response.status).toBe(409);
    expect(((await response.json()) as ErrorBody).error.code).toBe('event_id_conflict');
    expect(await databaseFingerprint(database.db)).toEqual(before);
  });

  it.each([
    ['far in the future', '2099-12-05T08:00:00Z', 'occurred_in_future', 'events[1].occurredAt "2099-12-05T08:00:00Z" is more than 5 minutes after the collector\'s time 2026-03-10T15:00:00.000Z; send the time the event happened, and check the sender\'s clock.'],
    ['just past the skew', '2026-03-10T15:05:01Z', 'occurred_in_future', 'events[1].occurredAt "2026-03-10T15:05:01Z" is more than 5 minutes after the collector\'s time 2026-03-10T15:00:00.000Z; send the time the event happened, and check the sender\'s clock.'],
    ['before the message was queued', '2026-03-10T14:54:59Z', 'occurred_before_queued', 'events[1].occurredAt 2026-03-10T14:54:59.000Z is before message MESSAGE was queued at 2026-03-10T15:00:00.000Z; check the messageId and the sender\'s clock.'],
  ])('rejects a time %s', async (_case, occurredAt, code, text) => {
    const { id } = await queueTrackedMessage(app, database.db, keys, headers);
    const before = await databaseFingerprint(database.db);
    const response = await postEvents([
      { id: `ok-${occurredAt}`, messageId: id, type: 'delivered', occurredAt: '2026-03-10T15:00:00Z' },
      { id: `bad-${occurredAt}`, messageId: id, type: 'complained', occurredAt },
    ]);
    expect(response.status).toBe(422);
    const { error } = (await response.json()) as ErrorBody;
    expect(error.code).toBe(code);
    expect(error.message).toBe(text.replace('MESSAGE', id));
    expect(error.index).toBe(1);
    expect(error.field).toBe('occurredAt');
    expect(await databaseFingerprint(database.db)).toEqual(before);
  });

  it('accepts times within the clock skew', async () => {
    const { id } = await queueTrackedMessage(app, database.db, keys, headers);
    const response = await postEvents([
      { id: 'evt-early', messageId: id, type: 'delivered', occurredAt: '2026-03-10T14:55:00Z' },
      { id: 'evt-late', messageId: id, type: 'complained', occurredAt: '2026-03-10T15:05:00Z' },
    ]);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ recorded: 2, duplicates: 0 });
  });

  it('treats a deferral as no failure', async () => {
    const { id } = await queueTrackedMessage(app, database.db, keys, headers);
    expect((await postEvents({ id: 'evt-defer', messageId: id, type: 'deferred', smtpCode: 451, occurredAt: '2026-03-10T15:03:00Z' })).status).toBe(200);
    const row = await message(id);
    expect(row.failureKind).toBeNull();
    expect(row.failedAt).toBeNull();
  });

  it('records a blocked event as a failure', async () => {
    const { id } = await queueTrackedMessage(app, database.db, keys, headers);
    await postEvents({ id: 'evt-block', messageId: id, type: 'blocked', smtpCode: 554, occurredAt: '2026-03-10T15:04:00Z' });
    expect((await message(id)).failureKind).toBe('blocked');
  });

  it.each([
    ['an unknown type', { type: 'opened' }, 'invalid_field', 'events[1].type must be one of delivered, deferred, bounced, complained, blocked.', 'type'],
    ['a bounce without a code', { type: 'bounced', bounceType: 'hard' }, 'missing_field', 'events[1].smtpCode is missing; a bounced event needs the SMTP reply code, such as 550.', 'smtpCode'],
    ['a bounce without a type', { type: 'bounced', smtpCode: 550 }, 'invalid_field', 'events[1].bounceType must be hard or soft for a bounced event.', 'bounceType'],
    ['a time without a zone', { occurredAt: '2026-03-10T14:00:00' }, 'invalid_field', 'events[1].occurredAt must be an ISO 8601 time with a zone, such as 2026-03-10T14:00:00Z.', 'occurredAt'],
    ['an unknown message', { messageId: 'no-such-message' }, 'message_not_found', 'events[1].messageId names no message of this API key; use the id returned by POST /v1/messages or /v1/messages/external to this key.', 'messageId'],
  ])('rejects %s and stores nothing', async (_case, override, code, text, field) => {
    const { id } = await queueTrackedMessage(app, database.db, keys, headers);
    const before = (await database.db.select().from(deliveryEvents)).length;
    const response = await postEvents([
      { id: `ok-${code}-${field}`, messageId: id, type: 'delivered', occurredAt: '2026-03-10T15:00:00Z' },
      { id: `bad-${code}-${field}`, messageId: id, type: 'delivered', occurredAt: '2026-03-10T15:00:00Z', ...override },
    ]);
    expect(response.status).toBe(422);
    const { error } = (await response.json()) as ErrorBody;
    expect(error.code).toBe(code);
    expect(error.message).toBe(text);
    expect(error.index).toBe(1);
    expect(error.field).toBe(field);
    expect((await database.db.select().from(deliveryEvents)).length).toBe(before);
    expect((await message(id)).deliveredAt).toBeNull();
  });

  it("rejects an event for another key's message", async () => {
    const { id } = await queueTrackedMessage(app, database.db, keys, headers);
    const otherHeaders = await apiHeaders(database.db);
    const before = await databaseFingerprint(database.db);
    const response = await app.request('/v1/messages/events', { method: 'POST', headers: otherHeaders, body: JSON.stringify({ id: 'evt-other-key', messageId: id, type: 'bounced', bounceType: 'hard', smtpCode: 550, occurredAt: '2026-03-10T15:01:00Z' }) });

    expect(response.status).toBe(422);
    const { error } = (await response.json()) as ErrorBody;
    expect(error.code).toBe('message_not_found');
    expect(error.message).toBe('events[0].messageId names no message of this API key; use the id returned by POST /v1/messages or /v1/messages/external to this key.');
    expect(await databaseFingerprint(database.db)).toEqual(before);
  });

  it('accepts an event for a workflow message from any key', async () => {
    const { id } = await queueTrackedMessage(app, database.db, keys, headers);
    await database.db.update(messages).set({ apiKeyId: null }).where(eq(messages.id, id));
    const response = await app.request('/v1/messages/events', { method: 'POST', headers: await apiHeaders(database.db), body: JSON.stringify({ id: 'evt-workflow', messageId: id, type: 'delivered', occurredAt: '2026-03-10T15:01:00Z' }) });

    expect(response.status).toBe(200);
    expect((await message(id)).deliveredAt).toEqual(new Date('2026-03-10T15:01:00Z'));
  });

  it('rejects events without an API key', async () => {
    const response = await app.request('/v1/messages/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(401);
  });

  it('registers an external message and returns its tracked HTML', async () => {
    const html = '<p>Hello <a href="https://clinic.example/forms?id=7&amp;lang=es">Form</a></p>';
    const response = await app.request('/v1/messages/external', { method: 'POST', headers, body: JSON.stringify([sampleMessage({ html })]) });
    expect(response.status).toBe(201);
    const { messages: registered } = (await response.json()) as { messages: { id: string; status: string; html: string }[] };
    expect(registered[0]!.status).toBe('external');

    const returned = registered[0]!.html;
    expect(returned).toMatch(/^<img src="http:\/\/localhost:8787\/t\/o\/[A-Za-z0-9_-]{33}" width="1" height="1" alt=""[^>]*><p>Hello <a href="http:\/\/localhost:8787\/t\/c\/[A-Za-z0-9_-]{33}">Form<\/a><\/p>$/);

    const stored = await readStoredMessage(database.db, keys, registered[0]!.id);
    expect(stored.row.status).toBe('external');
    expect(stored.row.sentAt).toEqual(now);
    expect(stored.row.nextAttemptAt).toBeNull();
    expect(stored.body.html).toBe(returned);

    const links = await database.db.select().from(trackingLinks).where(eq(trackingLinks.messageId, registered[0]!.id));
    expect(links.find((link) => link.linkNumber === 1)!.destination).toBe('https://clinic.example/forms?id=7&lang=es');

    const token = /\/t\/c\/([A-Za-z0-9_-]{33})/.exec(returned)![1];
    const click = await app.request(`/t/c/${token}`);
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toBe('https://clinic.example/forms?id=7&lang=es');
  });
});
