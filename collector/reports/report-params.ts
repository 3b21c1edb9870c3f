import { HttpError } from '../http/http-error';
import { DEFAULT_TIME_ZONE, invalidTimeZone, isReportTimeZone } from './time-zone-param';

/** Bucket sizes a report can use; weeks start on Monday (ISO 8601). */
export type ReportInterval = 'hour' | 'day' | 'week' | 'month';

/** A message attribute to split a report by. */
export type ReportSplit = { kind: 'none' } | { kind: 'subject' | 'from' | 'recipient_domain' | 'campaign' } | { kind: 'custom'; key: string };

/** Validated query parameters of the deliverability report. */
export interface ReportParams {
  from: Date;
  to: Date;
  tz: string;
  interval: ReportInterval;
  split: ReportSplit;
  includeMachine: boolean;
  format: 'json' | 'csv';
}

/** Largest number of buckets in one report. */
export const MAX_BUCKETS = 5000;

/** Query parameters of the deliverability report. */
export const REPORT_PARAMETERS = ['from', 'to', 'tz', 'interval', 'split', 'include_machine', 'format'] as const;

const PARAMETERS = new Set<string>(REPORT_PARAMETERS);
const INTERVALS = new Set<ReportInterval>(['hour', 'day', 'week', 'month']);
const APPROXIMATE_MS: Record<ReportInterval, number> = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000, month: 28 * 86_400_000 };

// An ISO 8601 date and time with seconds optional and a zone required, so the instant is unambiguous.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

// The same time whose "+" arrived as a space, as an unencoded + in a query string does.
const SPACE_FOR_OFFSET_SIGN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)? \d{2}:\d{2}$/;

/** Validates the query; every problem is a 400 whose code names the parameter. */
export function parseReportParams(query: Record<string, string>): ReportParams {
  const unknown = Object.keys(query).find((name) => !PARAMETERS.has(name));
  if (unknown !== undefined) reject('unknown_parameter', `The parameter ${JSON.stringify(unknown)} is not supported; use ${[...PARAMETERS].join(', ')}.`);

  const from = readInstant(query, 'from');
  const to = readInstant(query, 'to');
  if (from >= to) reject('invalid_range', 'from must be earlier than to; swap them or widen the range.');

  // The route replaces tz with its canonical spelling, which needs the database (canonicalTimeZone).
  const tz = query.tz ?? DEFAULT_TIME_ZONE;
  if (!isReportTimeZone(tz)) throw invalidTimeZone(tz);

  const interval = (query.interval ?? 'day') as ReportInterval;
  if (!INTERVALS.has(interval)) reject('invalid_interval', `interval ${JSON.stringify(query.interval)} is not supported; use hour, day, week or month.`);
  if ((to.getTime() - from.getTime()) / APPROXIMATE_MS[interval] > MAX_BUCKETS) {
    reject('too_many_buckets', `The range holds more than ${MAX_BUCKETS} ${interval} buckets; shorten the range or use a longer interval.`);
  }

  return { from, to, tz, interval, split: readSplit(query.split), includeMachine: readBoolean(query.include_machine), format: readFormat(query.format) };
}

function readInstant(query: Record<string, string>, name: 'from' | 'to'): Date {
  const text = query[name];
  if (text === undefined) reject(`missing_${name}`, `${name} is missing; give an ISO 8601 time with a zone, such as 2026-03-01T00:00:00-05:00.`);
  if (SPACE_FOR_OFFSET_SIGN.test(text)) {
    const encoded = text.replace(' ', '%2B');
    reject(`invalid_${name}`, `${name} ${JSON.stringify(text)} has a space where the offset's sign belongs: a query string reads "+" as a space, so send "+" as %2B, as in ${name}=${encoded}.`);
  }

  const value = new Date(text);
  if (!INSTANT.test(text) || Number.isNaN(value.getTime())) {
    reject(`invalid_${name}`, `${name} ${JSON.stringify(text)} is not an ISO 8601 time with a zone; use a form such as 2026-03-01T00:00:00-05:00 or 2026-03-01T05:00:00Z.`);
  }
  return value;
}

function readSplit(text: string | undefined): ReportSplit {
  if (text === undefined || text === '') return { kind: 'none' };
  if (text === 'subject' || text === 'from' || text === 'recipient_domain' || text === 'campaign') return { kind: text };

  const custom = /^custom:([A-Za-z0-9_-]{1,40})$/.exec(text);
  if (custom) return { kind: 'custom', key: custom[1]! };
  reject('invalid_split', `split ${JSON.stringify(text)} is not supported; use subject, from, recipient_domain, campaign or custom:KEY with a custom field key.`);
}

function readBoolean(text: string | undefined): boolean {
  if (text === undefined || text === 'false') return false;
  if (text === 'true') return true;
  reject('invalid_include_machine', `include_machine ${JSON.stringify(text)} is invalid; use true or false.`);
}

function readFormat(text: string | undefined): 'json' | 'csv' {
  if (text === undefined || text === 'json') return 'json';
  if (text === 'csv') return 'csv';
  reject('invalid_format', `format ${JSON.stringify(text)} is not supported; use json or csv.`);
}

function reject(code: string, message: string): never {
  throw new HttpError(400, code, message);
}
