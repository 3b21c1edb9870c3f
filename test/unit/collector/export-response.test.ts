import { describe, expect, test } from 'vitest';
import { fhirItemType, toQuestionnaireResponse, type FhirResponseItem } from '../../../collector/forms/fhir/export-response';
import { importQuestionnaire } from '../../../collector/forms/fhir/import-questionnaire';
import { isEnabled, type AnswerScope } from '../../../sdk/conditions';
import { CONSENT_AGREE_ID, CONSENT_NAME_ID, CONSENT_SIGNATURE_ID, formFields } from '../../../sdk/consent';
import type { AnswerField, AnswerValue, Answers, Field, FormDefinition, SubmissionPayload } from '../../../sdk/form-definition';
import { validateAnswers } from '../../../sdk/validate-answers';
import { fhirFixturesMissing, questionnaireFiles, readFixture } from '../../support/fhir-fixtures';

const submission = { id: '7K3M9QXD2BNP4R6T', receivedAt: new Date('2026-12-04T10:00:00.000Z') };
const TODAY = '2026-12-04';

/** The value[x] keys an answer to each FHIR item type may use. */
const VALUE_KEYS: Record<string, string[]> = {
  boolean: ['valueBoolean'],
  decimal: ['valueDecimal'],
  integer: ['valueInteger'],
  date: ['valueDate'],
  dateTime: ['valueDateTime'],
  time: ['valueTime'],
  string: ['valueString'],
  text: ['valueString'],
  url: ['valueUri'],
  choice: ['valueCoding', 'valueInteger', 'valueDate', 'valueTime', 'valueString'],
  'open-choice': ['valueCoding', 'valueInteger', 'valueDate', 'valueTime', 'valueString'],
  attachment: ['valueAttachment', 'valueString'],
  quantity: ['valueQuantity'],
};

/**
 * Checks a response against the form's structure: every item names a field
 * of the same level by linkId, in the form's order; groups hold items and
 * questions hold answers whose value[x] suits the field's FHIR type; every
 * answered field appears. Repeating groups may repeat their item.
 */
function expectMatchesForm(items: FhirResponseItem[], fields: Field[], scope: AnswerScope, path = ''): void {
  let position = 0;
  for (const field of fields) {
    if (field.type === 'display' || !isEnabled(field, scope)) continue;
    const linkId = field.linkId ?? field.id;
    const matching: FhirResponseItem[] = [];
    while (items[position]?.linkId === linkId) matching.push(items[position++]!);

    if (field.type === 'group' && field.repeats) {
      const instances = ((scope.own[field.id] as Answers[] | undefined) ?? []).filter((instance) => Object.keys(instance).length > 0);
      expect(matching, `${path}${linkId}`).toHaveLength(instances.length);
      matching.forEach((item, index) => {
        expect(item.answer, `${path}${linkId}`).toBeUndefined();
        expectMatchesForm(item.item ?? [], field.fields, { own: instances[index]!, outer: { ...scope.outer, ...scope.own } }, `${path}${linkId}/`);
      });
    } else if (field.type === 'group') {
      expect(matching.length, `${path}${linkId}`).toBeLessThanOrEqual(1);
      if (matching[0]) expectMatchesForm(matching[0].item ?? [], field.fields, scope, `${path}${linkId}/`);
    } else {
      const answered = scope.own[field.id] !== undefined;
      expect(matching, `${path}${linkId}`).toHaveLength(answered ? 1 : 0);
      for (const answer of matching[0]?.answer ?? []) {
        const keys = Object.keys(answer);
        expect(keys, `${path}${linkId}`).toHaveLength(1);
        expect(VALUE_KEYS[fhirItemType(field)], `${path}${linkId} answers ${keys[0]}`).toContain(keys[0]);
      }
    }
  }
  expect(items.slice(position).map((item) => item.linkId), `items after the form's fields under ${path || 'the root'}`).toEqual([]);
}

