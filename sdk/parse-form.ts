import { ATTACHMENT_MAX_BYTES, CONDITION_OPERATORS, FHIR_TYPE_OVERRIDES, OPTION_VALUE_TYPES, SIGNATURE_MAX_CHARS, FIELD_TYPES, type AnswerField, type FormDefinition } from './form-definition';
import { isCalendarDate, validateField } from './validate-answers';

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
const MAX_DEPTH = 8;

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
  checkIdleTimeout(value.idleTimeoutSeconds, fail);
  checkLanguage(value.language, fail);
  checkQuestionnaireUrl(value.questionnaire, fail);
  const ids = new Set<string>();
  const walk: Walk = { ids, counter: { count: 0 }, attachmentBytes: { total: 0 }, depth: 0, insideRepeat: false };
  // The authorization section of a consent form ends with a signature.
  if (value.consent !== undefined && checkConsent(value.consent, fail)) walk.attachmentBytes.total += SIGNATURE_MAX_CHARS;
  if (checkFields(value.fields, 'fields', fail, walk)) {
    checkConditionTargets(value.fields as Json[], 'fields', ids, fail);
  }
  if (walk.attachmentBytes.total > ATTACHMENT_MAX_BYTES) {
    fail('fields', `The attachment and signature fields allow ${walk.attachmentBytes.total} bytes together, more than the limit of ${ATTACHMENT_MAX_BYTES}; lower the attachments' maxBytes so that they add up to at most ${ATTACHMENT_MAX_BYTES}, counting ${SIGNATURE_MAX_CHARS} for each signature.`);
  }

  return errors.length === 0 ? { ok: true, form: value as unknown as FormDefinition } : { ok: false, errors };
}

type Fail = (path: string, message: string) => void;

const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;

function checkLanguage(value: unknown, fail: Fail): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || !LANGUAGE_TAG.test(value)) fail('language', `language must be a language tag such as "en" or "ar", not ${JSON.stringify(value)}.`);
}

function checkQuestionnaireUrl(value: unknown, fail: Fail): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || value.length > 2000 || !/^[a-z][a-z0-9+.-]*:\S+$/i.test(value)) {
    fail('questionnaire', `questionnaire must be the canonical URL of the FHIR Questionnaire, such as "http://example.org/Questionnaire/intake", not ${JSON.stringify(value)}.`);
  }
}

/** Longest authorization text in one language, in characters. */
const CONSENT_MAX_CHARS = 50_000;

/** Checks a consent form's `consent`; returns true when it is well formed. */
function checkConsent(value: unknown, fail: Fail): boolean {
  const rule = 'write it as { "text": { "en": "…", "es": "…" } }, the authorization in English and Spanish';
  if (!isObject(value)) {
    fail('consent', `consent must be an object; ${rule}.`);
    return false;
  }
  const extra = Object.keys(value).filter((key) => key !== 'text');
  if (extra.length > 0) fail('consent', `consent has properties that are not supported: ${extra.join(', ')}; ${rule}.`);

  const text = value.text;
  if (!isObject(text)) {
    fail('consent.text', `consent.text is missing; ${rule}.`);
    return false;
  }
  let ok = extra.length === 0;
  for (const locale of ['en', 'es']) {
    const entry = text[locale];
    if (typeof entry !== 'string' || entry.trim() === '') {
      fail(`consent.text.${locale}`, `consent.text.${locale} is missing or empty; a consent form needs its authorization in English and Spanish.`);
      ok = false;
    } else if (entry.length > CONSENT_MAX_CHARS) {
      fail(`consent.text.${locale}`, `consent.text.${locale} has ${entry.length} characters, more than the limit of ${CONSENT_MAX_CHARS}; shorten the authorization.`);
      ok = false;
    }
  }
  const languages = Object.keys(text).filter((key) => key !== 'en' && key !== 'es');
  if (languages.length > 0) {
    fail('consent.text', `consent.text has languages other than "en" and "es" (${languages.join(', ')}); the authorization is published and hashed in English and Spanish only.`);
    ok = false;
  }
  return ok;
}

