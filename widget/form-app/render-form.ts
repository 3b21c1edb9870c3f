import { html, nothing, type TemplateResult } from 'lit';
import type { Answers } from '../../sdk/form-definition';
import type { AnswerTracker } from './answer-tracker';
import type { StepNavigation } from './form-steps';
import { renderFields, type FieldContext } from './render-fields';
import { renderReview } from './render-review';
import { renderSendError } from './render-status';
import type { SendFailure } from './send-errors';
import { renderActions, renderProgress } from './render-steps';

/** What the form element shows, and the handlers of its events. */
export interface FormView {
  locale: string;
  kiosk: boolean;
  sending: boolean;
  /** Reason the last submit failed. Undefined before any failure and after a new attempt starts. */
  sendFailure: SendFailure | undefined;
  /** True while the idle warning shows, which makes the form inert so that focus stays in the dialog. */
  inert: boolean;
  answers: Answers;
  steps: StepNavigation;
  /** How many sections, from the first, have their fields rendered; the others are empty until their turn. */
  renderedSections: number;
  tracker: AnswerTracker;
  context: FieldContext;
  onSubmit(event: SubmitEvent): void;
  /** Back or Next was pressed; Next validates the step first. */
  back(): void;
  next(): void;
  /** "Change" on the review page: go back to a step. */
  goTo(step: number): void;
}

/**
 * Renders the `<form>`: the progress of a paged form, every section (only
 * the current one visible), the review page, and the buttons. Sections of
 * other steps, and all of them on the review page, stay rendered but hidden,
 * so their controls keep what the patient typed; right after a form loads,
 * the sections after the first step are rendered one by one.
 *
 * @example
 * html`${keyed(generation, renderForm(view))}`
 */
export function renderForm(view: FormView): TemplateResult {
  const { steps, tracker } = view;
  const state = {
    locale: view.locale,
    step: steps.step,
    total: steps.sections.length,
    reviewing: steps.reviewing,
    sending: view.sending,
    back: view.back,
    next: view.next,
  };

  return html`
    <form novalidate autocomplete=${view.kiosk ? 'off' : nothing} aria-busy=${view.sending ? 'true' : 'false'} ?inert=${view.inert}
      @submit=${view.onSubmit} @input=${tracker.onInput} @change=${tracker.onChange} @focusout=${tracker.onFocusOut}>
      ${steps.paged ? renderProgress(state) : nothing}
      ${steps.sections.map(
        (section, index) =>
          html`<div class="section" ?hidden=${steps.reviewing || index !== steps.step}>${index < view.renderedSections ? renderFields(section.fields, view.context) : nothing}</div>`,
      )}
      ${steps.reviewing ? renderReview(steps.sections, view.answers, view.locale, view.goTo) : nothing}
      ${renderSendError(view.locale, view.sendFailure)} ${renderActions(state)}
    </form>
  `;
}
