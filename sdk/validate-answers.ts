import { isEnabled, type AnswerScope } from './conditions';
import { formFields } from './consent';
import { ATTACHMENT_MAX_BYTES, DEFAULT_MAX_REPEATS, SIGNATURE_MAX_CHARS, type AnswerField, type AnswerValue, type Answers, type Field, type FormDefinition, type GroupField } from './form-definition';

/** Stable codes for a rejected answer; the widget maps each to a sentence. */
export type AnswerErrorCode =
  | 'required'
  | 'type_mismatch'
  | 'invalid_email'
  | 'invalid_tel'
  | 'invalid_date'
  | 'invalid_datetime'
  | 'invalid_time'
  | 'invalid_url'
  | 'pattern_mismatch'
  | 'too_short'
  | 'too_long'
  | 'range_underflow'
  | 'range_overflow'
  | 'step_mismatch'
  | 'invalid_option'
  | 'unknown_field'
  | 'not_enabled'
  | 'read_only'
  | 'too_many_repeats'
  | 'too_large'
  | 'invalid_file_type';

/** One rejected answer. It names the field and the rule, never the value. */
export interface AnswerError {
  /** Field id; inside a repeating group, `group[index].field`. */
  field: string;
  code: AnswerErrorCode;
  /** The limit that was broken, for messages such as "at most 200 characters". */
  limit?: number | string;
}

/** Today's date as `YYYY-MM-DD`, or the range of dates in force across time zones. */
export type Today = string | { earliest: string; latest: string };

// A pragmatic address check: one @, no spaces, a dot in the domain. Full RFC 5322
// parsing would accept addresses that no mail server delivers to.
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
// Digits with the usual separators and an optional leading +, 7 to 15 digits (E.164).
const TEL = /^\+?[0-9 ().-]+$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/;

/**
 * Validates answers against a form definition and returns every problem found,
 * in field order. A consent form's authorization section (`sdk/consent.ts`)
 * is validated after the form's own fields. The widget runs it before encrypting and the collector runs
 * it after decrypting, so both apply the same rules.
 *
 * @param today The current date, for `min`/`max` of `today`: a `YYYY-MM-DD`
 *   string, or the earliest and latest dates in force anywhere on Earth, which a
 *   server uses because it does not know the patient's time zone.
 * @example
 * const errors = validateAnswers(form, { 'full-name': '' }, '2026-12-04');
 * // [{ field: 'full-name', code: 'required' }, …]
 */
export function validateAnswers(form: FormDefinition, answers: Answers, today: Today): AnswerError[] {
  const errors: AnswerError[] = [];
  validateScope(formFields(form), { own: answers }, '', today, errors);
  return errors;
}

/**
 * Validates the answers of one scope: the form's top level, or one instance of
 * a repeating group. Fields of plain groups belong to the scope of the group.
 */
function validateScope(fields: Field[], scope: AnswerScope, prefix: string, today: Today, errors: AnswerError[]): void {
  const known = new Set(scopeFieldIds(fields));
  for (const key of Object.keys(scope.own)) {
    if (!known.has(key)) errors.push({ field: prefix + key, code: 'unknown_field' });
  }

  for (const field of fields) validateItem(field, scope, prefix, today, errors, true);
}

function validateItem(field: Field, scope: AnswerScope, prefix: string, today: Today, errors: AnswerError[], parentEnabled: boolean): void {
  if (field.type === 'display') return;

  const enabled = parentEnabled && isEnabled(field, scope);
  const value = scope.own[field.id];
  const name = prefix + field.id;

  if (field.type === 'group' && !field.repeats) {
    for (const child of field.fields) validateItem(child, scope, prefix, today, errors, enabled);
    return;
  }
  if (!enabled) {
    if (value !== undefined) errors.push({ field: name, code: 'not_enabled' });
    return;
  }
  if (field.type === 'group') return validateRepeats(field, value, scope, name, today, errors);

  if (field.readOnly) {
    if (value !== undefined) errors.push({ field: name, code: 'read_only' });
    return;
  }
  const error = validateField(field, value, today);
  if (error) errors.push({ ...error, field: name });
}

