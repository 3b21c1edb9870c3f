import { hkdfSync } from 'node:crypto';

/** Keys of the email engine, each derived from the master key for one purpose. */
export interface EmailKeys {
  /** AES-256-GCM key for recipient addresses and message bodies. */
  messageEncryption: Buffer;
  /** HMAC-SHA256 key that signs tracking tokens. */
  trackingTokens: Buffer;
}

/**
 * Derives the email keys with HKDF-SHA256 (RFC 5869). A distinct `info` per
 * purpose keeps the keys independent, so no key serves two algorithms, and
 * none of them can unwrap form keys.
 */
export function deriveEmailKeys(masterKey: Buffer): EmailKeys {
  return {
    messageEncryption: derive(masterKey, 'sealpost/v1/message-encryption'),
    trackingTokens: derive(masterKey, 'sealpost/v1/tracking-token-hmac'),
  };
}

function derive(masterKey: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), info, 32));
}
