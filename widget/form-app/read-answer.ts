import type { AnswerField, AnswerValue } from '../../sdk/form-definition';

/**
 * Reads a field's answer from its rendered controls, in the type that
 * validation and the payload use: trimmed text, a date as `YYYY-MM-DD`, a
 * number as a number, a boolean for a checkbox and an array of option values
 * for a checkbox group. An empty control reads as `undefined`, so the answer
 * is left out of the payload.
 *
 * @param container The element that wraps the field's controls.
 * @example
 * readAnswer(numberField, wrapper); // 42, or NaN when the browser reports unparsable input
 */
export function readAnswer(field: AnswerField, container: Element): AnswerValue | undefined {
  switch (field.type) {
    case 'text':
    case 'email':
    case 'tel':
    case 'textarea':
      return nonEmpty(controlValue(container, 'input, textarea').trim());
    case 'date':
    case 'select':
      return nonEmpty(controlValue(container, 'input, select'));
    case 'number':
      return readNumber(container.querySelector('input'));
    case 'radio':
      return container.querySelector<HTMLInputElement>('input:checked')?.value;
    case 'checkbox':
      return container.querySelector<HTMLInputElement>('input')?.checked ? true : undefined;
    case 'checkbox-group': {
      const values = Array.from(container.querySelectorAll<HTMLInputElement>('input:checked'), (input) => input.value);
      return values.length > 0 ? values : undefined;
    }
  }
}

function controlValue(container: Element, selector: string): string {
  return container.querySelector<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(selector)?.value ?? '';
}

function nonEmpty(value: string): string | undefined {
  return value === '' ? undefined : value;
}

// A number input reports an empty value for text it cannot parse, such as "1e".
// validity.badInput distinguishes that from an empty field, so validation can
// reject it as "not a number" instead of "required".
function readNumber(input: HTMLInputElement | null): number | undefined {
  if (!input) return undefined;
  if (input.validity?.badInput) return Number.NaN;
  if (input.value.trim() === '') return undefined;

  return Number(input.value);
}
