import { count, eq } from 'drizzle-orm';
import { CompactEncrypt, generateKeyPair, importJWK, type JWK } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { submissions } from '../../collector/db/schema';
import { readSubmission } from '../../collector/submissions/read-submissions';
import { JWE_CTY, encryptSubmission } from '../../sdk/encrypt-answers';
import type { Answers, PublishedForm, SubmissionEnvelope } from '../../sdk/form-definition';
import { newIdempotencyKey } from '../../sdk/ids';
import { COLLECTOR_ORIGIN, MAX_SUBMISSION_BYTES, createTestCollector } from '../support/test-collector';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';

const FORM = 'new-patient-intake';
const URL_PATH = `/v1/forms/${FORM}/submissions`;

const validAnswers: Answers = {
  'full-name': 'Ana María Quintero',
  'date-of-birth': '1987-03-14',
  email: 'ana.quintero@example.org',
  phone: '+1 (555) 013-2456',
  reason: 'Recurring headaches in the morning',
  'preferred-contact': 'text',
  conditions: ['asthma', 'hypertension'],
  'has-insurance': 'yes',
};

describe.each(drivers)('submissions on %s', (driver) => {
  let database: TestDatabase;
  let collector: Awaited<ReturnType<typeof createTestCollector>>;
  let published: PublishedForm;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    collector = await createTestCollector(database);
    published = (await (await collector.app.request(`/v1/forms/${FORM}`)).json()) as PublishedForm;
  });

  afterAll(async () => {
    await database?.dispose();
  });

  beforeEach(async () => {
    await database.db.delete(submissions);
  });

  async function envelope(answers: Answers = validAnswers, overrides: Partial<SubmissionEnvelope> = {}): Promise<SubmissionEnvelope> {
    const jwe = await encryptSubmission({ formId: FORM, formVersion: 1, locale: 'en', answers }, published.key.jwk);
    return { formVersion: 1, kid: published.key.kid, jwe, idempotencyKey: newIdempotencyKey(), ...overrides };
  }

  function post(body: unknown, headers: Record<string, string> = {}) {
    return collector.app.request(URL_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: COLLECTOR_ORIGIN, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  async function storedCount(): Promise<number> {
    const [row] = await database.db.select({ n: count() }).from(submissions);
    return Number(row?.n ?? 0);
  }

  async function expectError(response: Response, status: number, code: string, messagePart?: string) {
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(response.status).toBe(status);
    expect(body.error.code).toBe(code);
    if (messagePart) expect(body.error.message).toContain(messagePart);
    expect(await storedCount()).toBe(0);
    return body;
  }

  it('publishes the definition with its public key', () => {
    expect(published.definition.id).toBe(FORM);
    expect(published.key.kid).toBe(collector.kid);
    expect(published.key.jwk).toMatchObject({ kty: 'EC', crv: 'P-256', kid: collector.kid });
    expect(published.key.jwk).not.toHaveProperty('d');
  });

  it('stores a valid submission as ciphertext only', async () => {
    const body = await envelope();
    const response = await post(body);
    const receipt = (await response.json()) as { id: string; receivedAt: string };

    expect(response.status).toBe(201);
    expect(receipt.id).toMatch(/^[0-9A-Z]{16}$/);
    expect(Number.isNaN(Date.parse(receipt.receivedAt))).toBe(false);

    const [row] = await database.db.select().from(submissions).where(eq(submissions.id, receipt.id));
    expect(row?.jwe).toBe(body.jwe);
    const stored = JSON.stringify(row);
    // Long enough that random ciphertext or hex cannot contain them by chance.
    for (const value of ['Ana María', 'Quintero', '1987-03-14', 'ana.quintero', '013-2456', 'headaches']) {
      expect(stored).not.toContain(value);
    }
  });

  it('decrypts a stored submission back to the same answers', async () => {
    const response = await post(await envelope());
    const { id } = (await response.json()) as { id: string };
    const read = await readSubmission(database.db, collector.custody, id, { actor: 'test:reviewer', via: 'test' });
    expect(read.payload.answers).toEqual(validAnswers);
  });

  it('answers a replay with the original receipt and one row', async () => {
    const body = await envelope();
    const first = await post(body);
    const second = await post(body);

    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await second.json()).toEqual(await first.json());
    expect(await storedCount()).toBe(1);
  });

  it('treats concurrent duplicates as one submission', async () => {
    const body = await envelope();
    const responses = await Promise.all(Array.from({ length: 5 }, () => post(body)));
    const ids = new Set(await Promise.all(responses.map(async (response) => ((await response.json()) as { id: string }).id)));

    expect(responses.map((response) => response.status)).toEqual([201, 201, 201, 201, 201]);
    expect(ids.size).toBe(1);
    expect(await storedCount()).toBe(1);
  });

  it('rejects a reused key with other ciphertext', async () => {
    const first = await envelope();
    await post(first);
    const second = await envelope({ ...validAnswers, reason: 'Something else' }, { idempotencyKey: first.idempotencyKey });
    const response = await post(second);
    const body = (await response.json()) as { error: { code: string } };

    expect(response.status).toBe(409);
    expect(body.error.code).toBe('idempotency_key_reused');
    expect(await storedCount()).toBe(1);
  });

  it('rejects a content type other than JSON', async () => {
    const response = await post(JSON.stringify(await envelope()), { 'content-type': 'text/plain' });
    await expectError(response, 415, 'unsupported_media_type', '"text/plain"');
  });

  it('rejects a request without a content type', async () => {
    const response = await collector.app.request(URL_PATH, { method: 'POST', headers: { origin: COLLECTOR_ORIGIN }, body: new TextEncoder().encode(JSON.stringify(await envelope())) });
    expect(response.headers.get('content-type')).toContain('application/json');
    await expectError(response, 415, 'unsupported_media_type');
  });

  it('rejects a foreign origin without CORS headers', async () => {
    const response = await post(await envelope(), { origin: 'https://evil.example' });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    await expectError(response, 403, 'origin_not_allowed', 'https://evil.example');
  });

  it('rejects a request without an Origin header', async () => {
    const response = await collector.app.request(URL_PATH, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(await envelope()) });
    await expectError(response, 403, 'origin_not_allowed');
  });

  it('rejects an oversize body with Content-Length', async () => {
    const big = await envelope({ ...validAnswers, reason: 'x'.repeat(MAX_SUBMISSION_BYTES) });
    const text = JSON.stringify(big);
    const response = await post(text, { 'content-length': String(Buffer.byteLength(text)) });
    await expectError(response, 413, 'payload_too_large', String(MAX_SUBMISSION_BYTES));
  });

  it('rejects an oversize chunked body', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > MAX_SUBMISSION_BYTES * 2) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const response = await collector.app.request(URL_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: COLLECTOR_ORIGIN },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    await expectError(response, 413, 'payload_too_large');
  });

  it('rejects malformed JSON', async () => {
    await expectError(await post('{"formVersion": 1,'), 400, 'invalid_json');
  });

  it('rejects an envelope with a field missing', async () => {
    const { idempotencyKey: _omitted, ...rest } = await envelope();
    await expectError(await post(rest), 400, 'invalid_envelope', 'idempotencyKey');
  });

  it('rejects a form that is not published', async () => {
    const response = await collector.app.request('/v1/forms/no-such-form/submissions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: COLLECTOR_ORIGIN },
      body: JSON.stringify(await envelope()),
    });
    await expectError(response, 404, 'form_not_found', 'no-such-form');
  });

  it('rejects a form version that does not exist', async () => {
    await expectError(await post(await envelope(validAnswers, { formVersion: 7 })), 422, 'unknown_form_version', 'version 7');
  });

  it('rejects invalid answers naming the fields', async () => {
    const answers = { ...validAnswers, 'date-of-birth': '1987-02-30', email: 'not-an-address' } as Answers;
    delete answers['has-insurance'];
    const body = await expectError(await post(await envelope(answers)), 422, 'answers_invalid');

    expect(body.error.message).toContain('date-of-birth (invalid_date)');
    expect(body.error.message).toContain('email (invalid_email)');
    expect(body.error.message).toContain('has-insurance (required)');
    expect(body.error.message).not.toContain('not-an-address');
  });

  it('rejects answers to unknown fields', async () => {
    const body = await expectError(await post(await envelope({ ...validAnswers, ssn: '123-45-6789' })), 422, 'answers_invalid', 'ssn (unknown_field)');
    expect(body.error.message).not.toContain('123-45-6789');
  });

  it('rejects an unknown kid', async () => {
    const body = await envelope();
    const { publicKey } = await generateKeyPair('ECDH-ES+A256KW', { crv: 'P-256' });
    const jwe = await new CompactEncrypt(new TextEncoder().encode('{}'))
      .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', kid: 'unknown-kid', cty: JWE_CTY })
      .encrypt(publicKey);
    await expectError(await post({ ...body, jwe, kid: 'unknown-kid' }), 400, 'unknown_kid', 'unknown-kid');
  });

  it('rejects a kid that differs from the header', async () => {
    const body = await envelope();
    await expectError(await post({ ...body, kid: 'another-kid' }), 400, 'kid_mismatch');
  });

  it('rejects alg dir', async () => {
    const key = new Uint8Array(32);
    const jwe = await new CompactEncrypt(new TextEncoder().encode('{}')).setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: published.key.kid }).encrypt(key);
    await expectError(await post({ ...(await envelope()), jwe }), 400, 'unsupported_jwe_algorithm', '"dir"');
  });

  it('rejects PBES2 with a huge iteration count', async () => {
    // Built by hand: encrypting with ten million PBKDF2 rounds would itself take seconds.
    const jwe = forgeHeader({ alg: 'PBES2-HS256+A128KW', enc: 'A256GCM', kid: published.key.kid, p2c: 10_000_000, p2s: 'AAAAAAAAAAAAAAAAAAAAAA' });
    await expectError(await post({ ...(await envelope()), jwe }), 400, 'unsupported_jwe_algorithm', 'PBES2');
  });

  it('rejects RSA1_5', async () => {
    const jwe = forgeHeader({ alg: 'RSA1_5', enc: 'A256GCM', kid: published.key.kid });
    await expectError(await post({ ...(await envelope()), jwe }), 400, 'unsupported_jwe_algorithm', 'RSA1_5');
  });

  it('rejects a compressed JWE', async () => {
    const body = await envelope();
    const jwe = forgeHeader({ ...headerOf(body.jwe), zip: 'DEF' }, body.jwe);
    await expectError(await post({ ...body, jwe }), 400, 'jwe_compression_not_allowed');
  });

  it('rejects an ephemeral key off the curve', async () => {
    const body = await envelope();
    const header = headerOf(body.jwe) as { epk: JWK };
    const offCurve = { ...header, epk: { ...header.epk, y: header.epk.x } };
    await expectError(await post({ ...body, jwe: forgeHeader(offCurve, body.jwe) }), 400, 'decryption_failed');
  });

  it('rejects a ciphertext with one bit flipped', async () => {
    const body = await envelope();
    const parts = body.jwe.split('.');
    const ciphertext = Buffer.from(parts[3]!, 'base64url');
    ciphertext[0]! ^= 1;
    parts[3] = ciphertext.toString('base64url');
    await expectError(await post({ ...body, jwe: parts.join('.') }), 400, 'decryption_failed');
  });

  it('rejects answers encrypted for another form', async () => {
    const jwe = await encryptSubmission({ formId: 'other-form', formVersion: 1, locale: 'en', answers: validAnswers }, published.key.jwk);
    await expectError(await post({ ...(await envelope()), jwe }), 400, 'payload_mismatch', 'other-form');
  });

  it('rejects a header parameter outside the allowed set', async () => {
    const publicKey = await importJWK(published.key.jwk, 'ECDH-ES+A256KW');
    const jwe = await new CompactEncrypt(new TextEncoder().encode('{}'))
      .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', kid: published.key.kid, cty: JWE_CTY, jku: 'https://evil.example/keys' })
      .encrypt(publicKey);
    await expectError(await post({ ...(await envelope()), jwe }), 400, 'unsupported_jwe_header', 'jku');
  });
});

function headerOf(jwe: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwe.split('.')[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Replaces the protected header of a JWE, or builds a JWE-shaped string around a header. */
function forgeHeader(header: Record<string, unknown>, jwe = 'x.AAAA.AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA'): string {
  const parts = jwe.split('.');
  parts[0] = Buffer.from(JSON.stringify(header)).toString('base64url');
  return parts.join('.');
}
