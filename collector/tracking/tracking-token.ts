import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const ID_BYTES = 16;
const MAC_BYTES = 8;

// base64url lengths of the 16-byte id (22 characters) and the 8-byte MAC (11 characters).
const TOKEN_PATTERN = /^([A-Za-z0-9_-]{22})([A-Za-z0-9_-]{11})$/;

/** A new tracking token and the id under which its message and link are stored. */
export interface TrackingToken {
  id: string;
  token: string;
}

/**
 * Creates a token: a 128-bit random id followed by a 64-bit HMAC-SHA256 of
 * it. The token carries nothing but the id, so it reveals no address,
 * campaign, subject or URL; the MAC rejects forged tokens before any lookup.
 */
export function createTrackingToken(key: Buffer): TrackingToken {
  const id = randomBytes(ID_BYTES).toString('base64url');
  return { id, token: `${id}${mac(key, id).toString('base64url')}` };
}

/** Returns the id inside a token whose MAC verifies, or undefined for anything else. */
export function readTrackingToken(key: Buffer, token: string): string | undefined {
  const match = TOKEN_PATTERN.exec(token);
  if (!match) return undefined;

  const [, id, macText] = match as unknown as [string, string, string];
  const received = Buffer.from(macText, 'base64url');

  // 11 base64url characters carry 66 bits, so two spellings decode to the same MAC; only the canonical one is accepted.
  if (received.length !== MAC_BYTES || received.toString('base64url') !== macText) return undefined;
  return timingSafeEqual(received, mac(key, id)) ? id : undefined;
}

function mac(key: Buffer, id: string): Buffer {
  return createHmac('sha256', key).update(id, 'utf8').digest().subarray(0, MAC_BYTES);
}
