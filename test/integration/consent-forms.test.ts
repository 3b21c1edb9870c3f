import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, consentLedger, consentTexts, submissions } from '../../collector/db/schema';
import { publishForm } from '../../collector/forms/publish-form';
import { CONSENT_AGREE_ID, CONSENT_NAME_ID, CONSENT_SIGNATURE_ID, consentRecord, sha256Hex } from '../../sdk/consent';
import { encryptSubmission } from '../../sdk/encrypt-answers';
import type { Answers, ConsentRecord, FormDefinition, PublishedForm, SubmissionPayload, SubmissionReceipt } from '../../sdk/form-definition';
import { newIdempotencyKey } from '../../sdk/ids';
import { ROOT } from '../support/processes';
import { TEST_PASSWORD_COST, addStaff, sessionCookieFor, testClock } from '../support/staff-session';
import { COLLECTOR_ORIGIN, createTestCollector } from '../support/test-collector';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';

type ErrorBody = { error: { code: string; message: string; fields?: { field: string; code: string }[] } };

const consentForm = (): FormDefinition => JSON.parse(readFileSync(`${ROOT}/demo/forms/consent-to-treatment.json`, 'utf8')) as FormDefinition;
const FORM = 'consent-to-treatment';
const SIGNER = 'Maximiliana Oyelaran-Brandt';
const signedAnswers: Answers = {
  location: 'riverside',
  [CONSENT_AGREE_ID]: true,
  [CONSENT_NAME_ID]: SIGNER,
  [CONSENT_SIGNATURE_ID]: { method: 'typed', name: SIGNER },
};

