import type { AnswerField, AnswerValue, Answers, Field, FieldOption, OpenChoiceField } from '../../sdk/form-definition';

/**
 * Reads every answer from the rendered controls, in the shape validation and
 * the payload use. A field that is not rendered (its conditions do not hold)
 * or is read-only has no answer. A repeating group's answer is one object per
 * rendered instance, in screen order.
 *
 * @param root The element that contains the fields' controls.
 * @example
 * readAnswers(definition.fields, form); // { 'full-name': 'Ana Ruiz', medications: [{ drug: 'Aspirin' }] }
 */
export function readAnswers(fields: Field[], root: ParentNode, stored: ReadonlyMap<string, AnswerValue> = new Map()): Answers {
  const answers: Answers = {};
  readScope(fields, root, fieldContainers(root), answers, stored);
  return answers;
}

function readScope(fields: Field[], root: ParentNode, containers: Map<string, Element>, answers: Answers, stored: ReadonlyMap<string, AnswerValue>): void {
  for (const field of fields) {
    if (field.type === 'display') continue;

    if (field.type === 'group') {
      if (!field.repeats) readScope(field.fields, root, containers, answers, stored);
      else readInstances(field.id, field.fields, root, answers);
      continue;
    }

    const container = containers.get(field.id);
    if (!container || field.readOnly) continue;
    // Files and drawings are stored by the form app as they happen, so their answers come from `stored`.
    const value = field.type === 'attachment' || field.type === 'signature' ? (stored.get(field.id) ?? readAnswer(field, container)) : readAnswer(field, container);
    if (value !== undefined) answers[field.id] = value;
  }
}

function readInstances(groupId: string, fields: Field[], root: ParentNode, answers: Answers): void {
  const instances = Array.from(root.querySelectorAll('[data-instance-of]')).filter((element) => element.getAttribute('data-instance-of') === groupId);
  if (instances.length === 0) return;

  answers[groupId] = instances.map((instance) => {
    const own: Answers = {};
    readScope(fields, instance, fieldContainers(instance), own, new Map());
    return own;
  });
}

/** Maps each `data-field` id to the first element carrying it; ids are unique across a form, so the first is the field's. */
function fieldContainers(root: ParentNode): Map<string, Element> {
  const containers = new Map<string, Element>();
  for (const element of root.querySelectorAll('[data-field]')) {
    const id = element.getAttribute('data-field');
    if (id && !containers.has(id)) containers.set(id, element);
  }
  return containers;
}

/**
 * Reads a field's answer from its rendered controls: trimmed text, a date or
 * time string, a number as a number, a boolean for a checkbox or a yes/no
 * question and an array of option values for a checkbox group. An empty
 * control reads as `undefined`, so the answer is left out of the payload.
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
    case 'url':
    case 'textarea':
      return nonEmpty(controlValue(container, 'input, textarea').trim());
    case 'open-choice':
      return readOpenChoice(field, controlValue(container, 'input').trim());
    case 'date':
    case 'datetime':
    case 'time':
    case 'select':
      return nonEmpty(controlValue(container, 'input, select'));
    case 'number':
      return readNumber(container.querySelector('input'));
    case 'radio':
      return container.querySelector<HTMLInputElement>('input:checked')?.value;
    case 'boolean': {
      const checked = container.querySelector<HTMLInputElement>('input:checked')?.value;
      return checked === undefined ? undefined : checked === 'true';
    }
    case 'checkbox':
      return container.querySelector<HTMLInputElement>('input')?.checked ? true : undefined;
    case 'checkbox-group': {
      const values = Array.from(container.querySelectorAll<HTMLInputElement>('input:checked'), (input) => input.value);
      return values.length > 0 ? values : undefined;
    }
    case 'attachment':
      // Read by the form app when the file is chosen; see readAnswers.
      return undefined;
    case 'signature': {
      // A drawn signature comes from readAnswers' `stored`; this is the typed alternative.
      const typed = controlValue(container, 'input').trim();
      return typed === '' ? undefined : { method: 'typed', name: typed };
    }
  }
}

// The suggestions show option labels, so a typed or picked label reads as its option's value.
function readOpenChoice(field: OpenChoiceField, text: string): string | undefined {
  if (text === '') return undefined;

  const labels = (option: FieldOption) => (typeof option.label === 'string' ? [option.label] : Object.values(option.label));
  return field.options.find((option) => labels(option).includes(text))?.value ?? text;
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
