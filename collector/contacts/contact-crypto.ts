import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { deriveKey } from '../keys/derive-key';

/** Keys for contact PHI, each derived from the master key with HKDF-SHA256 under its own label. */
export interface ContactKeys {
  encryption: Buffer;
  blindIndex: Buffer;
}

/** Derives the contact encryption key and the blind-index key from the master key. */
export function deriveContactKeys(masterKey: Buffer): ContactKeys {
  return { encryption: deriveKey(masterKey, 'contact-email-encryption:v1'), blindIndex: deriveKey(masterKey, 'contact-email-index:v1') };
}

/** Normalises an email for lookup: trimmed and lower-cased, so the index matches however it was typed. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** HMAC-SHA256 of the normalised email: equal emails give equal indexes, and the index reveals nothing without the key. */
export function emailBlindIndex(keys: ContactKeys, email: string): string {
  return createHmac('sha256', keys.blindIndex).update(normaliseEmail(email)).digest('base64url');
}

/** Encrypts an email with AES-256-GCM, the contact id bound as additional data. Output: `v1.<iv>.<ciphertext>.<tag>`. */
export function encryptEmail(keys: ContactKeys, contactId: string, email: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys.encryption, iv);
  cipher.setAAD(Buffer.from(contactId, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(normaliseEmail(email), 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/** Reverses encryptEmail; throws when the key or the contact id does not match. */
export function decryptEmail(keys: ContactKeys, contactId: string, stored: string): string {
  const [version, iv, ciphertext, tag] = stored.split('.');
  if (version !== 'v1' || !iv || !ciphertext || !tag) throw new Error(`The stored email of contact ${contactId} has an unknown format.`);

  const decipher = createDecipheriv('aes-256-gcm', keys.encryption, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(contactId, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
}
