import { describe, expect, test } from 'vitest';
import type { Field, FieldOption } from '../../../sdk/form-definition';
import { totalScore } from '../../../sdk/score';

const scale: FieldOption[] = ['never', 'some', 'often'].map((value, score) => ({ value, label: value, score }));

const fields: Field[] = [
  { id: 'q1', type: 'radio', label: 'Q1', options: scale },
  { id: 'q2', type: 'select', label: 'Q2', options: scale },
  { id: 'note', type: 'text', label: 'Note' },
  { id: 'plain', type: 'radio', label: 'Plain', options: [{ value: 'x', label: 'X' }] },
  { id: 'more', type: 'group', label: 'More', fields: [{ id: 'q3', type: 'checkbox-group', label: 'Q3', options: scale }] },
  { id: 'q4', type: 'radio', label: 'Q4', options: scale, enableWhen: [{ field: 'q1', operator: '=', value: 'often' }] },
  { id: 'visits', type: 'group', label: 'Visits', repeats: true, fields: [{ id: 'q5', type: 'radio', label: 'Q5', options: scale }] },
];

describe('totalScore', () => {
  test('sums chosen ordinal values', () => {
    expect(totalScore(fields, { q1: 'some', q2: 'often', q3: ['some', 'often'], plain: 'x' })).toEqual({ total: 6, answered: 3, scored: 3 });
  });

  test('counts enabled questions only', () => {
    expect(totalScore(fields, { q1: 'often', q4: 'often' })).toEqual({ total: 4, answered: 2, scored: 4 });
  });

  test('counts each repeat instance', () => {
    expect(totalScore(fields, { visits: [{ q5: 'often' }, { q5: 'some' }, {}] })).toEqual({ total: 3, answered: 2, scored: 6 });
  });

  test('empty answers score zero', () => {
    expect(totalScore(fields, {})).toEqual({ total: 0, answered: 0, scored: 3 });
  });
});
