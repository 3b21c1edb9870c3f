import { addressProblem } from '../email/address-problem';
import { describeJsonValue, quoteValue } from '../http/describe-value';
import { HttpError } from '../http/http-error';
import { TEMPLATE_LANGUAGES } from '../templates/email-template';
import { isTimeZone } from '../workflows/local-time';
import type { ContactAttributes, ContactInput } from './contact-store';

const CREATE_FIELDS = ['email', 'attributes', 'segments', 'timeZone'];
const PATCH_FIELDS = ['attributes', 'segments', 'timeZone'];
const NAME = /^[A-Za-z0-9_.-]{1,100}$/;

// Templates exist in English and Spanish, and templateLanguage picks Spanish
// for "es" with any region ("es-MX", or "es_MX" as POSIX locales write it).
const LANGUAGE = new RegExp(`^(?:${TEMPLATE_LANGUAGES.join('|')})(?:[-_][A-Za-z0-9]{1,8})*$`, 'i');

/** Validates the body of POST /v1/contacts: an email and the optional fields. */
export function parseContactCreate(body: Record<string, unknown>): ContactInput {
  rejectUnknownFields(body, CREATE_FIELDS);

  const email = body.email;
  if (typeof email !== 'string') fail('email', `email is ${describeJsonValue(email)}; send the contact's address as a string such as "name@example.org".`);
  const problem = addressProblem(email);
  if (problem !== undefined) fail('email', `email is not a valid email address: it ${problem}. Send one address as local@domain, such as "name@example.org".`);

  return { email, ...parseOptionalFields(body) };
}

/**
 * Validates the body of PATCH /v1/contacts/:id. A patch with no field to
 * set is rejected, because it would still fire contact_updated triggers.
 */
export function parseContactPatch(body: Record<string, unknown>): Omit<ContactInput, 'email'> {
  if (body.email !== undefined) fail('email', 'email cannot change through PATCH; create a contact with the new email instead.');
  rejectUnknownFields(body, PATCH_FIELDS);

  const input = parseOptionalFields(body);
  const changesAttributes = input.attributes !== undefined && Object.keys(input.attributes).length > 0;
  if (!changesAttributes && input.segments === undefined && input.timeZone === undefined) {
    throw new HttpError(422, 'empty_patch', 'The patch changes nothing; send at least one of attributes (with one attribute or more), segments or timeZone.');
  }
  return input;
}

function rejectUnknownFields(body: Record<string, unknown>, allowed: string[]) {
  const unknown = Object.keys(body).find((key) => !allowed.includes(key));
  if (unknown !== undefined) {
    throw new HttpError(422, 'unknown_field', `${quoteValue(unknown)} is not a contact field; use only ${allowed.join(', ')}, and put attributes such as "language" inside "attributes".`, { field: unknown });
  }
}

function parseOptionalFields(body: Record<string, unknown>): Omit<ContactInput, 'email'> {
  const { timeZone, segments, attributes } = body;

  if (timeZone !== undefined && typeof timeZone !== 'string') fail('timeZone', `timeZone is ${describeJsonValue(timeZone)}; send an IANA time zone such as America/Chicago.`);
  if (timeZone !== undefined && !isTimeZone(timeZone)) {
    fail('timeZone', `timeZone ${quoteValue(timeZone)} is not an IANA time zone; send one such as America/Chicago.`);
  }
  if (segments !== undefined) checkSegments(segments);
  if (attributes !== undefined) checkAttributes(attributes);

  return {
    ...(attributes !== undefined ? { attributes: attributes as ContactAttributes } : {}),
    ...(segments !== undefined ? { segments: segments as string[] } : {}),
    ...(timeZone !== undefined ? { timeZone: timeZone as string } : {}),
  };
}

function checkSegments(segments: unknown) {
  if (!Array.isArray(segments)) fail('segments', `segments is ${describeJsonValue(segments)}; send an array of segment names such as ["engaged"].`);

  const index = segments.findIndex((name) => typeof name !== 'string' || !NAME.test(name));
  if (index >= 0) {
    fail(`segments[${index}]`, `segments[${index}] is ${quoteValue(segments[index])}; a segment name is 1 to 100 of A-Z, a-z, 0-9, ".", "_" or "-".`);
  }
}

// Attribute values are stored in clear and read by templates ({{contact.name}})
// and by workflow conditions, so only JSON scalars are accepted.
function checkAttributes(attributes: unknown) {
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) {
    fail('attributes', `attributes is ${describeJsonValue(attributes)}; send an object such as { "plan": "gold", "language": "es" }.`);
  }

  for (const [name, value] of Object.entries(attributes)) {
    if (!NAME.test(name)) fail('attributes', `attributes has the name ${quoteValue(name)}; an attribute name is 1 to 100 of A-Z, a-z, 0-9, ".", "_" or "-".`);
    if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) {
      fail(`attributes.${name}`, `attributes.${name} is ${describeJsonValue(value)}; an attribute value is a string, number, boolean or null.`);
    }
    if (name === 'language') checkLanguage(value);
  }
}

function checkLanguage(value: unknown) {
  if (value === null || (typeof value === 'string' && LANGUAGE.test(value))) return;
  fail('attributes.language', `attributes.language is ${quoteValue(value)}; send a language code string, "en" or "es", optionally with a region such as "es-MX", or null to remove it.`);
}

function fail(field: string, message: string): never {
  throw new HttpError(422, 'invalid_contact', message, { field });
}
