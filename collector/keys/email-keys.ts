import { hkdf32 } from './derive-key';

/** Keys of the email engine, each derived from the master key for one purpose. */
export interface EmailKeys {
  /** AES-256-GCM key for recipient addresses and message bodies. */
  messageEncryption: Buffer;
  /** HMAC-SHA256 key that signs tracking tokens. */
  trackingTokens: Buffer;
}

// NOTE: these two labels predate deriveKey's `sealpost:<purpose>` scheme and use no salt.
// They stay as they are, because stored messages and tokens already in mail depend on them.
const NO_SALT = Buffer.alloc(0);

/**
 * Derives the email keys with the shared HKDF-SHA256 (see derive-key.ts). A
 * distinct `info` per purpose keeps the keys independent, so no key serves
 * two algorithms, and none of them can unwrap form keys.
 */
export function deriveEmailKeys(masterKey: Buffer): EmailKeys {
  return {
    messageEncryption: hkdf32(masterKey, NO_SALT, 'sealpost/v1/message-encryption'),
    trackingTokens: hkdf32(masterKey, NO_SALT, 'sealpost/v1/tracking-token-hmac'),
  };
}
