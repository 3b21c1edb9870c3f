import { describe, expect, test } from 'vitest';
import { conditionHolds, isEnabled } from '../../../sdk/conditions';
import type { Condition } from '../../../sdk/form-definition';

const when = (operator: Condition['operator'], value: Condition['value']): Condition => ({ field: 'q', operator, value });

describe('conditionHolds', () => {
  test.each([
    ['=', 'a', 'a', true],
    ['=', 'a', 'b', false],
    ['=', true, true, true],
    ['=', false, true, false],
    ['!=', 'b', 'a', true],
    ['!=', 'a', 'a', false],
    ['>', 3, 2, true],
    ['>', 2, 2, false],
    ['>=', 2, 2, true],
    ['<', '1.1', 2.1, true],
    ['<', '2.2', 2.1, false],
    ['<=', '2000-01-01', '2000-01-01', true],
    ['>', '2000-01-02', '2000-01-01', true],
    ['>', '11:11:12', '11:11:11', true],
    ['>', 'abc', 2, false],
  ] as const)('%s: answer %j against %j is %s', (operator, answer, value, expected) => {
    expect(conditionHolds(when(operator, value), answer)).toBe(expected);
  });

  test('unanswered fails all but exists', () => {
    for (const operator of ['=', '!=', '>', '<', '>=', '<='] as const) expect(conditionHolds(when(operator, 1), undefined)).toBe(false);
    expect(conditionHolds(when('exists', false), undefined)).toBe(true);
    expect(conditionHolds(when('exists', true), undefined)).toBe(false);
    expect(conditionHolds(when('exists', true), '')).toBe(false);
    expect(conditionHolds(when('exists', true), 0)).toBe(true);
  });

  test('several answers match any, != none', () => {
    expect(conditionHolds(when('=', '8'), ['7', '8'])).toBe(true);
    expect(conditionHolds(when('!=', '7'), ['7', '8'])).toBe(false);
    expect(conditionHolds(when('!=', '7'), ['8', '9'])).toBe(true);
    expect(conditionHolds(when('exists', true), [])).toBe(false);
  });
});

describe('isEnabled', () => {
  const conditions: Condition[] = [
    { field: 'a', operator: '=', value: true },
    { field: 'b', operator: '=', value: 'x' },
  ];

  test('no conditions is enabled', () => {
    expect(isEnabled({}, { own: {} })).toBe(true);
  });

  test('all by default, any on request', () => {
    expect(isEnabled({ enableWhen: conditions }, { own: { a: true } })).toBe(false);
    expect(isEnabled({ enableWhen: conditions }, { own: { a: true, b: 'x' } })).toBe(true);
    expect(isEnabled({ enableWhen: conditions, enableBehavior: 'any' }, { own: { a: true } })).toBe(true);
    expect(isEnabled({ enableWhen: conditions, enableBehavior: 'any' }, { own: {} })).toBe(false);
  });

  test('instance answers before outer ones', () => {
    expect(isEnabled({ enableWhen: conditions }, { own: { b: 'x' }, outer: { a: true } })).toBe(true);
    expect(isEnabled({ enableWhen: [conditions[1]!] }, { own: {}, outer: { b: 'x' } })).toBe(true);
  });
});
