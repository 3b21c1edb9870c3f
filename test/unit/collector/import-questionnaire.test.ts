import { describe, expect, test } from 'vitest';
import { importQuestionnaire } from '../../../collector/forms/fhir/import-questionnaire';
import type { Field, GroupField } from '../../../sdk/form-definition';
import { parseFormDefinition } from '../../../sdk/parse-form';
import { totalScore } from '../../../sdk/score';
import { validateAnswers } from '../../../sdk/validate-answers';
import { fhirFixturesMissing, questionnaireFiles, readFixture } from '../../support/fhir-fixtures';

const ORIGINS = ['https://clinic.example'];

function convert(resource: unknown) {
  return importQuestionnaire(resource, { allowedOrigins: ORIGINS });
}

function flatten(fields: Field[]): Field[] {
  return fields.flatMap((field) => (field.type === 'group' ? [field, ...flatten(field.fields)] : [field]));
}

function byLinkId(fields: Field[], linkId: string): Field {
  const field = flatten(fields).find((candidate) => candidate.linkId === linkId);
  if (!field) throw new Error(`no field was imported for linkId ${linkId}`);
  return field;
}

function questionnaire(items: unknown[], extra: Record<string, unknown> = {}) {
  return { resourceType: 'Questionnaire', id: 'Test-Form', title: 'Test', status: 'draft', item: items, ...extra };
}

