import './quiet-lit';
import { describe, expect, test } from 'vitest';
import type { Field, OpenChoiceField } from '../../../../sdk/form-definition';
import { readAnswer, readAnswers } from '../../../../widget/form-app/read-answers';
import { formatAnswer } from '../../../../widget/form-app/render-review';

function container(html: string): Element {
  const element = document.createElement('div');
  element.innerHTML = html;
  return element;
}

describe('readAnswer open choice', () => {
  const field: OpenChoiceField = {
    id: 'drug',
    type: 'open-choice',
    label: 'Drug',
    options: [{ value: 'LA6729-3', label: { en: 'Sometimes true', es: 'A veces es cierto' } }],
  };

  test('label reads as option value', () => {
    expect(readAnswer(field, container('<input value=" Sometimes true ">'))).toBe('LA6729-3');
    expect(readAnswer(field, container('<input value="A veces es cierto">'))).toBe('LA6729-3');
  });

  test('other text reads as typed', () => {
    expect(readAnswer(field, container('<input value="Ibuprofen">'))).toBe('Ibuprofen');
    expect(readAnswer(field, container('<input value="  ">'))).toBeUndefined();
  });
});

describe('readAnswers', () => {
  const fields: Field[] = [
    { id: 'smoker', type: 'boolean', label: 'Smoker' },
    { id: 'clinic', type: 'text', label: 'Clinic', readOnly: true },
    { id: 'about', type: 'group', label: 'About', fields: [{ id: 'name', type: 'text', label: 'Name' }] },
    { id: 'visits', type: 'group', label: 'Visits', repeats: true, fields: [{ id: 'when', type: 'date', label: 'When' }] },
  ];

  test('reads groups, instances and skips read-only', () => {
    const root = container(`
      <fieldset data-field="smoker"><input type="radio" value="true"><input type="radio" value="false" checked></fieldset>
      <div data-field="clinic"><input value="Main St"></div>
      <div data-field="name"><input value="Ana"></div>
      <fieldset data-instance-of="visits"><div data-field="when"><input value="2026-01-02"></div></fieldset>
      <fieldset data-instance-of="visits"><div data-field="when"><input value=""></div></fieldset>`);

    expect(readAnswers(fields, root)).toEqual({ smoker: false, name: 'Ana', visits: [{ when: '2026-01-02' }, {}] });
  });

  test('unrendered fields have no answer', () => {
    expect(readAnswers(fields, container('<div data-field="name"><input value="Ana"></div>'))).toEqual({ name: 'Ana' });
  });
});

describe('formatAnswer', () => {
  test('formats in Spanish', () => {
    expect(formatAnswer({ id: 'weight', type: 'number', label: 'Weight', unit: 'kg' }, 72.5, 'es')).toBe('72,5 kg');
    expect(formatAnswer({ id: 'smoker', type: 'boolean', label: 'Smoker' }, false, 'es')).toBe('No');
    expect(formatAnswer({ id: 'note', type: 'text', label: 'Note' }, undefined, 'es')).toBe('Sin respuesta');
  });

  test('formats dates and times in the language', () => {
    expect(formatAnswer({ id: 'dob', type: 'date', label: 'Date of birth' }, '1980-02-03', 'es')).toBe('3 de febrero de 1980');
    expect(formatAnswer({ id: 'dob', type: 'date', label: 'Date of birth' }, '1980-02-03', 'en')).toBe('February 3, 1980');
    expect(formatAnswer({ id: 'seen', type: 'datetime', label: 'Seen at' }, '2026-03-01T16:45', 'es')).toBe('1 de marzo de 2026 a las 16:45');
    expect(formatAnswer({ id: 'wake', type: 'time', label: 'Wake-up time' }, '07:15', 'es')).toBe('7:15');
    // A text answer that looks like a date stays as typed.
    expect(formatAnswer({ id: 'note', type: 'text', label: 'Note' }, '1980-02-03', 'es')).toBe('1980-02-03');
  });
});
