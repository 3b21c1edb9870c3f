import { html, nothing, type TemplateResult } from 'lit';
import type { FormDefinition } from '../../sdk/form-definition';
import { formatReceipt } from '../../sdk/ids';
import { localize } from '../../sdk/localize';
import { SEND_FAILURE_MESSAGES, UI_MESSAGES } from '../../sdk/messages';
import { formatDuration } from './format-duration';
import { formatMessage } from './format-message';
import type { SendFailure } from './send-errors';

/*
 * The parts of the form app around the questions: loading and load failure,
 * the title, the notices, and the confirmation after a submit.
 */

const text = (message: keyof typeof UI_MESSAGES, locale: string, values?: Record<string, string>) => formatMessage(UI_MESSAGES[message], locale, values);

export function renderLoading(locale: string): TemplateResult {
  return html`<p role="status">${text('loading', locale)}</p>`;
}

/** States why the form did not load; a failure other than "not found" offers a retry. */
export function renderLoadFailure(locale: string, failure: 'not_found' | 'unavailable', retry: () => void): TemplateResult {
  if (failure === 'not_found') return html`<p role="alert">${text('formNotFound', locale)}</p>`;

  return html`
    <div role="alert">
      <p>${text('loadFailed', locale)}</p>
      <button type="button" @click=${retry}>${text('retry', locale)}</button>
    </div>
  `;
}

/** Renders the form's title, which takes focus when the form starts again, and its description. */
export function renderHeader(definition: FormDefinition | undefined, locale: string): TemplateResult {
  const description = definition?.description ? html`<p class="description">${localize(definition.description, locale)}</p>` : nothing;
  return html`<h1 id="form-title" tabindex="-1">${localize(definition?.title, locale)}</h1>${description}`;
}

export function renderInsecureNotice(locale: string, insecure: boolean): TemplateResult | typeof nothing {
  if (!insecure) return nothing;
  return html`<p class="notice" id="insecure-notice" role="alert" tabindex="-1">${text('insecureContext', locale)}</p>`;
}

/** States why the last submit failed and what the patient can do about it. */
export function renderSendError(locale: string, failure: SendFailure | undefined): TemplateResult | typeof nothing {
  if (!failure) return nothing;
  return html`<p class="notice" id="send-error" role="alert" tabindex="-1">${localize(SEND_FAILURE_MESSAGES[failure], locale)}</p>`;
}

/** A kiosk's countdown to the next patient, shown under the receipt. */
export interface KioskRestart {
  seconds: number;
  startOver(): void;
}

/**
 * Thanks the patient and shows the receipt number. On a kiosk it also says
 * when the form starts again for the next patient, and offers to do it now.
 */
export function renderConfirmation(locale: string, receiptId: string, kiosk: KioskRestart | undefined): TemplateResult {
  const restart = kiosk
    ? html`<p>${text('kioskRestart', locale, { time: formatDuration(kiosk.seconds, locale) })}</p>
        <button type="button" id="start-over" @click=${kiosk.startOver}>${text('kioskNext', locale)}</button>`
    : nothing;
  return html`
    <div class="confirmation">
      <h2 id="confirmation-title" tabindex="-1">${text('submittedTitle', locale)}</h2>
      <p>${text('receipt', locale, { receipt: formatReceipt(receiptId) })}</p>
      ${restart}
    </div>
  `;
}
