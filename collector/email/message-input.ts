import { domainToASCII } from 'node:url';
import type { TlsRequirement } from '../db/schema';
import { addressProblem } from './address-problem';
import { describeJsonValue, quoteValue } from '../http/describe-value';
import { HttpError } from '../http/http-error';
import { wrongBodyType } from '../http/read-json';

/** One message as a caller posts it, after validation. */
export interface MessageInput {
  to: string;
  /** Lowercase ASCII (punycode) domain of `to`, stored in clear for reports. */
  recipientDomain: string;
  from: string;
  subject: string;
  html?: string;
  text?: string;
  campaign?: string;
  customFields: Record<string, string>;
  /** TLS the message must be sent over, or null for none (see readTlsRequirement). */
  requiredTls: TlsRequirement | null;
}

/** Largest number of messages in one request. */
export const MAX_MESSAGES_PER_REQUEST = 500;

const MAX_BODY_CHARS = 512 * 1024;
const MAX_CUSTOM_FIELDS = 20;
const MESSAGES_EXPECTED = `one message object { to, from, subject, html or text } or an array of 1 to ${MAX_MESSAGES_PER_REQUEST} of them`;
const FIELDS = new Set(['to', 'from', 'subject', 'html', 'text', 'campaign', 'customFields', 'requireTls']);

// One addr-spec without display name or comments. The local part excludes
// whitespace and the specials of RFC 5322 that would change how a header parses.
const ADDRESS = /^([^\s@<>()[\]\\,;:"]{1,64})@([^\s@<>()[\]\\,;:"]{1,253})$/;
const DOMAIN_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Validates a request body holding one message object or an array of them.
 * Throws 400 for a body of the wrong type (see wrongBodyType) and 422 naming
 * the first invalid message index and field. Messages never echo a string
 * value, because addresses and subjects may be PHI.
 */
export function parseMessages(body: unknown): MessageInput[] {
  if (typeof body !== 'object' || body === null) throw wrongBodyType(body, MESSAGES_EXPECTED);

  const items = Array.isArray(body) ? body : [body];
  if (items.length === 0) throw new HttpError(400, 'no_messages', `The body is an empty array; send ${MESSAGES_EXPECTED}.`);
  if (items.length > MAX_MESSAGES_PER_REQUEST) {
    throw new HttpError(400, 'too_many_messages', `The body contains ${items.length} messages; send at most ${MAX_MESSAGES_PER_REQUEST} per request and split the rest.`);
  }

  return items.map((item, index) => parseMessage(item, index));
}

function parseMessage(item: unknown, index: number): MessageInput {
  if (!item || typeof item !== 'object' || Array.isArray(item)) {
    throw new HttpError(400, 'invalid_message', `messages[${index}] is ${describeJsonValue(item)}, not a JSON object; send { to, from, subject, html or text }.`, { index });
  }

  const value = item as Record<string, unknown>;
  const unknown = Object.keys(value).find((key) => !FIELDS.has(key));
  if (unknown !== undefined) fail(index, unknown, 'unknown_field', `is not a message field; use only ${[...FIELDS].join(', ')}`);

  const to = readAddress(value, index, 'to');
  const html = readOptionalString(value, index, 'html', MAX_BODY_CHARS);
  const text = readOptionalString(value, index, 'text', MAX_BODY_CHARS);
  if (html === undefined && text === undefined) fail(index, 'html', 'missing_field', 'is missing; give html, text or both');

  return {
    to: to.address,
    recipientDomain: to.domain,
    from: readAddress(value, index, 'from').address,
    subject: readSubject(value, index),
    ...(html !== undefined ? { html } : {}),
    ...(text !== undefined ? { text } : {}),
    ...optional('campaign', readCampaign(value, index)),
    customFields: readCustomFields(value, index),
    requiredTls: readRequireTls(value, index),
  };
}

function readAddress(value: Record<string, unknown>, index: number, field: 'to' | 'from'): { address: string; domain: string } {
  const raw = value[field];
  if (raw === undefined || raw === null || raw === '') fail(index, field, 'missing_field', `is missing; give one email address such as ${field === 'to' ? 'patient' : 'clinic'}@example.org`);
  if (typeof raw !== 'string') fail(index, field, 'invalid_field', `is ${describeJsonValue(raw)}; give one email address as a string, such as ${field === 'to' ? 'patient' : 'clinic'}@example.org`);

  const match = ADDRESS.exec(raw.trim());
  const domain = match ? domainToASCII(match[2]!).toLowerCase() : '';
  const labels = domain.split('.');
  if (!match || labels.length < 2 || domain.length > 253 || !labels.every((label) => DOMAIN_LABEL.test(label))) {
    const problem = addressProblem(raw) ?? 'has a domain that is not a valid host name (letters, digits and hyphens between dots)';
    fail(index, field, 'invalid_field', `is not a valid email address: it ${problem}. Give one address as local@domain, without a display name`);
  }
  return { address: `${match[1]}@${domain}`, domain };
}