function checkIdleTimeout(value: unknown, fail: Fail): void {
  if (value === undefined) return;
  if (!Number.isSafeInteger(value) || (value as number) < 60 || (value as number) > 86_400) {
    fail('idleTimeoutSeconds', `idleTimeoutSeconds must be a whole number of seconds from 60 to 86400, not ${JSON.stringify(value)}.`);
  }
}

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

/** Walk state shared across nested groups: every id in the form, the field count and the nesting. */
interface Walk {
  ids: Set<string>;
  /** Shared by every level, so nested fields count toward the limit too. */
  counter: { count: number };
  /** Sum of the attachment fields' size limits. */
  attachmentBytes: { total: number };
  depth: number;
  insideRepeat: boolean;
}

/** Checks a list of fields and the groups inside it; returns false when it is not a list at all. */
function checkFields(value: unknown, path: string, fail: Fail, walk: Walk): boolean {
  if (!Array.isArray(value) || value.length === 0) {
    fail(path, `${path} is missing or empty; add at least one field.`);
    return false;
  }

  walk.counter.count += value.length;
  if (walk.counter.count > MAX_FIELDS) {
    fail(path, `The form has more than ${MAX_FIELDS} fields, groups included; split it into several forms.`);
    return false;
  }

  value.forEach((field, index) => {
    const fieldPath = `${path}[${index}]`;
    if (!isObject(field)) return fail(fieldPath, 'Each field must be a JSON object with an id, a type and a label.');

    if (typeof field.id !== 'string' || !FIELD_ID.test(field.id)) {
      fail(`${fieldPath}.id`, `The field id ${JSON.stringify(field.id)} is invalid; use letters, digits, "_", "." or "-", starting with a letter or digit.`);
    } else if (walk.ids.has(field.id)) {
      fail(`${fieldPath}.id`, `The field id "${field.id}" is used twice; give each field its own id, also across groups.`);
    } else {
      walk.ids.add(field.id);
    }

    checkField(field, fieldPath, fail, walk);
  });
  return true;
}

function checkField(field: Json, path: string, fail: Fail, walk: Walk): void {
  const type = field.type;
  if (typeof type !== 'string' || !(FIELD_TYPES as readonly string[]).includes(type)) {
    fail(`${path}.type`, `The field type ${JSON.stringify(type)} is not supported; use one of ${FIELD_TYPES.join(', ')}.`);
    return;
  }

  checkConditions(field, path, fail);
  if (field.linkId !== undefined && typeof field.linkId !== 'string') fail(`${path}.linkId`, 'linkId must be a string, the FHIR item the field came from.');
  checkFhirType(field, path, fail);

  if (type === 'display') {
    checkText(field.text, `${path}.text`, fail, true);
    return;
  }

  checkText(field.label, `${path}.label`, fail, true);
  checkText(field.help, `${path}.help`, fail, false);
  if (type === 'group') return checkGroup(field, path, fail, walk);

  for (const key of ['required', 'readOnly'] as const) {
    if (field[key] !== undefined && typeof field[key] !== 'boolean') fail(`${path}.${key}`, `${key} must be true or false.`);
  }

  if (type === 'select' || type === 'radio' || type === 'checkbox-group' || type === 'open-choice') checkOptions(field.options, `${path}.options`, fail);
  if (type === 'text' || type === 'email' || type === 'tel' || type === 'textarea' || type === 'url' || type === 'checkbox-group' || type === 'open-choice') {
    checkLengths(field, path, fail);
  }
  if (field.pattern !== undefined) checkPattern(field.pattern, `${path}.pattern`, fail);
  if (type === 'number') checkNumberRules(field, path, fail);
  if (type === 'date') checkDateRules(field, path, fail);
  if (type === 'attachment') checkAttachment(field, path, fail, walk);
  if (type === 'signature') {
    if (walk.insideRepeat) fail(path, 'A signature field cannot sit inside a repeating group; move it out of the group.');
    walk.attachmentBytes.total += SIGNATURE_MAX_CHARS;
  }
  if (field.initial !== undefined) checkInitial(field, path, fail);
  if (field.prefillable !== undefined) checkPrefillable(field, path, fail, walk);
}

