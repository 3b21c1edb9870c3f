import { html, nothing, type TemplateResult } from 'lit';
import { UI_MESSAGES } from '../../sdk/messages';
import { formatMessage } from './format-message';

/**
 * Renders the error summary that a failed submit or step moves focus to: a
 * heading and one button per error, which takes the patient to the field.
 *
 * @example
 * renderErrorSummary('en', [['full-name', 'Enter “Full name”.']], (name) => focusField(name));
 */
export function renderErrorSummary(locale: string, errors: [name: string, text: string][], focusField: (name: string) => void): TemplateResult | typeof nothing {
  if (errors.length === 0) return nothing;

  return html`
    <div class="error-summary" id="error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">${formatMessage(UI_MESSAGES.errorSummaryTitle, locale)}</h2>
      <ul>
        ${errors.map(([name, text]) => html`<li><button type="button" @click=${() => focusField(name)}>${text}</button></li>`)}
      </ul>
    </div>
  `;
}
