import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/**
 * Encrypts a private key with AES-256-GCM under the master key. The kid is
 * bound as additional authenticated data, so a wrapped key copied onto another
 * kid's row fails to unwrap. Output: `v1.<iv>.<ciphertext>.<tag>` in base64url.
 */
export function wrapKey(masterKey: Buffer, kid: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
  cipher.setAAD(Buffer.from(kid, 'utf8'));

  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv, ciphertext, cipher.getAuthTag()].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
}

/** Reverses wrapKey; throws when the master key, the kid or the data does not match. */
export function unwrapKey(masterKey: Buffer, kid: string, wrapped: string): string {
  const [version, iv, ciphertext, tag] = wrapped.split('.');
  if (version !== VERSION || !iv || !ciphertext || !tag) throw new Error(`The wrapped key for kid ${kid} has an unknown format.`);

  const decipher = createDecipheriv('aes-256-gcm', masterKey, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(kid, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));

  try {
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new Error(`The private key for kid ${kid} could not be unwrapped: the master key in use (SEALPOST_MASTER_KEY, else master.key in the data folder) is not the one it was stored under; restore the original key.`);
  }
}
