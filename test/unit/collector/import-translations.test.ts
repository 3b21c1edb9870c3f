import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { importQuestionnaire } from '../../../collector/forms/fhir/import-questionnaire';
import type { Field, FieldOption, LocalizedText } from '../../../sdk/form-definition';
import { localize } from '../../../sdk/localize';
import { parseFormDefinition } from '../../../sdk/parse-form';

const TRANSLATED = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../fixtures/questionnaire-translated.json'), 'utf8')) as Record<string, unknown>;
const TRANSLATION = 'http://hl7.org/fhir/StructureDefinition/translation';

function convert(resource: unknown) {
  return importQuestionnaire(resource, { allowedOrigins: ['https://clinic.example'] });
}

function choice(fields: Field[], linkId: string): { label: LocalizedText; options: FieldOption[] } {
  const field = fields.find((candidate) => candidate.linkId === linkId);
  if (!field || !('options' in field) || !field.options) throw new Error(`no field with options was imported for linkId ${linkId}`);
  return field;
}

function labelOf(field: Field | undefined): LocalizedText | undefined {
  return field && 'label' in field ? field.label : undefined;
}

function translation(lang: string, content: string) {
  return { extension: [{ url: TRANSLATION, extension: [{ url: 'lang', valueCode: lang }, { url: 'content', valueString: content }] }] };
}

describe('importing translated Questionnaires', () => {
  test('keeps Spanish translations of the title, item text and answer displays', () => {
    const { definition, warnings } = convert(TRANSLATED);

    expect(warnings).toEqual([]);
    expect(localize(definition.title, 'es')).toBe('Registro');
    expect(localize(definition.title, 'en')).toBe('Check-in');

    const smoker = choice(definition.fields, 'smoker');
    expect(localize(smoker.label, 'es')).toBe('1. ¿Fuma?');
    expect(localize(smoker.label, 'en')).toBe('1. Do you smoke?');
    expect(smoker.options.map((option) => localize(option.label, 'es'))).toEqual(['Sí', 'No']);
    expect(smoker.options.map((option) => option.value)).toEqual(['yes', 'no']);
  });

  test('reads ValueSet designations that name a language', () => {
    const reason = choice(convert(TRANSLATED).definition.fields, 'reason');

    expect(reason.options.map((option) => localize(option.label, 'es'))).toEqual(['Revisión', 'Pain']);
    expect(reason.options.map((option) => localize(option.label, 'en'))).toEqual(['Check-up', 'Pain']);
  });

  test('produces a definition the shared parser accepts', () => {
    const { definition } = convert(TRANSLATED);

    expect(() => parseFormDefinition(JSON.parse(JSON.stringify(definition)))).not.toThrow();
  });

  test('reads English translations of Spanish forms', () => {
    const resource = {
      resourceType: 'Questionnaire',
      id: 'spanish-first',
      language: 'es',
      status: 'active',
      title: 'Registro',
      _title: translation('en', 'Check-in'),
      item: [{ linkId: 'name', type: 'string', text: 'Nombre preferido' }],
    };
    const { definition } = convert(resource);

    expect(definition.title).toEqual({ es: 'Registro', en: 'Check-in' });
    expect(labelOf(definition.fields[0])).toBe('Nombre preferido');
  });

  test('keeps plain strings when no translation is given', () => {
    const resource = { resourceType: 'Questionnaire', id: 'plain', status: 'active', title: 'Plain', item: [{ linkId: 'a', type: 'string', text: 'Question' }] };
    const { definition } = convert(resource);

    expect(definition.title).toBe('Plain');
    expect(labelOf(definition.fields[0])).toBe('Question');
  });

  test('ignores a translation extension without content', () => {
    const resource = {
      resourceType: 'Questionnaire',
      id: 'broken-translation',
      status: 'active',
      title: 'Check-in',
      _title: { extension: [{ url: TRANSLATION, extension: [{ url: 'lang', valueCode: 'es' }] }] },
    };

    expect(convert(resource).definition.title).toBe('Check-in');
  });
});
