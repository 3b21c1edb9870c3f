import { html, nothing, type TemplateResult } from 'lit';
import { isEnabled, type AnswerScope } from '../../sdk/conditions';
import type { AnswerField, AnswerValue, Answers, Field } from '../../sdk/form-definition';
import { localize } from '../../sdk/localize';
import { UI_MESSAGES } from '../../sdk/messages';
import type { Section } from './form-steps';
import { formatDate, formatDateTime, formatTime } from './format-date';
import { formatMessage } from './format-message';

/**
 * Renders the review page: every shown question of each step with its answer
 * as the patient will send it, and a button that goes back to the step. A
 * form of one section has a review page too, with one "Change your answers".
 *
 * @example
 * html`${renderReview(splitSections(definition.fields), answers, 'en', (step) => steps.goTo(step))}`
 */
export function renderReview(sections: Section[], answers: Answers, locale: string, goTo: (step: number) => void): TemplateResult {
  return html`
    <section class="review" aria-labelledby="review-title">
      <h2 id="review-title" tabindex="-1">${localize(UI_MESSAGES.reviewTitle, locale)}</h2>
      ${sections.map(
        (section, index) => html`
          <div class="review-section">
            ${section.title ? html`<h3>${localize(section.title, locale)}</h3>` : nothing}
            <dl>${reviewItems(section.fields, { own: answers }, locale)}</dl>
            <button type="button" class="secondary" @click=${() => goTo(index)}>
              ${sections.length === 1 ? formatMessage(UI_MESSAGES.changeAnswers, locale) : formatMessage(UI_MESSAGES.changeStep, locale, { number: String(index + 1) })}
            </button>
          </div>
        `,
      )}
    </section>
  `;
}

function reviewItems(fields: Field[], scope: AnswerScope, locale: string): TemplateResult[] {
  return fields.flatMap((field) => {
    if (field.type === 'display' || !isEnabled(field, scope)) return [];
    if (field.type === 'group' && !field.repeats) return reviewItems(field.fields, scope, locale);

    const label = localize(field.label, locale);
    if (field.type === 'group') {
      const instances = (scope.own[field.id] as Answers[] | undefined) ?? [];
      const outer = { ...scope.outer, ...scope.own };
      return instances.flatMap((instance, index) => [
        html`<dt class="instance-title">${formatMessage(UI_MESSAGES.repeatInstance, locale, { label, number: String(index + 1) })}</dt><dd></dd>`,
        ...reviewItems(field.fields, { own: instance, outer }, locale),
      ]);
    }

    return [html`<dt>${label}</dt><dd>${formatAnswer(field, scope.own[field.id], locale)}</dd>`];
  });
}

/**
 * Formats an answer for reading: option labels, Yes/No, a number with its
 * unit, and dates and times in the patient's language.
 *
 * @example
 * formatAnswer({ id: 'weight', type: 'number', label: 'Weight', unit: 'kg' }, 72.5, 'es'); // '72,5 kg'
 * formatAnswer({ id: 'dob', type: 'date', label: 'Date of birth' }, '1980-02-03', 'es'); // '3 de febrero de 1980'
 */
export function formatAnswer(field: AnswerField, value: AnswerValue | undefined, locale: string): string {
  if (field.readOnly && field.initial !== undefined) value = field.initial;
  if (value === undefined) return localize(UI_MESSAGES.notAnswered, locale);

  if (typeof value === 'boolean') return localize(value ? UI_MESSAGES.yes : UI_MESSAGES.no, locale);
  const options = 'options' in field ? field.options : [];
  const label = (item: string) => localize(options.find((option) => option.value === item)?.label, locale) || item;
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' ? label(item) : '')).join(', ');
  if (typeof value === 'number') {
    const unit = field.type === 'number' && field.unit ? ` ${localize(field.unit, locale)}` : '';
    return `${new Intl.NumberFormat(locale).format(value)}${unit}`;
  }
  if (typeof value === 'object' && 'method' in value) return value.method === 'typed' ? value.name : localize(UI_MESSAGES.signedDrawn, locale);
  if (typeof value === 'object') return value.name;

  if (field.type === 'date') return formatDate(value, locale);
  if (field.type === 'datetime') return formatDateTime(value, locale);
  if (field.type === 'time') return formatTime(value, locale);
  return label(value);
}