const everyType: FormDefinition = {
  id: 'every-type',
  version: 2,
  title: { en: 'Every type', es: 'Todos los tipos' },
  allowedOrigins: ['https://clinic.example'],
  consent: { text: { en: 'I agree.', es: 'Acepto.' } },
  fields: [
    { id: 'name', type: 'text', label: { en: 'Name', es: 'Nombre' } },
    { id: 'email', type: 'email', label: 'Email' },
    { id: 'notes', type: 'textarea', label: 'Notes' },
    { id: 'site', type: 'url', label: 'Site' },
    { id: 'born', type: 'date', label: 'Born' },
    { id: 'seen', type: 'datetime', label: 'Seen' },
    { id: 'wake', type: 'time', label: 'Wake' },
    { id: 'children', type: 'number', label: 'Children', step: 1 },
    { id: 'temperature', type: 'number', label: 'Temperature', unit: '°C' },
    { id: 'weight', type: 'number', label: 'Weight', unit: 'kg', fhirType: 'quantity' },
    { id: 'smoker', type: 'boolean', label: 'Smoker' },
    { id: 'agree', type: 'checkbox', label: 'Agree' },
    {
      id: 'contact',
      type: 'radio',
      label: { en: 'Contact', es: 'Contacto' },
      options: [
        { value: 'phone', label: { en: 'Phone', es: 'Teléfono' }, system: 'http://example.org/contact' },
        { value: 'mail', label: 'Mail' },
      ],
    },
    { id: 'dose', type: 'select', label: 'Dose', options: [{ value: '5', label: '5 mg', valueType: 'integer' }] },
    { id: 'conditions', type: 'checkbox-group', label: 'Conditions', options: [{ value: 'asthma', label: 'Asthma' }, { value: 'diabetes', label: 'Diabetes' }] },
    { id: 'pharmacy', type: 'open-choice', label: 'Pharmacy', options: [{ value: 'corner', label: 'Corner pharmacy' }] },
    { id: 'free-choice', type: 'text', label: 'Imported choice', fhirType: 'choice' },
    { id: 'scan', type: 'attachment', label: 'Scan', maxBytes: 1000 },
    { id: 'hidden', type: 'text', label: 'Hidden', enableWhen: [{ field: 'smoker', operator: '=', value: false }] },
    {
      id: 'history',
      type: 'group',
      label: 'History',
      linkId: 'H1',
      fields: [{ id: 'surgery', type: 'boolean', label: 'Surgery', linkId: 'H1/Q1' }, { id: 'unanswered', type: 'text', label: 'Unanswered' }],
    },
    { id: 'meds', type: 'group', label: 'Medications', repeats: true, fields: [{ id: 'drug', type: 'text', label: 'Drug' }, { id: 'daily', type: 'number', label: 'Per day', step: 1 }] },
  ],
};

const everyAnswer: Answers = {
  name: 'Ana Ruiz',
  email: 'ana@example.org',
  notes: 'Line one\nline two',
  site: 'https://example.org',
  born: '1980-03-25',
  seen: '2026-12-01T09:15',
  wake: '06:45',
  children: 2,
  temperature: 37.2,
  weight: 72.5,
  smoker: true,
  agree: true,
  contact: 'phone',
  dose: '5',
  conditions: ['asthma', 'diabetes'],
  pharmacy: 'Elm Street Drugs',
  'free-choice': 'Sometimes',
  scan: { name: 'scan.pdf', type: 'application/pdf', size: 3, data: 'YWJj' },
  surgery: false,
  meds: [{ drug: 'Aspirin', daily: 1 }, {}, { drug: 'Insulin' }],
  [CONSENT_AGREE_ID]: true,
  [CONSENT_NAME_ID]: 'Ana Ruiz',
  [CONSENT_SIGNATURE_ID]: { method: 'drawn', image: 'data:image/png;base64,iVBORw0KGgo=' },
};

const payload: SubmissionPayload = { formId: 'every-type', formVersion: 2, locale: 'es', answers: everyAnswer, consent: { formVersion: 2, locale: 'es', textSha256: 'a'.repeat(64) } };

