import { compactDecrypt, decodeProtectedHeader, errors as joseErrors } from 'jose';
import { JWE_ALG, JWE_CTY, JWE_ENC } from '../../sdk/encrypt-answers';
import type { SubmissionEnvelope, SubmissionPayload } from '../../sdk/form-definition';
import { HttpError } from '../http/http-error';
import type { KeyCustody } from '../keys/key-custody';

const ALLOWED_HEADER = new Set(['alg', 'enc', 'kid', 'cty', 'epk']);

/**
 * Checks the JWE header against the one algorithm pair Sealpost uses, then
 * decrypts with the form's private key for the kid. Anything else (zip, PBES2,
 * RSA, dir, unknown or foreign kids, unknown header parameters) is rejected
 * before any key is touched.
 */
export async function decryptSubmission(custody: KeyCustody, formId: string, envelope: SubmissionEnvelope): Promise<SubmissionPayload> {
  const header = readHeader(envelope.jwe);

  if (header.alg !== JWE_ALG) {
    throw new HttpError(400, 'unsupported_jwe_algorithm', `The JWE alg ${JSON.stringify(header.alg)} is not accepted; encrypt with ${JWE_ALG}.`);
  }
  if (header.enc !== JWE_ENC) {
    throw new HttpError(400, 'unsupported_jwe_encryption', `The JWE enc ${JSON.stringify(header.enc)} is not accepted; encrypt with ${JWE_ENC}.`);
  }
  if ('zip' in header) {
    throw new HttpError(400, 'jwe_compression_not_allowed', 'The JWE header has "zip"; compressed submissions are not accepted, so encrypt the answers uncompressed.');
  }
  const extra = Object.keys(header).filter((name) => !ALLOWED_HEADER.has(name));
  if (extra.length > 0) {
    throw new HttpError(400, 'unsupported_jwe_header', `The JWE header has parameters that are not accepted: ${extra.join(', ')}; send only alg, enc, kid, cty and epk.`);
  }
  if (header.kid !== envelope.kid) {
    throw new HttpError(400, 'kid_mismatch', `The JWE header kid ${JSON.stringify(header.kid)} differs from the envelope kid ${envelope.kid}; send the kid the answers were encrypted to.`);
  }
  if (header.cty !== JWE_CTY) {
    throw new HttpError(400, 'unsupported_jwe_content_type', `The JWE cty ${JSON.stringify(header.cty)} is not accepted; set it to ${JWE_CTY}.`);
  }

  const key = await custody.privateKey(formId, envelope.kid);
  if (!key) {
    throw new HttpError(400, 'unknown_kid', `The kid ${envelope.kid} is not a key of form "${formId}"; fetch the form again and encrypt to its current key.`);
  }

  let plaintext: Uint8Array;
  try {
    ({ plaintext } = await compactDecrypt(envelope.jwe, key, { keyManagementAlgorithms: [JWE_ALG], contentEncryptionAlgorithms: [JWE_ENC] }));
  } catch (error) {
    if (error instanceof joseErrors.JOSEError) {
      throw new HttpError(400, 'decryption_failed', `The JWE could not be decrypted with key ${envelope.kid} (${error.code}); encrypt the answers again to the form's current public key.`);
    }
    throw error;
  }

  return parsePayload(plaintext);
}

function readHeader(jwe: string): Record<string, unknown> {
  try {
    return decodeProtectedHeader(jwe) as Record<string, unknown>;
  } catch {
    throw new HttpError(400, 'invalid_jwe', 'The JWE protected header is not base64url-encoded JSON; send the output of a JWE compact serialisation.');
  }
}

function parsePayload(plaintext: Uint8Array): SubmissionPayload {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plaintext));
  } catch {
    throw new HttpError(400, 'invalid_payload', 'The decrypted answers are not UTF-8 JSON; encrypt the JSON object { formId, formVersion, locale, answers }.');
  }

  const payload = value as Partial<SubmissionPayload> | null;
  const answers = payload?.answers;
  if (!payload || typeof payload !== 'object' || typeof answers !== 'object' || answers === null || Array.isArray(answers) || typeof payload.locale !== 'string') {
    throw new HttpError(400, 'invalid_payload', 'The decrypted answers are not the object { formId, formVersion, locale, answers }; encrypt that shape.');
  }
  return payload as SubmissionPayload;
}
