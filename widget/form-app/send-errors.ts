import { CollectorError } from '../../sdk/collector-client';

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
