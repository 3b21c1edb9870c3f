import { describe, expect, test } from 'vitest';
import { parseFormDefinition, type DefinitionError } from '../../../sdk/parse-form';

const base = { id: 'intake', version: 1, title: 'Intake', allowedOrigins: ['https://clinic.example'] };

function errorsOf(fields: unknown[]): DefinitionError[] {
  const result = parseFormDefinition({ ...base, fields });
  return result.ok ? [] : result.errors;
}

const error = (path: string, message: string): DefinitionError => ({ path, code: 'invalid_definition', message });
const smoker = { id: 'smoker', type: 'boolean', label: 'Smoker?' };

describe('parseFormDefinition groups and conditions', () => {
  test('accepts every new field type', () => {
    expect(
      errorsOf([
        smoker,
        { id: 'at', type: 'datetime', label: 'At' },
        { id: 'time', type: 'time', label: 'Time' },
        { id: 'site', type: 'url', label: 'Site', maxLength: 200 },
        { id: 'weight', type: 'number', label: 'Weight', unit: { en: 'kg', es: 'kg' } },
        { id: 'drug', type: 'open-choice', label: 'Drug', options: [{ value: 'a', label: 'A', score: 1 }], initial: 'other' },
        { id: 'meds', type: 'group', label: 'Meds', repeats: true, maxRepeats: 5, fields: [{ id: 'name', type: 'text', label: 'Name', enableWhen: [{ field: 'smoker', operator: 'exists', value: true }] }] },
      ]),
    ).toEqual([]);
  });

  test('rejects condition on unknown field', () => {
    expect(errorsOf([smoker, { id: 'b', type: 'text', label: 'B', enableWhen: [{ field: 'missing', operator: '=', value: 'x' }] }])).toEqual([
      error('fields[1].enableWhen[0].field', 'The condition names the field "missing", which the form does not have; use the id of one of its fields.'),
    ]);
  });

  test('rejects condition on itself', () => {
    expect(errorsOf([{ ...smoker, enableWhen: [{ field: 'smoker', operator: '=', value: true }] }])).toEqual([
      error('fields[0].enableWhen[0].field', 'The field "smoker" cannot depend on its own answer; name another field.'),
    ]);
  });

  test('rejects bad operator and value', () => {
    expect(
      errorsOf([
        smoker,
        {
          id: 'b',
          type: 'text',
          label: 'B',
          enableBehavior: 'some',
          enableWhen: [
            { field: 'smoker', operator: '~', value: true },
            { field: 'smoker', operator: 'exists', value: 'yes' },
            { field: 'smoker', operator: '=', value: null },
          ],
        },
      ]),
    ).toEqual([
      error('fields[1].enableBehavior', 'enableBehavior must be "all" or "any", not "some".'),
      error('fields[1].enableWhen[0].operator', 'The operator "~" is not supported; use one of exists, =, !=, >, <, >=, <=.'),
      error('fields[1].enableWhen[1].value', 'The exists operator takes true (answered) or false (unanswered) as its value.'),
      error('fields[1].enableWhen[2].value', 'value must be a string, a number or true/false.'),
    ]);
  });

  test('rejects empty enableWhen', () => {
    expect(errorsOf([{ ...smoker, enableWhen: [] }])).toEqual([
      error('fields[0].enableWhen', 'enableWhen must be a non-empty list of conditions, such as [{ "field": "smoker", "operator": "=", "value": true }].'),
    ]);
  });

  test('rejects duplicate id across groups', () => {
    expect(errorsOf([smoker, { id: 'g', type: 'group', label: 'G', fields: [{ ...smoker }] }])).toEqual([
      error('fields[1].fields[0].id', 'The field id "smoker" is used twice; give each field its own id, also across groups.'),
    ]);
  });

  test('rejects empty group and nested repeat', () => {
    expect(
      errorsOf([
        { id: 'g', type: 'group', label: 'G', fields: [] },
        { id: 'r', type: 'group', label: 'R', repeats: true, maxRepeats: 0, fields: [{ id: 'inner', type: 'group', label: 'I', repeats: true, fields: [smoker] }] },
      ]),
    ).toEqual([
      error('fields[0].fields', 'fields[0].fields is missing or empty; add at least one field.'),
      error('fields[1].maxRepeats', 'maxRepeats must be a whole number of 1 or more, not 0.'),
      error('fields[1].fields[0].repeats', 'A repeating group cannot sit inside another repeating group; make one of them a plain group.'),
    ]);
  });

  test('rejects bad flags, score, unit and initial', () => {
    expect(
      errorsOf([
        { id: 'a', type: 'text', label: 'A', readOnly: 'yes' },
        { id: 'b', type: 'radio', label: 'B', options: [{ value: 'x', label: 'X', score: '1' }], initial: 'y' },
        { id: 'c', type: 'number', label: 'C', unit: 5 },
        { id: 'd', type: 'boolean', label: 'D', linkId: 7 },
      ]),
    ).toEqual([
      error('fields[0].readOnly', 'readOnly must be true or false.'),
      error('fields[1].options[0].score', 'score must be a number, not "1".'),
      error('fields[1].initial', 'The initial value is not a valid answer of this field (invalid_option); correct it or remove it.'),
      error('fields[2].unit', 'fields[2].unit must be a non-empty string or an object of strings by language with at least "en", such as { "en": "Name", "es": "Nombre" }.'),
      error('fields[3].linkId', 'linkId must be a string, the FHIR item the field came from.'),
    ]);
  });
});

describe('parseFormDefinition idleTimeoutSeconds', () => {
  test.each([59, 86_401, 1.5, '600'])('rejects %j', (value) => {
    const result = parseFormDefinition({ ...base, idleTimeoutSeconds: value, fields: [smoker] });
    expect(result.ok ? [] : result.errors).toEqual([
      error('idleTimeoutSeconds', `idleTimeoutSeconds must be a whole number of seconds from 60 to 86400, not ${JSON.stringify(value)}.`),
    ]);
  });

  test('accepts 300', () => {
    expect(parseFormDefinition({ ...base, idleTimeoutSeconds: 300, fields: [smoker] }).ok).toBe(true);
  });
});
