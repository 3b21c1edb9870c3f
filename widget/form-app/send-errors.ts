import { CollectorError } from '../../sdk/collector-client';
import type { SEND_FAILURE_MESSAGES } from '../../sdk/messages';

/** WebCrypto, which jose needs, exists only in secure contexts (HTTPS, localhost). */
export function hasWebCrypto(): boolean {
  return Boolean(globalThis.crypto?.subtle);
}

/**
 * Picks the code to post to the host page for a failed submit: the collector's
 * error code, `submit_failed` for a code outside `[a-z_]`, and `encryption_failed`
 * for an error thrown before any request, which only encryption can throw.
 *
 * @example
 * sendErrorCode(new CollectorError('answers_invalid', 422, '…')); // 'answers_invalid'
 */
export function sendErrorCode(error: unknown): string {
  if (!(error instanceof CollectorError)) return 'encryption_failed';
  return /^[a-z_]{1,64}$/.test(error.code) ? error.code : 'submit_failed';
}

/** A kind of failed submit, named by its sentence in `SEND_FAILURE_MESSAGES`. */
export type SendFailure = keyof typeof SEND_FAILURE_MESSAGES;

// Collector error codes whose cause the patient can act on; see collector/submissions/.
const FAILURE_BY_CODE: Record<string, SendFailure> = {
  invalid_contact_token: 'linkInvalid',
  form_not_found: 'formRemoved',
  unknown_form_version: 'formChanged',
  unknown_kid: 'formChanged',
  consent_missing: 'formChanged',
  consent_not_expected: 'formChanged',
  consent_version_mismatch: 'formChanged',
  consent_text_mismatch: 'formChanged',
  payload_too_large: 'tooLarge',
};

/**
 * Picks the sentence for a failed submit. The collector client has already
 * retried network failures, timeouts, 408, 429 and 5xx, and only those are
 * worth another try by the patient. The collector rejects the same answers
 * with any other error again on every retry.
 *
 * @example
 * classifySendFailure(new CollectorError('invalid_contact_token', 422, '…')); // 'linkInvalid'
 * classifySendFailure(new CollectorError('network_error', 0, '…')); // 'network'
 */
export function classifySendFailure(error: unknown): SendFailure {
  if (!(error instanceof CollectorError)) return 'encryptionFailed';

  const known = FAILURE_BY_CODE[error.code];
  if (known) return known;

  const transient = error.status === 0 || error.status === 408 || error.status === 429 || error.status >= 500;
  if (transient) return 'network';
  if (error.status === 413) return 'tooLarge';
  return 'rejected';
}
