import { describe, expect, test } from 'vitest';
import { isEmbedMessage } from '../../../sdk/embed-messages';

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