function validateRepeats(group: GroupField, value: AnswerValue | undefined, scope: AnswerScope, name: string, today: Today, errors: AnswerError[]): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.some((instance) => typeof instance !== 'object' || instance === null || Array.isArray(instance))) {
    errors.push({ field: name, code: 'type_mismatch' });
    return;
  }

  const max = group.maxRepeats ?? DEFAULT_MAX_REPEATS;
  if (value.length > max) {
    errors.push({ field: name, code: 'too_many_repeats', limit: max });
    return;
  }

  const outer = { ...scope.outer, ...scope.own };
  (value as Answers[]).forEach((instance, index) => validateScope(group.fields, { own: instance, outer }, `${name}[${index}].`, today, errors));
}

/**
 * Lists the answer keys of one scope: its answer fields, the fields of its
 * plain groups, and its repeating groups, whose answer is their instances.
 *
 * @example
 * scopeFieldIds(definition.fields); // ['full-name', 'medications', …]
 */
export function scopeFieldIds(fields: Field[]): string[] {
  return fields.flatMap((field) => {
    if (field.type === 'display') return [];
    if (field.type === 'group' && !field.repeats) return scopeFieldIds(field.fields);
    return [field.id];
  });
}

/** Validates one field's answer; `undefined` means unanswered. */
export function validateField(field: AnswerField, value: AnswerValue | undefined, today: Today): AnswerError | undefined {
  const fail = (code: AnswerErrorCode, limit?: number | string): AnswerError =>
    limit === undefined ? { field: field.id, code } : { field: field.id, code, limit };

  if (isEmpty(value, field)) return field.required ? fail('required') : undefined;

  switch (field.type) {
    case 'text':
    case 'email':
    case 'tel':
    case 'url':
    case 'textarea': {
      if (typeof value !== 'string') return fail('type_mismatch');
      if (field.type === 'email' && !EMAIL.test(value)) return fail('invalid_email');
      if (field.type === 'tel' && !isTel(value)) return fail('invalid_tel');
      if (field.type === 'url' && !isWebUrl(value)) return fail('invalid_url');
      if (field.minLength !== undefined && [...value].length < field.minLength) return fail('too_short', field.minLength);
      if (field.maxLength !== undefined && [...value].length > field.maxLength) return fail('too_long', field.maxLength);
      if (field.pattern !== undefined && !new RegExp(`^(?:${field.pattern})$`, 'u').test(value)) return fail('pattern_mismatch');
      return undefined;
    }
    case 'date': {
      if (typeof value !== 'string') return fail('type_mismatch');
      if (!isCalendarDate(value)) return fail('invalid_date');
      const window = typeof today === 'string' ? { earliest: today, latest: today } : today;
      const min = field.min === 'today' ? window.earliest : field.min;
      const max = field.max === 'today' ? window.latest : field.max;
      if (min !== undefined && value < min) return fail('range_underflow', min);
      if (max !== undefined && value > max) return fail('range_overflow', max);
      return undefined;
    }
    case 'datetime': {
      if (typeof value !== 'string') return fail('type_mismatch');
      const [date, time, extra] = value.split('T');
      if (extra !== undefined || !date || !time || !isCalendarDate(date) || !TIME.test(time)) return fail('invalid_datetime');
      return undefined;
    }
    case 'time':
      if (typeof value !== 'string') return fail('type_mismatch');
      if (!TIME.test(value)) return fail('invalid_time');
      return undefined;
    case 'boolean':
      if (typeof value !== 'boolean') return fail('type_mismatch');
      return undefined;
    case 'open-choice':
      if (typeof value !== 'string') return fail('type_mismatch');
      if (field.maxLength !== undefined && [...value].length > field.maxLength) return fail('too_long', field.maxLength);
      return undefined;
    case 'attachment':
      return validateAttachment(field, value, fail);
    case 'signature':
      return validateSignature(value, fail);
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return fail('type_mismatch');
      if (field.min !== undefined && value < field.min) return fail('range_underflow', field.min);
      if (field.max !== undefined && value > field.max) return fail('range_overflow', field.max);
      if (field.step !== undefined && !isMultiple(value - (field.min ?? 0), field.step)) return fail('step_mismatch', field.step);
      return undefined;
    }
    case 'select':
    case 'radio': {
      if (typeof value !== 'string') return fail('type_mismatch');
      if (!field.options.some((option) => option.value === value)) return fail('invalid_option');
      return undefined;
    }
    case 'checkbox':
      if (typeof value !== 'boolean') return fail('type_mismatch');
      return undefined;
    case 'checkbox-group': {
      if (!isStringArray(value)) return fail('type_mismatch');
      const allowed = new Set(field.options.map((option) => option.value));
      if (value.some((item) => !allowed.has(item)) || new Set(value).size !== value.length) return fail('invalid_option');
      if (field.minLength !== undefined && value.length < field.minLength) return fail('too_short', field.minLength);
      if (field.maxLength !== undefined && value.length > field.maxLength) return fail('too_long', field.maxLength);
      return undefined;
    }
  }
}

