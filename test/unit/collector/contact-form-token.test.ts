import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveContactTokenKey, issueContactToken, verifyContactToken } from '../../../collector/contacts/contact-form-token';
import { deriveContactKeys } from '../../../collector/contacts/contact-crypto';
import { deriveStaffKeys } from '../../../collector/keys/derive-key';

const masterKey = randomBytes(32);
const key = deriveContactTokenKey(masterKey);
const contactId = randomUUID();
const now = new Date('2026-03-02T09:30:00Z');
const expiresAt = new Date('2026-03-09T09:30:00Z');
const token = issueContactToken(key, { contactId, formId: 'new-patient-intake', expiresAt });

/** Replaces the token's body with `claims`, keeping its key id and tag. */
function withBody(claims: Record<string, unknown>): string {
  const [version, keyId, , tag] = token.split('.');
  return [version, keyId, Buffer.from(JSON.stringify(claims)).toString('base64url'), tag].join('.');
}

describe('contact form tokens', () => {
  it('verifies a token for its form before it expires', () => {
    expect(verifyContactToken(key, token, 'new-patient-intake', now)).toEqual({ ok: true, contactId, formId: 'new-patient-intake', expiresAt });
  });

  it('carries the contact id, form id and expiry only, in URL-safe characters', () => {
    expect(token).toMatch(/^sct1\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    const body = JSON.parse(Buffer.from(token.split('.')[2]!, 'base64url').toString('utf8'));
    expect(body).toEqual({ c: contactId, f: 'new-patient-intake', e: expiresAt.getTime() / 1000 });
  });

  it('refuses a tampered body as bad_signature', () => {
    expect(verifyContactToken(key, withBody({ c: randomUUID(), f: 'new-patient-intake', e: expiresAt.getTime() / 1000 }), 'new-patient-intake', now)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyContactToken(key, withBody({ c: contactId, f: 'new-patient-intake', e: expiresAt.getTime() / 1000 + 86_400 }), 'new-patient-intake', now)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a tampered tag as bad_signature', () => {
    const tag = token.slice(-43);
    const flipped = `${token.slice(0, -43)}${tag[0] === 'A' ? 'B' : 'A'}${tag.slice(1)}`;
    expect(verifyContactToken(key, flipped, 'new-patient-intake', now)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a token at and after its expiry as expired', () => {
    expect(verifyContactToken(key, token, 'new-patient-intake', new Date(expiresAt.getTime() - 1)).ok).toBe(true);
    expect(verifyContactToken(key, token, 'new-patient-intake', expiresAt)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyContactToken(key, token, 'new-patient-intake', new Date('2027-01-01T00:00:00Z'))).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a token issued for another form as other_form', () => {
    expect(verifyContactToken(key, token, 'consent-to-treatment', now)).toEqual({ ok: false, reason: 'other_form' });
  });

  it('refuses a token of another master key as unknown_key', () => {
    const other = deriveContactTokenKey(randomBytes(32));
    expect(verifyContactToken(other, token, 'new-patient-intake', now)).toEqual({ ok: false, reason: 'unknown_key' });
  });

  it.each([
    ['a number', 42],
    ['null', null],
    ['an empty string', ''],
    ['plain text', 'not-a-token'],
    ['another version', token.replace(/^sct1/, 'sct2')],
    ['a truncated token', token.slice(0, -5)],
    ['a token with a part missing', token.split('.').slice(1).join('.')],
    ['a body that is not JSON', withBody({}).replace(/\.[^.]+\.([^.]+)$/, '.bm90IGpzb24.$1')],
    ['a body whose contact id is an email', withBody({ c: 'ana@example.org', f: 'new-patient-intake', e: 1_800_000_000 })],
    ['a body without expiry', withBody({ c: contactId, f: 'new-patient-intake' })],
    ['a very long string', 'a'.repeat(10_000)],
  ])('refuses %s as malformed', (_name, input) => {
    expect(verifyContactToken(key, input, 'new-patient-intake', now)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('derives a key of its own, apart from every other key of the master key', () => {
    const others = [...Object.values(deriveContactKeys(masterKey)), ...Object.values(deriveStaffKeys(masterKey)).map((value) => Buffer.from(value))];
    for (const other of others) expect(key.equals(other)).toBe(false);
    expect(deriveContactTokenKey(masterKey).equals(key)).toBe(true);
  });

  it('refuses to sign anything but a contact UUID, so no email can end up in a token', () => {
    expect(() => issueContactToken(key, { contactId: 'ana@example.org', formId: 'new-patient-intake', expiresAt })).toThrow('is not a UUID');
  });
});
