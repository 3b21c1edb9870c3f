import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, test } from 'vitest';
import { CollectorError, type CollectorClient } from '../../../../sdk/collector-client';
import type { FormDefinition, PublishedForm, SubmissionEnvelope } from '../../../../sdk/form-definition';
import { SubmissionSender, buildPayload } from '../../../../widget/form-app/submit-answers';

const form: FormDefinition = {
  id: 'intake',
  version: 3,
  title: 'Intake',
  allowedOrigins: ['https://clinic.example'],
  fields: [
    { id: 'name', type: 'text', label: 'Name' },
    { id: 'note', type: 'display', text: 'Note' },
    { id: 'age', type: 'number', label: 'Age' },
    { id: 'phone', type: 'tel', label: 'Phone' },
  ],
};

describe('buildPayload', () => {
  test('keeps form fields in order', () => {
    const payload = buildPayload(form, { age: 41, name: 'Ana' }, 'es');

    expect(payload).toEqual({ formId: 'intake', formVersion: 3, locale: 'es', answers: { name: 'Ana', age: 41 } });
    expect(Object.keys(payload.answers)).toEqual(['name', 'age']);
  });

  test('drops unknown and display keys', () => {
    expect(buildPayload(form, { name: 'Ana', note: 'x', extra: 'y' }, 'en').answers).toEqual({ name: 'Ana' });
  });
});

describe('buildPayload with groups', () => {
  const grouped: FormDefinition = {
    ...form,
    fields: [
      { id: 'about', type: 'group', label: 'About', fields: [{ id: 'name', type: 'text', label: 'Name' }] },
      { id: 'visits', type: 'group', label: 'Visits', repeats: true, fields: [{ id: 'when', type: 'date', label: 'When' }] },
    ],
  };

  test('keeps group fields and instances', () => {
    expect(buildPayload(grouped, { visits: [{ when: '2026-01-02' }], name: 'Ana', when: 'x' }, 'en').answers).toEqual({ name: 'Ana', visits: [{ when: '2026-01-02' }] });
  });
});

describe('SubmissionSender', () => {
  const receipt = { id: '7K3M9QXD2BNP4R6T', receivedAt: '2026-12-04T10:00:00.000Z' };

  async function setUp(failures: CollectorError[]) {
    const { publicKey } = await generateKeyPair('ECDH-ES+A256KW', { extractable: true });
    const published: PublishedForm = { definition: form, key: { kid: 'key-1', jwk: { ...(await exportJWK(publicKey)), kid: 'key-1' } } };
    const sent: SubmissionEnvelope[] = [];
    const client = {
      getForm: async () => published,
      submit: async (_formId: string, envelope: SubmissionEnvelope) => {
        sent.push(envelope);
        const failure = failures.shift();
        if (failure) throw failure;
        return receipt;
      },
    } satisfies CollectorClient;
    return { published, sent, client, sender: new SubmissionSender() };
  }

  test('lost reply reuses key and JWE', async () => {
    const { published, sent, client, sender } = await setUp([new CollectorError('network_error', 0, 'The collector could not be reached.')]);
    const payload = buildPayload(form, { name: 'Ana' }, 'en');

    await expect(sender.submit(client, published, payload)).rejects.toThrow('The collector could not be reached.');
    await expect(sender.submit(client, published, buildPayload(form, { name: 'Ana' }, 'en'))).resolves.toEqual(receipt);

    expect(sent).toHaveLength(2);
    expect(sent[1]).toEqual(sent[0]);
  });

  test('server error reuses key and JWE', async () => {
    const { published, sent, client, sender } = await setUp([new CollectorError('internal_error', 503, 'Unavailable.')]);

    await expect(sender.submit(client, published, buildPayload(form, { name: 'Ana' }, 'en'))).rejects.toThrow('Unavailable.');
    await sender.submit(client, published, buildPayload(form, { name: 'Ana' }, 'en'));

    expect(sent[1]).toEqual(sent[0]);
  });

  test('changed answers get a new key', async () => {
    const { published, sent, client, sender } = await setUp([new CollectorError('timeout', 0, 'The collector did not respond in time.')]);

    await expect(sender.submit(client, published, buildPayload(form, { name: 'Ana' }, 'en'))).rejects.toThrow();
    await sender.submit(client, published, buildPayload(form, { name: 'Ana María' }, 'en'));

    expect(sent[1]?.idempotencyKey).not.toBe(sent[0]?.idempotencyKey);
    expect(sent[1]?.jwe).not.toBe(sent[0]?.jwe);
  });

  test('rejection gets a new key', async () => {
    const { published, sent, client, sender } = await setUp([new CollectorError('answers_invalid', 422, 'Invalid.')]);

    await expect(sender.submit(client, published, buildPayload(form, { name: 'Ana' }, 'en'))).rejects.toThrow('Invalid.');
    await sender.submit(client, published, buildPayload(form, { name: 'Ana' }, 'en'));

    expect(sent[1]?.idempotencyKey).not.toBe(sent[0]?.idempotencyKey);
  });
});
