import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

// import.meta.dirname, because happy-dom replaces the URL class that fileURLToPath needs.
const ROOT = path.resolve(import.meta.dirname, '..', '..');

/**
 * HL7's example Questionnaires live outside the repository, in a `shared`
 * folder cloned next to it, and are never copied in.
 */
export const FHIR_FIXTURES = path.resolve(ROOT, '..', 'shared', 'fixtures', 'fhir');

/** Why the FHIR fixture tests cannot run, or undefined when they can. */
export const fhirFixturesMissing = existsSync(FHIR_FIXTURES)
  ? undefined
  : `The FHIR fixtures folder ${FHIR_FIXTURES} is absent, so the Questionnaire import tests are skipped. Clone the shared fixtures next to the repository to run them.`;

/** File names of the Questionnaire fixtures, sorted. */
export function questionnaireFiles(): string[] {
  if (fhirFixturesMissing) return [];
  return readdirSync(FHIR_FIXTURES).filter((name) => name.startsWith('questionnaire-') && name.endsWith('.json')).sort();
}

/** Reads a fixture as JSON; some start with a UTF-8 byte order mark, which JSON.parse rejects. */
export function readFixture(name: string): unknown {
  return JSON.parse(readFileSync(path.join(FHIR_FIXTURES, name), 'utf8').replace(/^\uFEFF/, ''));
}
