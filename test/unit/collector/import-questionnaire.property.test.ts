import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { importQuestionnaire } from '../../../collector/forms/fhir/import-questionnaire';
import { parseFormDefinition } from '../../../sdk/parse-form';
import { questionnaireFiles, readFixture } from '../../support/fhir-fixtures';
import { FUZZ_TIMEOUT_MS, fuzzRuns } from '../../support/fuzz-runs';

const ORIGINS = ['https://clinic.example'];
const NOT_A_QUESTIONNAIRE = /^The file is not a FHIR Questionnaire \(resourceType is .*\); export the form as a Questionnaire resource in JSON\.$/;

const jsonValue = fc.jsonValue({ maxDepth: 5 });

// The repository's own fixture, and HL7's examples when the shared fixtures are present.
const FIXTURES: unknown[] = [
  JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../fixtures/medications-questionnaire.json'), 'utf8')),
  ...questionnaireFiles().map(readFixture),
];

/**
 * Runs the import as `sealpost forms import` does and returns its outcome:
 * the TypeError for a resource that is not a Questionnaire, the errors
 * (all invalid_definition) of a converted form that does not check, or ok.
 * Anything else thrown fails the property.
 */
function importOutcome(resource: unknown): 'not_a_questionnaire' | 'invalid_definition' | 'ok' {
  let imported;
  try {
    imported = importQuestionnaire(resource, { allowedOrigins: ORIGINS });
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(NOT_A_QUESTIONNAIRE);
    expect((resource as { resourceType?: unknown } | null)?.resourceType).not.toBe('Questionnaire');
    return 'not_a_questionnaire';
  }

  for (const warning of imported.warnings) {
    expect(typeof warning.linkId).toBe('string');
    expect(warning.message.length).toBeGreaterThan(10);
  }
  const parsed = parseFormDefinition(imported.definition);
  if (parsed.ok) return 'ok';
  for (const error of parsed.errors) expect(error.code).toBe('invalid_definition');
  return 'invalid_definition';
}

/** Every path to a value inside a JSON document, the root excluded. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((item, index) => [[...prefix, index], ...pathsOf(item, [...prefix, index])]);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => [[...prefix, key], ...pathsOf(item, [...prefix, key])]);
  return [];
}

/** A deep copy of `document` with the value at `at` replaced, or removed when `replacement` is undefined. */
function mutate(document: unknown, at: (string | number)[], replacement: unknown): unknown {
  const copy = structuredClone(document) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of at.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = at.at(-1)!;
  if (replacement !== undefined) parent[last] = replacement;
  else if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete parent[last];
  return copy;
}

describe('importQuestionnaire under fuzzing', () => {
  test('rejects arbitrary JSON only as not a Questionnaire', () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        importOutcome(value);
      }),
      { numRuns: fuzzRuns(300) },
    );
  }, FUZZ_TIMEOUT_MS);

  test('never throws for an arbitrary Questionnaire', () => {
    const questionnaire = fc.record(
      {
        resourceType: fc.constant('Questionnaire'),
        id: fc.oneof(fc.string(), jsonValue),
        item: fc.oneof(jsonValue, fc.array(fc.dictionary(fc.constantFrom('linkId', 'text', 'type', 'item', 'answerOption', 'enableWhen', 'required', 'repeats', 'initial', 'extension', 'maxLength', 'answerValueSet'), jsonValue))),
        contained: jsonValue,
      },
      { requiredKeys: ['resourceType'] },
    );
    fc.assert(
      fc.property(questionnaire, (value) => {
        expect(importOutcome(value)).not.toBe('not_a_questionnaire');
      }),
      { numRuns: fuzzRuns(300) },
    );
  }, FUZZ_TIMEOUT_MS);

  test('never throws for a mutated fixture', () => {
    const cases = fc.nat(FIXTURES.length - 1).chain((index) => {
      const paths = pathsOf(FIXTURES[index]).filter((at) => at[0] !== 'resourceType');
      return fc.tuple(fc.constant(index), fc.constantFrom(...paths), fc.option(jsonValue, { nil: undefined }));
    });
    fc.assert(
      fc.property(cases, ([index, at, replacement]) => {
        expect(importOutcome(mutate(FIXTURES[index], at, replacement))).not.toBe('not_a_questionnaire');
      }),
      { numRuns: fuzzRuns(600) },
    );
  }, FUZZ_TIMEOUT_MS);

  test('imports every unmutated fixture', () => {
    for (const fixture of FIXTURES) expect(importOutcome(fixture)).toBe('ok');
  });
});
