import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages, trackingLinks } from '../../collector/db/schema';
import type { EmailKeys } from '../../collector/keys/email-keys';
import { apiHeaders, readStoredMessage, sampleMessage } from '../support/email-fixtures';
import { captureLogs } from '../support/log-capture';
import { createTestCollector } from '../support/test-collector';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';

type ErrorBody = { error: { code: string; message: string; index?: number; field?: string } };

describe.each(drivers)('POST /v1/messages on %s', (driver) => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof createTestCollector>>['app'];
  let keys: EmailKeys;
  let headers: Record<string, string>;
  const logs = captureLogs();

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    const collector = await createTestCollector(database, { logger: logs.logger });
    app = collector.app;
    keys = collector.emailKeys;
    headers = await apiHeaders(database.db);
  });

  afterAll(async () => {
    await database?.dispose();
  });

  async function post(body: unknown, extraHeaders: Record<string, string> = headers) {
    return app.request('/v1/messages', { method: 'POST', headers: extraHeaders, body: typeof body === 'string' ? body : JSON.stringify(body) });
  }

  async function counts() {
    return { messages: (await database.db.select().from(messages)).length, links: (await database.db.select().from(trackingLinks)).length };
  }

  it('queues one message with the address encrypted', async () => {
    const response = await post(sampleMessage());
    expect(response.status).toBe(202);
    const { messages: queued } = (await response.json()) as { messages: { id: string; status: string }[] };
    expect(queued).toHaveLength(1);
    expect(queued[0]!.status).toBe('queued');

    const stored = await readStoredMessage(database.db, keys, queued[0]!.id);
    expect(stored.to).toBe('rosa.delgado@patients.example');
    expect(stored.row.recipientDomain).toBe('patients.example');
    expect(stored.row.status).toBe('queued');
    expect(stored.row.campaign).toBe('appointment-reminder');
    expect(stored.row.customFields).toEqual({ clinic: 'north' });
    expect(stored.row.requiredTls).toBeNull();
    expect(JSON.stringify(stored.row)).not.toContain('rosa.delgado');
    expect(JSON.stringify(stored.row)).not.toContain('See you soon');
    expect(stored.body.text).toBe('See you soon.');
    expect(stored.body.html).not.toContain('https://clinic.example/visit');
  });

  it('queues an array of messages', async () => {
    const before = await counts();
    const response = await post([sampleMessage(), sampleMessage({ to: 'b@other.example', requireTls: true }), sampleMessage({ html: undefined, requireTls: 'encrypted' })]);
    expect(response.status).toBe(202);
    const { messages: queued } = (await response.json()) as { messages: { id: string }[] };
    expect(queued).toHaveLength(3);
    expect(new Set(queued.map((item) => item.id)).size).toBe(3);
    expect((await counts()).messages).toBe(before.messages + 3);

    const second = await readStoredMessage(database.db, keys, queued[1]!.id);
    expect(second.row.recipientDomain).toBe('other.example');
    expect(second.row.requiredTls).toBe('verified');
    expect((await readStoredMessage(database.db, keys, queued[2]!.id)).row.requiredTls).toBe('encrypted');
  });

  it('lowercases and punycodes the domain', async () => {
    const response = await post(sampleMessage({ to: 'Ana@Clínica.Example' }));
    const { messages: queued } = (await response.json()) as { messages: { id: string }[] };
    const stored = await readStoredMessage(database.db, keys, queued[0]!.id);
    expect(stored.row.recipientDomain).toBe('xn--clnica-4va.example');
    expect(stored.to).toBe('Ana@xn--clnica-4va.example');
  });

  it('rejects a request without an API key', async () => {
    const before = await counts();
    const response = await post(sampleMessage(), { 'content-type': 'application/json' });
    expect(response.status).toBe(401);
    expect(((await response.json()) as ErrorBody).error.code).toBe('missing_api_key');
    expect(await counts()).toEqual(before);
  });

  const invalid: [string, unknown, number, string, string, number | undefined, string | undefined][] = [
    ['missing to in the second message', [sampleMessage(), sampleMessage({ to: undefined })], 422, 'missing_field', 'messages[1].to is missing; give one email address such as patient@example.org.', 1, 'to'],
    ['invalid to', [sampleMessage({ to: 'Rosa <rosa@patients.example>' })], 422, 'invalid_field', 'messages[0].to is not a valid email address: it contains whitespace. Give one address as local@domain, without a display name.', 0, 'to'],
    ['to with a display name only in brackets', sampleMessage({ to: '<rosa@patients.example>' }), 422, 'invalid_field', 'messages[0].to is not a valid email address: it contains a display name, angle brackets or one of the characters ( ) [ ] \\ , ; : ". Give one address as local@domain, without a display name.', 0, 'to'],
    ['to without @', sampleMessage({ to: 'rosa.delgado.patients.example' }), 422, 'invalid_field', 'messages[0].to is not a valid email address: it has no @. Give one address as local@domain, without a display name.', 0, 'to'],
    ['to with two @', sampleMessage({ to: 'rosa@delgado@patients.example' }), 422, 'invalid_field', 'messages[0].to is not a valid email address: it has 2 @ signs instead of one. Give one address as local@domain, without a display name.', 0, 'to'],
    ['domain without a dot', sampleMessage({ to: 'rosa@localhost' }), 422, 'invalid_field', 'messages[0].to is not a valid email address: it has a domain without a dot. Give one address as local@domain, without a display name.', 0, 'to'],
    ['domain with an underscore', sampleMessage({ to: 'rosa@patients_clinic.example' }), 422, 'invalid_field', 'messages[0].to is not a valid email address: it has a domain that is not a valid host name (letters, digits and hyphens between dots). Give one address as local@domain, without a display name.', 0, 'to'],
    ['a numeric to', sampleMessage({ to: 123 }), 422, 'invalid_field', 'messages[0].to is the number 123; give one email address as a string, such as patient@example.org.', 0, 'to'],
    ['invalid from', sampleMessage({ from: 42 }), 422, 'invalid_field', 'messages[0].from is the number 42; give one email address as a string, such as clinic@example.org.', 0, 'from'],
    ['a numeric subject', sampleMessage({ subject: 7 }), 422, 'invalid_field', 'messages[0].subject is the number 7; give the subject line as a string.', 0, 'subject'],
    ['an object as text', sampleMessage({ text: { en: 'Hi' } }), 422, 'invalid_field', 'messages[0].text is an object; give a string.', 0, 'text'],
    ['missing subject', sampleMessage({ subject: '' }), 422, 'missing_field', 'messages[0].subject is missing; give a subject line.', 0, 'subject'],
    ['subject with a line break', sampleMessage({ subject: 'Hi\r\nBcc: x@y.example' }), 422, 'invalid_field', 'messages[0].subject contains a line break; give the subject on one line.', 0, 'subject'],
    ['no body', sampleMessage({ html: undefined, text: undefined }), 422, 'missing_field', 'messages[0].html is missing; give html, text or both.', 0, 'html'],
    ['an unknown field', sampleMessage({ bcc: 'x@y.example' }), 422, 'unknown_field', 'messages[0].bcc is not a message field; use only to, from, subject, html, text, campaign, customFields, requireTls.', 0, 'bcc'],
    ['a non-string custom field', sampleMessage({ customFields: { visits: 3 } }), 422, 'invalid_field', 'messages[0].customFields.visits is the number 3; give a string of at most 200 characters.', 0, 'customFields.visits'],
    ['an unknown requireTls', sampleMessage({ requireTls: 'yes' }), 422, 'invalid_field', 'messages[0].requireTls is "yes"; use true, false, "encrypted" or "verified".', 0, 'requireTls'],
    ['a blank campaign', sampleMessage({ campaign: '  ' }), 422, 'invalid_field', 'messages[0].campaign must be 1 to 100 printable characters, such as flu-reminder-2026.', 0, 'campaign'],
    ['a javascript: link', [sampleMessage(), sampleMessage({ html: '<a href="https://ok.example">a</a><a href=" JaVa&#x53;cript:alert(1)">b</a>' })], 422, 'unsafe_link', 'messages[1].html link 2 has a javascript: destination, which could run code or embed content; use an http(s) URL or remove the link.', 1, 'html'],
    ['a data: link', sampleMessage({ html: '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>' }), 422, 'unsafe_link', 'messages[0].html link 1 has a data: destination, which could run code or embed content; use an http(s) URL or remove the link.', 0, 'html'],
    ['an item that is not an object', [sampleMessage(), 'hello'], 400, 'invalid_message', 'messages[1] is a string, not a JSON object; send { to, from, subject, html or text }.', 1, undefined],
    ['an empty array', [], 400, 'no_messages', 'The body is an empty array; send one message object { to, from, subject, html or text } or an array of 1 to 500 of them.', undefined, undefined],
    ['a null body', null, 400, 'invalid_body', 'The body is null; send one message object { to, from, subject, html or text } or an array of 1 to 500 of them.', undefined, undefined],
    ['a number body', 5, 400, 'invalid_body', 'The body is the number 5; send one message object { to, from, subject, html or text } or an array of 1 to 500 of them.', undefined, undefined],
    ['a string body', JSON.stringify('rosa.delgado@patients.example'), 400, 'invalid_body', 'The body is a string; send one message object { to, from, subject, html or text } or an array of 1 to 500 of them.', undefined, undefined],
    ['an empty object', {}, 422, 'missing_field', 'messages[0].to is missing; give one email address such as patient@example.org.', 0, 'to'],
    ['invalid JSON', '{"to":', 400, 'invalid_json', 'The body is not valid JSON; send one message object or an array of them.', undefined, undefined],
  ];

  it.each(invalid)('rejects %s and stores nothing', async (_case, body, status, code, message, index, field) => {
    const before = await counts();
    const response = await post(body);
    expect(response.status).toBe(status);
    const { error } = (await response.json()) as ErrorBody;
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
    expect(error.message).not.toMatch(/rosa|delgado|patients/);
    expect(error.index).toBe(index);
    expect(error.field).toBe(field);
    expect(await counts()).toEqual(before);
  });

  it('rejects more than 500 messages', async () => {
    const response = await post(Array.from({ length: 501 }, () => sampleMessage()));
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.code).toBe('too_many_messages');
  });

  it('rejects a body that is not JSON', async () => {
    const response = await post('to=x', { ...headers, 'content-type': 'application/x-www-form-urlencoded' });
    expect(response.status).toBe(415);
    expect(((await response.json()) as ErrorBody).error.code).toBe('unsupported_media_type');
  });

  it('keeps addresses and subjects out of the log', () => {
    const text = logs.text();
    expect(text).toContain('messages queued');
    expect(text).not.toContain('rosa.delgado');
    expect(text).not.toContain('patients.example');
    expect(text).not.toContain('Your appointment');
  });
});
