import { describe, expect, test } from 'vitest';
import type { AnswerField, FormDefinition } from '../../../sdk/form-definition';
import { isCalendarDate, localDateString, todayAnywhere, validateAnswers, validateField } from '../../../sdk/validate-answers';

const TODAY = '2026-12-04';

const text: AnswerField = { id: 'name', type: 'text', label: 'Name', required: true, minLength: 2, maxLength: 5, pattern: '[A-Za-z😀]+' };
const email: AnswerField = { id: 'email', type: 'email', label: 'Email' };
const tel: AnswerField = { id: 'phone', type: 'tel', label: 'Phone' };
const date: AnswerField = { id: 'dob', type: 'date', label: 'Date of birth', min: '1900-01-01', max: 'today' };
const number: AnswerField = { id: 'dose', type: 'number', label: 'Dose', min: 1, max: 9, step: 2 };
const select: AnswerField = { id: 'contact', type: 'select', label: 'Contact', options: [{ value: 'email', label: 'Email' }] };
const radio: AnswerField = { id: 'insured', type: 'radio', label: 'Insured', options: [{ value: 'yes', label: 'Yes' }] };
const checkbox: AnswerField = { id: 'consent', type: 'checkbox', label: 'I agree', required: true };
const group: AnswerField = {
  id: 'conditions',
  type: 'checkbox-group',
  label: 'Conditions',
  minLength: 1,
  maxLength: 2,
  options: ['a', 'b', 'c'].map((value) => ({ value, label: value })),
};

describe('validateField', () => {
  test('required text rejects missing and empty', () => {
    expect(validateField(text, undefined, TODAY)).toEqual({ field: 'name', code: 'required' });
    expect(validateField(text, '', TODAY)).toEqual({ field: 'name', code: 'required' });
  });

  test('optional empty answer passes', () => {
    expect(validateField(email, undefined, TODAY)).toBeUndefined();
    expect(validateField(email, '', TODAY)).toBeUndefined();
  });

  test('required checkbox rejects false', () => {
    expect(validateField(checkbox, false, TODAY)).toEqual({ field: 'consent', code: 'required' });
    expect(validateField(checkbox, true, TODAY)).toBeUndefined();
  });

  test('required group rejects empty array', () => {
    expect(validateField({ ...group, required: true }, [], TODAY)).toEqual({ field: 'conditions', code: 'required' });
  });

  test('type_mismatch per field type', () => {
    expect(validateField(text, 42, TODAY)?.code).toBe('type_mismatch');
    expect(validateField(date, 20261204, TODAY)?.code).toBe('type_mismatch');
    expect(validateField(number, '3', TODAY)?.code).toBe('type_mismatch');
    expect(validateField(number, Number.NaN, TODAY)?.code).toBe('type_mismatch');
    expect(validateField(select, true, TODAY)?.code).toBe('type_mismatch');
    expect(validateField(checkbox, 'yes', TODAY)?.code).toBe('type_mismatch');
    expect(validateField(group, 'a', TODAY)?.code).toBe('type_mismatch');
    expect(validateField(group, ['a', 1] as unknown as string[], TODAY)?.code).toBe('type_mismatch');
  });

  test('invalid_email', () => {
    expect(validateField(email, 'ana@example', TODAY)).toEqual({ field: 'email', code: 'invalid_email' });
    expect(validateField(email, 'ana ruiz@example.com', TODAY)?.code).toBe('invalid_email');
    expect(validateField(email, 'ana@@example.com', TODAY)?.code).toBe('invalid_email');
    expect(validateField(email, 'ana.ruiz@mail.example.com', TODAY)).toBeUndefined();
  });

  test('invalid_tel', () => {
    expect(validateField(tel, 'call me', TODAY)).toEqual({ field: 'phone', code: 'invalid_tel' });
    expect(validateField(tel, '123 456', TODAY)?.code).toBe('invalid_tel');
    expect(validateField(tel, '1234567890123456', TODAY)?.code).toBe('invalid_tel');
    expect(validateField(tel, '+1 (555) 123-4567', TODAY)).toBeUndefined();
  });

  test('text length counts code points', () => {
    expect(validateField(text, 'A', TODAY)).toEqual({ field: 'name', code: 'too_short', limit: 2 });
    expect(validateField(text, 'Abcdef', TODAY)).toEqual({ field: 'name', code: 'too_long', limit: 5 });
    expect(validateField(text, '😀😀😀😀😀', TODAY)).toBeUndefined();
  });

  test('pattern_mismatch matches the whole value', () => {
    expect(validateField(text, 'Ab1', TODAY)).toEqual({ field: 'name', code: 'pattern_mismatch' });
    expect(validateField(text, 'Abc', TODAY)).toBeUndefined();
  });

  test('invalid_date', () => {
    expect(validateField(date, '2026-02-30', TODAY)).toEqual({ field: 'dob', code: 'invalid_date' });
    expect(validateField(date, '04/12/2026', TODAY)?.code).toBe('invalid_date');
  });

  test('date range with today', () => {
    expect(validateField(date, '1899-12-31', TODAY)).toEqual({ field: 'dob', code: 'range_underflow', limit: '1900-01-01' });
    expect(validateField(date, '2026-12-05', TODAY)).toEqual({ field: 'dob', code: 'range_overflow', limit: TODAY });
    expect(validateField(date, TODAY, TODAY)).toBeUndefined();
  });

  test('date today as window', () => {
    const window = { earliest: '2026-12-04', latest: '2026-12-05' };
    expect(validateField(date, '2026-12-05', window)).toBeUndefined();
    expect(validateField(date, '2026-12-06', window)).toEqual({ field: 'dob', code: 'range_overflow', limit: '2026-12-05' });
  });

  test('number range and step', () => {
    expect(validateField(number, 0, TODAY)).toEqual({ field: 'dose', code: 'range_underflow', limit: 1 });
    expect(validateField(number, 11, TODAY)).toEqual({ field: 'dose', code: 'range_overflow', limit: 9 });
    expect(validateField(number, 4, TODAY)).toEqual({ field: 'dose', code: 'step_mismatch', limit: 2 });
    expect(validateField(number, 5, TODAY)).toBeUndefined();
  });

  test('decimal step tolerates rounding', () => {
    const tenths: AnswerField = { id: 'temp', type: 'number', label: 'Temperature', step: 0.1 };
    expect(validateField(tenths, 0.3, TODAY)).toBeUndefined();
    expect(validateField(tenths, 0.35, TODAY)).toEqual({ field: 'temp', code: 'step_mismatch', limit: 0.1 });
  });

  test('invalid_option', () => {
    expect(validateField(select, 'fax', TODAY)).toEqual({ field: 'contact', code: 'invalid_option' });
    expect(validateField(radio, 'maybe', TODAY)).toEqual({ field: 'insured', code: 'invalid_option' });
    expect(validateField(group, ['a', 'z'], TODAY)).toEqual({ field: 'conditions', code: 'invalid_option' });
    expect(validateField(group, ['a', 'a'], TODAY)).toEqual({ field: 'conditions', code: 'invalid_option' });
  });

  test('group counts choices', () => {
    expect(validateField({ ...group, minLength: 2 }, ['a'], TODAY)).toEqual({ field: 'conditions', code: 'too_short', limit: 2 });
    expect(validateField(group, ['a', 'b', 'c'], TODAY)).toEqual({ field: 'conditions', code: 'too_long', limit: 2 });
    expect(validateField(group, ['a', 'c'], TODAY)).toBeUndefined();
  });
});

