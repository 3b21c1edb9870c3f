import { CompactEncrypt, importJWK, type JWK } from 'jose';
import type { SubmissionPayload } from './form-definition';

/** The only key management and content encryption the collector accepts. */
export const JWE_ALG = 'ECDH-ES+A256KW';
export const JWE_ENC = 'A256GCM';
/** Content type of the JWE plaintext, so that a key is never used for other data. */
export const JWE_CTY = 'application/vnd.sealpost.submission+json';

/**
 * Encrypts a submission to a form's public key as a compact JWE.
 * It needs WebCrypto, which browsers offer only in a secure context (HTTPS or localhost).
 *
 * @example
 * const jwe = await encryptSubmission(payload, published.key.jwk);
 */
export async function encryptSubmission(payload: SubmissionPayload, publicJwk: JWK & { kid: string }): Promise<string> {
  const key = await importJWK(publicJwk, JWE_ALG);
  const plaintext = new TextEncoder().encode(JSON.stringify(payload));

  return new CompactEncrypt(plaintext)
    .setProtectedHeader({ alg: JWE_ALG, enc: JWE_ENC, kid: publicJwk.kid, cty: JWE_CTY })
    .encrypt(key);
}