/** A prefillable field takes its starting value from the embedding page, so it must be one the page can set and the patient can send. */
function checkPrefillable(field: Json, path: string, fail: Fail, walk: Walk): void {
  const at = `${path}.prefillable`;
  if (typeof field.prefillable !== 'boolean') return fail(at, 'prefillable must be true or false.');
  if (!field.prefillable) return;
  if (field.type === 'attachment' || field.type === 'signature') fail(at, `A ${String(field.type)} field cannot be prefilled; mark a question whose value is not PHI, such as the clinic location.`);
  if (walk.insideRepeat) fail(at, 'A field inside a repeating group cannot be prefilled; move it out of the group.');
  if (field.readOnly === true) fail(at, 'A read-only field cannot be prefilled, because its answer is never sent; remove readOnly or prefillable.');
}

function checkFhirType(field: Json, path: string, fail: Fail): void {
  const fhirType = field.fhirType;
  if (fhirType === undefined) return;
  if (!(FHIR_TYPE_OVERRIDES as readonly unknown[]).includes(fhirType)) {
    return fail(`${path}.fhirType`, `fhirType ${JSON.stringify(fhirType)} is not supported; use one of ${FHIR_TYPE_OVERRIDES.join(', ')}, or leave it out.`);
  }
  const expected = fhirType === 'quantity' ? 'number' : 'text';
  if (field.type !== expected) fail(`${path}.fhirType`, `fhirType "${String(fhirType)}" belongs on a ${expected} field, not on a ${String(field.type)} field.`);
}

function checkGroup(field: Json, path: string, fail: Fail, walk: Walk): void {
  if (field.repeats !== undefined && typeof field.repeats !== 'boolean') fail(`${path}.repeats`, 'repeats must be true or false.');
  if (field.maxRepeats !== undefined && (!Number.isSafeInteger(field.maxRepeats) || (field.maxRepeats as number) < 1)) {
    fail(`${path}.maxRepeats`, `maxRepeats must be a whole number of 1 or more, not ${JSON.stringify(field.maxRepeats)}.`);
  }
  if (field.repeats === true && walk.insideRepeat) {
    fail(`${path}.repeats`, 'A repeating group cannot sit inside another repeating group; make one of them a plain group.');
  }
  if (walk.depth >= MAX_DEPTH) return fail(`${path}.fields`, `Groups are nested more than ${MAX_DEPTH} deep; flatten the form.`);

  checkFields(field.fields, `${path}.fields`, fail, { ...walk, depth: walk.depth + 1, insideRepeat: walk.insideRepeat || field.repeats === true });
}

