import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import {
  CONSENT_AGREE_ID,
  CONSENT_GROUP_ID,
  CONSENT_NAME_ID,
  CONSENT_SIGNATURE_ID,
  CONSENT_TEXT_ID,
  consentLocale,
  consentRecord,
  formFields,
  isConsentRecord,
  sha256Hex,
} from '../../../sdk/consent';
import type { FormDefinition } from '../../../sdk/form-definition';
import { scopeFieldIds, validateAnswers } from '../../../sdk/validate-answers';

const text = { en: 'I agree to be treated.\n\nI may withdraw at any time.', es: 'Acepto recibir tratamiento.\n\nPuedo retirarlo en cualquier momento: ñ, é, ü.' };
const form: FormDefinition = {
  id: 'consent',
  version: 3,
  title: 'Consent',
  allowedOrigins: ['https://clinic.example'],
  consent: { text },
  fields: [{ id: 'location', type: 'text', label: 'Location' }],
};
const signed = { [CONSENT_AGREE_ID]: true, [CONSENT_NAME_ID]: 'Ana Ruiz', [CONSENT_SIGNATURE_ID]: { method: 'typed' as const, name: 'Ana Ruiz' } };

describe('consent section', () => {
  test('follows the form fields', () => {
    const fields = formFields(form);
    expect(fields.map((field) => field.id)).toEqual(['location', CONSENT_GROUP_ID]);
    const group = fields[1]!;
    expect(group.type === 'group' && group.fields.map((field) => [field.id, field.type])).toEqual([
      [CONSENT_TEXT_ID, 'display'],
      [CONSENT_AGREE_ID, 'checkbox'],
      [CONSENT_NAME_ID, 'text'],
      [CONSENT_SIGNATURE_ID, 'signature'],
    ]);
    expect(scopeFieldIds(fields)).toEqual(['location', CONSENT_AGREE_ID, CONSENT_NAME_ID, CONSENT_SIGNATURE_ID]);
  });

  test('absent from other forms', () => {
    const { consent: _consent, ...plain } = form;
    expect(formFields(plain)).toBe(plain.fields);
  });

  test('needs the box, the name and the signature', () => {
    expect(validateAnswers(form, {}, '2026-12-04')).toEqual([
      { field: CONSENT_AGREE_ID, code: 'required' },
      { field: CONSENT_NAME_ID, code: 'required' },
      { field: CONSENT_SIGNATURE_ID, code: 'required' },
    ]);
    expect(validateAnswers(form, { ...signed, [CONSENT_AGREE_ID]: false }, '2026-12-04')).toEqual([{ field: CONSENT_AGREE_ID, code: 'required' }]);
    expect(validateAnswers(form, signed, '2026-12-04')).toEqual([]);
  });
});

describe('consent record', () => {
  test('hashes like node:crypto', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await sha256Hex(text.es)).toBe(createHash('sha256').update(text.es, 'utf8').digest('hex'));
  });

  test('names the version, the language and the hash shown', async () => {
    expect(await consentRecord({ version: form.version, consent: form.consent! }, 'es-MX')).toEqual({
      formVersion: 3,
      locale: 'es',
      textSha256: createHash('sha256').update(text.es).digest('hex'),
    });
    expect((await consentRecord({ version: 1, consent: form.consent! }, 'ar')).locale).toBe('en');
  });

  test('locale of the text shown', () => {
    expect(['es', 'ES-us', 'en', 'fr', 'ar', ''].map(consentLocale)).toEqual(['es', 'es', 'en', 'en', 'en', 'en']);
  });

  test('checks the shape', () => {
    const hash = 'a'.repeat(64);
    expect(isConsentRecord({ formVersion: 1, locale: 'en', textSha256: hash })).toBe(true);
    expect(isConsentRecord({ formVersion: 1, locale: 'fr', textSha256: hash })).toBe(false);
    expect(isConsentRecord({ formVersion: 1, locale: 'en', textSha256: hash.toUpperCase() })).toBe(false);
    expect(isConsentRecord({ formVersion: '1', locale: 'en', textSha256: hash })).toBe(false);
    expect(isConsentRecord(undefined)).toBe(false);
  });
});
