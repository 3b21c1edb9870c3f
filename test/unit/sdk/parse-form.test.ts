import { describe, expect, test } from 'vitest';
import intake from '../../../demo/forms/new-patient-intake.json';
import { parseFormDefinition, type DefinitionError } from '../../../sdk/parse-form';

const base = {
  id: 'intake',
  version: 1,
  title: { en: 'Intake', es: 'Registro' },
  allowedOrigins: ['https://clinic.example'],
  fields: [{ id: 'name', type: 'text', label: 'Name' }],
};

function errorsOf(value: unknown): DefinitionError[] {
  const result = parseFormDefinition(value);
  if (result.ok) throw new Error('expected the definition to be rejected');
  return result.errors;
}

function pathsOf(value: unknown): string[] {
  return errorsOf(value).map((error) => error.path);
}

function withField(field: Record<string, unknown>): unknown {
  return { ...base, fields: [field] };
}

describe('parseFormDefinition', () => {
  test('accepts demo intake form', () => {
    const result = parseFormDefinition(intake);
    expect(result.ok).toBe(true);
  });

  test('rejects non-object at $', () => {
    expect(errorsOf([])).toEqual([
      {
        path: '$',
        code: 'invalid_definition',
        message: 'A form definition must be a JSON object; wrap the fields in { "id", "version", "title", "allowedOrigins", "fields" }.',
      },
    ]);
  });

  test('rejects bad id with message', () => {
    expect(errorsOf({ ...base, id: 'New Intake' })).toEqual([
      {
        path: 'id',
        code: 'invalid_definition',
        message: 'The form id "New Intake" is invalid; use 1 to 63 lower-case letters, digits and hyphens, such as "new-patient-intake".',
      },
    ]);
  });

  test('rejects top-level fields', () => {
    expect(pathsOf({ ...base, version: 0 })).toEqual(['version']);
    expect(pathsOf({ ...base, version: 1.5 })).toEqual(['version']);
    expect(pathsOf({ ...base, title: undefined })).toEqual(['title']);
    expect(pathsOf({ ...base, title: { es: 'Registro' } })).toEqual(['title']);
    expect(pathsOf({ ...base, description: '' })).toEqual(['description']);
    expect(pathsOf({ ...base, allowedOrigins: [] })).toEqual(['allowedOrigins']);
    expect(pathsOf({ ...base, fields: [] })).toEqual(['fields']);
  });

  test('rejects origin with path', () => {
    expect(errorsOf({ ...base, allowedOrigins: ['https://clinic.example', 'https://clinic.example/forms'] })).toEqual([
      {
        path: 'allowedOrigins[1]',
        code: 'invalid_definition',
        message:
          '"https://clinic.example/forms" is not an origin; write scheme, host and optional port with no path, such as "https://clinic.example".',
      },
    ]);
  });

  test('rejects non-http origin', () => {
    expect(pathsOf({ ...base, allowedOrigins: ['ftp://clinic.example'] })).toEqual(['allowedOrigins[0]']);
  });

  test('rejects duplicate field id', () => {
    const fields = [base.fields[0], { id: 'name', type: 'email', label: 'Email' }];
    expect(errorsOf({ ...base, fields })).toEqual([
      { path: 'fields[1].id', code: 'invalid_definition', message: 'The field id "name" is used twice; give each field its own id, also across groups.' },
    ]);
  });

  test('rejects unknown field type', () => {
    expect(errorsOf(withField({ id: 'x', type: 'sketch', label: 'Sign' }))).toEqual([
      {
        path: 'fields[0].type',
        code: 'invalid_definition',
        message:
          'The field type "sketch" is not supported; use one of text, email, tel, textarea, url, date, datetime, time, number, boolean, select, radio, open-choice, checkbox, checkbox-group, attachment, signature, display, group.',
      },
    ]);
  });

  test('rejects field details by path', () => {
    expect(pathsOf(withField({ id: '-x', type: 'text', label: 'X' }))).toEqual(['fields[0].id']);
    expect(pathsOf(withField({ id: 'x', type: 'text' }))).toEqual(['fields[0].label']);
    expect(pathsOf(withField({ id: 'x', type: 'text', label: 'X', required: 'yes' }))).toEqual(['fields[0].required']);
    expect(pathsOf(withField({ id: 'x', type: 'display' }))).toEqual(['fields[0].text']);
    expect(pathsOf(withField({ id: 'x', type: 'select', label: 'X' }))).toEqual(['fields[0].options']);
    expect(pathsOf(withField({ id: 'x', type: 'text', label: 'X', maxLength: -1 }))).toEqual(['fields[0].maxLength']);
    expect(pathsOf(withField({ id: 'x', type: 'text', label: 'X', minLength: 5, maxLength: 2 }))).toEqual(['fields[0]']);
    expect(pathsOf(withField({ id: 'x', type: 'number', label: 'X', step: 0 }))).toEqual(['fields[0].step']);
    expect(pathsOf(withField({ id: 'x', type: 'number', label: 'X', min: 5, max: 2 }))).toEqual(['fields[0]']);
    expect(pathsOf(withField({ id: 'x', type: 'date', label: 'X', max: 'tomorrow' }))).toEqual(['fields[0].max']);
    expect(pathsOf(withField({ id: 'x', type: 'date', label: 'X', min: '2026-02-30' }))).toEqual(['fields[0].min']);
  });

  test('rejects duplicate option value', () => {
    const options = [
      { value: 'a', label: 'A' },
      { value: 'a', label: 'Again' },
    ];
    expect(errorsOf(withField({ id: 'x', type: 'radio', label: 'X', options }))).toEqual([
      { path: 'fields[0].options[1].value', code: 'invalid_definition', message: 'The option value "a" is used twice in this field.' },
    ]);
  });

  test('rejects invalid pattern', () => {
    expect(errorsOf(withField({ id: 'x', type: 'text', label: 'X', pattern: '[a-' }))).toEqual([
      {
        path: 'fields[0].pattern',
        code: 'invalid_definition',
        message: 'The pattern "[a-" is not a valid regular expression; test it with the "u" flag.',
      },
    ]);
  });

  test('reports every problem', () => {
    expect(pathsOf({ id: 'X', version: 'one', allowedOrigins: 'x', fields: [] })).toEqual(['id', 'version', 'title', 'allowedOrigins', 'fields']);
  });
});
