import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptSubmission } from '../../sdk/encrypt-answers';
import type { PublishedForm } from '../../sdk/form-definition';
import { parseFormDefinition } from '../../sdk/parse-form';
import { validateAnswers } from '../../sdk/validate-answers';
import { COLLECTOR_ORIGIN, createTestCollector, intakeForm } from '../support/test-collector';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';

// FUZZ_RUNS raises the number of generated cases; CI runs this bounded default.
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const ERROR_CODE = /^[a-z][a-z_]{2,63}$/;

const jsonValue = fc.jsonValue({ maxDepth: 4 });
const hex = (minLength: number, maxLength: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength, maxLength });

describe('form definition parser under fuzzing', () => {
  it('returns errors with paths and never throws', () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        const result = parseFormDefinition(value);
        if (!result.ok) {
          expect(result.errors.length).toBeGreaterThan(0);
          for (const error of result.errors) {
            expect(error.code).toBe('invalid_definition');
            expect(error.path.length).toBeGreaterThan(0);
            expect(error.message.length).toBeGreaterThan(10);
          }
        }
      }),
      { numRuns: RUNS * 4 },
    );
  });

  it('survives mutations of a valid form', () => {
    const base = intakeForm() as unknown as Record<string, unknown>;
    const keys = Object.keys(base);
    fc.assert(
      fc.property(fc.constantFrom(...keys), jsonValue, (key, replacement) => {
        const result = parseFormDefinition({ ...base, [key]: replacement });
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: RUNS * 4 },
    );
  });
});

describe('answer validation under fuzzing', () => {
  it('rejects arbitrary answers with known codes and never throws', () => {
    const form = intakeForm();
    const fields = form.fields.map((field) => field.id);
    const answers = fc.dictionary(fc.oneof(fc.constantFrom(...fields), fc.string()), fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.array(fc.string()), fc.double()));
    fc.assert(
      fc.property(answers, (value) => {
        for (const error of validateAnswers(form, value as never, '2026-12-04')) expect(error.code).toMatch(ERROR_CODE);
      }),
      { numRuns: RUNS * 4 },
    );
  });
});

describe('submission route under fuzzing', () => {
  let database: TestDatabase;
  let collector: Awaited<ReturnType<typeof createTestCollector>>;
  let published: PublishedForm;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    collector = await createTestCollector(database);
    published = (await (await collector.app.request('/v1/forms/new-patient-intake')).json()) as PublishedForm;
  });

  afterAll(async () => {
    await database?.dispose();
  });

  async function post(body: string): Promise<Response> {
    return collector.app.request('/v1/forms/new-patient-intake/submissions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: COLLECTOR_ORIGIN },
      body,
    });
  }

  async function expectClientError(response: Response): Promise<void> {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(body.error?.code).toMatch(ERROR_CODE);
  }

  it('answers arbitrary bodies with a 4xx code', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), jsonValue.map((value) => JSON.stringify(value))), async (body) => {
        await expectClientError(await post(body));
      }),
      { numRuns: RUNS },
    );
  });

  it('answers envelopes with fuzzed fields with a 4xx code', async () => {
    const envelope = fc.record({
      formVersion: fc.oneof(fc.constant(1), fc.integer(), jsonValue),
      kid: fc.oneof(fc.constant(published.key.kid), fc.string(), jsonValue),
      jwe: fc.oneof(fc.string(), fc.array(fc.base64String(), { minLength: 5, maxLength: 5 }).map((parts) => parts.join('.').replace(/=/g, ''))),
      idempotencyKey: fc.oneof(hex(16, 64), fc.string()),
    });
    await fc.assert(
      fc.asyncProperty(envelope, async (value) => {
        await expectClientError(await post(JSON.stringify(value)));
      }),
      { numRuns: RUNS },
    );
  });

  it('answers validly encrypted junk payloads with a 4xx code', async () => {
    await fc.assert(
      fc.asyncProperty(fc.record({ formId: fc.constant('new-patient-intake'), formVersion: fc.constant(1), locale: fc.oneof(fc.constant('en'), jsonValue), answers: jsonValue }), hex(32, 32), async (payload, key) => {
        const jwe = await encryptSubmission(payload as never, published.key.jwk);
        await expectClientError(await post(JSON.stringify({ formVersion: 1, kid: published.key.kid, jwe, idempotencyKey: key })));
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });
});
