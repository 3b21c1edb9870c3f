import { describe, expect, test } from 'vitest';
import type { AnswerField } from '../../../sdk/form-definition';
import { parseFormDefinition } from '../../../sdk/parse-form';
import { validateField } from '../../../sdk/validate-answers';

const TODAY = '2026-12-04';
const field: AnswerField = { id: 'scan', type: 'attachment', label: 'Scan', accept: ['application/pdf', 'image/*'], maxBytes: 10, required: true };
const file = (overrides: Record<string, unknown> = {}) => ({ name: 'scan.pdf', type: 'application/pdf', size: 5, data: 'aGVsbG8=', ...overrides });

describe('validateField attachment', () => {
  test('accepts a matching file', () => {
    expect(validateField(field, file(), TODAY)).toBeUndefined();
    expect(validateField(field, file({ type: 'IMAGE/PNG' }), TODAY)).toBeUndefined();
  });

  test('required without file', () => {
    expect(validateField(field, undefined, TODAY)).toEqual({ field: 'scan', code: 'required' });
  });

  test('rejects too large before type', () => {
    expect(validateField(field, file({ size: 11, type: 'text/plain', data: '' }), TODAY)).toEqual({ field: 'scan', code: 'too_large', limit: 10 });
  });

  test('rejects other types', () => {
    expect(validateField(field, file({ type: 'text/html' }), TODAY)).toEqual({ field: 'scan', code: 'invalid_file_type', limit: 'application/pdf, image/*' });
  });

  test('rejects data not matching size', () => {
    expect(validateField(field, file({ size: 4 }), TODAY)?.code).toBe('type_mismatch');
    expect(validateField(field, file({ data: 'aGVsbG8' }), TODAY)?.code).toBe('type_mismatch');
    expect(validateField(field, file({ data: 'aGVs!G8=' }), TODAY)?.code).toBe('type_mismatch');
    expect(validateField(field, 'scan.pdf', TODAY)?.code).toBe('type_mismatch');
  });

  test('caps maxBytes at 1 MiB', () => {
    const open: AnswerField = { id: 'any', type: 'attachment', label: 'Any' };
    expect(validateField(open, file({ size: 1_048_577, data: '' }), TODAY)).toEqual({ field: 'any', code: 'too_large', limit: 1_048_576 });
  });
});

describe('parseFormDefinition attachments', () => {
  const base = { id: 'f', version: 1, title: 'F', allowedOrigins: ['https://clinic.example'] };
  const errorsOf = (fields: unknown[]) => {
    const result = parseFormDefinition({ ...base, fields });
    return result.ok ? [] : result.errors.map((error) => `${error.path}: ${error.message}`);
  };

  test('limits add up to 1 MiB', () => {
    expect(errorsOf([{ id: 'a', type: 'attachment', label: 'A' }, { id: 'b', type: 'attachment', label: 'B', maxBytes: 1 }])).toEqual([
      "fields: The attachment and signature fields allow 1048577 bytes together, more than the limit of 1048576; lower the attachments' maxBytes so that they add up to at most 1048576, counting 65536 for each signature.",
    ]);
    expect(errorsOf([{ id: 'a', type: 'attachment', label: 'A', maxBytes: 524288 }, { id: 'b', type: 'attachment', label: 'B', maxBytes: 524288 }])).toEqual([]);
  });

  test('rejects bad accept and maxBytes', () => {
    expect(errorsOf([{ id: 'a', type: 'attachment', label: 'A', accept: ['pdf'], maxBytes: 0 }])).toEqual([
      'fields[0].maxBytes: maxBytes must be a whole number of bytes from 1 to 1048576, not 0.',
      'fields[0].accept: accept must be a non-empty list of MIME types such as ["application/pdf", "image/*"].',
    ]);
  });

  test('rejects attachment in repeat', () => {
    expect(errorsOf([{ id: 'g', type: 'group', label: 'G', repeats: true, fields: [{ id: 'a', type: 'attachment', label: 'A' }] }])).toEqual([
      'fields[0].fields[0]: An attachment field cannot sit inside a repeating group; move it out of the group.',
    ]);
  });
});

describe('validateField signature', () => {
  const signature: AnswerField = { id: 'sign', type: 'signature', label: 'Signature', required: true };
  const png = `data:image/png;base64,${'iVBORw0KGgo='}`;

  test('accepts drawn and typed', () => {
    expect(validateField(signature, { method: 'drawn', image: png }, TODAY)).toBeUndefined();
    expect(validateField(signature, { method: 'typed', name: 'Ana Ruiz' }, TODAY)).toBeUndefined();
  });

  test('rejects empty, other images and too large', () => {
    expect(validateField(signature, undefined, TODAY)).toEqual({ field: 'sign', code: 'required' });
    expect(validateField(signature, { method: 'typed', name: '  ' }, TODAY)).toEqual({ field: 'sign', code: 'required' });
    expect(validateField(signature, { method: 'typed', name: 'a'.repeat(201) }, TODAY)).toEqual({ field: 'sign', code: 'too_long', limit: 200 });
    expect(validateField(signature, { method: 'drawn', image: 'data:image/svg+xml;base64,PHN2Zz4=' }, TODAY)?.code).toBe('type_mismatch');
    expect(validateField(signature, { method: 'drawn', image: `data:image/png;base64,${'A'.repeat(65_536)}` }, TODAY)).toEqual({ field: 'sign', code: 'too_large', limit: 65_536 });
    expect(validateField(signature, 'Ana', TODAY)?.code).toBe('type_mismatch');
  });

  test('signature counts toward the budget', () => {
    const result = parseFormDefinition({
      id: 'f',
      version: 1,
      title: 'F',
      allowedOrigins: ['https://clinic.example'],
      fields: [
        { id: 'a', type: 'attachment', label: 'A' },
        { id: 's', type: 'signature', label: 'S' },
      ],
    });
    expect(result.ok ? [] : result.errors.map((error) => error.path)).toEqual(['fields']);
  });
});
