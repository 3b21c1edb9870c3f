import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../collector/cli/run-command';
import { deriveStaffKeys } from '../../collector/keys/derive-key';
import type { EmailKeys } from '../../collector/keys/email-keys';
import { KeyCustody } from '../../collector/keys/key-custody';
import { apiHeaders, queueTrackedMessage } from '../support/email-fixtures';
import { databaseFingerprint } from '../support/table-counts';
import { createTestCollector } from '../support/test-collector';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';

type ErrorBody = { error: { code: string; message: string; index?: number; field?: string } };

const EVENTS_EXPECTED = 'one event object { id, messageId, type, occurredAt } or an array of 1 to 1000 of them';
const SETTINGS_EXPECTED = 'a JSON object such as { "requireTls": "verified" }';

describe.each(drivers)('request bodies of the wrong shape on %s', (driver) => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof createTestCollector>>['app'];
  let keys: EmailKeys;
  let headers: Record<string, string>;
  let messageId: string;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    const collector = await createTestCollector(database);
    app = collector.app;
    keys = collector.emailKeys;
    headers = await apiHeaders(database.db);
    messageId = (await queueTrackedMessage(app, database.db, keys, headers)).id;
  });

  afterAll(async () => {
    await database?.dispose();
  });

  async function expectRejected(method: string, path: string, body: string, status: number, code: string, message: string) {
    const before = await databaseFingerprint(database.db);
    const response = await app.request(path, { method, headers, body });

    expect(response.status).toBe(status);
    const { error } = (await response.json()) as ErrorBody;
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
    expect(await databaseFingerprint(database.db)).toEqual(before);
  }

  it.each([
    ['null', 'null', 400, 'invalid_body', `The body is null; send ${EVENTS_EXPECTED}.`],
    ['a number', '42', 400, 'invalid_body', `The body is the number 42; send ${EVENTS_EXPECTED}.`],
    ['an empty array', '[]', 400, 'invalid_event_count', `The body contains 0 events; send ${EVENTS_EXPECTED}.`],
    ['an item that is a string', '["evt-1"]', 400, 'invalid_event', 'events[0] is a string, not a JSON object; send { id, messageId, type, occurredAt }.'],
    ['an empty object', '{}', 422, 'invalid_field', 'events[0].id must be your unique event id: 1 to 200 printable ASCII characters.'],
  ])('events reject %s', async (_case, body, status, code, message) => {
    await expectRejected('POST', '/v1/messages/events', body, status, code, message);
  });

  it('events reject a null item', async () => {
    const body = JSON.stringify([{ id: 'evt-shape', messageId, type: 'delivered', occurredAt: new Date().toISOString() }, null]);
    await expectRejected('POST', '/v1/messages/events', body, 400, 'invalid_event', 'events[1] is null, not a JSON object; send { id, messageId, type, occurredAt }.');
  });

  it.each([
    ['null', 'null', 400, 'invalid_body', `The body is null; send ${SETTINGS_EXPECTED}.`],
    ['an array', '[{"requireTls":true}]', 400, 'invalid_body', `The body is an array; send ${SETTINGS_EXPECTED}.`],
    ['a string', '"verified"', 400, 'invalid_body', `The body is a string; send ${SETTINGS_EXPECTED}.`],
    ['an unknown setting', '{"bogus":1}', 422, 'unknown_field', '"bogus" is not a campaign setting; use only requireTls.'],
    ['an unknown requireTls', '{"requireTls":"maybe"}', 422, 'invalid_field', 'requireTls is "maybe"; use true, false, "encrypted" or "verified".'],
    ['a numeric requireTls', '{"requireTls":1}', 422, 'invalid_field', 'requireTls is the number 1; use true, false, "encrypted" or "verified".'],
  ])('campaign settings reject %s', async (_case, body, status, code, message) => {
    await expectRejected('PUT', '/v1/campaigns/flu-2026/settings', body, status, code, message);
  });
  it('names the method and path of an unknown route', async () => {
    await expectRejected('DELETE', '/v1/messages', '', 404, 'not_found', 'No route matches DELETE /v1/messages; the routes are listed in README.md under Email API, Workflows and Embedding a form.');
  });
});

describe.each(drivers)('users add on %s', (driver) => {
  let database: TestDatabase;
  let runtime: Parameters<typeof runCommand>[0];

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    const masterKey = randomBytes(32);
    runtime = { db: database.db, custody: new KeyCustody(database.db, masterKey), staffKeys: deriveStaffKeys(masterKey), masterKey };
  });

  afterAll(async () => {
    await database?.dispose();
  });

  it.each([
    ['notanemail', 'has no @'],
    ['nurse@ward', 'has a domain without a dot'],
    ['@ward.example', 'has nothing before the @'],
    ['Nurse <nurse@ward.example>', 'contains whitespace'],
  ])('rejects %s naming the problem', async (email, problem) => {
    const before = await databaseFingerprint(database.db);
    const result = await runCommand(runtime, { name: 'users.add', email, role: 'reviewer', password: 'correct horse battery' }, 'test:cli');

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`The email address is invalid: it ${problem}. Give an address such as reviewer@clinic.example.`);
    expect(result.stderr).not.toContain(email);
    expect(await databaseFingerprint(database.db)).toEqual(before);
  });
});
