import { createHmac, timingSafeEqual } from 'node:crypto';
import { deriveKey } from '../keys/derive-key';

/**
 * Contact form tokens: a server names the contact that will fill a form, the
 * host page passes the token to `<sealpost-form contact-token>`, and the
 * submission carries it back, so that the form's form_submitted workflows
 * start for that contact.
 *
 * Format: `sct1.<keyId>.<body>.<tag>`, every part base64url. `body` is the
 * JSON `{ c: contactId, f: formId, e: expiry in Unix seconds }`: an opaque
 * contact UUID, never an email or other PHI. `tag` is HMAC-SHA256 over
 * `sct1.<keyId>.<body>` under a key derived from the master key; `keyId`
 * names that key, so that a token of another collector (another master key)
 * is distinguished from a tampered one.
 */

const VERSION = 'sct1';
/** Longest token a submission or a host message may carry; real ones are about 250 characters. */
export const CONTACT_TOKEN_MAX_LENGTH = 512;
const TOKEN = /^sct1\.([A-Za-z0-9_-]{8})\.([A-Za-z0-9_-]{1,400})\.([A-Za-z0-9_-]{43})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FORM_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** HMAC-SHA256 key of contact form tokens, derived from the master key under its own label. */
export function deriveContactTokenKey(masterKey: Buffer): Buffer {
  return deriveKey(masterKey, 'contact-form-token-hmac:v1');
}

/** Claims of a valid token. */
export interface ContactFormClaims {
  contactId: string;
  formId: string;
  expiresAt: Date;
}

/**
 * Why a token was refused; stable, so callers and tests can rely on it:
 * - `malformed`: not a token at all (garbage, truncated, wrong version, bad body);
 * - `unknown_key`: signed under another key, such as another collector's master key;
 * - `bad_signature`: the key matches but the tag does not, so the token was changed;
 * - `other_form`: a genuine token, issued for another form;
 * - `expired`: a genuine token for this form whose expiry has passed.
 */
export type ContactTokenRefusal = 'malformed' | 'unknown_key' | 'bad_signature' | 'other_form' | 'expired';

export type ContactTokenCheck = ({ ok: true } & ContactFormClaims) | { ok: false; reason: ContactTokenRefusal };

/** Signs a token for one contact and one form, valid until `expiresAt` (rounded down to the second). */
export function issueContactToken(key: Buffer, claims: ContactFormClaims): string {
  if (!UUID.test(claims.contactId)) throw new Error(`Contact id ${JSON.stringify(claims.contactId)} is not a UUID; tokens name contacts by id only.`);
  if (!FORM_ID.test(claims.formId)) throw new Error(`Form id ${JSON.stringify(claims.formId)} is not a form id.`);

  const body = Buffer.from(JSON.stringify({ c: claims.contactId, f: claims.formId, e: Math.floor(claims.expiresAt.getTime() / 1000) })).toString('base64url');
  const signed = `${VERSION}.${keyId(key)}.${body}`;
  return `${signed}.${tag(key, signed)}`;
}

/**
 * Checks a token for a submission to `formId` at `now`. Checks run in a fixed
 * order (shape, key, tag, form, expiry), so each token has one reason.
 */
export function verifyContactToken(key: Buffer, token: unknown, formId: string, now: Date): ContactTokenCheck {
  if (typeof token !== 'string' || token.length > CONTACT_TOKEN_MAX_LENGTH) return refuse('malformed');
  const match = TOKEN.exec(token);
  if (!match) return refuse('malformed');
  const [, id, body, given] = match as unknown as [string, string, string, string];

  const claims = parseBody(body);
  if (!claims) return refuse('malformed');
  if (id !== keyId(key)) return refuse('unknown_key');

  const expected = Buffer.from(tag(key, `${VERSION}.${id}.${body}`), 'base64url');
  const actual = Buffer.from(given, 'base64url');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return refuse('bad_signature');

  if (claims.formId !== formId) return refuse('other_form');
  if (now.getTime() >= claims.expiresAt.getTime()) return refuse('expired');
  return { ok: true, ...claims };
}

function parseBody(body: string): ContactFormClaims | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;

  const { c, f, e } = parsed as Record<string, unknown>;
  if (typeof c !== 'string' || !UUID.test(c) || typeof f !== 'string' || !FORM_ID.test(f) || !Number.isSafeInteger(e) || (e as number) <= 0) return undefined;
  return { contactId: c, formId: f, expiresAt: new Date((e as number) * 1000) };
}

// Six bytes of an HMAC of a fixed label: names the key without revealing anything about it.
function keyId(key: Buffer): string {
  return createHmac('sha256', key).update('sealpost contact form token key id').digest().subarray(0, 6).toString('base64url');
}

function tag(key: Buffer, signed: string): string {
  return createHmac('sha256', key).update(signed).digest('base64url');
}

function refuse(reason: ContactTokenRefusal): ContactTokenCheck {
  return { ok: false, reason };
}