describe('toQuestionnaireResponse', () => {
  const response = toQuestionnaireResponse(submission, everyType, payload);
  const answerOf = (linkId: string) => response.item.find((item) => item.linkId === linkId)?.answer;

  test('describes the submission', () => {
    expect(validateAnswers(everyType, everyAnswer, TODAY)).toEqual([]);
    expect(response).toMatchObject({
      resourceType: 'QuestionnaireResponse',
      id: submission.id,
      identifier: { system: 'urn:sealpost:submission', value: submission.id },
      questionnaire: 'urn:sealpost:form:every-type|2',
      status: 'completed',
      authored: '2026-12-04T10:00:00.000Z',
      language: 'es',
    });
    expect(response.extension?.[0]?.extension).toEqual([
      { url: 'formVersion', valueInteger: 2 },
      { url: 'locale', valueCode: 'es' },
      { url: 'textSha256', valueString: 'a'.repeat(64) },
    ]);
  });

  test('answers each type with its value[x]', () => {
    expect(response.item.find((item) => item.linkId === 'name')).toEqual({ linkId: 'name', text: 'Nombre', answer: [{ valueString: 'Ana Ruiz' }] });
    expect(
      ['email', 'notes', 'site', 'born', 'seen', 'wake', 'children', 'temperature', 'weight', 'smoker', 'agree', 'contact', 'dose', 'conditions', 'pharmacy', 'free-choice', 'scan'].map((linkId) => [
        linkId,
        answerOf(linkId),
      ]),
    ).toEqual([
      ['email', [{ valueString: 'ana@example.org' }]],
      ['notes', [{ valueString: 'Line one\nline two' }]],
      ['site', [{ valueUri: 'https://example.org' }]],
      ['born', [{ valueDate: '1980-03-25' }]],
      ['seen', [{ valueDateTime: '2026-12-01T09:15:00' }]],
      ['wake', [{ valueTime: '06:45:00' }]],
      ['children', [{ valueInteger: 2 }]],
      ['temperature', [{ valueDecimal: 37.2 }]],
      ['weight', [{ valueQuantity: { value: 72.5, unit: 'kg' } }]],
      ['smoker', [{ valueBoolean: true }]],
      ['agree', [{ valueBoolean: true }]],
      ['contact', [{ valueCoding: { system: 'http://example.org/contact', code: 'phone', display: 'Teléfono' } }]],
      ['dose', [{ valueInteger: 5 }]],
      ['conditions', [{ valueCoding: { code: 'asthma', display: 'Asthma' } }, { valueCoding: { code: 'diabetes', display: 'Diabetes' } }]],
      ['pharmacy', [{ valueString: 'Elm Street Drugs' }]],
      ['free-choice', [{ valueCoding: { display: 'Sometimes' } }]],
      ['scan', [{ valueAttachment: { contentType: 'application/pdf', data: 'YWJj', title: 'scan.pdf', size: 3 } }]],
    ]);
  });

  test('leaves out unanswered and hidden items, and nests groups by linkId', () => {
    const linkIds = response.item.map((item) => item.linkId);
    expect(linkIds).not.toContain('hidden');
    expect(response.item.find((item) => item.linkId === 'H1')).toEqual({ linkId: 'H1', text: 'History', item: [{ linkId: 'H1/Q1', text: 'Surgery', answer: [{ valueBoolean: false }] }] });
  });

  test('repeats the item of a repeating group per instance', () => {
    const meds = response.item.filter((item) => item.linkId === 'meds');
    expect(meds.map((item) => item.item)).toEqual([
      [
        { linkId: 'drug', text: 'Drug', answer: [{ valueString: 'Aspirin' }] },
        { linkId: 'daily', text: 'Per day', answer: [{ valueInteger: 1 }] },
      ],
      [{ linkId: 'drug', text: 'Drug', answer: [{ valueString: 'Insulin' }] }],
    ]);
  });

  test('includes the consent section with the drawn signature as a PNG', () => {
    const consent = response.item.find((item) => item.linkId === '_consent');
    expect(consent?.item?.map((item) => [item.linkId, item.answer])).toEqual([
      [CONSENT_AGREE_ID, [{ valueBoolean: true }]],
      [CONSENT_NAME_ID, [{ valueString: 'Ana Ruiz' }]],
      [CONSENT_SIGNATURE_ID, [{ valueAttachment: { contentType: 'image/png', data: 'iVBORw0KGgo=', title: 'signature.png' } }]],
    ]);
  });

  test("matches the form's structure", () => {
    expectMatchesForm(response.item, formFields(everyType), { own: everyAnswer });
  });

  test('the structure check fails on a stray or misplaced item', () => {
    const stray = { ...response, item: [...response.item, { linkId: 'nowhere', answer: [{ valueString: 'x' }] }] };
    expect(() => expectMatchesForm(stray.item, formFields(everyType), { own: everyAnswer })).toThrow();
    const wrongType = response.item.map((item) => (item.linkId === 'children' ? { ...item, answer: [{ valueDecimal: 2 }] } : item));
    expect(() => expectMatchesForm(wrongType, formFields(everyType), { own: everyAnswer })).toThrow();
  });
});

