import { isEnabled, type AnswerScope } from './conditions';
import type { AnswerValue, Answers, Field } from './form-definition';

/** Sum of the ordinal scores of the chosen options, with how many scored questions it covers. */
export interface ScoreTotal {
  total: number;
  /** Scored questions that have an answer. */
  answered: number;
  /** Scored questions that are enabled; a total over fewer answers than this is partial. */
  scored: number;
}

/**
 * Adds up the `score` of every chosen option in the enabled fields, the way
 * FHIR's `ordinalValue` totals a PHQ-9 or GAD-7. A question counts as scored
 * when one of its options has a score; fields inside repeating groups count
 * once per instance.
 *
 * @example
 * const { total, answered, scored } = totalScore(phq9.fields, answers);
 * // { total: 10, answered: 9, scored: 9 }: 10 is "mild" on the PHQ-9 scale
 */
export function totalScore(fields: Field[], answers: Answers): ScoreTotal {
  const sum: ScoreTotal = { total: 0, answered: 0, scored: 0 };
  addScope(fields, { own: answers }, sum, true);
  return sum;
}

function addScope(fields: Field[], scope: AnswerScope, sum: ScoreTotal, parentEnabled: boolean): void {
  for (const field of fields) {
    const enabled = parentEnabled && isEnabled(field, scope);
    if (!enabled || field.type === 'display') continue;

    if (field.type === 'group') {
      if (!field.repeats) addScope(field.fields, scope, sum, true);
      else for (const instance of instancesOf(scope.own[field.id])) addScope(field.fields, { own: instance, outer: { ...scope.outer, ...scope.own } }, sum, true);
      continue;
    }

    if (!('options' in field) || !field.options.some((option) => option.score !== undefined)) continue;
    sum.scored++;

    const chosen = chosenValues(scope.own[field.id]);
    if (chosen.length > 0) sum.answered++;
    for (const value of chosen) sum.total += field.options.find((option) => option.value === value)?.score ?? 0;
  }
}

function chosenValues(value: AnswerValue | undefined): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function instancesOf(value: AnswerValue | undefined): Answers[] {
  return Array.isArray(value) ? value.filter((item): item is Answers => typeof item === 'object' && item !== null) : [];
}
