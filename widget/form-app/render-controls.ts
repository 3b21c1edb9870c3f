import { html, nothing, type TemplateResult } from 'lit';
import type { AnswerField, BooleanField, CheckboxField, CheckboxGroupField, ChoiceField, NumberField } from '../../sdk/form-definition';
import { localize } from '../../sdk/localize';
import { UI_MESSAGES } from '../../sdk/messages';
import { ATTACHMENT_MAX_BYTES } from '../../sdk/form-definition';
import { formatBytes } from './error-messages';
import { controlId, listId, unitId } from './field-ids';
import { formatMessage } from './format-message';
import { autocompleteOf, describedBy, errorText, helpText, named, requiredMarker, type FieldContext, type Named } from './render-fields';

/** Fields with one labelled control: text kinds, dates and times, number, select and open choice. */
export type SingleControlField = Exclude<AnswerField, CheckboxField | CheckboxGroupField | BooleanField | (ChoiceField & { type: 'radio' })>;

/** Renders a field whose one control has a `<label>`. */
export function renderSingle(field: AnswerField, context: FieldContext): TemplateResult {
  const item = named(field as SingleControlField, context);
  return html`
    <div class="field" data-field=${field.id}>
      <label for=${controlId(item.name)}>${localize(field.label, context.locale)}${requiredMarker(field)}</label>
      ${helpText(item)} ${errorText(item)} ${renderControl(item, context.today)}
    </div>
  `;
}

const INPUT_TYPES = { text: 'text', email: 'email', tel: 'tel', url: 'url', date: 'date', datetime: 'datetime-local', time: 'time' } as const;

function renderControl(item: Named<SingleControlField>, today: string): TemplateResult {
  const { field, name } = item;
  const id = controlId(name);
  const invalid = item.error ? 'true' : nothing;
  const initial = typeof field.initial === 'string' || typeof field.initial === 'number' ? String(field.initial) : nothing;

  switch (field.type) {
    case 'textarea':
      return html`<textarea id=${id} name=${name} rows="5" ?required=${field.required} ?readonly=${field.readOnly}
        autocomplete=${autocompleteOf(item, field.autocomplete)} aria-invalid=${invalid} aria-describedby=${describedBy(item)}
        .defaultValue=${initial === nothing ? '' : initial}></textarea>`;
    case 'number':
      return renderNumber(item as Named<NumberField>, initial);
    case 'attachment': {
      // The limit is stated before the patient picks a file, and checked again before encryption.
      const limit = formatBytes(Math.min(field.maxBytes ?? ATTACHMENT_MAX_BYTES, ATTACHMENT_MAX_BYTES), item.locale);
      return html`<input id=${id} name=${name} type="file" ?required=${field.required} ?disabled=${field.readOnly} autocomplete=${autocompleteOf(item)}
          accept=${field.accept?.join(',') ?? nothing} aria-invalid=${invalid} aria-describedby=${describedBy(item)} />
        <p class="help" id=${unitId(name)}>${formatMessage(UI_MESSAGES.fileLimit, item.locale, { limit })}</p>`;
    }
    case 'select':
      return html`<select id=${id} name=${name} ?required=${field.required} ?disabled=${field.readOnly} autocomplete=${autocompleteOf(item)}
        aria-invalid=${invalid} aria-describedby=${describedBy(item)}>
        <option value="">${localize(UI_MESSAGES.selectPlaceholder, item.locale)}</option>
        ${field.options.map((option) => html`<option value=${option.value} ?selected=${field.initial === option.value}>${localize(option.label, item.locale)}</option>`)}
      </select>`;
    case 'open-choice': {
      // A datalist offers the option labels as suggestions while any text
      // stays a valid answer; reading the answer turns a label back into its value.
      const label = (value: string) => localize(field.options.find((option) => option.value === value)?.label, item.locale) || value;
      return html`<input id=${id} name=${name} type="text" list=${listId(name)} ?required=${field.required} ?readonly=${field.readOnly}
          autocomplete=${autocompleteOf(item)} maxlength=${field.maxLength ?? nothing} value=${initial === nothing ? nothing : label(initial)} aria-invalid=${invalid} aria-describedby=${describedBy(item)} />
        <datalist id=${listId(name)}>${field.options.map((option) => html`<option value=${localize(option.label, item.locale)}></option>`)}</datalist>`;
    }
    default: {
      const date = field.type === 'date' ? field : undefined;
      const limit = (value: string | undefined) => (value === 'today' ? today : (value ?? nothing));
      const text = field.type === 'text' || field.type === 'email' || field.type === 'tel' || field.type === 'url' ? field : undefined;
      return html`<input id=${id} name=${name} type=${INPUT_TYPES[field.type as keyof typeof INPUT_TYPES]} ?required=${field.required} ?readonly=${field.readOnly}
        min=${limit(date?.min)} max=${limit(date?.max)}
        maxlength=${text?.maxLength ?? nothing} autocomplete=${autocompleteOf(item, text?.autocomplete ?? date?.autocomplete)}
        spellcheck=${field.type === 'email' || field.type === 'url' ? 'false' : nothing} value=${initial}
        aria-invalid=${invalid} aria-describedby=${describedBy(item)} />`;
    }
  }
}

function renderNumber(item: Named<NumberField>, initial: string | typeof nothing): TemplateResult {
  const { field, name } = item;
  const unit = field.unit ? html`<span class="unit" id=${unitId(name)}>${localize(field.unit, item.locale)}</span>` : nothing;
  return html`<span class="with-unit"><input id=${controlId(name)} name=${name} type="number" inputmode=${field.step === 1 ? 'numeric' : 'decimal'}
    ?required=${field.required} ?readonly=${field.readOnly} min=${field.min ?? nothing} max=${field.max ?? nothing} step=${field.step ?? 'any'} autocomplete=${autocompleteOf(item)}
    value=${initial} aria-invalid=${item.error ? 'true' : nothing} aria-describedby=${describedBy(item)} />${unit}</span>`;
}
