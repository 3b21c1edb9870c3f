import { html, nothing, type TemplateResult } from 'lit';
import type {
  AnswerField,
  CheckboxField,
  CheckboxGroupField,
  ChoiceField,
  DateField,
  Field,
  Locale,
  NumberField,
  TextField,
} from '../../sdk/form-definition';
import { localize } from '../../sdk/localize';
import { UI_MESSAGES } from '../../sdk/messages';
import { controlId, errorId, helpId, optionId } from './field-ids';

/** Inputs of a field's template besides the field itself. */
export interface FieldContext {
  locale: Locale;
  /** Today as `YYYY-MM-DD`, which replaces a date limit of `today`. */
  today: string;
  /** The error sentence shown under the field, if any. */
  error: string | undefined;
}

/**
 * Renders one field with its label, required marker, help text and error.
 * Every answer field's wrapper carries `data-field` with the field id, which
 * the form app's input, change and focusout handlers read.
 *
 * @example
 * html`${definition.fields.map((field) => renderField(field, { locale: 'en', today: '2026-12-04', error: undefined }))}`
 */
export function renderField(field: Field, context: FieldContext): TemplateResult {
  if (field.type === 'display') return html`<p class="display" id=${controlId(field.id)}>${localize(field.text, context.locale)}</p>`;

  switch (field.type) {
    case 'radio':
    case 'checkbox-group':
      return renderGroup(field, context);
    case 'checkbox':
      return renderCheckbox(field, context);
    default:
      return renderSingle(field, context);
  }
}

/** Fields with one labelled control: text, email, tel, textarea, date, number and select. */
type SingleControlField = Exclude<AnswerField, CheckboxField | CheckboxGroupField>;

function renderSingle(field: SingleControlField, context: FieldContext): TemplateResult {
  return html`
    <div class="field" data-field=${field.id}>
      <label for=${controlId(field.id)}>${localize(field.label, context.locale)}${requiredMarker(field)}</label>
      ${helpText(field, context)} ${errorText(field, context)} ${renderControl(field, context)}
    </div>
  `;
}

function renderControl(field: SingleControlField, context: FieldContext): TemplateResult {
  const id = controlId(field.id);
  const invalid = context.error ? 'true' : nothing;
  const describedBy = describedByIds(field, context) ?? nothing;

  switch (field.type) {
    case 'textarea':
      return html`<textarea id=${id} name=${field.id} rows="5" ?required=${field.required} autocomplete=${field.autocomplete ?? nothing}
        aria-invalid=${invalid} aria-describedby=${describedBy}></textarea>`;
    case 'text':
    case 'email':
    case 'tel':
      return renderTextInput(field, id, invalid, describedBy);
    case 'date':
      return renderDateInput(field, context.today, id, invalid, describedBy);
    case 'number':
      return renderNumberInput(field, id, invalid, describedBy);
    case 'select':
      return html`<select id=${id} name=${field.id} ?required=${field.required} aria-invalid=${invalid} aria-describedby=${describedBy}>
        <option value="">${localize(UI_MESSAGES.selectPlaceholder, context.locale)}</option>
        ${field.options.map((option) => html`<option value=${option.value}>${localize(option.label, context.locale)}</option>`)}
      </select>`;
    case 'radio':
      // ChoiceField covers both select and radio, so the type allows radio here,
      // but renderField sends radio fields to renderGroup.
      return html``;
  }
}

type Attr = string | typeof nothing;

function renderTextInput(field: TextField, id: string, invalid: Attr, describedBy: Attr): TemplateResult {
  return html`<input id=${id} name=${field.id} type=${field.type} ?required=${field.required}
    autocomplete=${field.autocomplete ?? nothing} spellcheck=${field.type === 'email' ? 'false' : nothing}
    aria-invalid=${invalid} aria-describedby=${describedBy} />`;
}

