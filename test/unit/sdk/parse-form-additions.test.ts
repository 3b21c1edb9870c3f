import { describe, expect, test } from 'vitest';
import { parseFormDefinition } from '../../../sdk/parse-form';

const base = { id: 'consent', version: 1, title: 'Consent', allowedOrigins: ['https://clinic.example'], fields: [{ id: 'location', type: 'text', label: 'Location' }] };

function errors(definition: Record<string, unknown>): string[] {
  const result = parseFormDefinition(definition);
  return result.ok ? [] : result.errors.map((error) => `${error.path}: ${error.message}`);
}

describe('consent forms', () => {
  test('accept English and Spanish text', () => {
    expect(errors({ ...base, consent: { text: { en: 'I agree.', es: 'Acepto.' } } })).toEqual([]);
  });

  test('need both languages', () => {
    expect(errors({ ...base, consent: { text: { en: 'I agree.' } } })).toEqual([
      'consent.text.es: consent.text.es is missing or empty; a consent form needs its authorization in English and Spanish.',
    ]);
  });

  test('refuse other languages and properties', () => {
    expect(errors({ ...base, consent: { text: { en: 'I agree.', es: 'Acepto.', fr: "J'accepte." }, checkbox: 'x' } })).toEqual([
      'consent: consent has properties that are not supported: checkbox; write it as { "text": { "en": "…", "es": "…" } }, the authorization in English and Spanish.',
      'consent.text: consent.text has languages other than "en" and "es" (fr); the authorization is published and hashed in English and Spanish only.',
    ]);
  });

  test('count the signature toward the attachment budget', () => {
    const fields = [{ id: 'scan', type: 'attachment', label: 'Scan', maxBytes: 1_048_576 }];
    expect(errors({ ...base, fields, consent: { text: { en: 'I agree.', es: 'Acepto.' } } })[0]).toMatch(/^fields: The attachment and signature fields allow 1114112 bytes together/);
  });
});

describe('prefillable fields', () => {
  test('allowed on questions', () => {
    expect(errors({ ...base, fields: [{ id: 'location', type: 'select', label: 'Location', prefillable: true, options: [{ value: 'a', label: 'A' }] }] })).toEqual([]);
  });

  test('refused where the page could not set them or they would not be sent', () => {
    expect(
      errors({
        ...base,
        fields: [
          { id: 'sig', type: 'signature', label: 'Sign', prefillable: true },
          { id: 'clinic', type: 'text', label: 'Clinic', readOnly: true, prefillable: true },
          { id: 'meds', type: 'group', label: 'Medications', repeats: true, fields: [{ id: 'drug', type: 'text', label: 'Drug', prefillable: true }] },
          { id: 'flag', type: 'text', label: 'Flag', prefillable: 'yes' },
        ],
      }),
    ).toEqual([
      'fields[0].prefillable: A signature field cannot be prefilled; mark a question whose value is not PHI, such as the clinic location.',
      'fields[1].prefillable: A read-only field cannot be prefilled, because its answer is never sent; remove readOnly or prefillable.',
      'fields[2].fields[0].prefillable: A field inside a repeating group cannot be prefilled; move it out of the group.',
      'fields[3].prefillable: prefillable must be true or false.',
    ]);
  });
});

describe('language, questionnaire and FHIR types', () => {
  test('accept a language tag and a canonical URL', () => {
    expect(errors({ ...base, language: 'ar', questionnaire: 'http://hl7.org/fhir/Questionnaire/phq-9|0.0.1' })).toEqual([]);
  });

  test('refuse malformed ones', () => {
    expect(errors({ ...base, language: 'arabic script', questionnaire: 'not a url' })).toEqual([
      'language: language must be a language tag such as "en" or "ar", not "arabic script".',
      'questionnaire: questionnaire must be the canonical URL of the FHIR Questionnaire, such as "http://example.org/Questionnaire/intake", not "not a url".',
    ]);
  });

  test('check fhirType against the field type, and option systems and value types', () => {
    expect(
      errors({
        ...base,
        fields: [
          { id: 'weight', type: 'number', label: 'Weight', fhirType: 'quantity' },
          { id: 'free', type: 'text', label: 'Free', fhirType: 'choice' },
          { id: 'odd', type: 'date', label: 'Odd', fhirType: 'quantity' },
          { id: 'pick', type: 'radio', label: 'Pick', options: [{ value: '1', label: 'One', valueType: 'integer' }, { value: 'x', label: 'X', system: '' }, { value: 'y', label: 'Y', valueType: 'Coding' }] },
        ],
      }),
    ).toEqual([
      'fields[2].fhirType: fhirType "quantity" belongs on a number field, not on a date field.',
      'fields[3].options[1].system: system must be the URL of the code system, such as "http://loinc.org".',
      'fields[3].options[2].valueType: valueType must be one of integer, date, time, string, or absent for a Coding.',
    ]);
  });
});