/** True for a real calendar date written `YYYY-MM-DD` (so 2026-02-30 is false). */
export function isCalendarDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;

  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Formats a date in local time as `YYYY-MM-DD`, for the `today` limit. */
export function localDateString(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Returns the dates in force at an instant from UTC-12 to UTC+14, for servers. */
export function todayAnywhere(now: Date): { earliest: string; latest: string } {
  const hours = 3_600_000;
  const day = (offsetHours: number) => new Date(now.getTime() + offsetHours * hours).toISOString().slice(0, 10);
  return { earliest: day(-12), latest: day(14) };
}

/** True for no answer. `false` answers a yes/no question, but leaves a checkbox unticked. */
function isEmpty(value: AnswerValue | undefined, field: AnswerField): boolean {
  if (value === undefined || value === '') return true;
  if (value === false) return field.type !== 'boolean';
  return Array.isArray(value) && value.length === 0;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Checks an attachment's shape, its size against the limit, then its type and its data against the stated size. */
function validateAttachment(field: AnswerField & { type: 'attachment' }, value: AnswerValue | undefined, fail: (code: AnswerErrorCode, limit?: number | string) => AnswerError): AnswerError | undefined {
  if (!isAttachment(value)) return fail('type_mismatch');

  const max = Math.min(field.maxBytes ?? ATTACHMENT_MAX_BYTES, ATTACHMENT_MAX_BYTES);
  if (value.size > max) return fail('too_large', max);
  if (field.accept && field.accept.length > 0 && !field.accept.some((pattern) => mimeMatches(pattern, value.type))) {
    return fail('invalid_file_type', field.accept.join(', '));
  }

  const padding = value.data.endsWith('==') ? 2 : value.data.endsWith('=') ? 1 : 0;
  const decoded = (value.data.length / 4) * 3 - padding;
  if (value.data.length % 4 !== 0 || !BASE64.test(value.data) || decoded !== value.size) return fail('type_mismatch');
  return undefined;
}

const PNG_DATA_URL = 'data:image/png;base64,';

/** Checks a drawn signature (a PNG data URL within the limit) or a typed one (a name of 1 to 200 characters). */
function validateSignature(value: AnswerValue | undefined, fail: (code: AnswerErrorCode, limit?: number | string) => AnswerError): AnswerError | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !('method' in value)) return fail('type_mismatch');

  if (value.method === 'typed') {
    if (typeof value.name !== 'string' || value.name.trim() === '') return fail('required');
    return [...value.name].length > 200 ? fail('too_long', 200) : undefined;
  }
  if (value.method !== 'drawn' || typeof value.image !== 'string' || !value.image.startsWith(PNG_DATA_URL)) return fail('type_mismatch');
  if (value.image.length > SIGNATURE_MAX_CHARS) return fail('too_large', SIGNATURE_MAX_CHARS);

  const data = value.image.slice(PNG_DATA_URL.length);
  return data.length % 4 === 0 && BASE64.test(data) ? undefined : fail('type_mismatch');
}

function isAttachment(value: unknown): value is { name: string; type: string; size: number; data: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;

  const record = value as Record<string, unknown>;
  return typeof record.name === 'string' && typeof record.type === 'string' && Number.isSafeInteger(record.size) && (record.size as number) > 0 && typeof record.data === 'string';
}

/** Matches a MIME type against `type/subtype` or `type/*`, ignoring case. */
function mimeMatches(pattern: string, type: string): boolean {
  const [wanted, actual] = [pattern.toLowerCase(), type.toLowerCase()];
  return wanted.endsWith('/*') ? actual.startsWith(wanted.slice(0, -1)) : actual === wanted;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function isTel(value: string): boolean {
  const digits = value.replace(/\D/g, '').length;
  return TEL.test(value) && digits >= 7 && digits <= 15;
}

function isMultiple(value: number, step: number): boolean {
  const ratio = value / step;
  return Math.abs(ratio - Math.round(ratio)) < 1e-9;
}
