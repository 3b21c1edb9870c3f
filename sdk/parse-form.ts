import { FIELD_TYPES, type FormDefinition } from './form-definition';
import { isCalendarDate } from './validate-answers';

/** One problem in a form definition, located by a JSON path such as `fields[2].options`. */
export interface DefinitionError {
  path: string;
  code: 'invalid_definition';
  message: string;
}

export type ParseResult = { ok: true; form: FormDefinition } | { ok: false; errors: DefinitionError[] };

const FORM_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const FIELD_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const MAX_FIELDS = 2000;

type Json = Record<string, unknown>;

/**
 * Checks that a parsed JSON value is a well-formed form definition and returns
 * it typed, or every problem found with its path.
 *
 * @example
 * const result = parseFormDefinition(JSON.parse(text));
 * if (!result.ok) console.error(result.errors.map((e) => `${e.path}: ${e.message}`));
 */
export function parseFormDefinition(value: unknown): ParseResult {
  const errors: DefinitionError[] = [];
  const fail = (path: string, message: string) => errors.push({ path, code: 'invalid_definition', message });

  if (!isObject(value)) {
    fail('$', 'A form definition must be a JSON object; wrap the fields in { "id", "version", "title", "allowedOrigins", "fields" }.');
    return { ok: false, errors };
  }

  if (typeof value.id !== 'string' || !FORM_ID.test(value.id)) {
    const rule = 'use 1 to 63 lower-case letters, digits and hyphens, such as "new-patient-intake"';
    fail('id', value.id === undefined ? `id is missing; ${rule}.` : `The form id ${JSON.stringify(value.id)} is invalid; ${rule}.`);
  }
  if (!Number.isSafeInteger(value.version) || (value.version as number) < 1) {
    const rule = 'use a positive integer such as 1';
    fail('version', value.version === undefined ? `version is missing; ${rule}.` : `The version ${JSON.stringify(value.version)} is invalid; ${rule}.`);
  }
  checkText(value.title, 'title', fail, true);
  checkText(value.description, 'description', fail, false);
  checkOrigins(value.allowedOrigins, fail);
  checkFields(value.fields, fail);

  return errors.length === 0 ? { ok: true, form: value as unknown as FormDefinition } : { ok: false, errors };
}

type Fail = (path: string, message: string) => void;

function checkOrigins(value: unknown, fail: Fail): void {
  if (!Array.isArray(value) || value.length === 0) {
    fail('allowedOrigins', 'allowedOrigins is missing; list the origins of the sites that may embed the form, such as ["https://clinic.example"].');
    return;
  }

  value.forEach((origin, index) => {
    if (!isOrigin(origin)) {
      fail(`allowedOrigins[${index}]`, `${JSON.stringify(origin)} is not an origin; write scheme, host and optional port with no path, such as "https://clinic.example".`);
    }
  });
}

function checkFields(value: unknown, fail: Fail): void {
  if (!Array.isArray(value) || value.length === 0) {
    fail('fields', 'fields is missing or empty; add at least one field.');
    return;
  }
  if (value.length > MAX_FIELDS) {
    fail('fields', `The form has ${value.length} fields, more than the limit of ${MAX_FIELDS}; split it into several forms.`);
    return;
  }

  const seen = new Set<string>();
  value.forEach((field, index) => {
    const path = `fields[${index}]`;
    if (!isObject(field)) return fail(path, 'Each field must be a JSON object with an id, a type and a label.');

    if (typeof field.id !== 'string' || !FIELD_ID.test(field.id)) {
      fail(`${path}.id`, `The field id ${JSON.stringify(field.id)} is invalid; use letters, digits, "_", "." or "-", starting with a letter or digit.`);
    } else if (seen.has(field.id)) {
      fail(`${path}.id`, `The field id "${field.id}" is used twice; give each field its own id.`);
    } else {
      seen.add(field.id);
    }

    checkField(field, path, fail);
  });
}

