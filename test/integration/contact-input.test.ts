import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../collector/api-keys/api-key-store';
import { createApp } from '../../collector/app';
import { databaseFingerprint } from '../support/table-counts';
import { createTestCollector } from '../support/test-collector';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';
import { createHarness } from '../support/workflow-harness';

type ErrorBody = { error: { code: string; message: string; field?: string } };

const PATCH_FIELDS = 'use only attributes, segments, timeZone, and put attributes such as "language" inside "attributes".';
const DATE_FIX = 'workflow "recall" reads it as a date, so send a real date as YYYY-MM-DD, such as "2026-12-24", or null to remove it.';
const LANGUAGE_FIX = 'send a language code string, "en" or "es", optionally with a region such as "es-MX", or null to remove it.';

describe.each(drivers)('contact request bodies on %s', (driver) => {
  let database: TestDatabase;
  let app: ReturnType<typeof createApp>;
  let apiKey: string;
  let contactId: string;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    const harness = createHarness(database);
    const collector = await createTestCollector(database);
    app = createApp({ ...collector.context, workflowEngine: harness.engine });
    apiKey = (await createApiKey(database.db, 'test', 'test:setup')).key;
    await harness.publish({ id: 'on-update', version: 1, trigger: { type: 'contact_updated' }, steps: [{ id: 'mark', type: 'add_to_segment', segment: 'updated', next: null }] });
    await harness.publish({
      id: 'recall',
      version: 1,
      trigger: { type: 'date', attribute: 'appointmentDate', offsetDays: -1, at: '09:00' },
      steps: [
        { id: 'frequent', type: 'condition', if: { attribute: 'visits', operator: 'greater_than', value: 2 }, then: 'mark', else: null },
        { id: 'mark', type: 'add_to_segment', segment: 'frequent', next: null },
      ],
    });

    const created = await call('POST', '/v1/contacts', { email: 'lena.ortiz@patients.example', attributes: { language: 'en', plan: 'basic' } });
    expect(created.status).toBe(201);
    contactId = ((await created.json()) as { id: string }).id;
  });

  afterAll(async () => {
    await database?.dispose();
  });

  function call(method: string, path: string, body?: unknown) {
    return app.request(path, { method, headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  }

  const patches: [string, unknown, string, string, string | undefined][] = [
    ['an unknown field', { bogus: 1 }, 'unknown_field', `"bogus" is not a contact field; ${PATCH_FIELDS}`, 'bogus'],
    ['an attribute outside attributes', { language: 5 }, 'unknown_field', `"language" is not a contact field; ${PATCH_FIELDS}`, 'language'],
    ['an empty object', {}, 'empty_patch', 'The patch changes nothing; send at least one of attributes (with one attribute or more), segments or timeZone.', undefined],
    ['empty attributes', { attributes: {} }, 'empty_patch', 'The patch changes nothing; send at least one of attributes (with one attribute or more), segments or timeZone.', undefined],
    ['a numeric language', { attributes: { language: 5 } }, 'invalid_contact', `attributes.language is the number 5; ${LANGUAGE_FIX}`, 'attributes.language'],
    ['an unsupported language', { attributes: { language: 'fr' } }, 'invalid_contact', `attributes.language is "fr"; ${LANGUAGE_FIX}`, 'attributes.language'],
    ['a language name', { attributes: { language: 'Spanish' } }, 'invalid_contact', `attributes.language is "Spanish"; ${LANGUAGE_FIX}`, 'attributes.language'],
    ['an object attribute', { attributes: { plan: { tier: 1 } } }, 'invalid_contact', 'attributes.plan is an object; an attribute value is a string, number, boolean or null.', 'attributes.plan'],
    ['attributes as an array', { attributes: ['plan'] }, 'invalid_contact', 'attributes is an array; send an object such as { "plan": "gold", "language": "es" }.', 'attributes'],
    ['a segment that is a number', { segments: ['engaged', 7] }, 'invalid_contact', 'segments[1] is the number 7; a segment name is 1 to 100 of A-Z, a-z, 0-9, ".", "_" or "-".', 'segments[1]'],
    ['a time zone that is a number', { timeZone: 3 }, 'invalid_contact', 'timeZone is the number 3; send an IANA time zone such as America/Chicago.', 'timeZone'],
    ['a new email', { email: 'other@patients.example' }, 'invalid_contact', 'email cannot change through PATCH; create a contact with the new email instead.', 'email'],
    ['a date a trigger cannot read', { attributes: { appointmentDate: 'next tuesday' } }, 'invalid_contact', `attributes.appointmentDate is "next tuesday"; ${DATE_FIX}`, 'attributes.appointmentDate'],
    ['a day that does not exist', { attributes: { appointmentDate: '2026-02-30' } }, 'invalid_contact', `attributes.appointmentDate is "2026-02-30"; ${DATE_FIX}`, 'attributes.appointmentDate'],
    ['a numeric date', { attributes: { appointmentDate: 20261224 } }, 'invalid_contact', `attributes.appointmentDate is the number 20261224; ${DATE_FIX}`, 'attributes.appointmentDate'],
    ['a number sent as a string', { attributes: { visits: '3' } }, 'invalid_contact', 'attributes.visits is "3"; workflow "recall" compares it as a number, so send a number such as 3, or null to remove it.', 'attributes.visits'],
  ];

  it.each(patches)('PATCH rejects %s and changes nothing', async (_case, body, code, message, field) => {
    const before = await databaseFingerprint(database.db);
    const response = await call('PATCH', `/v1/contacts/${contactId}`, body);

    expect(response.status).toBe(422);
    const { error } = (await response.json()) as ErrorBody;
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
    expect(error.field).toBe(field);
    expect(await databaseFingerprint(database.db)).toEqual(before);
  });

  const creates: [string, Record<string, unknown>, string, string, string][] = [
    ['an unknown field', { bogus: 1 }, 'unknown_field', '"bogus" is not a contact field; use only email, attributes, segments, timeZone, and put attributes such as "language" inside "attributes".', 'bogus'],
    ['a numeric language', { attributes: { language: 5 } }, 'invalid_contact', `attributes.language is the number 5; ${LANGUAGE_FIX}`, 'attributes.language'],
    ['a numeric email', { email: 123 }, 'invalid_contact', 'email is the number 123; send the contact\'s address as a string such as "name@example.org".', 'email'],
    ['an email without @', { email: 'lena.ortiz.patients.example' }, 'invalid_contact', 'email is not a valid email address: it has no @. Send one address as local@domain, such as "name@example.org".', 'email'],
    ['an email with a display name', { email: 'Lena <lena.ortiz@patients.example>' }, 'invalid_contact', 'email is not a valid email address: it contains whitespace. Send one address as local@domain, such as "name@example.org".', 'email'],
  ];

  it.each(creates)('POST rejects %s and stores nothing', async (_case, override, code, message, field) => {
    const before = await databaseFingerprint(database.db);
    const response = await call('POST', '/v1/contacts', { email: 'new.patient@patients.example', ...override });

    expect(response.status).toBe(422);
    const { error } = (await response.json()) as ErrorBody;
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
    expect(error.field).toBe(field);
    expect(error.message).not.toContain('lena.ortiz');
    expect(error.message).not.toContain('patients.example');
    expect(await databaseFingerprint(database.db)).toEqual(before);
  });

  it.each([
    ['POST', '/v1/contacts', 'null', 'The body is null; send a JSON object: { "email": "name@example.org", "attributes": {}, "segments": [], "timeZone": "America/Chicago" }.'],
    ['PATCH', '/v1/contacts/CONTACT', '[]', 'The body is an empty array; send a JSON object: { "attributes": { "language": "es" }, "segments": [], "timeZone": "America/Chicago" }.'],
  ])('%s rejects a body that is not an object', async (method, path, body, message) => {
    const before = await databaseFingerprint(database.db);
    const response = await app.request(path.replace('CONTACT', contactId), { method, headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body });

    expect(response.status).toBe(400);
    const { error } = (await response.json()) as ErrorBody;
    expect(error.code).toBe('invalid_body');
    expect(error.message).toBe(message);
    expect(await databaseFingerprint(database.db)).toEqual(before);
  });

  it('PATCH stores a regional language', async () => {
    const response = await call('PATCH', `/v1/contacts/${contactId}`, { attributes: { language: 'es-MX' } });
    expect(response.status).toBe(200);

    const contact = (await (await call('GET', `/v1/contacts/${contactId}`)).json()) as { attributes: Record<string, unknown> };
    expect(contact.attributes).toEqual({ language: 'es-MX', plan: 'basic' });
  });

  it('PATCH stores workflow-typed attributes', async () => {
    const response = await call('PATCH', `/v1/contacts/${contactId}`, { attributes: { appointmentDate: '2026-12-24', visits: 3 } });
    expect(response.status).toBe(200);

    const contact = (await (await call('GET', `/v1/contacts/${contactId}`)).json()) as { attributes: Record<string, unknown> };
    expect(contact.attributes.appointmentDate).toBe('2026-12-24');
    expect(contact.attributes.visits).toBe(3);
  });

  it('POST rejects a date a trigger cannot read', async () => {
    const before = await databaseFingerprint(database.db);
    const response = await call('POST', '/v1/contacts', { email: 'new.patient@patients.example', attributes: { appointmentDate: '24/12/2026' } });

    expect(response.status).toBe(422);
    const { error } = (await response.json()) as ErrorBody;
    expect(error.code).toBe('invalid_contact');
    expect(error.message).toBe(`attributes.appointmentDate is "24/12/2026"; ${DATE_FIX}`);
    expect(await databaseFingerprint(database.db)).toEqual(before);
  });

  it('PATCH removes the language with null', async () => {
    const response = await call('PATCH', `/v1/contacts/${contactId}`, { attributes: { language: null } });
    expect(response.status).toBe(200);

    const contact = (await (await call('GET', `/v1/contacts/${contactId}`)).json()) as { attributes: Record<string, unknown> };
    expect(contact.attributes.language).toBeNull();
  });
});