const MIME_PATTERN = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/(\*|[a-z0-9][a-z0-9!#$&^_.+-]*)$/i;

function checkAttachment(field: Json, path: string, fail: Fail, walk: Walk): void {
  if (walk.insideRepeat) fail(path, 'An attachment field cannot sit inside a repeating group; move it out of the group.');

  const max = field.maxBytes;
  if (max !== undefined && (!Number.isSafeInteger(max) || (max as number) < 1 || (max as number) > ATTACHMENT_MAX_BYTES)) {
    fail(`${path}.maxBytes`, `maxBytes must be a whole number of bytes from 1 to ${ATTACHMENT_MAX_BYTES}, not ${JSON.stringify(max)}.`);
  }
  walk.attachmentBytes.total += typeof max === 'number' ? max : ATTACHMENT_MAX_BYTES;

  const accept = field.accept;
  if (accept !== undefined && (!Array.isArray(accept) || accept.length === 0 || accept.some((type) => typeof type !== 'string' || !MIME_PATTERN.test(type)))) {
    fail(`${path}.accept`, 'accept must be a non-empty list of MIME types such as ["application/pdf", "image/*"].');
  }
}

function checkConditions(field: Json, path: string, fail: Fail): void {
  if (field.enableBehavior !== undefined && field.enableBehavior !== 'all' && field.enableBehavior !== 'any') {
    fail(`${path}.enableBehavior`, `enableBehavior must be "all" or "any", not ${JSON.stringify(field.enableBehavior)}.`);
  }
  if (field.enableWhen === undefined) return;
  if (!Array.isArray(field.enableWhen) || field.enableWhen.length === 0) return fail(`${path}.enableWhen`, 'enableWhen must be a non-empty list of conditions, such as [{ "field": "smoker", "operator": "=", "value": true }].');

  field.enableWhen.forEach((condition, index) => {
    const at = `${path}.enableWhen[${index}]`;
    if (!isObject(condition)) return fail(at, 'Each condition must be an object with field, operator and value.');
    if (typeof condition.field !== 'string') fail(`${at}.field`, 'field must be the id of the field whose answer is tested.');
    if (!(CONDITION_OPERATORS as readonly unknown[]).includes(condition.operator)) {
      fail(`${at}.operator`, `The operator ${JSON.stringify(condition.operator)} is not supported; use one of ${CONDITION_OPERATORS.join(', ')}.`);
    }
    const value = condition.value;
    if (!['string', 'number', 'boolean'].includes(typeof value) || (typeof value === 'number' && !Number.isFinite(value))) {
      fail(`${at}.value`, 'value must be a string, a number or true/false.');
    } else if (condition.operator === 'exists' && typeof value !== 'boolean') {
      fail(`${at}.value`, 'The exists operator takes true (answered) or false (unanswered) as its value.');
    }
  });
}

/** Checks that each condition names a field of the form, once every id is known. */
function checkConditionTargets(fields: Json[], path: string, ids: Set<string>, fail: Fail): void {
  fields.forEach((field, index) => {
    if (!isObject(field)) return;
    const at = `${path}[${index}]`;
    if (Array.isArray(field.enableWhen)) {
      field.enableWhen.forEach((condition, conditionIndex) => {
        if (isObject(condition) && typeof condition.field === 'string' && !ids.has(condition.field)) {
          fail(`${at}.enableWhen[${conditionIndex}].field`, `The condition names the field "${condition.field}", which the form does not have; use the id of one of its fields.`);
        } else if (isObject(condition) && condition.field === field.id) {
          fail(`${at}.enableWhen[${conditionIndex}].field`, `The field "${field.id}" cannot depend on its own answer; name another field.`);
        }
      });
    }
    if (field.type === 'group' && Array.isArray(field.fields)) checkConditionTargets(field.fields as Json[], `${at}.fields`, ids, fail);
  });
}

/** An initial value must be a valid answer of the field, apart from its `required` rule. */
function checkInitial(field: Json, path: string, fail: Fail): void {
  const error = validateField({ ...field, required: false } as unknown as AnswerField, field.initial as never, '9999-12-31');
  if (error) fail(`${path}.initial`, `The initial value is not a valid answer of this field (${error.code}); correct it or remove it.`);
}

function checkOptions(value: unknown, path: string, fail: Fail): void {
  if (!Array.isArray(value) || value.length === 0) return fail(path, 'options is missing or empty; list the choices as [{ "value", "label" }].');

  const values = new Set<string>();
  value.forEach((option, index) => {
    if (!isObject(option) || typeof option.value !== 'string' || option.value === '') {
      return fail(`${path}[${index}]`, 'Each option needs a non-empty string value and a label.');
    }
    if (option.score !== undefined && (typeof option.score !== 'number' || !Number.isFinite(option.score))) {
      fail(`${path}[${index}].score`, `score must be a number, not ${JSON.stringify(option.score)}.`);
    }
    if (option.system !== undefined && (typeof option.system !== 'string' || option.system.trim() === '')) {
      fail(`${path}[${index}].system`, 'system must be the URL of the code system, such as "http://loinc.org".');
    }
    if (option.valueType !== undefined && !(OPTION_VALUE_TYPES as readonly unknown[]).includes(option.valueType)) {
      fail(`${path}[${index}].valueType`, `valueType must be one of ${OPTION_VALUE_TYPES.join(', ')}, or absent for a Coding.`);
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
  checkText(field.unit, `${path}.unit`, fail, false);
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
