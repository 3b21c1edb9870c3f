import { html, nothing, type TemplateResult } from 'lit';
import { UI_MESSAGES } from '../../sdk/messages';
import { formatDuration } from './format-duration';
import { formatMessage } from './format-message';

/** States the idle limit up front, or, once it has passed, that the answers were cleared. */
export function renderIdleNotice(locale: string, limitSeconds: number, timedOut: boolean): TemplateResult {
  const time = formatDuration(limitSeconds, locale);
  if (timedOut) return html`<p class="notice" id="timeout-notice" role="status" tabindex="-1">${formatMessage(UI_MESSAGES.timedOut, locale, { time })}</p>`;
  return html`<p class="help idle-notice">${formatMessage(UI_MESSAGES.idleNotice, locale, { time })}</p>`;
}

/**
 * Renders the idle warning as a modal alert dialog. Its description is a
 * polite live region, which the timer changes only every 30 seconds.
 */
export function renderIdleWarning(locale: string, remainingSeconds: number | undefined, keepWorking: () => void): TemplateResult | typeof nothing {
  if (remainingSeconds === undefined) return nothing;

  const time = formatDuration(remainingSeconds, locale);
  return html`
    <div class="dialog-backdrop">
      <div class="dialog" role="alertdialog" aria-modal="true" aria-labelledby="idle-title" aria-describedby="idle-text">
        <h2 id="idle-title">${formatMessage(UI_MESSAGES.idleTitle, locale)}</h2>
        <p id="idle-text" aria-live="polite">${formatMessage(UI_MESSAGES.idleWarning, locale, { time })}</p>
        <button type="button" id="keep-working" @click=${keepWorking}>${formatMessage(UI_MESSAGES.keepWorking, locale)}</button>
      </div>
    </div>
  `;
}