describe('importQuestionnaire', () => {
  test('rejects other resource types', () => {
    expect(() => convert({ resourceType: 'Patient' })).toThrow(
      new TypeError('The file is not a FHIR Questionnaire (resourceType is "Patient"); export the form as a Questionnaire resource in JSON.'),
    );
  });

  test('maps item types', () => {
    const { definition } = convert(
      questionnaire([
        { linkId: 'b', text: 'B', type: 'boolean' },
        { linkId: 'd', text: 'D', type: 'decimal', extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/questionnaire-unit', valueCoding: { code: 'kg' } }] },
        { linkId: 'i', text: 'I', type: 'integer' },
        { linkId: 'dt', text: 'DT', type: 'dateTime' },
        { linkId: 't', text: 'T', type: 'time' },
        { linkId: 's', text: 'S', type: 'string', maxLength: 40 },
        { linkId: 'x', text: 'X', type: 'text' },
        { linkId: 'u', text: 'U', type: 'url' },
      ]),
    );

    expect(definition.fields.map((field) => field.type)).toEqual(['boolean', 'number', 'number', 'datetime', 'time', 'text', 'textarea', 'url']);
    expect(definition.fields[1]).toMatchObject({ unit: 'kg' });
    expect(definition.fields[2]).toMatchObject({ step: 1 });
    expect(definition.fields[5]).toMatchObject({ maxLength: 40 });
  });

  test('cleans linkIds into field ids', () => {
    const { definition } = convert(questionnaire([{ linkId: '/88122-7', text: 'A', type: 'string' }, { linkId: 'H1/T1', text: 'B', type: 'string' }]));

    expect(definition.fields.map((field) => [field.id, field.linkId])).toEqual([
      ['88122-7', '/88122-7'],
      ['H1-T1', 'H1/T1'],
    ]);
  });

  test('converts enableWhen and enableBehavior', () => {
    const { definition } = convert(
      questionnaire([
        { linkId: 'q/1', text: 'Smoker?', type: 'boolean' },
        { linkId: 'q2', text: 'Count', type: 'integer' },
        {
          linkId: 'q3',
          text: 'Details',
          type: 'string',
          enableBehavior: 'any',
          enableWhen: [
            { question: 'q/1', operator: '=', answerBoolean: true },
            { question: 'q2', operator: '>=', answerInteger: 10 },
            { question: 'q2', operator: 'exists', answerBoolean: true },
          ],
        },
      ]),
    );

    expect(definition.fields[2]).toMatchObject({
      enableBehavior: 'any',
      enableWhen: [
        { field: 'q-1', operator: '=', value: true },
        { field: 'q2', operator: '>=', value: 10 },
        { field: 'q2', operator: 'exists', value: true },
      ],
    });
  });

  test('warns on unconvertible condition', () => {
    const { definition, warnings } = convert(
      questionnaire([
        { linkId: 'a', text: 'A', type: 'string' },
        { linkId: 'b', text: 'B', type: 'string', enableWhen: [{ question: 'missing', operator: '=', answerString: 'x' }] },
      ]),
    );

    expect(definition.fields[1]?.enableWhen).toBeUndefined();
    expect(warnings).toEqual([
      { linkId: 'b', message: 'enableWhen[0] cannot be converted (question, operator or answer is missing or unknown), so this condition was left out.' },
    ]);
  });

  test('reads contained ValueSet with scores', () => {
    const { definition, warnings } = convert(
      questionnaire([{ linkId: 'c', text: 'C', type: 'choice', answerValueSet: '#vs' }], {
        contained: [
          {
            resourceType: 'ValueSet',
            id: 'vs',
            compose: { include: [{ concept: [{ code: 'n', display: 'Never', extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/ordinalValue', valueDecimal: 0 }] }, { code: 'o', display: 'Often', extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/itemWeight', valueDecimal: 2 }] }] }] },
          },
        ],
      }),
    );

    expect(warnings).toEqual([]);
    expect(definition.fields[0]).toEqual({
      id: 'c',
      linkId: 'c',
      type: 'radio',
      label: 'C',
      options: [
        { value: 'n', label: 'Never', score: 0 },
        { value: 'o', label: 'Often', score: 2 },
      ],
    });
  });

  test('maps choice controls and initial values', () => {
    const options = [{ valueCoding: { code: '1', display: 'One' } }, { valueCoding: { code: '2', display: 'Two' }, initialSelected: true }];
    const dropDown = [{ url: 'http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl', valueCodeableConcept: { coding: [{ code: 'drop-down' }] } }];
    const { definition } = convert(
      questionnaire([
        { linkId: 'r', text: 'R', type: 'choice', answerOption: options },
        { linkId: 's', text: 'S', type: 'choice', answerOption: options, extension: dropDown },
        { linkId: 'm', text: 'M', type: 'choice', repeats: true, answerOption: options, initial: [{ valueCoding: { code: '1' } }] },
        { linkId: 'o', text: 'O', type: 'open-choice', answerOption: options },
        { linkId: 'n', text: 'N', type: 'integer', initial: [{ valueInteger: 3 }] },
      ]),
    );

    expect(definition.fields.map((field) => field.type)).toEqual(['radio', 'select', 'checkbox-group', 'open-choice', 'number']);
    expect(definition.fields.map((field) => ('initial' in field ? field.initial : undefined))).toEqual(['2', '2', ['1', '2'], '2', 3]);
  });

  test('keeps what a FHIR export answers with', () => {
    const { definition } = convert(
      questionnaire(
        [
          { linkId: 'coded', text: 'Coded', type: 'choice', answerOption: [{ valueCoding: { system: 'http://loinc.org', code: 'LA33-6', display: 'Yes' } }] },
          { linkId: 'plain', text: 'Plain', type: 'choice', answerOption: [{ valueInteger: 5 }, { valueString: 'five' }, { valueDate: '2026-01-01' }, { valueTime: '10:00:00' }] },
          { linkId: 'set', text: 'Set', type: 'choice', answerValueSet: '#vs' },
          { linkId: 'weight', text: 'Weight', type: 'quantity' },
          { linkId: 'free', text: 'Free', type: 'choice', answerValueSet: 'http://example.org/ValueSet/x' },
          { linkId: 'open', text: 'Open', type: 'open-choice' },
        ],
        { url: 'http://example.org/Questionnaire/test', version: '2.1', contained: [{ resourceType: 'ValueSet', id: 'vs', compose: { include: [{ system: 'http://snomed.info/sct', concept: [{ code: '1', display: 'One' }] }] } }] },
      ),
    );

    expect(definition.questionnaire).toBe('http://example.org/Questionnaire/test|2.1');
    expect(definition.fields.map((field) => ('options' in field ? field.options : field.fhirType))).toEqual([
      [{ value: 'LA33-6', label: 'Yes', system: 'http://loinc.org' }],
      [
        { value: '5', label: '5', valueType: 'integer' },
        { value: 'five', label: 'five', valueType: 'string' },
        { value: '2026-01-01', label: '2026-01-01', valueType: 'date' },
        { value: '10:00:00', label: '10:00:00', valueType: 'time' },
      ],
      [{ value: '1', label: 'One', system: 'http://snomed.info/sct' }],
      'quantity',
      'choice',
      'open-choice',
    ]);
    expect(parseFormDefinition(JSON.parse(JSON.stringify(definition))).ok).toBe(true);
  });

  test('maps attachments and shares the limit', () => {
    const mime = (code: string) => ({ url: 'http://hl7.org/fhir/StructureDefinition/mimeType', valueCode: code });
    const { definition, warnings } = convert(
      questionnaire([
        { linkId: 'scan', text: 'Scan', type: 'attachment', extension: [mime('application/pdf'), mime('image/*'), { url: 'http://hl7.org/fhir/StructureDefinition/maxSize', valueDecimal: 800000 }] },
        { linkId: 'photo', text: 'Photo', type: 'attachment' },
      ]),
    );

    expect(definition.fields).toEqual([
      { id: 'scan', linkId: 'scan', type: 'attachment', label: 'Scan', accept: ['application/pdf', 'image/*'], maxBytes: 524288 },
      { id: 'photo', linkId: 'photo', type: 'attachment', label: 'Photo', maxBytes: 524288 },
    ]);
    expect(warnings.map((warning) => warning.message)).toEqual([
      "The form's attachments may carry 1048576 bytes together, so this one is limited to 524288 bytes.",
      "The form's attachments may carry 1048576 bytes together, so this one is limited to 524288 bytes.",
    ]);
  });

  test('keeps readOnly, required and repeating groups', () => {
    const { definition } = convert(
      questionnaire([
        { linkId: 'ro', text: 'Clinic', type: 'string', readOnly: true, required: true, initial: [{ valueString: 'Main St' }] },
        { linkId: 'meds', text: 'Medications', type: 'group', repeats: true, item: [{ linkId: 'drug', text: 'Drug', type: 'string' }] },
      ]),
    );

    expect(definition.fields[0]).toMatchObject({ readOnly: true, required: true, initial: 'Main St' });
    expect(definition.fields[1]).toMatchObject({ type: 'group', repeats: true, fields: [{ id: 'drug', type: 'text' }] });
  });

  test('reports what it drops by linkId', () => {
    const { definition, warnings } = convert(
      questionnaire([
        { linkId: 'att', text: 'Photo', type: 'attachment' },
        { linkId: 'ref', text: 'Doctor', type: 'reference' },
        { linkId: 'vs', text: 'Choice', type: 'choice', answerValueSet: 'http://example.org/ValueSet/x' },
        { linkId: 's', text: 'Several', type: 'string', repeats: true, definition: 'http://example.org' },
      ]),
    );

    expect(definition.fields.map((field) => [field.id, field.type])).toEqual([
      ['att', 'attachment'],
      ['vs', 'text'],
      ['s', 'text'],
    ]);
    expect(warnings).toEqual([
      { linkId: 'ref', message: 'The item type "reference" is not supported (reference items have no form field), so the item was left out.' },
      {
        linkId: 'vs',
        message:
          'answerValueSet http://example.org/ValueSet/x is not a ValueSet contained in the file, and the importer does not fetch ValueSets; it was imported as free text. Add the ValueSet to "contained" or list answerOption to keep the choices.',
      },
      { linkId: 's', message: 'The property definition is not supported and was ignored.' },
      { linkId: 's', message: 'repeats on a string item is not supported; the form collects one answer.' },
    ]);
  });
});

