import { html, nothing, type TemplateResult } from 'lit';
import { UI_MESSAGES } from '../../sdk/messages';
import { formatMessage } from './format-message';

/** Position of the patient in a form, and the handlers of its buttons. */
export interface StepState {
  locale: string;
  step: number;
  total: number;
  reviewing: boolean;
  sending: boolean;
  back(): void;
  next(): void;
}

/** Renders "Step n of m" (or "Review") and a progress bar labelled by it. */
export function renderProgress(state: StepState): TemplateResult {
  const text = state.reviewing
    ? formatMessage(UI_MESSAGES.reviewProgress, state.locale)
    : formatMessage(UI_MESSAGES.stepProgress, state.locale, { number: String(state.step + 1), total: String(state.total) });

  return html`<p class="step-progress" id="step-progress" tabindex="-1">${text}</p>
    <progress max=${state.total + 1} value=${state.reviewing ? state.total + 1 : state.step + 1} aria-labelledby="step-progress"></progress>`;
}

/**
 * Renders the form's buttons: Back from the second step on and on the review
 * page, Next (or "Review your answers" on the last step, which is the only
 * step of a form of one section), and Submit on the review page.
 */
export function renderActions(state: StepState): TemplateResult {
  const text = (message: keyof typeof UI_MESSAGES) => formatMessage(UI_MESSAGES[message], state.locale);
  const back =
    state.step > 0 || state.reviewing
      ? html`<button type="button" class="secondary" @click=${state.back}>${text('back')}</button>`
      : nothing;

  // aria-disabled rather than disabled keeps the button focused while
  // sending; the phase check in the form app's submit handler does the blocking.
  const lastStep = state.step === state.total - 1;
  const forward = state.reviewing
    ? html`<button type="submit" aria-disabled=${state.sending ? 'true' : 'false'}>${text('submit')}</button>`
    : html`<button type="button" @click=${state.next}>${text(lastStep ? 'reviewAnswers' : 'next')}</button>`;

  return html`<div class="actions">${back}${forward}<p class="progress" role="status">${state.sending ? text('sending') : ''}</p></div>`;
}
