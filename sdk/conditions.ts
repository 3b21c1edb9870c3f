import type { AnswerValue, Answers, Condition, Field } from './form-definition';

/**
 * Where a condition looks up answers: the answers of the current repeating
 * group instance first, then the answers outside it. Field ids are unique
 * across a form, so a field answered in one scope cannot be answered in the other.
 */
export interface AnswerScope {
  own: Answers;
  outer?: Answers;
}

/**
 * Evaluates an item's `enableWhen` conditions, combined by `enableBehavior`
 * (all by default). An item without conditions is enabled.
 *
 * @example
 * isEnabled({ id: 'details', type: 'text', label: 'Details', enableWhen: [{ field: 'smoker', operator: '=', value: true }] }, { own: { smoker: true } });
 * // true
 */
export function isEnabled(item: Pick<Field, 'enableWhen' | 'enableBehavior'>, scope: AnswerScope): boolean {
  const conditions = item.enableWhen ?? [];
  if (conditions.length === 0) return true;

  const results = conditions.map((condition) => conditionHolds(condition, lookUp(condition.field, scope)));
  return item.enableBehavior === 'any' ? results.some(Boolean) : results.every(Boolean);
}

/**
 * Tests one condition against the answer it names; `undefined` means unanswered.
 *
 * @example
 * conditionHolds({ field: 'dose', operator: '<', value: 2.1 }, '1.1'); // true: option values compare as numbers
 */
export function conditionHolds(condition: Condition, answer: AnswerValue | undefined): boolean {
  const values = answerValues(answer);
  if (condition.operator === 'exists') return (values.length > 0) === (condition.value !== false);

  // As in FHIR, every operator but `exists` is false for an unanswered question.
  if (values.length === 0) return false;
  const operator = condition.operator;
  if (operator === '!=') return values.every((value) => !isEqual(value, condition.value));
  return values.some((value) => compare(value, operator, condition.value));
}

function lookUp(fieldId: string, scope: AnswerScope): AnswerValue | undefined {
  return scope.own[fieldId] ?? scope.outer?.[fieldId];
}

type Scalar = string | number | boolean;

function answerValues(answer: AnswerValue | undefined): Scalar[] {
  if (answer === undefined || answer === '') return [];
  // An attachment, like a repeat instance, counts only for `exists`.
  if (!Array.isArray(answer)) return [typeof answer === 'object' ? true : answer];

  // A repeating group's instances are not comparable values, so they count only for `exists`.
  return answer.map((item) => (typeof item === 'object' ? true : item));
}

function isEqual(answer: Scalar, expected: Scalar): boolean {
  if (typeof expected === 'number') return toNumber(answer) === expected;
  return answer === expected;
}

function compare(answer: Scalar, operator: Exclude<Condition['operator'], 'exists' | '!='>, expected: Scalar): boolean {
  if (operator === '=') return isEqual(answer, expected);

  // Numbers compare as numbers, even when the answer is an option value such as "2.2".
  // Dates and times compare as strings, which orders ISO 8601 values correctly.
  const [left, right] = typeof expected === 'number' ? [toNumber(answer), expected] : [answer, expected];
  if (typeof left !== typeof right || (typeof left === 'number' && Number.isNaN(left))) return false;

  switch (operator) {
    case '>':
      return left > right;
    case '<':
      return left < right;
    case '>=':
      return left >= right;
    case '<=':
      return left <= right;
  }
}

function toNumber(value: Scalar): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return Number.NaN;
}
