import { describe, expect, test } from 'vitest';
import type { AnswerField, Answers, FormDefinition } from '../../../sdk/form-definition';
import { validateAnswers, validateField } from '../../../sdk/validate-answers';

const TODAY = '2026-12-04';

const form: FormDefinition = {
  id: 'history',
  version: 1,
  title: 'History',
  allowedOrigins: ['https://clinic.example'],
  fields: [
    { id: 'smoker', type: 'boolean', label: 'Do you smoke?', required: true },
    { id: 'packs', type: 'number', label: 'Packs a day', unit: 'packs', enableWhen: [{ field: 'smoker', operator: '=', value: true }], required: true },
    { id: 'clinic', type: 'text', label: 'Clinic', readOnly: true, initial: 'Main St' },
    {
      id: 'about',
      type: 'group',
      label: 'About you',
      enableWhen: [{ field: 'smoker', operator: 'exists', value: true }],
      fields: [{ id: 'since', type: 'date', label: 'Since' }],
    },
    {
      id: 'medications',
      type: 'group',
      label: 'Medications',
      repeats: true,
      maxRepeats: 2,
      fields: [
        { id: 'drug', type: 'text', label: 'Drug', required: true },
        { id: 'daily', type: 'boolean', label: 'Daily?' },
        { id: 'how-often', type: 'text', label: 'How often', enableWhen: [{ field: 'daily', operator: '=', value: false }] },
      ],
    },
  ],
};

describe('validateAnswers with conditions and groups', () => {
  test('false answers a yes/no question', () => {
    expect(validateAnswers(form, { smoker: false }, TODAY)).toEqual([]);
  });

  test('required only when enabled', () => {
    expect(validateAnswers(form, { smoker: true }, TODAY)).toEqual([{ field: 'packs', code: 'required' }]);
  });

  test('answer to disabled question is rejected', () => {
    expect(validateAnswers(form, { smoker: false, packs: 2 }, TODAY)).toEqual([{ field: 'packs', code: 'not_enabled' }]);
  });

  test('disabled plain group disables its fields', () => {
    expect(validateAnswers(form, { since: '2020-01-01' }, TODAY)).toEqual([
      { field: 'smoker', code: 'required' },
      { field: 'since', code: 'not_enabled' },
    ]);
  });

  test('answer to read-only field is rejected', () => {
    expect(validateAnswers(form, { smoker: false, clinic: 'Elm St' }, TODAY)).toEqual([{ field: 'clinic', code: 'read_only' }]);
  });

  test('repeat instances are validated each', () => {
    const answers: Answers = { smoker: false, medications: [{ drug: 'Aspirin', daily: true }, { daily: false, 'how-often': 'weekly' }] };
    expect(validateAnswers(form, answers, TODAY)).toEqual([{ field: 'medications[1].drug', code: 'required' }]);
  });

  test('conditions are evaluated per instance', () => {
    const answers: Answers = { smoker: false, medications: [{ drug: 'Aspirin', daily: true, 'how-often': 'weekly' }] };
    expect(validateAnswers(form, answers, TODAY)).toEqual([{ field: 'medications[0].how-often', code: 'not_enabled' }]);
  });

  test('repeat limit and shape', () => {
    const three = [{ drug: 'a' }, { drug: 'b' }, { drug: 'c' }];
    expect(validateAnswers(form, { smoker: false, medications: three }, TODAY)).toEqual([{ field: 'medications', code: 'too_many_repeats', limit: 2 }]);
    expect(validateAnswers(form, { smoker: false, medications: ['a'] }, TODAY)).toEqual([{ field: 'medications', code: 'type_mismatch' }]);
    expect(validateAnswers(form, { smoker: false, medications: [{ drug: 'a', extra: 'x' }] }, TODAY)).toEqual([{ field: 'medications[0].extra', code: 'unknown_field' }]);
  });

  test('instance fields are unknown at top level', () => {
    expect(validateAnswers(form, { smoker: false, drug: 'Aspirin' }, TODAY)).toEqual([{ field: 'drug', code: 'unknown_field' }]);
  });
});

describe('validateField new types', () => {
  const at = (field: AnswerField, value: unknown) => validateField(field, value as never, TODAY)?.code;

  test('datetime', () => {
    const field: AnswerField = { id: 'd', type: 'datetime', label: 'D' };
    expect(at(field, '2026-12-04T09:30')).toBeUndefined();
    expect(at(field, '2026-12-04T09:30:15')).toBeUndefined();
    expect(at(field, '2026-02-30T09:30')).toBe('invalid_datetime');
    expect(at(field, '2026-12-04')).toBe('invalid_datetime');
    expect(at(field, 5)).toBe('type_mismatch');
  });

  test('time', () => {
    const field: AnswerField = { id: 't', type: 'time', label: 'T' };
    expect(at(field, '23:59')).toBeUndefined();
    expect(at(field, '11:11:11')).toBeUndefined();
    expect(at(field, '24:00')).toBe('invalid_time');
    expect(at(field, '9:30')).toBe('invalid_time');
  });

  test('url', () => {
    const field: AnswerField = { id: 'u', type: 'url', label: 'U' };
    expect(at(field, 'https://clinic.example/a')).toBeUndefined();
    expect(at(field, 'javascript:alert(1)')).toBe('invalid_url');
    expect(at(field, 'clinic')).toBe('invalid_url');
  });

  test('boolean', () => {
    const field: AnswerField = { id: 'b', type: 'boolean', label: 'B', required: true };
    expect(at(field, false)).toBeUndefined();
    expect(at(field, undefined)).toBe('required');
    expect(at(field, 'yes')).toBe('type_mismatch');
  });

  test('open choice takes any text', () => {
    const field: AnswerField = { id: 'o', type: 'open-choice', label: 'O', maxLength: 5, options: [{ value: 'a', label: 'A' }] };
    expect(at(field, 'other')).toBeUndefined();
    expect(at(field, 'longer')).toBe('too_long');
    expect(at(field, ['a'])).toBe('type_mismatch');
  });
});