function checkField(field: Json, path: string, fail: Fail): void {
  const type = field.type;
  if (typeof type !== 'string' || !(FIELD_TYPES as readonly string[]).includes(type)) {
    fail(`${path}.type`, `The field type ${JSON.stringify(type)} is not supported; use one of ${FIELD_TYPES.join(', ')}.`);
    return;
  }

  if (type === 'display') {
    checkText(field.text, `${path}.text`, fail, true);
    return;
  }

  checkText(field.label, `${path}.label`, fail, true);
  checkText(field.help, `${path}.help`, fail, false);
  if (field.required !== undefined && typeof field.required !== 'boolean') fail(`${path}.required`, 'required must be true or false.');

  if (type === 'select' || type === 'radio' || type === 'checkbox-group') checkOptions(field.options, `${path}.options`, fail);
  if (type === 'text' || type === 'email' || type === 'tel' || type === 'textarea' || type === 'checkbox-group') {
    checkLengths(field, path, fail);
  }
  if (field.pattern !== undefined) checkPattern(field.pattern, `${path}.pattern`, fail);
  if (type === 'number') checkNumberRules(field, path, fail);
  if (type === 'date') checkDateRules(field, path, fail);
}

function checkOptions(value: unknown, path: string, fail: Fail): void {
  if (!Array.isArray(value) || value.length === 0) return fail(path, 'options is missing or empty; list the choices as [{ "value", "label" }].');

  const values = new Set<string>();
  value.forEach((option, index) => {
    if (!isObject(option) || typeof option.value !== 'string' || option.value === '') {
      return fail(`${path}[${index}]`, 'Each option needs a non-empty string value and a label.');
    }
    if (values.has(option.value)) fail(`${path}[${index}].value`, `The option value "${option.value}" is used twice in this field.`);
    values.add(option.value);
    checkText(option.label, `${path}[${index}].label`, fail, true);
  });
}

function checkLengths(field: Json, path: string, fail: Fail): void {
  for (const key of ['minLength', 'maxLength'] as const) {
    const limit = field[key];
    if (limit !== undefined && (!Number.isSafeInteger(limit) || (limit as number) < 0)) {
      fail(`${path}.${key}`, `${key} must be a whole number of 0 or more, not ${JSON.stringify(limit)}.`);
    }
  }
  if (typeof field.minLength === 'number' && typeof field.maxLength === 'number' && field.minLength > field.maxLength) {
    fail(path, `minLength (${field.minLength}) is greater than maxLength (${field.maxLength}); swap or correct them.`);
  }
}

function checkPattern(value: unknown, path: string, fail: Fail): void {
  if (typeof value !== 'string') return fail(path, 'pattern must be a string holding a regular expression.');
  try {
    new RegExp(value, 'u');
  } catch {
    fail(path, `The pattern ${JSON.stringify(value)} is not a valid regular expression; test it with the "u" flag.`);
  }
}

function checkNumberRules(field: Json, path: string, fail: Fail): void {
  for (const key of ['min', 'max', 'step'] as const) {
    const limit = field[key];
    if (limit !== undefined && (typeof limit !== 'number' || !Number.isFinite(limit))) fail(`${path}.${key}`, `${key} must be a number, not ${JSON.stringify(limit)}.`);
  }
  if (typeof field.step === 'number' && field.step <= 0) fail(`${path}.step`, `step must be greater than 0, not ${field.step}.`);
  if (typeof field.min === 'number' && typeof field.max === 'number' && field.min > field.max) {
    fail(path, `min (${field.min}) is greater than max (${field.max}); swap or correct them.`);
  }
}

function checkDateRules(field: Json, path: string, fail: Fail): void {
  for (const key of ['min', 'max'] as const) {
    const limit = field[key];
    if (limit !== undefined && !(limit === 'today' || (typeof limit === 'string' && isCalendarDate(limit)))) {
      fail(`${path}.${key}`, `${key} must be a date written YYYY-MM-DD or "today", not ${JSON.stringify(limit)}.`);
    }
  }
}

function checkText(value: unknown, path: string, fail: Fail, required: boolean): void {
  if (value === undefined && !required) return;
  if (typeof value === 'string' && value.trim() !== '') return;
  if (isObject(value) && typeof value.en === 'string' && value.en.trim() !== '' && Object.values(value).every((text) => typeof text === 'string')) return;

  fail(path, `${path} must be a non-empty string or an object of strings by language with at least "en", such as { "en": "Name", "es": "Nombre" }.`);
}

function isOrigin(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
