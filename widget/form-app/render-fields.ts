import { html, nothing, type TemplateResult } from 'lit';
import { isEnabled, type AnswerScope } from '../../sdk/conditions';
import type { AnswerField, DisplayField, Field } from '../../sdk/form-definition';
import { localize } from '../../sdk/localize';
import { controlId, errorId, helpId, unitId } from './field-ids';
import { renderChoiceField } from './render-choices';
import { renderSingle } from './render-controls';
import { renderGroup } from './render-groups';
import { renderSignature, type SignatureHandlers } from './render-signature';

/** Instances of the repeating groups, and the handlers of their add and remove buttons. */
export interface RepeatControls {
  /** Stable keys of a repeating group's instances, by the group's name; the first call creates one instance. */
  keys(name: string): number[];
  add(name: string): void;
  remove(name: string, index: number): void;
}

/** Inputs of a field's template besides the field itself. */
export interface FieldContext {
  /** Language that texts are localized to, such as `en`, `es` or `ar`. */
  locale: string;
  /** Kiosk mode: browser autofill is off on every control, so nothing of one patient is offered to the next. */
  kiosk: boolean;
  /** Today as `YYYY-MM-DD`, which replaces a date limit of `today`. */
  today: string;
  /** The error sentence of a field name, if any. */
  errorFor(name: string): string | undefined;
  /** Answers that conditions read: the current repeat instance's, then the form's. */
  scope: AnswerScope;
  /** Prefix of field names: empty at the top, `group[index].` inside a repeat instance. */
  prefix: string;
  repeats: RepeatControls;
  signatures: SignatureHandlers;
}

/**
 * Renders a list of fields, leaving out those whose conditions do not hold.
 * The list of fields never changes, so each position keeps its field and a
 * field that is hidden and shown again starts with empty controls.
 *
 * @example
 * html`${renderFields(definition.fields, context)}`
 */
export function renderFields(fields: Field[], context: FieldContext): TemplateResult {
  return html`${fields.map((field) => (isEnabled(field, context.scope) ? renderField(field, context) : nothing))}`;
}

/**
 * Renders one field with its label, required marker, help text and error.
 * Every answer field's wrapper carries `data-field` with the field id, which
 * the form app reads answers by.
 */
export function renderField(field: Field, context: FieldContext): TemplateResult {
  switch (field.type) {
    case 'display':
      return renderDisplay(field, context);
    case 'group':
      return renderGroup(field, context);
    case 'signature':
      return renderSignature(field, context, context.signatures);
    case 'radio':
    case 'checkbox-group':
    case 'checkbox':
    case 'boolean':
      return renderChoiceField(field, context);
    default:
      return renderSingle(field, context);
  }
}

/** Renders display text; a blank line in it starts a new paragraph. */
function renderDisplay(field: DisplayField, context: FieldContext): TemplateResult {
  const paragraphs = localize(field.text, context.locale).split(/\n\s*\n/);
  if (paragraphs.length === 1) return html`<p class="display" id=${controlId(context.prefix + field.id)}>${paragraphs[0]}</p>`;
  return html`<div class="display" id=${controlId(context.prefix + field.id)}>${paragraphs.map((paragraph) => html`<p>${paragraph}</p>`)}</div>`;
}

/**
 * Returns the `autocomplete` value of a control: `off` in kiosk mode,
 * else the field's own token, else no attribute.
 */
export function autocompleteOf(context: Pick<FieldContext, 'kiosk'>, token?: string): string | typeof nothing {
  return context.kiosk ? 'off' : (token ?? nothing);
}

/** A field with the name it has in the current scope and its error sentence. */
export interface Named<F extends AnswerField = AnswerField> {
  field: F;
  name: string;
  error: string | undefined;
  locale: string;
  kiosk: boolean;
}

export function named<F extends AnswerField>(field: F, context: FieldContext): Named<F> {
  const name = context.prefix + field.id;
  return { field, name, error: context.errorFor(name), locale: context.locale, kiosk: context.kiosk };
}

export function requiredMarker(field: AnswerField): TemplateResult | typeof nothing {
  // Assistive technology announces `required` (or the hidden text of a checkbox
  // group), so the visible asterisk is hidden from it.
  return field.required ? html`<span class="required" aria-hidden="true"> *</span>` : nothing;
}

export function helpText({ field, name, locale }: Named): TemplateResult | typeof nothing {
  return field.help ? html`<p class="help" id=${helpId(name)}>${localize(field.help, locale)}</p>` : nothing;
}

export function errorText({ name, error }: Named): TemplateResult | typeof nothing {
  return error ? html`<p class="error-text" id=${errorId(name)}>${error}</p>` : nothing;
}

/** Returns the ids that describe a control (help, unit and error), or `nothing`. */
export function describedBy({ field, name, error }: Named): string | typeof nothing {
  const ids = [
    field.help ? helpId(name) : undefined,
    (field.type === 'number' && field.unit) || field.type === 'attachment' ? unitId(name) : undefined,
    error ? errorId(name) : undefined,
  ].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : nothing;
}
