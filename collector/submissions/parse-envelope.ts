import type { SubmissionEnvelope } from '../../sdk/form-definition';
import { HttpError } from '../http/http-error';

const KID = /^[A-Za-z0-9_-]{1,128}$/;
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{16,128}$/;
// Only the contact token's alphabet and length are checked here; its signature, form and expiry when it is verified.
const CONTACT_TOKEN = /^[A-Za-z0-9_.-]{1,512}$/;
// Compact JWE: five base64url parts separated by dots.
const COMPACT_JWE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Checks the shape of a submission body; the JWE itself is checked when decrypted. */
export function parseEnvelope(body: unknown): SubmissionEnvelope {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid('The body must be a JSON object { formVersion, kid, jwe, idempotencyKey, contactToken? }.');
  }

  const { formVersion, kid, jwe, idempotencyKey, contactToken } = body as Record<string, unknown>;
  if (!Number.isSafeInteger(formVersion) || (formVersion as number) < 1) {
    throw invalid(`formVersion is missing or invalid (${JSON.stringify(formVersion ?? null)}); send the positive integer version of the form that was filled.`);
  }
  if (typeof kid !== 'string' || !KID.test(kid)) {
    throw invalid('kid is missing or malformed; send the kid of the public key the answers were encrypted to.');
  }
  if (typeof idempotencyKey !== 'string' || !IDEMPOTENCY_KEY.test(idempotencyKey)) {
    throw invalid('idempotencyKey is missing or malformed; send 16 to 128 characters of A-Z, a-z, 0-9, "-" or "_", the same on every retry.');
  }
  if (typeof jwe !== 'string' || !COMPACT_JWE.test(jwe)) {
    throw invalid('jwe is missing or is not a compact JWE (five base64url parts separated by dots).');
  }

  if (contactToken !== undefined && (typeof contactToken !== 'string' || !CONTACT_TOKEN.test(contactToken))) {
    throw invalid('contactToken is not a contact token; send the token from POST /v1/contacts/:id/form-token unchanged, or leave contactToken out.');
  }

  const envelope: SubmissionEnvelope = { formVersion: formVersion as number, kid, jwe, idempotencyKey };
  if (contactToken !== undefined) envelope.contactToken = contactToken;
  return envelope;
}

function invalid(message: string): HttpError {
  return new HttpError(400, 'invalid_envelope', message);
}
