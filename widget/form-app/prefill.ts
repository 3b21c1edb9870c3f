import type { PrefillRefusal, PrefillValue } from '../../sdk/embed-messages';
import type { AnswerField, AnswerValue, Field, FormDefinition } from '../../sdk/form-definition';
import { validateField } from '../../sdk/validate-answers';

/** A definition with prefilled starting values, and the values it refused. */
export interface PrefillResult {
  definition: FormDefinition;
  refused: PrefillRefusal[];
}

/**
 * Applies values from the embedding page to the items the definition marks
 * `prefillable`, as their `initial` value, so that the controls start with
 * them and the patient can still change them. Every other id is refused:
 * unknown ones, items not marked prefillable, and values that are not a
 * valid answer. The definition passed in is not changed.
 *
 * @example
 * const { definition, refused } = applyPrefill(published.definition, { location: 'riverside', 'full-name': 'Ana' });
 * // refused: [{ id: 'full-name', reason: 'not_prefillable' }]
 */
export function applyPrefill(original: FormDefinition, values: Readonly<Record<string, PrefillValue>>, today: string): PrefillResult {
  const refused: PrefillRefusal[] = [];
  const remaining = new Map(Object.entries(values));

  const visit = (fields: Field[]): Field[] =>
    fields.map((field) => {
      if (field.type === 'group') return field.repeats ? field : { ...field, fields: visit(field.fields) };
      if (field.type === 'display' || !remaining.has(field.id)) return field;

      const raw = remaining.get(field.id)!;
      remaining.delete(field.id);
      if (!field.prefillable) {
        refused.push({ id: field.id, reason: 'not_prefillable' });
        return field;
      }
      const value = coerce(field, raw);
      if (value === undefined || validateField({ ...field, required: false }, value, today)) {
        refused.push({ id: field.id, reason: 'invalid_value' });
        return field;
      }
      return { ...field, initial: value } as Field;
    });

  const definition = { ...original, fields: visit(original.fields) };
  // Ids left over name nothing prefillable: fields of repeating groups, or nothing at all.
  for (const id of remaining.keys()) refused.push({ id, reason: hasItem(original.fields, id) ? 'not_prefillable' : 'unknown_item' });
  return { definition, refused };
}

/** Turns a value from an attribute (always text) or from script into the answer type of the field. */
function coerce(field: AnswerField, value: PrefillValue): AnswerValue | undefined {
  switch (field.type) {
    case 'number': {
      const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
      return Number.isFinite(number) ? number : undefined;
    }
    case 'boolean':
    case 'checkbox':
      if (typeof value === 'boolean') return value;
      if (value === 'true') return true;
      if (value === 'false') return false;
      return undefined;
    case 'checkbox-group':
      if (Array.isArray(value)) return value;
      return typeof value === 'string' ? value.split(',').map((item) => item.trim()).filter((item) => item !== '') : undefined;
    default:
      if (typeof value === 'string') return value.trim();
      if (typeof value === 'number') return String(value);
      return undefined;
  }
}

function hasItem(fields: Field[], id: string): boolean {
  return fields.some((field) => field.id === id || (field.type === 'group' && hasItem(field.fields, id)));
}
