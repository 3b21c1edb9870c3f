import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/**
 * Encrypts one PHI column value with AES-256-GCM. `context` (such as
 * `messages.recipient:<id>`) is bound as additional authenticated data, so a
 * ciphertext copied to another row or column fails to decrypt.
 * Output: `v1.<iv>.<ciphertext>.<tag>` in base64url.
 */
export function encryptField(key: Buffer, context: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));

  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/** Reverses encryptField; throws when the key, the context or the data does not match. */
export function decryptField(key: Buffer, context: string, encrypted: string): string {
  const [version, iv, ciphertext, tag] = encrypted.split('.');
  if (version !== VERSION || !iv || ciphertext === undefined || !tag) throw new Error(`The encrypted value of ${context} has an unknown format.`);

  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));

  try {
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new Error(`The encrypted value of ${context} could not be decrypted: SEALPOST_MASTER_KEY is not the key it was stored under, or the value was altered.`);
  }
}
