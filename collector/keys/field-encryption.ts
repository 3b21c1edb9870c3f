import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

const VERSION = 'f1';

/**
 * Encrypts one column value with AES-256-GCM. `context` (such as
 * `staff-email:<user id>`) is bound as additional authenticated data, so a
 * value copied into another row or column fails to decrypt.
 * Output: `f1.<iv>.<ciphertext>.<tag>` in base64url.
 */
export function encryptField(key: Buffer, context: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));

  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/** Reverses encryptField; throws when the key, the context or the data does not match. */
export function decryptField(key: Buffer, context: string, stored: string): string {
  const [version, iv, ciphertext, tag] = stored.split('.');
  // An empty value encrypts to an empty ciphertext part, so only a missing part is malformed.
  if (version !== VERSION || !iv || ciphertext === undefined || !tag) throw new Error(`The encrypted value for ${context} has an unknown format.`);

  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));

  try {
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new Error(`The encrypted value for ${context} could not be decrypted: SEALPOST_MASTER_KEY is not the key it was stored under, or the row was altered.`);
  }
}

/**
 * Computes a blind index: HMAC-SHA256 of a normalised value, hex-encoded. Equal
 * inputs give equal indexes, so a unique column can find a row without
 * storing the value in clear.
 */
export function blindIndex(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value, 'utf8').digest('hex');
}
