import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../collector/app';
import { runCommand } from '../../collector/cli/run-command';
import { publishForm } from '../../collector/forms/publish-form';
import { systemClock } from '../../collector/clock';
import { deriveStaffKeys } from '../../collector/keys/derive-key';
import { deriveEmailKeys } from '../../collector/keys/email-keys';
import { KeyCustody } from '../../collector/keys/key-custody';
import { staffOptions } from '../../collector/staff/staff-options';
import { encryptSubmission } from '../../sdk/encrypt-answers';
import type { Answers, FormDefinition, PublishedForm } from '../../sdk/form-definition';
import { newIdempotencyKey } from '../../sdk/ids';
import { fhirFixturesMissing, questionnaireFiles, readFixture } from '../support/fhir-fixtures';
import { COLLECTOR_ORIGIN } from '../support/test-collector';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';

const FORM: FormDefinition = {
  id: 'smoking-history',
  version: 1,
  title: 'Smoking history',
  allowedOrigins: ['https://clinic.example'],
  fields: [
    { id: 'smoker', type: 'boolean', label: 'Do you smoke?', required: true },
    { id: 'packs', type: 'number', label: 'Packs a day', enableWhen: [{ field: 'smoker', operator: '=', value: true }] },
    { id: 'clinic', type: 'text', label: 'Clinic', readOnly: true, initial: 'Main St' },
    { id: 'referral', type: 'attachment', label: 'Referral letter', accept: ['application/pdf'], maxBytes: 1024 },
    {
      id: 'attempts',
      type: 'group',
      label: 'Attempts to quit',
      repeats: true,
      fields: [
        { id: 'year', type: 'number', label: 'Year', step: 1 },
        { id: 'helped', type: 'boolean', label: 'Did anything help?' },
        { id: 'what', type: 'text', label: 'What helped', enableWhen: [{ field: 'helped', operator: '=', value: true }] },
      ],
    },
  ],
};

describe.each(drivers)('conditional submissions on %s', (driver) => {
  let database: TestDatabase;
  let custody: KeyCustody;
  let masterKey: Buffer;
  let app: ReturnType<typeof createApp>;
  let published: PublishedForm;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    masterKey = randomBytes(32);
    custody = new KeyCustody(database.db, masterKey);
    await publishForm(database.db, custody, FORM, 'test:setup');
    app = createApp({
      db: database.db,
      custody,
      staff: staffOptions(deriveStaffKeys(masterKey)),
      emailKeys: deriveEmailKeys(masterKey),
      clock: systemClock,
      config: { publicOrigins: [COLLECTOR_ORIGIN], maxSubmissionBytes: 64 * 1024 },
      logger: pino({ level: 'silent' }),
      assetsDir: fileURLToPath(new URL('../../dist', import.meta.url)),
    });
    published = (await (await app.request(`/v1/forms/${FORM.id}`)).json()) as PublishedForm;
  });

  afterAll(async () => {
    await database?.dispose();
  });

  async function submit(answers: Answers) {
    const jwe = await encryptSubmission({ formId: FORM.id, formVersion: 1, locale: 'en', answers }, published.key.jwk);
    const response = await app.request(`/v1/forms/${FORM.id}/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: COLLECTOR_ORIGIN },
      body: JSON.stringify({ formVersion: 1, kid: published.key.kid, jwe, idempotencyKey: newIdempotencyKey() }),
    });
    return { status: response.status, body: (await response.json()) as { error?: { code: string; message: string; fields?: unknown } } };
  }

  it('accepts answers to enabled questions', async () => {
    const result = await submit({ smoker: true, packs: 1, attempts: [{ year: 2019, helped: true, what: 'Patches' }, { year: 2022, helped: false }] });
    expect(result.status).toBe(201);

    const id = (result.body as unknown as { id: string }).id;
    const shown = await runCommand({ db: database.db, custody, masterKey, staffKeys: deriveStaffKeys(masterKey) }, { name: 'submissions.show', id, json: false }, 'test:reviewer');
    expect(shown.stdout.split('\n').slice(5, -1)).toEqual([
      'Do you smoke?: yes',
      'Packs a day: 1',
      'Clinic: (no answer)',
      'Referral letter: (no answer)',
      'Attempts to quit, entry 1:',
      '  Year: 2019',
      '  Did anything help?: yes',
      '  What helped: Patches',
      'Attempts to quit, entry 2:',
      '  Year: 2022',
      '  Did anything help?: no',
      '  What helped: (no answer)',
    ]);
  });

  it('rejects an answer to a hidden question', async () => {
    const result = await submit({ smoker: false, packs: 1 });
    expect(result.status).toBe(422);
    expect(result.body.error).toEqual({
      code: 'answers_invalid',
      message: 'The answers failed validation for these fields: packs (not_enabled). Correct them and submit again.',
      fields: [{ field: 'packs', code: 'not_enabled' }],
    });
  });

  it('rejects a hidden answer inside a repeat instance', async () => {
    const result = await submit({ smoker: false, attempts: [{ year: 2019, helped: false, what: 'Gum' }] });
    expect(result.status).toBe(422);
    expect(result.body.error?.message).toBe('The answers failed validation for these fields: attempts[0].what (not_enabled). Correct them and submit again.');
    expect(result.body.error?.message).not.toContain('Gum');
  });

  it('rejects an answer to a read-only question', async () => {
    const result = await submit({ smoker: false, clinic: 'Elm St' });
    expect(result.status).toBe(422);
    expect(result.body.error?.message).toBe('The answers failed validation for these fields: clinic (read_only). Correct them and submit again.');
  });

  // When skipped, the suite's title is the reason.
  it('accepts an attachment within its limit', async () => {
    const data = Buffer.from('%PDF-1.4 referral').toString('base64');
    const result = await submit({ smoker: false, referral: { name: 'referral.pdf', type: 'application/pdf', size: 17, data } });
    expect(result.status).toBe(201);
  });

  it('rejects an oversized or mislabelled attachment', async () => {
    const big = Buffer.alloc(1025).toString('base64');
    const oversized = await submit({ smoker: false, referral: { name: 'big.pdf', type: 'application/pdf', size: 1025, data: big } });
    expect(oversized.status).toBe(422);
    expect(oversized.body.error?.message).toBe('The answers failed validation for these fields: referral (too_large). Correct them and submit again.');

    const data = Buffer.from('hello').toString('base64');
    const lying = await submit({ smoker: false, referral: { name: 'a.pdf', type: 'application/pdf', size: 100, data } });
    expect(lying.body.error?.message).toBe('The answers failed validation for these fields: referral (type_mismatch). Correct them and submit again.');
  });

  describe.skipIf(fhirFixturesMissing !== undefined)(fhirFixturesMissing ?? 'forms import --publish', () => {
    it.each(questionnaireFiles())('publishes %s', async (file) => {
      const request = { name: 'forms.import' as const, file, allowedOrigins: ['https://clinic.example'], publish: true, questionnaire: readFixture(file) };
      const result = await runCommand({ db: database.db, custody, masterKey, staffKeys: deriveStaffKeys(masterKey) }, request, 'test:import');

      expect(result.stdout).toMatch(/^Published new form [a-z0-9-]+ version 1 \(key [A-Za-z0-9_-]{43}\)\.\n$/);
      expect(result.stderr.split('\n').filter(Boolean).every((line) => line.startsWith('warning: '))).toBe(true);
      expect(result.exitCode).toBe(0);
    });
  });
});
