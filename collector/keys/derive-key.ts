import { hkdfSync } from 'node:crypto';

/**
 * Keys that staff accounts and sessions use, each derived from the master
 * key with HKDF-SHA256 (RFC 5869) under its own `info` label, so that no key
 * serves two purposes and none has to be stored.
 */
export interface StaffKeys {
  /** AES-256-GCM key for staff email addresses and TOTP secrets. */
  fieldKey: Buffer;
  /** HMAC-SHA256 key of the email blind index. */
  emailIndexKey: Buffer;
  /** HS256 key that signs session cookies. */
  sessionKey: Uint8Array;
}

// A fixed salt is allowed by RFC 5869 when the input key is already uniformly random, as the master key is.
const SALT = Buffer.from('sealpost hkdf salt v1', 'utf8');

/**
 * The one HKDF-SHA256 call of the collector: 32 bytes from the master key
 * for one salt and `info` label. Every key derived from the master key goes
 * through here; the label alone keeps keys of different purposes apart.
 */
export function hkdf32(masterKey: Buffer, salt: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, salt, info, 32));
}

/** Derives 32 bytes for one purpose from the master key: the label is `sealpost:<purpose>` under the project salt. */
export function deriveKey(masterKey: Buffer, purpose: string): Buffer {
  return hkdf32(masterKey, SALT, `sealpost:${purpose}`);
}

/** Derives every staff key from the master key. */
export function deriveStaffKeys(masterKey: Buffer): StaffKeys {
  return {
    fieldKey: deriveKey(masterKey, 'staff-field-encryption:v1'),
    emailIndexKey: deriveKey(masterKey, 'staff-email-index:v1'),
    sessionKey: new Uint8Array(deriveKey(masterKey, 'staff-session-hs256:v1')),
  };
}
