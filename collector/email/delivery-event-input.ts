import type { DeliveryEventType } from '../db/schema';
import { HttpError } from '../http/http-error';
import { describeJsonValue, quoteValue } from '../http/describe-value';
import { wrongBodyType } from '../http/read-json';

/** One delivery event as posted, after validation. */
export interface DeliveryEventInput {
  id: string;
  messageId: string;
  type: DeliveryEventType;
  bounceType?: 'hard' | 'soft';
  smtpCode?: number;
  occurredAt: Date;
}

const TYPES = new Set<DeliveryEventType>(['delivered', 'deferred', 'bounced', 'complained', 'blocked']);
const FIELDS = new Set(['id', 'messageId', 'type', 'bounceType', 'smtpCode', 'occurredAt']);
const MAX_EVENTS = 1000;
const EVENTS_EXPECTED = `one event object { id, messageId, type, occurredAt } or an array of 1 to ${MAX_EVENTS} of them`;

/**
 * Clock skew allowed between a sender and the collector: an event may be
 * dated this much after the collector's time, or before its message was
 * queued. Five minutes is a chosen margin for a sender whose time sync has
 * lapsed. A time that is wrong by hours or years is still rejected.
 */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Validates one event object or an array of them. Throws 400 for a body of
 * the wrong type (see wrongBodyType) and 422 naming the first invalid event
 * index and field, such as a time more than MAX_CLOCK_SKEW_MS after `now`.
 */
export function parseDeliveryEvents(body: unknown, now: Date): DeliveryEventInput[] {
  if (typeof body !== 'object' || body === null) throw wrongBodyType(body, EVENTS_EXPECTED);

  const items = Array.isArray(body) ? body : [body];
  if (items.length === 0 || items.length > MAX_EVENTS) {
    throw new HttpError(400, 'invalid_event_count', `The body contains ${items.length} events; send ${EVENTS_EXPECTED}.`);
  }
  return items.map((item, index) => parseEvent(item, index, now));
}

function parseEvent(item: unknown, index: number, now: Date): DeliveryEventInput {
  if (!item || typeof item !== 'object' || Array.isArray(item)) {
    throw new HttpError(400, 'invalid_event', `events[${index}] is ${describeJsonValue(item)}, not a JSON object; send { id, messageId, type, occurredAt }.`, { index });
  }

  const value = item as Record<string, unknown>;
  const unknown = Object.keys(value).find((key) => !FIELDS.has(key));
  if (unknown !== undefined) fail(index, unknown, 'unknown_field', `is not an event field; use only ${[...FIELDS].join(', ')}`);

  const id = value.id;
  if (typeof id !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(id)) fail(index, 'id', 'invalid_field', 'must be your unique event id: 1 to 200 printable ASCII characters');
  const messageId = value.messageId;
  if (typeof messageId !== 'string' || messageId === '') fail(index, 'messageId', 'invalid_field', 'must be the id returned when the message was queued or registered');
  const type = value.type;
  if (typeof type !== 'string' || !TYPES.has(type as DeliveryEventType)) fail(index, 'type', 'invalid_field', `must be one of ${[...TYPES].join(', ')}`);

  const occurredAt = typeof value.occurredAt === 'string' ? new Date(value.occurredAt) : undefined;
  if (!occurredAt || Number.isNaN(occurredAt.getTime()) || !/T.*(Z|[+-]\d\d:\d\d)$/.test(value.occurredAt as string)) {
    fail(index, 'occurredAt', 'invalid_field', 'must be an ISO 8601 time with a zone, such as 2026-03-10T14:00:00Z');
  }
  if (occurredAt!.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) {
    fail(index, 'occurredAt', 'occurred_in_future', `${quoteValue(value.occurredAt)} is more than ${MAX_CLOCK_SKEW_MS / 60_000} minutes after the collector's time ${now.toISOString()}; send the time the event happened, and check the sender's clock`);
  }

  const smtpCode = value.smtpCode;
  if (smtpCode !== undefined && (!Number.isInteger(smtpCode) || (smtpCode as number) < 200 || (smtpCode as number) > 599)) {
    fail(index, 'smtpCode', 'invalid_field', 'must be a three-digit SMTP reply code, such as 550');
  }

  const bounceType = value.bounceType;
  if (type === 'bounced') {
    if (bounceType !== 'hard' && bounceType !== 'soft') fail(index, 'bounceType', 'invalid_field', 'must be hard or soft for a bounced event');
    if (smtpCode === undefined) fail(index, 'smtpCode', 'missing_field', 'is missing; a bounced event needs the SMTP reply code, such as 550');
  } else if (bounceType !== undefined) {
    fail(index, 'bounceType', 'invalid_field', 'is only allowed on bounced events; remove it');
  }

  return {
    id: id as string,
    messageId: messageId as string,
    type: type as DeliveryEventType,
    ...(bounceType !== undefined ? { bounceType: bounceType as 'hard' | 'soft' } : {}),
    ...(smtpCode !== undefined ? { smtpCode: smtpCode as number } : {}),
    occurredAt: occurredAt!,
  };
}

function fail(index: number, field: string, code: string, problem: string): never {
  throw new HttpError(422, code, `events[${index}].${field} ${problem}.`, { index, field });
}