function renderDateInput(field: DateField, today: string, id: string, invalid: Attr, describedBy: Attr): TemplateResult {
  const limit = (value: string | undefined) => (value === 'today' ? today : (value ?? nothing));
  return html`<input id=${id} name=${field.id} type="date" ?required=${field.required} min=${limit(field.min)} max=${limit(field.max)}
    autocomplete=${field.autocomplete ?? nothing} aria-invalid=${invalid} aria-describedby=${describedBy} />`;
}

function renderNumberInput(field: NumberField, id: string, invalid: Attr, describedBy: Attr): TemplateResult {
  return html`<input id=${id} name=${field.id} type="number" ?required=${field.required}
    min=${field.min ?? nothing} max=${field.max ?? nothing} step=${field.step ?? 'any'}
    aria-invalid=${invalid} aria-describedby=${describedBy} />`;
}

/** Renders one checkbox with its label beside it; `required` means it must be ticked. */
function renderCheckbox(field: CheckboxField, context: FieldContext): TemplateResult {
  const id = controlId(field.id);
  return html`
    <div class="field" data-field=${field.id}>
      ${helpText(field, context)} ${errorText(field, context)}
      <div class="option">
        <input id=${id} name=${field.id} type="checkbox" ?required=${field.required}
          aria-invalid=${context.error ? 'true' : nothing} aria-describedby=${describedByIds(field, context) ?? nothing} />
        <label for=${id}>${localize(field.label, context.locale)}${requiredMarker(field)}</label>
      </div>
    </div>
  `;
}

/**
 * Renders a radio or checkbox group in a fieldset whose legend is the label. The
 * fieldset carries the description, because screen readers read it once on
 * entering the group, and each input carries `aria-invalid`.
 */
function renderGroup(field: ChoiceField | CheckboxGroupField, context: FieldContext): TemplateResult {
  const type = field.type === 'radio' ? 'radio' : 'checkbox';
  const invalid = context.error ? 'true' : nothing;
  // A required checkbox group needs at least one box ticked, which the
  // `required` attribute on each box would not mean, so the legend states it.
  const hiddenRequired =
    field.type === 'checkbox-group' && field.required
      ? html`<span class="visually-hidden">${localize(UI_MESSAGES.requiredHidden, context.locale)}</span>`
      : nothing;

  return html`
    <fieldset class="field" id=${controlId(field.id)} data-field=${field.id} aria-describedby=${describedByIds(field, context) ?? nothing}>
      <legend>${localize(field.label, context.locale)}${requiredMarker(field)}${hiddenRequired}</legend>
      ${helpText(field, context)} ${errorText(field, context)}
      <div class="options">
        ${field.options.map(
          (option, index) => html`
            <div class="option">
              <input id=${optionId(field.id, index)} name=${field.id} type=${type} value=${option.value}
                ?required=${type === 'radio' && field.required} aria-invalid=${invalid} />
              <label for=${optionId(field.id, index)}>${localize(option.label, context.locale)}</label>
            </div>
          `,
        )}
      </div>
    </fieldset>
  `;
}

function requiredMarker(field: AnswerField): TemplateResult | typeof nothing {
  // Assistive technology announces `required` (or the hidden text of a checkbox
  // group), so the visible asterisk is hidden from it.
  return field.required ? html`<span class="required" aria-hidden="true"> *</span>` : nothing;
}

function helpText(field: AnswerField, context: FieldContext): TemplateResult | typeof nothing {
  return field.help ? html`<p class="help" id=${helpId(field.id)}>${localize(field.help, context.locale)}</p>` : nothing;
}

function errorText(field: AnswerField, context: FieldContext): TemplateResult | typeof nothing {
  return context.error ? html`<p class="error-text" id=${errorId(field.id)}>${context.error}</p>` : nothing;
}

function describedByIds(field: AnswerField, context: FieldContext): string | undefined {
  const ids = [field.help ? helpId(field.id) : undefined, context.error ? errorId(field.id) : undefined].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}
