import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, DEFAULT_BODY_BYTES } from '../../collector/app';
import { apiHeaders } from '../support/email-fixtures';
import { databaseFingerprint } from '../support/table-counts';
import { COLLECTOR_ORIGIN, createTestCollector } from '../support/test-collector';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';
import { createHarness } from '../support/workflow-harness';

type ErrorBody = { error: { code: string; message: string } };

// A JSON object one byte over the limit: a string field padded to size.
const OVERSIZED = JSON.stringify({ email: 'a@example.org', padding: 'x'.repeat(DEFAULT_BODY_BYTES) });

describe.each(drivers)('body limits on %s', (driver) => {
  let database: TestDatabase;
  let app: ReturnType<typeof createApp>;
  let headers: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    const collector = await createTestCollector(database);
    app = createApp({ ...collector.context, workflowEngine: createHarness(database).engine });
    headers = await apiHeaders(database.db);
  });

  afterAll(async () => {
    await database?.dispose();
  });

  it.each([
    ['the sign-in route', 'POST', '/v1/staff/session', false],
    ['contacts', 'POST', '/v1/contacts', true],
    ['a contact patch', 'PATCH', '/v1/contacts/some-contact', true],
    ['workflow events', 'POST', '/v1/events', true],
    ['workflows', 'POST', '/v1/workflows', true],
    ['templates', 'POST', '/v1/templates', true],
  ])('rejects an oversized body on %s', async (_name, method, path, withKey) => {
    const before = await databaseFingerprint(database.db);
    const response = await app.request(path, { method, headers: { ...(withKey ? headers : { 'content-type': 'application/json' }), origin: COLLECTOR_ORIGIN }, body: OVERSIZED });

    expect(response.status).toBe(413);
    const { error } = (await response.json()) as ErrorBody;
    expect(error.code).toBe('payload_too_large');
    expect(error.message).toBe(`The body is larger than the limit of ${DEFAULT_BODY_BYTES} bytes; split it into several requests.`);
    expect(await databaseFingerprint(database.db)).toEqual(before);
  });
});
