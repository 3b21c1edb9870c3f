import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../../collector/db/schema';
import type { EmailKeys } from '../../collector/keys/email-keys';
import { apiHeaders, queueTrackedMessage } from '../support/email-fixtures';
import { databaseFingerprint } from '../support/table-counts';
import { createTestCollector } from '../support/test-collector';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';

type ErrorBody = { error: { code: string; message: string } };

describe.each(drivers)('GET /v1/messages/:id on %s', (driver) => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof createTestCollector>>['app'];
  let keys: EmailKeys;
  let headers: Record<string, string>;
  let otherHeaders: Record<string, string>;
  const now = new Date('2026-03-10T15:00:00Z');

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    const collector = await createTestCollector(database, { clock: () => now });
    app = collector.app;
    keys = collector.emailKeys;
    headers = await apiHeaders(database.db);
    otherHeaders = await apiHeaders(database.db);
  });

  afterAll(async () => {
    await database?.dispose();
  });

  function read(id: string, requestHeaders = headers) {
    return app.request(`/v1/messages/${encodeURIComponent(id)}`, { headers: requestHeaders });
  }

  it('returns a queued message without PHI', async () => {
    const { id } = await queueTrackedMessage(app, database.db, keys, headers, { requireTls: 'encrypted' });
    const response = await read(id);
    expect(response.status).toBe(200);

    const body = await response.json();
    expect(body).toEqual({
      id,
      status: 'queued',
      campaign: 'appointment-reminder',
      recipientDomain: 'patients.example',
      queuedAt: '2026-03-10T15:00:00.000Z',
      sentAt: null,
      deliveredAt: null,
      failedAt: null,
      complainedAt: null,
      failureKind: null,
      smtpCode: null,
      smtpReply: null,
      attempts: 0,
      nextAttemptAt: '2026-03-10T15:00:00.000Z',
      requireTls: 'encrypted',
      tlsLevel: null,
      tlsResult: null,
    });
    const text = JSON.stringify(body);
    expect(text).not.toContain('rosa.delgado');
    expect(text).not.toContain('Your appointment');
    expect(text).not.toContain('See you soon');
  });

  it('returns delivery and bounce outcomes', async () => {
    const { id } = await queueTrackedMessage(app, database.db, keys, headers);
    const events = [
      { id: `delivered-${id}`, messageId: id, type: 'delivered', occurredAt: '2026-03-10T15:01:00Z' },
      { id: `bounced-${id}`, messageId: id, type: 'bounced', bounceType: 'hard', smtpCode: 550, occurredAt: '2026-03-10T15:02:00Z' },
    ];
    expect((await app.request('/v1/messages/events', { method: 'POST', headers, body: JSON.stringify(events) })).status).toBe(200);

    const body = (await (await read(id)).json()) as Record<string, unknown>;
    expect(body.deliveredAt).toBe('2026-03-10T15:01:00.000Z');
    expect(body.failedAt).toBe('2026-03-10T15:02:00.000Z');
    expect(body.failureKind).toBe('hard');
    expect(body.smtpCode).toBe(550);
  });

  it('returns the TLS result of a dropped message', async () => {
    const { id } = await queueTrackedMessage(app, database.db, keys, headers, { requireTls: 'verified' });
    // The send worker's own suite covers how these columns are set.
    await database.db
      .update(messages)
      .set({ status: 'failed', attempts: 1, failureKind: 'dropped', failedAt: now, tlsLevel: 'encrypted', tlsResult: 'certificate-host-mismatch', nextAttemptAt: null })
      .where(eq(messages.id, id));

    const body = (await (await read(id)).json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'failed', attempts: 1, failureKind: 'dropped', requireTls: 'verified', tlsLevel: 'encrypted', tlsResult: 'certificate-host-mismatch', smtpReply: null });
  });

  it('returns a workflow message to any key', async () => {
    const { id } = await queueTrackedMessage(app, database.db, keys, headers);
    await database.db.update(messages).set({ apiKeyId: null }).where(eq(messages.id, id));

    const response = await read(id, otherHeaders);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { id: string }).id).toBe(id);
  });

  it('answers 404 for another key', async () => {
    const { id } = await queueTrackedMessage(app, database.db, keys, headers);
    const before = await databaseFingerprint(database.db);
    const response = await read(id, otherHeaders);

    expect(response.status).toBe(404);
    expect(await databaseFingerprint(database.db)).toEqual(before);
    const { error } = (await response.json()) as ErrorBody;
    expect(error.code).toBe('message_not_found');
    expect(error.message).toBe(`No message with id "${id}" is visible to this API key; use an id that POST /v1/messages or /v1/messages/external returned to this key.`);
  });

  it('answers 404 for an unknown id', async () => {
    const response = await read('no-such-message');

    expect(response.status).toBe(404);
    const { error } = (await response.json()) as ErrorBody;
    expect(error.code).toBe('message_not_found');
    expect(error.message).toBe('No message with id "no-such-message" is visible to this API key; use an id that POST /v1/messages or /v1/messages/external returned to this key.');
  });

  it('answers 401 without a key', async () => {
    const { id } = await queueTrackedMessage(app, database.db, keys, headers);
    const response = await app.request(`/v1/messages/${id}`);

    expect(response.status).toBe(401);
    expect(((await response.json()) as ErrorBody).error.code).toBe('missing_api_key');
  });
});