describe('validateAnswers', () => {
  const form: FormDefinition = {
    id: 'intake',
    version: 1,
    title: 'Intake',
    allowedOrigins: ['https://clinic.example'],
    fields: [text, { id: 'note', type: 'display', text: 'Note' }, email, checkbox],
  };

  test('unknown field comes first', () => {
    expect(validateAnswers(form, { name: 'Ana', extra: 'x', consent: true }, TODAY)).toEqual([{ field: 'extra', code: 'unknown_field' }]);
  });

  test('answer to display field is unknown', () => {
    expect(validateAnswers(form, { name: 'Ana', consent: true, note: 'x' }, TODAY)).toEqual([{ field: 'note', code: 'unknown_field' }]);
  });

  test('errors in field order', () => {
    expect(validateAnswers(form, { email: 'nope' }, TODAY)).toEqual([
      { field: 'name', code: 'required' },
      { field: 'email', code: 'invalid_email' },
      { field: 'consent', code: 'required' },
    ]);
  });

  test('valid answers pass', () => {
    expect(validateAnswers(form, { name: 'Ana', email: 'ana@example.com', consent: true }, TODAY)).toEqual([]);
  });
});

describe('isCalendarDate', () => {
  test.each([
    ['2024-02-29', true],
    ['2000-02-29', true],
    ['2026-12-31', true],
    ['2023-02-29', false],
    ['1900-02-29', false],
    ['2026-13-01', false],
    ['2026-04-31', false],
    ['2026-00-10', false],
    ['26-01-01', false],
    ['2026-1-01', false],
    ['2026-01-01T00:00', false],
    ['', false],
  ])('%s is %s', (value, expected) => {
    expect(isCalendarDate(value)).toBe(expected);
  });
});

describe('dates for today', () => {
  test('localDateString pads', () => {
    expect(localDateString(new Date(2026, 0, 5))).toBe('2026-01-05');
  });

  test('todayAnywhere spans UTC-12 to UTC+14', () => {
    expect(todayAnywhere(new Date('2026-12-04T11:00:00Z'))).toEqual({ earliest: '2026-12-03', latest: '2026-12-05' });
  });
});
