import { html, nothing, type TemplateResult } from 'lit';
import type { BooleanField, CheckboxField, CheckboxGroupField, ChoiceField, FieldOption } from '../../sdk/form-definition';
import { localize } from '../../sdk/localize';
import { UI_MESSAGES } from '../../sdk/messages';
import { controlId, optionId } from './field-ids';
import { autocompleteOf, describedBy, errorText, helpText, named, requiredMarker, type FieldContext, type Named } from './render-fields';

type ChoiceKind = ChoiceField | CheckboxGroupField | CheckboxField | BooleanField;

/** Renders radio buttons, a checkbox group, a yes/no question or a single checkbox. */
export function renderChoiceField(field: ChoiceKind, context: FieldContext): TemplateResult {
  const item = named(field, context);
  if (field.type === 'checkbox') return renderCheckbox(item as Named<CheckboxField>);

  const options: FieldOption[] =
    field.type === 'boolean'
      ? [
          { value: 'true', label: UI_MESSAGES.yes },
          { value: 'false', label: UI_MESSAGES.no },
        ]
      : (field as ChoiceField | CheckboxGroupField).options;
  return renderGroup(item as Named<ChoiceField | CheckboxGroupField | BooleanField>, options);
}

/** Renders one checkbox with its label beside it; `required` means it must be ticked. */
function renderCheckbox(item: Named<CheckboxField>): TemplateResult {
  const { field, name } = item;
  const id = controlId(name);
  return html`
    <div class="field" data-field=${field.id}>
      ${helpText(item)} ${errorText(item)}
      <div class="option">
        <input id=${id} name=${name} type="checkbox" ?required=${field.required} ?disabled=${field.readOnly} ?checked=${field.initial === true} autocomplete=${autocompleteOf(item)}
          aria-invalid=${item.error ? 'true' : nothing} aria-describedby=${describedBy(item)} />
        <label for=${id}>${localize(field.label, item.locale)}${requiredMarker(field)}</label>
      </div>
    </div>
  `;
}

/**
 * Renders a radio or checkbox group in a fieldset whose legend is the label. The
 * fieldset carries the description, because screen readers read it once on
 * entering the group, and each input carries `aria-invalid`.
 */
function renderGroup(item: Named<ChoiceField | CheckboxGroupField | BooleanField>, options: FieldOption[]): TemplateResult {
  const { field, name, locale } = item;
  const type = field.type === 'checkbox-group' ? 'checkbox' : 'radio';
  const invalid = item.error ? 'true' : nothing;
  const initial = field.initial === undefined ? [] : Array.isArray(field.initial) ? field.initial.map(String) : [String(field.initial)];
  // A required checkbox group needs at least one box ticked, which the
  // `required` attribute on each box would not mean, so the legend states it.
  const hiddenRequired =
    field.type === 'checkbox-group' && field.required
      ? html`<span class="visually-hidden">${localize(UI_MESSAGES.requiredHidden, locale)}</span>`
      : nothing;

  return html`
    <fieldset class="field" id=${controlId(name)} data-field=${field.id} aria-describedby=${describedBy(item)}>
      <legend>${localize(field.label, locale)}${requiredMarker(field)}${hiddenRequired}</legend>
      ${helpText(item)} ${errorText(item)}
      <div class="options">
        ${options.map(
          (option, index) => html`
            <div class="option">
              <input id=${optionId(name, index)} name=${name} type=${type} value=${option.value} ?disabled=${field.readOnly} autocomplete=${autocompleteOf(item)}
                ?checked=${initial.includes(option.value)} ?required=${type === 'radio' && field.required} aria-invalid=${invalid} />
              <label for=${optionId(name, index)}>${localize(option.label, locale)}</label>
            </div>
          `,
        )}
      </div>
    </fieldset>
  `;
}
