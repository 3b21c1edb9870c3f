import { describe, expect, test } from 'vitest';
import { CollectorError } from '../../../../sdk/collector-client';
import { classifySendFailure } from '../../../../widget/form-app/send-errors';

describe('classifySendFailure', () => {
  test.each([
    ['network_error', 0, 'network'],
    ['timeout', 0, 'network'],
    ['http_error', 408, 'network'],
    ['rate_limited', 429, 'network'],
    ['database_unavailable', 503, 'network'],
    ['internal_error', 500, 'network'],
    ['invalid_contact_token', 422, 'linkInvalid'],
    ['form_not_found', 404, 'formRemoved'],
    ['unknown_form_version', 422, 'formChanged'],
    ['unknown_kid', 400, 'formChanged'],
    ['consent_text_mismatch', 422, 'formChanged'],
    ['consent_version_mismatch', 422, 'formChanged'],
    ['payload_too_large', 413, 'tooLarge'],
    ['http_error', 413, 'tooLarge'],
    ['answers_invalid', 422, 'rejected'],
    ['decryption_failed', 400, 'rejected'],
    ['invalid_envelope', 400, 'rejected'],
    ['origin_not_allowed', 403, 'rejected'],
    ['not_found', 404, 'rejected'],
  ] as const)('%s with status %i is %s', (code, status, expected) => {
    expect(classifySendFailure(new CollectorError(code, status, 'Failed.'))).toBe(expected);
  });

  test('error before any request is an encryption failure', () => {
    expect(classifySendFailure(new TypeError('Invalid key'))).toBe('encryptionFailed');
  });
});