describe.each(drivers)('consent forms on %s', (driver) => {
  const clock = testClock();
  let database: TestDatabase;
  let collector: Awaited<ReturnType<typeof createTestCollector>>;
  let published: PublishedForm;
  let reviewerCookie: string;
  let analystCookie: string;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    collector = await createTestCollector(database, { now: clock.now, passwordCost: TEST_PASSWORD_COST });
    await publishForm(database.db, collector.custody, consentForm(), 'test:setup');
    published = (await (await collector.app.request(`/v1/forms/${FORM}`)).json()) as PublishedForm;
    reviewerCookie = await sessionCookieFor(database.db, collector.staff, (await addStaff(database.db, collector.staff, 'reviewer')).id);
    analystCookie = await sessionCookieFor(database.db, collector.staff, (await addStaff(database.db, collector.staff, 'analyst')).id);
  });

  afterAll(async () => {
    await database?.dispose();
  });

  /** Encrypts a payload to a published form and posts it as the embedded form would. */
  async function post(form: PublishedForm, payload: SubmissionPayload, idempotencyKey = newIdempotencyKey()): Promise<Response> {
    const jwe = await encryptSubmission(payload, form.key.jwk);
    return collector.app.request(`/v1/forms/${payload.formId}/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: COLLECTOR_ORIGIN },
      body: JSON.stringify({ formVersion: payload.formVersion, kid: form.key.kid, jwe, idempotencyKey }),
    });
  }

  async function sign(locale: string, consent?: ConsentRecord | null, answers: Answers = signedAnswers): Promise<Response> {
    const record = consent === null ? undefined : (consent ?? (await consentRecord({ version: 1, consent: consentForm().consent! }, locale)));
    return post(published, { formId: FORM, formVersion: 1, locale, answers, ...(record ? { consent: record } : {}) });
  }

  const ledgerRow = async (submissionId: string) => (await database.db.select().from(consentLedger).where(eq(consentLedger.submissionId, submissionId)))[0];

  it('stores each language of the text with its SHA-256 on publish', async () => {
    const rows = await database.db.select().from(consentTexts).where(eq(consentTexts.formId, FORM)).orderBy(consentTexts.locale);
    const text = consentForm().consent!.text;

    expect(rows.map((row) => [row.formVersion, row.locale, row.text])).toEqual([
      [1, 'en', text.en],
      [1, 'es', text.es],
    ]);
    for (const row of rows) expect(row.textSha256).toBe(createHash('sha256').update(row.text, 'utf8').digest('hex'));
    // The browser hashes with WebCrypto; both must agree byte for byte, accents included.
    expect(await sha256Hex(text.es)).toBe(rows[1]!.textSha256);

    const [entry] = await database.db.select().from(auditLog).where(and(eq(auditLog.action, 'form.publish'), eq(auditLog.subjectId, FORM)));
    expect(entry?.details).toMatchObject({ version: 1, consentSha256: { en: rows[0]!.textSha256, es: rows[1]!.textSha256 } });
  });

  it('accepts a signed consent and writes a PHI-free ledger row', async () => {
    const response = await sign('es');
    expect(response.status, await response.clone().text()).toBe(201);
    const receipt = (await response.json()) as SubmissionReceipt;

    const row = await ledgerRow(receipt.id);
    const [text] = await database.db.select().from(consentTexts).where(and(eq(consentTexts.formId, FORM), eq(consentTexts.locale, 'es')));
    expect(row).toMatchObject({ formId: FORM, formVersion: 1, locale: 'es', textSha256: text!.textSha256, submissionId: receipt.id });
    expect(row!.signedAt.toISOString()).toBe(receipt.receivedAt);
    expect(JSON.stringify(row)).not.toContain('Oyelaran');
  });

  it('rejects a text hash that is not the published one', async () => {
    const forged = { formVersion: 1, locale: 'en' as const, textSha256: await sha256Hex(`${consentForm().consent!.text.en} I also waive every right.`) };
    const before = await database.db.select().from(submissions);
    const response = await sign('en', forged);
    const body = (await response.json()) as ErrorBody;

    expect(response.status).toBe(422);
    expect(body.error.code).toBe('consent_text_mismatch');
    expect(body.error.message).toContain(forged.textSha256);
    expect(body.error.message).toContain('reload the form');
    expect(await database.db.select().from(submissions)).toHaveLength(before.length);
  });

  it('rejects a consent submission without its record', async () => {
    const response = await sign('en', null);
    expect(response.status).toBe(422);
    expect(((await response.json()) as ErrorBody).error.code).toBe('consent_missing');
  });

  it('rejects a record of another version', async () => {
    const record = { ...(await consentRecord({ version: 1, consent: consentForm().consent! }, 'en')), formVersion: 2 };
    const response = await sign('en', record);
    expect(response.status).toBe(422);
    expect(((await response.json()) as ErrorBody).error.code).toBe('consent_version_mismatch');
  });

  it('rejects a consent record on a form that asks for none', async () => {
    const intake = (await (await collector.app.request('/v1/forms/new-patient-intake')).json()) as PublishedForm;
    const answers = { 'full-name': 'Ana Ruiz', 'date-of-birth': '1980-01-02', email: 'ana@example.org', reason: 'Check-up', 'preferred-contact': 'email', 'has-insurance': 'no' };
    const consent = await consentRecord({ version: 1, consent: consentForm().consent! }, 'en');
    const response = await post(intake, { formId: 'new-patient-intake', formVersion: 1, locale: 'en', answers, consent });

    expect(response.status).toBe(422);
    expect(((await response.json()) as ErrorBody).error.code).toBe('consent_not_expected');
  });

  it('rejects an unticked box, a missing name and a missing signature', async () => {
    const response = await sign('en', undefined, { location: 'riverside' });
    const body = (await response.json()) as ErrorBody;

    expect(response.status).toBe(422);
    expect(body.error.fields).toEqual([
      { field: CONSENT_AGREE_ID, code: 'required' },
      { field: CONSENT_NAME_ID, code: 'required' },
      { field: CONSENT_SIGNATURE_ID, code: 'required' },
    ]);
  });

  it('writes one ledger row for a replayed submission', async () => {
    const key = newIdempotencyKey();
    const payload: SubmissionPayload = { formId: FORM, formVersion: 1, locale: 'en', answers: signedAnswers, consent: await consentRecord({ version: 1, consent: consentForm().consent! }, 'en') };
    const jwe = await encryptSubmission(payload, published.key.jwk);
    const send = () =>
      collector.app.request(`/v1/forms/${FORM}/submissions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: COLLECTOR_ORIGIN },
        body: JSON.stringify({ formVersion: 1, kid: published.key.kid, jwe, idempotencyKey: key }),
      });

    const first = (await (await send()).json()) as SubmissionReceipt;
    const replay = await send();
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await database.db.select().from(consentLedger).where(eq(consentLedger.submissionId, first.id))).toHaveLength(1);
  });

  it('keeps the ledger append-only', async () => {
    const [row] = await database.db.select().from(consentLedger).limit(1);
    await expect(database.db.update(consentLedger).set({ locale: 'en' }).where(eq(consentLedger.seq, row!.seq))).rejects.toThrow();
    await expect(database.db.delete(consentLedger).where(eq(consentLedger.seq, row!.seq))).rejects.toThrow();
  });

  it('versions the text: a new version has its own hash, and the old one still verifies', async () => {
    const next = consentForm();
    next.version = 2;
    next.consent!.text.en = `${next.consent!.text.en}\n\nThis version adds telehealth visits.`;
    next.consent!.text.es = `${next.consent!.text.es}\n\nEsta versión añade las consultas por telemedicina.`;
    await publishForm(database.db, collector.custody, next, 'test:setup');

    const rows = await database.db.select().from(consentTexts).where(and(eq(consentTexts.formId, FORM), eq(consentTexts.locale, 'en'))).orderBy(consentTexts.formVersion);
    expect(rows.map((row) => row.formVersion)).toEqual([1, 2]);
    expect(rows[1]!.textSha256).not.toBe(rows[0]!.textSha256);

    // A patient who loaded version 1 before the change still signs version 1's text.
    expect((await sign('en')).status).toBe(201);
    const v2 = (await (await collector.app.request(`/v1/forms/${FORM}`)).json()) as PublishedForm;
    const signed = await post(v2, { formId: FORM, formVersion: 2, locale: 'en', answers: signedAnswers, consent: await consentRecord({ version: 2, consent: next.consent! }, 'en') });
    expect(signed.status).toBe(201);
    expect((await ledgerRow(((await signed.json()) as SubmissionReceipt).id))?.textSha256).toBe(rows[1]!.textSha256);
  });

  it('lets reviewers read the ledger, newest first and by page', async () => {
    const first = (await (await collector.app.request(`/v1/staff/consents?form=${FORM}&limit=2`, { headers: { cookie: reviewerCookie } })).json()) as {
      items: { seq: number; formId: string; formVersion: number; locale: string; textSha256: string; signedAt: string; submissionId: string }[];
      nextBefore: number | null;
    };
    expect(first.items).toHaveLength(2);
    expect(first.items[0]!.seq).toBeGreaterThan(first.items[1]!.seq);
    expect(Object.keys(first.items[0]!).sort()).toEqual(['formId', 'formVersion', 'locale', 'seq', 'signedAt', 'submissionId', 'textSha256']);
    expect(first.nextBefore).toBe(first.items[1]!.seq);

    const rest = (await (await collector.app.request(`/v1/staff/consents?form=${FORM}&before=${first.nextBefore}`, { headers: { cookie: reviewerCookie } })).json()) as { items: { seq: number }[] };
    const all = await database.db.select().from(consentLedger).orderBy(desc(consentLedger.seq));
    expect([...first.items, ...rest.items].map((item) => item.seq)).toEqual(all.map((row) => row.seq));

    expect((await collector.app.request('/v1/staff/consents', { headers: { cookie: analystCookie } })).status).toBe(403);
  });

  it('shows a reviewer exactly the text that was signed', async () => {
    const receipt = (await (await sign('es')).json()) as SubmissionReceipt;
    const response = await collector.app.request(`/v1/staff/submissions/${receipt.id}`, { headers: { cookie: reviewerCookie } });
    const body = (await response.json()) as { consent: { text: string; locale: string; textSha256: string; formVersion: number; verified: boolean }; answers: Answers };

    expect(body.consent).toMatchObject({ text: consentForm().consent!.text.es, locale: 'es', formVersion: 1, verified: true });
    expect(body.consent.textSha256).toBe(createHash('sha256').update(consentForm().consent!.text.es).digest('hex'));
    expect(body.answers[CONSENT_NAME_ID]).toBe(SIGNER);
  });

  it('exports the consent with its record as FHIR', async () => {
    const receipt = (await (await sign('en')).json()) as SubmissionReceipt;
    const response = await collector.app.request(`/v1/staff/submissions/${receipt.id}/export?format=fhir`, { headers: { cookie: reviewerCookie } });
    const resource = (await response.json()) as { item: { linkId: string; item?: { linkId: string; answer: unknown[] }[] }[]; extension: { extension: { url: string }[] }[] };

    expect(resource.item.map((item) => item.linkId)).toEqual(['location', '_consent']);
    expect(resource.item[1]!.item!.map((item) => [item.linkId, item.answer])).toEqual([
      [CONSENT_AGREE_ID, [{ valueBoolean: true }]],
      [CONSENT_NAME_ID, [{ valueString: SIGNER }]],
      [CONSENT_SIGNATURE_ID, [{ valueString: SIGNER }]],
    ]);
    expect(resource.extension[0]!.extension).toContainEqual({ url: 'locale', valueCode: 'en' });
  });
});