function readSubject(value: Record<string, unknown>, index: number): string {
  const subject = value.subject;
  if (subject === undefined || subject === null || subject === '') fail(index, 'subject', 'missing_field', 'is missing; give a subject line');
  if (typeof subject !== 'string') fail(index, 'subject', 'invalid_field', `is ${describeJsonValue(subject)}; give the subject line as a string`);

  // A line break in a header value could add headers (header injection).
  if (/[\r\n]/.test(subject)) fail(index, 'subject', 'invalid_field', 'contains a line break; give the subject on one line');
  if (subject.length > 998) fail(index, 'subject', 'invalid_field', 'is longer than 998 characters, the line limit of RFC 5322; shorten it');
  return subject;
}

function readCampaign(value: Record<string, unknown>, index: number): string | undefined {
  const campaign = readOptionalString(value, index, 'campaign', 100);
  if (campaign !== undefined && (campaign.trim() === '' || /\p{Cc}/u.test(campaign))) {
    fail(index, 'campaign', 'invalid_field', 'must be 1 to 100 printable characters, such as flu-reminder-2026');
  }
  return campaign;
}

function readCustomFields(value: Record<string, unknown>, index: number): Record<string, string> {
  const fields = value.customFields;
  if (fields === undefined || fields === null) return {};
  if (typeof fields !== 'object' || Array.isArray(fields)) fail(index, 'customFields', 'invalid_field', `is ${describeJsonValue(fields)}; give an object of string values, such as { "clinic": "north" }`);

  const entries = Object.entries(fields as Record<string, unknown>);
  if (entries.length > MAX_CUSTOM_FIELDS) fail(index, 'customFields', 'invalid_field', `has ${entries.length} keys; give at most ${MAX_CUSTOM_FIELDS}`);
  for (const [key, item] of entries) {
    if (!/^[A-Za-z0-9_-]{1,40}$/.test(key)) fail(index, 'customFields', 'invalid_field', `has the key ${quoteValue(key)}, which is not 1 to 40 letters, digits, _ or -; rename it`);
    if (typeof item !== 'string') fail(index, `customFields.${key}`, 'invalid_field', `is ${describeJsonValue(item)}; give a string of at most 200 characters`);
    if (item.length > 200) fail(index, `customFields.${key}`, 'invalid_field', `has ${item.length} characters; give a string of at most 200 characters`);
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

function readOptionalString(value: Record<string, unknown>, index: number, field: string, maxLength: number): string | undefined {
  const item = value[field];
  if (item === undefined || item === null) return undefined;
  if (typeof item !== 'string') fail(index, field, 'invalid_field', `is ${describeJsonValue(item)}; give a string`);
  if (item.length > maxLength) fail(index, field, 'invalid_field', `has ${item.length} characters, more than ${maxLength}; shorten it`);
  return item;
}

function readRequireTls(value: Record<string, unknown>, index: number): TlsRequirement | null {
  const requirement = readTlsRequirement(value.requireTls);
  if (requirement === 'invalid') fail(index, 'requireTls', 'invalid_field', `is ${quoteValue(value.requireTls)}; use ${TLS_REQUIREMENTS}`);
  return requirement;
}

/** The values `requireTls` accepts, as error messages list them. */
export const TLS_REQUIREMENTS = 'true, false, "encrypted" or "verified"';

/**
 * Reads a `requireTls` value: false, null or absent require nothing;
 * "encrypted" requires TLS with any certificate; true and "verified" require
 * TLS with a certificate that verifies for the receiving host. Returns
 * 'invalid' for anything else.
 */
export function readTlsRequirement(item: unknown): TlsRequirement | null | 'invalid' {
  if (item === undefined || item === null || item === false) return null;
  if (item === true || item === 'verified') return 'verified';
  if (item === 'encrypted') return 'encrypted';
  return 'invalid';
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Throws the 422 for one field of one message. */
export function fail(index: number, field: string, code: string, problem: string): never {
  throw new HttpError(422, code, `messages[${index}].${field} ${problem}.`, { index, field });
}
