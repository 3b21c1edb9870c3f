import { describe, expect, test } from 'vitest';
import type { FormDefinition } from '../../../../sdk/form-definition';
import { applyPrefill } from '../../../../widget/form-app/prefill';
import { listenForPrefill } from '../../../../widget/form-app/host-prefill';

const TODAY = '2026-12-04';
const definition: FormDefinition = {
  id: 'visit',
  version: 1,
  title: 'Visit',
  allowedOrigins: ['https://clinic.example'],
  fields: [
    { id: 'full-name', type: 'text', label: 'Full name' },
    { id: 'location', type: 'select', label: 'Location', prefillable: true, options: [{ value: 'riverside', label: 'Riverside' }, { value: 'hillcrest', label: 'Hillcrest' }] },
    { id: 'visit', type: 'group', label: 'Visit', fields: [{ id: 'room', type: 'number', label: 'Room', prefillable: true, step: 1, min: 1 }, { id: 'returning', type: 'boolean', label: 'Returning', prefillable: true }] },
    { id: 'services', type: 'checkbox-group', label: 'Services', prefillable: true, options: [{ value: 'lab', label: 'Lab' }, { value: 'xray', label: 'X-ray' }] },
    { id: 'meds', type: 'group', label: 'Medications', repeats: true, fields: [{ id: 'drug', type: 'text', label: 'Drug' }] },
  ],
};

const initialOf = (result: FormDefinition, id: string): unknown => {
  const find = (fields: FormDefinition['fields']): unknown =>
    fields.map((field) => (field.id === id && 'initial' in field ? field.initial : field.type === 'group' ? find(field.fields) : undefined)).find((value) => value !== undefined);
  return find(result.fields);
};

describe('applyPrefill', () => {
  test('sets prefillable items, converting text to the answer type', () => {
    const { definition: result, refused } = applyPrefill(definition, { location: 'hillcrest', room: '12', returning: 'true', services: 'lab, xray' }, TODAY);

    expect(refused).toEqual([]);
    expect([initialOf(result, 'location'), initialOf(result, 'room'), initialOf(result, 'returning'), initialOf(result, 'services')]).toEqual(['hillcrest', 12, true, ['lab', 'xray']]);
    // The published definition is left as it was.
    expect(initialOf(definition, 'location')).toBeUndefined();
  });

  test('refuses every other item by id, with the reason', () => {
    const { definition: result, refused } = applyPrefill(definition, { 'full-name': 'Ana Ruiz', drug: 'Aspirin', nothing: 'x', location: 'downtown', room: 'twelve' }, TODAY);

    expect(refused).toEqual([
      { id: 'full-name', reason: 'not_prefillable' },
      { id: 'location', reason: 'invalid_value' },
      { id: 'room', reason: 'invalid_value' },
      { id: 'drug', reason: 'not_prefillable' },
      { id: 'nothing', reason: 'unknown_item' },
    ]);
    expect(initialOf(result, 'full-name')).toBeUndefined();
    expect(initialOf(result, 'location')).toBeUndefined();
  });
});

describe('listenForPrefill', () => {
  test('reads prefill messages from the parent on its origin only', () => {
    const parent = {} as Window;
    const env = Object.assign(new EventTarget(), { parent }) as unknown as Window;
    const received: unknown[] = [];
    const stop = listenForPrefill(env, 'https://clinic.example', (values) => received.push(values));
    const send = (data: unknown, origin = 'https://clinic.example', source: unknown = parent) => env.dispatchEvent(new MessageEvent('message', { data, origin, source: source as Window }));

    send({ source: 'sealpost-host', type: 'prefill', values: { location: 'riverside' } });
    send({ source: 'sealpost-host', type: 'prefill', values: { location: 'x' } }, 'https://evil.example');
    send({ source: 'sealpost-host', type: 'prefill', values: { location: 'x' } }, 'https://clinic.example', {});
    send({ source: 'sealpost-host', type: 'prefill', values: { 'bad id': 'x' } });
    stop();
    send({ source: 'sealpost-host', type: 'prefill', values: { location: 'late' } });

    expect(received).toEqual([{ location: 'riverside' }]);
  });
});