/** Builds a valid answer for a field, within its limits, or undefined for a field it cannot answer. */
function sampleAnswer(field: AnswerField): AnswerValue | undefined {
  switch (field.type) {
    case 'text':
    case 'textarea':
      return 'sample';
    case 'email':
      return 'ana@example.org';
    case 'tel':
      return '+1 555 123 4567';
    case 'url':
      return 'https://example.org/';
    case 'date':
      return '2020-01-02';
    case 'datetime':
      return '2020-01-02T10:30';
    case 'time':
      return '10:30';
    case 'number':
      return field.min ?? (field.max !== undefined ? Math.min(1, field.max) : 1);
    case 'boolean':
    case 'checkbox':
      return true;
    case 'select':
    case 'radio':
    case 'open-choice':
      return field.options[0]!.value;
    case 'checkbox-group':
      return [field.options[0]!.value];
    case 'attachment': {
      const type = field.accept?.[0]?.replace('/*', '/png') ?? 'text/plain';
      return { name: 'sample', type, size: 3, data: 'YWJj' };
    }
    case 'signature':
      return { method: 'typed', name: 'Ana Ruiz' };
  }
}

/** Answers every field that is enabled, again until the answers stop changing, so that conditional fields get answers too. */
function sampleAnswers(fields: Field[]): Answers {
  const fill = (list: Field[], scope: AnswerScope, into: Answers) => {
    for (const field of list) {
      if (field.type === 'display') continue;
      if (!isEnabled(field, scope)) {
        delete into[field.id];
        if (field.type === 'group' && !field.repeats) for (const child of field.fields) delete into[child.id];
        continue;
      }
      if (field.type === 'group' && !field.repeats) fill(field.fields, scope, into);
      else if (field.type === 'group') {
        const instances = (into[field.id] as Answers[] | undefined) ?? [{}, {}];
        instances.forEach((instance) => fill(field.fields, { own: instance, outer: { ...scope.outer, ...scope.own } }, instance));
        into[field.id] = instances;
      } else if (!field.readOnly && into[field.id] === undefined) {
        const value = sampleAnswer(field);
        if (value !== undefined) into[field.id] = value;
      }
    }
  };
  const answers: Answers = {};
  for (let pass = 0; pass < 6; pass++) fill(fields, { own: answers }, answers);
  return answers;
}

type QuestionnaireItem = { linkId: string; type: string; item?: QuestionnaireItem[] };

