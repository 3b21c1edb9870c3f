import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../collector/api-keys/api-key-store';
import { createApp } from '../../collector/app';
import { deriveContactTokenKey, issueContactToken } from '../../collector/contacts/contact-form-token';
import { consentLedger, submissions, workflowJobs, workflowRuns } from '../../collector/db/schema';
import { publishForm } from '../../collector/forms/publish-form';
import { CONSENT_AGREE_ID, CONSENT_NAME_ID, CONSENT_SIGNATURE_ID, consentRecord } from '../../sdk/consent';
import { encryptSubmission } from '../../sdk/encrypt-answers';
import type { Answers, FormDefinition, PublishedForm, SubmissionPayload } from '../../sdk/form-definition';
import { newIdempotencyKey } from '../../sdk/ids';
import { ROOT } from '../support/processes';
import { databaseFingerprint } from '../support/table-counts';
import { COLLECTOR_ORIGIN, createTestCollector, intakeForm } from '../support/test-collector';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';
import { DAY, createHarness } from '../support/workflow-harness';

const INTAKE = 'new-patient-intake';
const FOLLOW_UP = 'follow-up-visit';
const CONSENT = 'consent-to-treatment';

const intakeAnswers: Answers = {
  'full-name': 'Ana María Quintero',
  'date-of-birth': '1987-03-14',
  email: 'ana.quintero@example.org',
  phone: '+1 (555) 013-2456',
  reason: 'Recurring headaches in the morning',
  'preferred-contact': 'text',
  conditions: ['asthma'],
  'has-insurance': 'yes',
};

// Re-entry is allowed, so that only the trigger key (the submission id) keeps a replay from starting a second run.
const workflowFor = (formId: string) => ({
  id: `after-${formId}`,
  version: 1,
  trigger: { type: 'form_submitted', formId },
  reentry: { allowed: true },
  steps: [{ id: 'mark', type: 'add_to_segment', segment: `submitted-${formId}`, next: null }],
});

type ErrorBody = { error: { code: string; message: string; reason?: string } };

