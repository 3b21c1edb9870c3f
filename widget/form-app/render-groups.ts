import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { CONSENT_GROUP_ID } from '../../sdk/consent';
import { DEFAULT_MAX_REPEATS, type Answers, type GroupField } from '../../sdk/form-definition';
import { localize } from '../../sdk/localize';
import { UI_MESSAGES } from '../../sdk/messages';
import { controlId, helpId } from './field-ids';
import { formatMessage } from './format-message';
import { renderFields, type FieldContext } from './render-fields';

/**
 * Renders a group as a fieldset. A repeating group renders one nested
 * fieldset per instance, keyed so that removing an instance keeps the
 * controls (and what was typed) of the others, and add and remove buttons.
 */
export function renderGroup(group: GroupField, context: FieldContext): TemplateResult {
  const name = context.prefix + group.id;
  const label = localize(group.label, context.locale);
  const help = group.help ? html`<p class="help" id=${helpId(name)}>${localize(group.help, context.locale)}</p>` : nothing;

  if (!group.repeats) {
    // A consent form's authorization section is styled apart, with its text set off in a box.
    return html`<fieldset class=${group.id === CONSENT_GROUP_ID ? 'group consent' : 'group'} id=${controlId(name)} aria-describedby=${group.help ? helpId(name) : nothing}>
      <legend>${label}</legend>${help}${renderFields(group.fields, context)}
    </fieldset>`;
  }

  const keys = context.repeats.keys(name);
  const max = group.maxRepeats ?? DEFAULT_MAX_REPEATS;
  const error = context.errorFor(name);
  const instances = Array.isArray(context.scope.own[group.id]) ? (context.scope.own[group.id] as Answers[]) : [];
  const outer = { ...context.scope.outer, ...context.scope.own };

  return html`<fieldset class="group repeating" id=${controlId(name)} data-repeat=${group.id} aria-describedby=${group.help ? helpId(name) : nothing}>
    <legend>${label}</legend>${help}
    ${error ? html`<p class="error-text">${error}</p>` : nothing}
    ${repeat(
      keys,
      (key) => key,
      (_key, index) => {
        const number = String(index + 1);
        const instanceContext: FieldContext = { ...context, prefix: `${name}[${index}].`, scope: { own: instances[index] ?? {}, outer } };
        return html`<fieldset class="instance" data-instance-of=${group.id}>
          <legend>${formatMessage(UI_MESSAGES.repeatInstance, context.locale, { label, number })}</legend>
          ${renderFields(group.fields, instanceContext)}
          <button type="button" class="secondary" @click=${() => context.repeats.remove(name, index)}>
            ${formatMessage(UI_MESSAGES.removeRepeat, context.locale, { label, number })}
          </button>
        </fieldset>`;
      },
    )}
    <button type="button" class="secondary" ?disabled=${keys.length >= max} @click=${() => context.repeats.add(name)}>
      ${formatMessage(UI_MESSAGES.addRepeat, context.locale, { label })}
    </button>
  </fieldset>`;
}
