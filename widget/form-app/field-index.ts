import type { AnswerField, Field } from '../../sdk/form-definition';

/** Every answer field of a form by id, groups included. */
export type FieldIndex = Map<string, AnswerField>;

export function indexFields(fields: Field[], index: FieldIndex = new Map()): FieldIndex {
  for (const field of fields) {
    if (field.type === 'group') indexFields(field.fields, index);
    else if (field.type !== 'display') index.set(field.id, field);
  }
  return index;
}

/**
 * Finds the field of a name: its id, or `group[index].id` inside a repeating
 * group. Ids cannot contain `[`, so the id is what follows the last `].`.
 */
export function fieldOfName(index: FieldIndex, name: string): AnswerField | undefined {
  const at = name.lastIndexOf('].');
  return index.get(at === -1 ? name : name.slice(at + 2));
}