describe.each(drivers)('contact form tokens on %s', (driver) => {
  let database: TestDatabase;
  let harness: ReturnType<typeof createHarness>;
  let app: ReturnType<typeof createApp>;
  let plainApp: ReturnType<typeof createApp>;
  let apiKey: string;
  const published: Record<string, PublishedForm> = {};

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    harness = createHarness(database);
    const collector = await createTestCollector(database);
    plainApp = collector.app;
    app = createApp({ ...collector.context, workflowEngine: harness.engine });
    await publishForm(database.db, collector.custody, { ...intakeForm(), id: FOLLOW_UP, title: { en: 'Follow-up visit' } }, 'test:setup');
    await publishForm(database.db, collector.custody, JSON.parse(readFileSync(`${ROOT}/demo/forms/consent-to-treatment.json`, 'utf8')) as FormDefinition, 'test:setup');
    for (const formId of [INTAKE, FOLLOW_UP, CONSENT]) {
      published[formId] = (await (await app.request(`/v1/forms/${formId}`)).json()) as PublishedForm;
      await harness.publish(workflowFor(formId));
    }
    apiKey = (await createApiKey(database.db, 'test', 'test:setup')).key;
  });

  afterAll(async () => {
    await database?.dispose();
  });

  function issue(contactId: string, body: unknown, key = apiKey) {
    return app.request(`/v1/contacts/${contactId}/form-token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  async function tokenFor(contactId: string, formId = INTAKE): Promise<string> {
    const response = await issue(contactId, { formId });
    expect(response.status).toBe(200);
    return ((await response.json()) as { token: string }).token;
  }

  async function envelope(formId: string, contactToken?: string, payload: Partial<SubmissionPayload> = {}) {
    const form = published[formId]!;
    const jwe = await encryptSubmission({ formId, formVersion: 1, locale: 'en', answers: intakeAnswers, ...payload }, form.key.jwk);
    return { formVersion: 1, kid: form.key.kid, jwe, idempotencyKey: newIdempotencyKey(), ...(contactToken === undefined ? {} : { contactToken }) };
  }

  function submit(formId: string, body: unknown, target = app) {
    return target.request(`/v1/forms/${formId}/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: COLLECTOR_ORIGIN },
      body: JSON.stringify(body),
    });
  }

  const runsOf = (contactId: string) => database.db.select().from(workflowRuns).where(eq(workflowRuns.contactId, contactId));
  const triggerJobs = () => database.db.select().from(workflowJobs).where(eq(workflowJobs.kind, 'trigger'));

  describe('issuing', () => {
    it('answers a token and its expiry, seven days ahead by default', async () => {
      const contactId = await harness.contact();
      const response = await issue(contactId, { formId: INTAKE });
      const body = (await response.json()) as { token: string; expiresAt: string };

      expect(response.status).toBe(200);
      expect(Object.keys(body).sort()).toEqual(['expiresAt', 'token']);
      expect(body.expiresAt).toBe(new Date(harness.clock.now().getTime() + 7 * DAY).toISOString());
      expect(body.token).toMatch(/^[A-Za-z0-9_.-]+$/);
      // The token names the contact by its opaque id only: no email, no attribute.
      const claims = JSON.parse(Buffer.from(body.token.split('.')[2]!, 'base64url').toString('utf8')) as Record<string, unknown>;
      expect(claims).toEqual({ c: contactId, f: INTAKE, e: Date.parse(body.expiresAt) / 1000 });
      expect(body.token).not.toContain('@');
    });

    it('accepts from 1 to 30 days', async () => {
      const contactId = await harness.contact();
      for (const days of [1, 30]) {
        const body = (await (await issue(contactId, { formId: INTAKE, expiresInDays: days })).json()) as { expiresAt: string };
        expect(body.expiresAt).toBe(new Date(harness.clock.now().getTime() + days * DAY).toISOString());
      }
    });

    it.each([0, 31, -1, 1.5, '7', null])('refuses expiresInDays %j with 422', async (days) => {
      const response = await issue(await harness.contact(), { formId: INTAKE, expiresInDays: days });
      const body = (await response.json()) as ErrorBody;
      expect(response.status).toBe(422);
      expect(body.error.code).toBe('invalid_expires_in_days');
      expect(body.error.message).toContain('whole number of days from 1 to 30');
    });

    it.each([
      ['a missing formId', undefined, 'formId is missing; send the id of a published form, such as "new-patient-intake".'],
      ['a numeric formId', 12, 'formId is the number 12; send the id of a published form, such as "new-patient-intake".'],
      ['a blank formId', '  ', 'formId is "  "; send the id of a published form, such as "new-patient-intake".'],
    ])('refuses %s with 422', async (_case, formId, message) => {
      const response = await issue(await harness.contact(), { formId, expiresInDays: 7 });
      expect(response.status).toBe(422);
      const { error } = (await response.json()) as ErrorBody;
      expect(error.code).toBe('invalid_form_id');
      expect(error.message).toBe(message);
    });

    it('answers 404 contact_not_found for an unknown contact', async () => {
      for (const id of [randomUUID(), 'not-a-uuid']) {
        const response = await issue(id, { formId: INTAKE });
        expect(response.status).toBe(404);
        expect(((await response.json()) as ErrorBody).error.code).toBe('contact_not_found');
      }
    });

    it('answers 404 form_not_found for an unknown form', async () => {
      const response = await issue(await harness.contact(), { formId: 'no-such-form' });
      expect(response.status).toBe(404);
      expect(((await response.json()) as ErrorBody).error.code).toBe('form_not_found');
    });

    it('requires an API key', async () => {
      const contactId = await harness.contact();
      const response = await app.request(`/v1/contacts/${contactId}/form-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ formId: INTAKE }) });
      expect(response.status).toBe(401);
      expect((await issue(contactId, { formId: INTAKE }, 'sp_live_unknown')).status).toBe(401);
    });
  });

  describe('submitting', () => {
    it('starts one run for the contact after the worker runs the queued trigger', async () => {
      const contactId = await harness.contact();
      const response = await submit(INTAKE, await envelope(INTAKE, await tokenFor(contactId)));
      expect(response.status).toBe(201);
      const { id } = (await response.json()) as { id: string };

      // The trigger job committed with the submission; no run starts before a worker takes it.
      expect((await triggerJobs()).map((job) => job.payload)).toEqual([{ formId: INTAKE, submissionId: id, contactId }]);
      expect(await runsOf(contactId)).toEqual([]);

      expect(await harness.drain()).toBeGreaterThan(0);
      const runs = await runsOf(contactId);
      expect(runs.map((run) => ({ workflowId: run.workflowId, triggerKey: run.triggerKey }))).toEqual([{ workflowId: `after-${INTAKE}`, triggerKey: `submission:${id}` }]);
      expect(await harness.segments(contactId)).toEqual([`submitted-${INTAKE}`]);
      expect(await triggerJobs()).toEqual([]);
    });

    it('starts no second run for a replayed submission, before or after the worker ran', async () => {
      const contactId = await harness.contact();
      const body = await envelope(INTAKE, await tokenFor(contactId));
      const first = await submit(INTAKE, body);
      const replay = await submit(INTAKE, body);
      expect(replay.status).toBe(201);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(await replay.json()).toEqual(await first.json());
      expect(await triggerJobs()).toHaveLength(1);

      await harness.drain();
      const late = await submit(INTAKE, body);
      expect(late.headers.get('idempotent-replayed')).toBe('true');
      expect(await triggerJobs()).toEqual([]);
      expect(await harness.drain()).toBe(0);
      expect(await runsOf(contactId)).toHaveLength(1);
    });

    it('starts one run per distinct submission with the same token', async () => {
      const contactId = await harness.contact();
      const token = await tokenFor(contactId);
      for (let i = 0; i < 2; i++) {
        expect((await submit(INTAKE, await envelope(INTAKE, token))).status).toBe(201);
        await harness.drain();
      }
      expect(await runsOf(contactId)).toHaveLength(2);
    });

    it('treats concurrent duplicates as one trigger', async () => {
      const contactId = await harness.contact();
      const body = await envelope(INTAKE, await tokenFor(contactId));
      const responses = await Promise.all(Array.from({ length: 5 }, () => submit(INTAKE, body)));
      expect(responses.map((response) => response.status)).toEqual([201, 201, 201, 201, 201]);
      expect(await triggerJobs()).toHaveLength(1);
      await harness.drain();
      expect(await runsOf(contactId)).toHaveLength(1);
    });

    it('queues nothing for a submission without a token', async () => {
      const before = await database.db.select().from(workflowRuns);
      const response = await submit(INTAKE, await envelope(INTAKE));
      expect(response.status).toBe(201);
      expect(await triggerJobs()).toEqual([]);
      expect(await harness.drain()).toBe(0);
      expect(await database.db.select().from(workflowRuns)).toEqual(before);
    });

    it('commits a consent form’s ledger row and its trigger together', async () => {
      const contactId = await harness.contact();
      const signer = 'Maximiliana Oyelaran-Brandt';
      const consentForm = published[CONSENT]!.definition;
      const answers: Answers = { location: 'riverside', [CONSENT_AGREE_ID]: true, [CONSENT_NAME_ID]: signer, [CONSENT_SIGNATURE_ID]: { method: 'typed', name: signer } };
      const consent = await consentRecord({ version: 1, consent: consentForm.consent! }, 'en');
      const response = await submit(CONSENT, await envelope(CONSENT, await tokenFor(contactId, CONSENT), { formId: CONSENT, answers, consent }));
      expect(response.status).toBe(201);
      const { id } = (await response.json()) as { id: string };

      expect(await database.db.select().from(consentLedger).where(eq(consentLedger.submissionId, id))).toHaveLength(1);
      expect((await triggerJobs()).map((job) => job.payload?.submissionId)).toEqual([id]);
      await harness.drain();
      expect((await runsOf(contactId)).map((run) => run.workflowId)).toEqual([`after-${CONSENT}`]);
    });
  });

  describe('refusing', () => {
    async function expectRefused(formId: string, body: unknown, reason: string, target = app) {
      const before = await databaseFingerprint(database.db);
      const response = await submit(formId, body, target);
      const error = (await response.json()) as ErrorBody;
      expect(response.status).toBe(422);
      expect(error.error.code).toBe('invalid_contact_token');
      expect(error.error.reason).toBe(reason);
      // A sentence that says what to do, and no token or contact id in it.
      expect(error.error.message).toMatch(/(submit again|remove the contact-token attribute)/);
      expect(await databaseFingerprint(database.db)).toEqual(before);
      expect(await harness.drain()).toBe(0);
      return error;
    }

    it('refuses a forged token and changes nothing', async () => {
      const contactId = await harness.contact();
      const victim = await harness.contact();
      const token = await tokenFor(contactId);
      const [version, keyId, , tag] = token.split('.');
      const body = JSON.parse(Buffer.from(token.split('.')[2]!, 'base64url').toString('utf8')) as Record<string, unknown>;
      const forged = [version, keyId, Buffer.from(JSON.stringify({ ...body, c: victim })).toString('base64url'), tag].join('.');

      await expectRefused(INTAKE, await envelope(INTAKE, forged), 'bad_signature');
      expect(await runsOf(victim)).toEqual([]);
    });

    it('refuses a token signed under another master key', async () => {
      const contactId = await harness.contact();
      const foreign = issueContactToken(deriveContactTokenKey(randomBytes(32)), { contactId, formId: INTAKE, expiresAt: new Date(harness.clock.now().getTime() + DAY) });
      await expectRefused(INTAKE, await envelope(INTAKE, foreign), 'unknown_key');
    });

    it('refuses an expired token and changes nothing', async () => {
      const contactId = await harness.contact();
      const response = await issue(contactId, { formId: INTAKE, expiresInDays: 1 });
      const { token } = (await response.json()) as { token: string };
      harness.clock.advance(DAY);
      const error = await expectRefused(INTAKE, await envelope(INTAKE, token), 'expired');
      expect(error.error.message).toContain('has expired');
    });

    it('answers a replay after its token expired', async () => {
      const contactId = await harness.contact();
      const response = await issue(contactId, { formId: INTAKE, expiresInDays: 1 });
      const { token } = (await response.json()) as { token: string };
      const body = await envelope(INTAKE, token);
      const first = await submit(INTAKE, body);
      expect(first.status).toBe(201);

      // The acknowledgement was lost and the patient retries a day later, with the same envelope.
      harness.clock.advance(DAY);
      const replay = await submit(INTAKE, body);
      expect(replay.status).toBe(201);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(await replay.json()).toEqual(await first.json());
      expect(await triggerJobs()).toHaveLength(1);
      await harness.drain();
    });

    it('refuses a token issued for another form and changes nothing', async () => {
      const contactId = await harness.contact();
      const error = await expectRefused(INTAKE, await envelope(INTAKE, await tokenFor(contactId, FOLLOW_UP)), 'other_form');
      expect(error.error.message).toContain(`form "${INTAKE}"`);
    });

    it('refuses garbage as malformed', async () => {
      await expectRefused(INTAKE, await envelope(INTAKE, 'sct1.garbage'), 'malformed');
    });

    it('refuses a token on a collector that runs no workflows', async () => {
      const contactId = await harness.contact();
      await expectRefused(INTAKE, await envelope(INTAKE, await tokenFor(contactId)), 'no_workflows', plainApp);
    });

    it('refuses a contactToken that is not a string as an invalid envelope', async () => {
      const before = await databaseFingerprint(database.db);
      const response = await submit(INTAKE, { ...(await envelope(INTAKE)), contactToken: { contactId: randomUUID() } });
      expect(response.status).toBe(400);
      expect(((await response.json()) as ErrorBody).error.code).toBe('invalid_envelope');
      expect(await databaseFingerprint(database.db)).toEqual(before);
    });

    // The replay carries the stored ciphertext, so its response reveals nothing new and starts nothing.
    it('answers a replay whatever its token', async () => {
      const contactId = await harness.contact();
      const body = await envelope(INTAKE, await tokenFor(contactId));
      const first = await submit(INTAKE, body);
      await harness.drain();
      const replay = await submit(INTAKE, { ...body, contactToken: 'sct1.garbage' });
      expect(replay.status).toBe(201);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(await replay.json()).toEqual(await first.json());
      expect(await harness.drain()).toBe(0);
      const stored = await database.db.select().from(submissions).where(and(eq(submissions.formId, INTAKE), eq(submissions.idempotencyKey, body.idempotencyKey)));
      expect(stored).toHaveLength(1);
      expect(await runsOf(contactId)).toHaveLength(1);
    });
  });
});
