import { describe, expect, test } from 'vitest';
import type { FormDefinition } from '../../../../sdk/form-definition';
import { buildPayload } from '../../../../widget/form-app/submit-answers';

const form: FormDefinition = {
  id: 'intake',
  version: 3,
  title: 'Intake',
  allowedOrigins: ['https://clinic.example'],
  fields: [
    { id: 'name', type: 'text', label: 'Name' },
    { id: 'note', type: 'display', text: 'Note' },
    { id: 'age', type: 'number', label: 'Age' },
    { id: 'phone', type: 'tel', label: 'Phone' },
  ],
};

describe('buildPayload', () => {
  test('keeps form fields in order', () => {
    const payload = buildPayload(form, { age: 41, name: 'Ana' }, 'es');

    expect(payload).toEqual({ formId: 'intake', formVersion: 3, locale: 'es', answers: { name: 'Ana', age: 41 } });
    expect(Object.keys(payload.answers)).toEqual(['name', 'age']);
  });

  test('drops unknown and display keys', () => {
    expect(buildPayload(form, { name: 'Ana', note: 'x', extra: 'y' }, 'en').answers).toEqual({ name: 'Ana' });
  });
});