// When skipped, the suite's title is the reason.
describe.skipIf(fhirFixturesMissing !== undefined)(fhirFixturesMissing ?? 'importQuestionnaire on HL7 examples', () => {
  test.each(questionnaireFiles())('%s imports to a valid form', (file) => {
    const { definition } = convert(readFixture(file));
    const parsed = parseFormDefinition(JSON.parse(JSON.stringify(definition)));

    expect(parsed.ok ? [] : parsed.errors).toEqual([]);
  });

  test('PHQ-9 keeps nine scored questions', () => {
    const { definition, warnings } = convert(readFixture('questionnaire-sdc-profile-example-PHQ9.json'));
    const group = definition.fields[0] as GroupField;

    expect(group.fields).toHaveLength(9);
    expect(group.fields.every((field) => field.type === 'radio' && field.options.map((option) => option.score).join() === '0,1,2,3')).toBe(true);
    expect(warnings.map((warning) => warning.linkId)).toEqual(['(questionnaire)', 'H1/TS', 'H1/TS']);
  });

  test('PHQ-9 total from example response', () => {
    const { definition } = convert(readFixture('questionnaire-sdc-profile-example-PHQ9.json'));
    const response = readFixture('questionnaireresponse-sdc-profile-example-PHQ9.json') as { item: Array<{ item: Array<{ linkId: string; answer: Array<{ valueCoding?: { code: string } }> }> }> };
    const answers: Record<string, string> = {};
    for (const item of response.item[0]!.item) {
      const code = item.answer[0]?.valueCoding?.code;
      if (code) answers[byLinkId(definition.fields, item.linkId).id] = code;
    }

    expect(validateAnswers(definition, answers, '2026-12-04')).toEqual([]);
    // The example response records a total of 13 (its H1/TS item), but its nine
    // answers' ordinal values add up to 0+0+0+1+2+1+3+2+1 = 10.
    expect(totalScore(definition.fields, answers)).toEqual({ total: 10, answered: 9, scored: 9 });
  });

  test('enableWhen example keeps its conditions', () => {
    const { definition } = convert(readFixture('questionnaire-sdc-test-enablewhen.json'));

    expect(byLinkId(definition.fields, 'e5da17a7-7546-45c5-9bcd-d0b09a74cc14').enableWhen).toEqual([
      { field: '83d5c1a6-5dc3-44d0-9d9e-d687c72e143e', operator: '=', value: true },
    ]);
    expect(byLinkId(definition.fields, '945b97b5-6d74-4a55-9be1-19897512jj89').enableWhen).toEqual([{ field: 's3-radio', operator: '<', value: 2.1 }]);
    expect(byLinkId(definition.fields, '76daed4f-f957-45cb-9584-aab95f6021d4')).toMatchObject({
      type: 'group',
      enableWhen: [
        { field: '5e1209b7-c9e0-4bf4-b228-fr096s903m25', operator: '=', value: '8' },
        { field: '5e1209b7-c9e0-4bf4-b228-c6591b540qmo', operator: '=', value: '4' },
      ],
    });
  });
});
