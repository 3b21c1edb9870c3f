import { describe, expect, test } from 'vitest';
import type { AnswerField } from '../../../../sdk/form-definition';
import { answerErrorText } from '../../../../widget/form-app/error-messages';

const name: AnswerField = { id: 'name', type: 'text', label: { en: 'Full name', es: 'Nombre completo' }, maxLength: 2000 };
const dose: AnswerField = { id: 'dose', type: 'number', label: { en: 'Dose', es: 'Dosis' }, step: 0.5, max: 1500.5 };
const dob: AnswerField = { id: 'dob', type: 'date', label: { en: 'Date of birth', es: 'Fecha de nacimiento' } };
const conditions: AnswerField = {
  id: 'conditions',
  type: 'checkbox-group',
  label: { en: 'Conditions', es: 'Afecciones' },
  options: [{ value: 'a', label: 'A' }],
};

describe('answerErrorText', () => {
  test.each([
    [{ field: 'name', code: 'too_long', limit: 2000 }, name, 'en', 'Enter at most 2,000 characters for “Full name”.'],
    [{ field: 'name', code: 'too_long', limit: 2000 }, name, 'es', 'Introduzca como máximo 2000 caracteres en «Nombre completo».'],
    [{ field: 'name', code: 'pattern_mismatch' }, name, 'en', 'Enter “Full name” in the format described.'],
    [{ field: 'dose', code: 'type_mismatch' }, dose, 'en', 'Enter a number for “Dose”.'],
    [{ field: 'dose', code: 'step_mismatch', limit: 0.5 }, dose, 'en', 'Enter a number for “Dose” in steps of 0.5.'],
    [{ field: 'dose', code: 'step_mismatch', limit: 0.5 }, dose, 'es', 'Introduzca en «Dosis» un número en intervalos de 0,5.'],
    [{ field: 'dose', code: 'range_overflow', limit: 1500.5 }, dose, 'en', 'Enter a number for “Dose” of 1,500.5 or less.'],
    [{ field: 'dob', code: 'invalid_date' }, dob, 'es', 'Introduzca una fecha válida en «Fecha de nacimiento».'],
    [{ field: 'dob', code: 'range_overflow', limit: '2026-12-04' }, dob, 'en', 'Enter a date for “Date of birth” on or before December 4, 2026.'],
    [{ field: 'dob', code: 'range_overflow', limit: '2026-12-04' }, dob, 'es', 'Introduzca en «Fecha de nacimiento» una fecha igual o anterior al 4 de diciembre de 2026.'],
    [{ field: 'conditions', code: 'too_short', limit: 2 }, conditions, 'en', 'Choose at least 2 of the options for “Conditions”.'],
    [{ field: 'conditions', code: 'invalid_option' }, conditions, 'es', 'Elija una de las opciones de la lista en «Afecciones».'],
  ] as const)('%o in %s', (error, field, locale, expected) => {
    expect(answerErrorText(error, field, locale)).toBe(expected);
  });

  test('unknown field named by id', () => {
    expect(answerErrorText({ field: 'shoe-size', code: 'unknown_field' }, undefined, 'en')).toBe(
      'The form has no question “shoe-size”. Reload the page and try again.',
    );
  });
});
