import type { SealpostFormElement } from './sealpost-form';

/** Detail of `sealpost-submitted`: the collector's submission id, never an answer. */
export interface SealpostSubmittedDetail {
  receiptId: string;
}

/**
 * Detail of `sealpost-error`: a stable error code. The form app sends codes such
 * as `insecure_context` or the collector's error codes; the loader itself sends
 * `missing_form` and `invalid_collector` for a misconfigured element, and
 * `form_not_loaded` when the form did not report ready in time.
 */
export interface SealpostErrorDetail {
  code: string;
}

/** Events of `<sealpost-form>`, by name. They bubble and are composed, so a listener on `document` gets them too. */
export interface SealpostFormEventMap {
  'sealpost-ready': CustomEvent<null>;
  'sealpost-submitted': CustomEvent<SealpostSubmittedDetail>;
  'sealpost-error': CustomEvent<SealpostErrorDetail>;
}

declare global {
  interface HTMLElementEventMap extends SealpostFormEventMap {}

  interface DocumentEventMap extends SealpostFormEventMap {}

  interface HTMLElementTagNameMap {
    'sealpost-form': SealpostFormElement;
  }
}