/** Every linkId of a Questionnaire with its FHIR type and the linkIds of its ancestors. */
function questionnaireLinkIds(items: QuestionnaireItem[] = [], parents: string[] = [], into = new Map<string, { type: string; path: string }>()) {
  for (const item of items) {
    into.set(item.linkId, { type: item.type, path: parents.join('/') });
    questionnaireLinkIds(item.item, [...parents, item.linkId], into);
  }
  return into;
}

/** Every answered item of a response with its value[x] keys and the linkIds of its ancestors. */
function responseLinkIds(items: FhirResponseItem[], parents: string[] = [], into: { linkId: string; path: string; keys: string[] }[] = []) {
  for (const item of items) {
    into.push({ linkId: item.linkId, path: parents.join('/'), keys: (item.answer ?? []).map((answer) => Object.keys(answer)[0]!) });
    responseLinkIds(item.item ?? [], [...parents, item.linkId], into);
  }
  return into;
}

// When skipped, the suite's title is the reason.
describe.skipIf(fhirFixturesMissing !== undefined)(fhirFixturesMissing ?? 'QuestionnaireResponse of imported HL7 examples', () => {
  test.each(questionnaireFiles())('%s: linkIds and types round-trip', (file) => {
    const questionnaire = readFixture(file) as { item: QuestionnaireItem[]; url?: string };
    const { definition } = importQuestionnaire(questionnaire, { allowedOrigins: ['https://clinic.example'] });
    const answers = sampleAnswers(definition.fields);
    expect(validateAnswers(definition, answers, TODAY)).toEqual([]);

    const response = toQuestionnaireResponse(submission, definition, { formId: definition.id, formVersion: 1, locale: 'en', answers });
    expectMatchesForm(response.item, definition.fields, { own: answers });
    if (questionnaire.url) expect(response.questionnaire.split('|')[0]).toBe(questionnaire.url);

    // Every item of the response is an item of the Questionnaire, under the same parents, answered with a value[x] of its FHIR type.
    const source = questionnaireLinkIds(questionnaire.item);
    const exported = responseLinkIds(response.item);
    expect(exported.length).toBeGreaterThan(0);
    for (const item of exported) {
      const original = source.get(item.linkId);
      expect(original, item.linkId).toBeDefined();
      expect(item.path, item.linkId).toBe(original!.path);
      for (const key of item.keys) expect(VALUE_KEYS[original!.type], `${item.linkId} (${original!.type}) answered with ${key}`).toContain(key);
    }
  });

  test('PHQ-9: the example response round-trips', () => {
    const { definition } = importQuestionnaire(readFixture('questionnaire-sdc-profile-example-PHQ9.json'), { allowedOrigins: ['https://clinic.example'] });
    const example = readFixture('questionnaireresponse-sdc-profile-example-PHQ9.json') as { item: { linkId: string; item: { linkId: string; answer: { valueCoding?: { code: string } }[] }[] }[] };
    const questions = example.item[0]!.item.filter((item) => item.answer[0]?.valueCoding);
    const fieldIds = new Map(formFields(definition).flatMap((field) => (field.type === 'group' ? field.fields : [field])).map((field) => [field.linkId, field.id]));
    const answers = Object.fromEntries(questions.map((item) => [fieldIds.get(item.linkId)!, item.answer[0]!.valueCoding!.code]));

    const response = toQuestionnaireResponse(submission, definition, { formId: definition.id, formVersion: 1, locale: 'en', answers });

    expect(response.questionnaire).toBe('http://hl7.org/fhir/uv/sdc/Questionnaire/questionnaire-sdc-profile-example-PHQ9|0.0.1');
    expect(response.item.map((item) => item.linkId)).toEqual(['H1/T1']);
    expect(response.item[0]!.item!.map((item) => [item.linkId, (item.answer![0]!.valueCoding as { code: string }).code])).toEqual(
      questions.map((item) => [item.linkId, item.answer[0]!.valueCoding!.code]),
    );
    expect(response.item[0]!.item![0]!.answer![0]!.valueCoding).toMatchObject({ system: 'http://hl7.org/fhir/uv/sdc/CodeSystem/CSPHQ9' });
  });
});
