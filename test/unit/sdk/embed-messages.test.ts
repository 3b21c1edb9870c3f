import { describe, expect, test } from 'vitest';
import { isContactTokenMessage, isEmbedMessage, isPrefillMessage } from '../../../sdk/embed-messages';

describe('isEmbedMessage', () => {
  test.each([
    { source: 'sealpost', type: 'ready' },
    { source: 'sealpost', type: 'resize', height: 0 },
    { source: 'sealpost', type: 'resize', height: 812.5 },
    { source: 'sealpost', type: 'submitted', receiptId: '7K3M9QXD2BNP4R6T' },
    { source: 'sealpost', type: 'error', code: 'insecure_context' },
    { source: 'sealpost', type: 'timeout' },
  ])('accepts $type', (message) => {
    expect(isEmbedMessage(message)).toBe(true);
  });

  test.each([
    ['null', null],
    ['string', 'ready'],
    ['other source', { source: 'other', type: 'ready' }],
    ['missing source', { type: 'ready' }],
    ['unknown type', { source: 'sealpost', type: 'answers', answers: {} }],
    ['negative height', { source: 'sealpost', type: 'resize', height: -1 }],
    ['NaN height', { source: 'sealpost', type: 'resize', height: Number.NaN }],
    ['infinite height', { source: 'sealpost', type: 'resize', height: Number.POSITIVE_INFINITY }],
    ['string height', { source: 'sealpost', type: 'resize', height: '100' }],
    ['lower-case receipt', { source: 'sealpost', type: 'submitted', receiptId: '7k3m9qxd' }],
    ['receipt with dashes', { source: 'sealpost', type: 'submitted', receiptId: '7K3M-9QXD' }],
    ['long receipt', { source: 'sealpost', type: 'submitted', receiptId: 'A'.repeat(65) }],
    ['missing receipt', { source: 'sealpost', type: 'submitted' }],
    ['code with spaces', { source: 'sealpost', type: 'error', code: 'Ana Ruiz' }],
    ['upper-case code', { source: 'sealpost', type: 'error', code: 'TIMEOUT' }],
  ])('rejects %s', (_name, message) => {
    expect(isEmbedMessage(message)).toBe(false);
  });
});

describe('prefill messages', () => {
  const prefill = (values: unknown) => ({ source: 'sealpost-host', type: 'prefill', values });

  test('accept values by item id', () => {
    expect(isPrefillMessage(prefill({ location: 'riverside', visits: 2, returning: true, 'options.v1': ['a', 'b'] }))).toBe(true);
  });

  test('refuse bad ids, values and sizes', () => {
    expect(isPrefillMessage(prefill({ 'bad id': 'x' }))).toBe(false);
    expect(isPrefillMessage(prefill({ location: { nested: true } }))).toBe(false);
    expect(isPrefillMessage(prefill({ location: 'x'.repeat(1001) }))).toBe(false);
    expect(isPrefillMessage(prefill({ n: Number.NaN }))).toBe(false);
    expect(isPrefillMessage(prefill(Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`q${i}`, 'x']))))).toBe(false);
    expect(isPrefillMessage({ source: 'sealpost', type: 'prefill', values: {} })).toBe(false);
  });

  test('refusals name items and reasons only', () => {
    expect(isEmbedMessage({ source: 'sealpost', type: 'prefill-refused', items: [{ id: 'full-name', reason: 'not_prefillable' }] })).toBe(true);
    expect(isEmbedMessage({ source: 'sealpost', type: 'prefill-refused', items: [{ id: 'full-name', reason: 'Ana Ruiz' }] })).toBe(false);
    expect(isEmbedMessage({ source: 'sealpost', type: 'prefill-refused', items: [{ id: 'a b', reason: 'unknown_item' }] })).toBe(false);
  });
});

describe('isContactTokenMessage', () => {
  const message = (token: unknown) => ({ source: 'sealpost-host', type: 'contact-token', token });

  test('accepts a token of base64url parts, and null', () => {
    expect(isContactTokenMessage(message('sct1.AAAAAAAA.eyJjIjoiYSJ9.abc_-'))).toBe(true);
    expect(isContactTokenMessage(message(null))).toBe(true);
  });

  test.each([
    ['a missing token', undefined],
    ['a number', 42],
    ['an object', { contactId: 'x' }],
    ['an empty string', ''],
    ['spaces', 'sct1 abc'],
    ['a URL', 'https://evil.example/?t=1'],
    ['a leading dot', '.abc'],
    ['more than 512 characters', 'a'.repeat(513)],
  ])('refuses %s', (_name, token) => {
    expect(isContactTokenMessage(message(token))).toBe(false);
  });

  test('refuses messages that are not from the host or not of this type', () => {
    expect(isContactTokenMessage({ source: 'sealpost', type: 'contact-token', token: null })).toBe(false);
    expect(isContactTokenMessage({ source: 'sealpost-host', type: 'prefill', token: null })).toBe(false);
    expect(isContactTokenMessage(null)).toBe(false);
  });
});
