import type { AnswerValue, Condition, FieldOption } from '../../../sdk/form-definition';
import { asArray, asString, isRecord, readScore, type FhirItem } from './questionnaire';
import type { ImportContext } from './import-context';
import { localizedConcept, localizedElement } from './translations';

/**
 * Converts `answerOption`, or the contained ValueSet that `answerValueSet`
 * names, into options. Returns undefined, with a warning, when the options
 * cannot be read: a ValueSet outside the file is not fetched, because the
 * importer makes no network requests.
 */
export function importOptions(item: FhirItem, linkId: string, context: ImportContext): FieldOption[] | undefined {
  if (item.answerOption !== undefined) return dedupe(asArray(item.answerOption).flatMap((option) => optionFromAnswerOption(option, linkId, context)), linkId, context);

  const reference = asString(item.answerValueSet);
  if (!reference) {
    context.warn(linkId, 'The choice item has neither answerOption nor answerValueSet; it was imported as free text.');
    return undefined;
  }

  const valueSet = reference.startsWith('#') ? context.valueSets.get(reference.slice(1)) : undefined;
  if (!valueSet) {
    context.warn(linkId, `answerValueSet ${reference} is not a ValueSet contained in the file, and the importer does not fetch ValueSets; it was imported as free text. Add the ValueSet to "contained" or list answerOption to keep the choices.`);
    return undefined;
  }
  return dedupe(valueSet, linkId, context);
}

/** Reads the options of a contained ValueSet from `expansion.contains`, else `compose.include[].concept`. */
export function readValueSet(resource: Record<string, unknown>, language = 'en'): FieldOption[] {
  const expansion = isRecord(resource.expansion) ? asArray(resource.expansion.contains) : [];
  const includes = isRecord(resource.compose) ? asArray(resource.compose.include) : [];

  // A concept of compose.include takes the include's system; an expansion's concept has its own.
  const composed = includes.flatMap((include) => (isRecord(include) ? asArray(include.concept).map((concept) => ({ concept, system: asString(include.system) })) : []));
  const expanded = expansion.map((concept) => ({ concept, system: isRecord(concept) ? asString(concept.system) : undefined }));

  return [...expanded, ...composed].flatMap(({ concept, system }) => {
    if (!isRecord(concept)) return [];
    const code = asString(concept.code);
    if (!code) return [];
    return [withSystem(withScore({ value: code, label: localizedConcept(concept, language) ?? code }, readScore(concept)), system)];
  });
}

function optionFromAnswerOption(option: unknown, linkId: string, context: ImportContext): FieldOption[] {
  if (!isRecord(option)) return [];

  const score = readScore(option);
  if (isRecord(option.valueCoding)) {
    const code = asString(option.valueCoding.code);
    const display = asString(option.valueCoding.display);
    if (!code && !display) return [];
    const label = localizedElement(option.valueCoding, 'display', context.language) ?? code!;
    const coded = withScore({ value: code ?? display!, label }, score ?? readScore(option.valueCoding));
    return [withSystem(coded, code ? asString(option.valueCoding.system) : undefined)];
  }

  // Other answerOption types keep their type, so that an export answers with the same one.
  for (const [key, valueType] of [['valueInteger', 'integer'], ['valueDate', 'date'], ['valueTime', 'time'], ['valueString', 'string']] as const) {
    const plain = option[key];
    if (typeof plain === 'string' || typeof plain === 'number') {
      const label = (key === 'valueString' ? localizedElement(option, key, context.language) : undefined) ?? String(plain);
      return [{ ...withScore({ value: String(plain), label }, score), valueType }];
    }
  }

  context.warn(linkId, `An answerOption of a kind the form cannot offer (${Object.keys(option).join(', ')}) was left out.`);
  return [];
}

function withScore(option: FieldOption, score: number | undefined): FieldOption {
  return score === undefined ? option : { ...option, score };
}

function withSystem(option: FieldOption, system: string | undefined): FieldOption {
  return system === undefined ? option : { ...option, system };
}

function dedupe(options: FieldOption[], linkId: string, context: ImportContext): FieldOption[] | undefined {
  const seen = new Set<string>();
  const unique = options.filter((option) => {
    if (!seen.has(option.value)) return seen.add(option.value);
    context.warn(linkId, `The answer code "${option.value}" appears twice; only the first was kept.`);
    return false;
  });

  if (unique.length > 0) return unique;
  context.warn(linkId, 'The choice item has no usable options; it was imported as free text.');
  return undefined;
}

/** Reads `initial[x]` (and `answerOption.initialSelected`) as answer values, coded ones by code. */
export function importInitial(item: FhirItem, linkId: string, context: ImportContext): Array<string | number | boolean> {
  const values: Array<string | number | boolean> = [];
  for (const initial of asArray(item.initial)) {
    const value = isRecord(initial) ? scalarValue(initial, 'value') : undefined;
    if (value === undefined) context.warn(linkId, `An initial value (${isRecord(initial) ? Object.keys(initial).join(', ') : typeof initial}) cannot be read and was left out.`);
    else values.push(value);
  }

  for (const option of asArray(item.answerOption)) {
    if (!isRecord(option) || option.initialSelected !== true) continue;
    const value = scalarValue(option, 'value');
    if (value !== undefined) values.push(value);
  }
  return values;
}

/**
 * Reads a FHIR choice-of-type value (`valueBoolean`, `answerCoding`, …) as an
 * answer value. A Coding is read as its code (its display when it has no code),
 * because options are keyed by code.
 */
export function scalarValue(element: Record<string, unknown>, prefix: 'value' | 'answer'): string | number | boolean | undefined {
  for (const [key, value] of Object.entries(element)) {
    if (!key.startsWith(prefix) || key === prefix) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
    if (isRecord(value) && key.endsWith('Coding')) return asString(value.code) ?? asString(value.display);
    if (isRecord(value) && key.endsWith('Quantity') && typeof value.value === 'number') return value.value;
  }
  return undefined;
}

/** Converts `enableWhen`; a condition that cannot be converted is left out with a warning. */
export function importConditions(item: FhirItem, linkId: string, context: ImportContext): Condition[] {
  const conditions: Condition[] = [];
  for (const [index, when] of asArray(item.enableWhen).entries()) {
    const condition = isRecord(when) ? importCondition(when, context) : undefined;
    if (condition) conditions.push(condition);
    else context.warn(linkId, `enableWhen[${index}] cannot be converted (question, operator or answer is missing or unknown), so this condition was left out.`);
  }
  return conditions;
}

const OPERATORS = new Set(['exists', '=', '!=', '>', '<', '>=', '<=']);

function importCondition(when: Record<string, unknown>, context: ImportContext): Condition | undefined {
  const question = asString(when.question);
  const field = question ? context.fieldIds.get(question) : undefined;
  const operator = when.operator;
  const value = scalarValue(when, 'answer');
  if (!field || typeof operator !== 'string' || !OPERATORS.has(operator) || value === undefined) return undefined;

  return { field, operator: operator as Condition['operator'], value };
}

/** Narrows initial values to what a field type takes: one value, or an array for several choices. */
export function initialFor(values: Array<string | number | boolean>, several: boolean): AnswerValue | undefined {
  if (values.length === 0) return undefined;
  if (several) return values.map(String);
  return values[0];
}
