import { isCalendarDate } from '../../sdk/validate-answers';

/*
 * Dates and times of answers and limits in the patient's language. Every
 * value is a wall-clock reading without a time zone, so it is read and
 * formatted in UTC, and the day never shifts with the browser's time zone.
 */

const TIME = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/;

/**
 * Formats a `YYYY-MM-DD` date, such as "February 3, 1980" or "3 de febrero
 * de 1980". A value that is not a calendar date is returned as it is.
 *
 * @example
 * formatDate('1980-02-03', 'es'); // '3 de febrero de 1980'
 */
export function formatDate(value: string, locale: string): string {
  const date = utcDate(value);
  if (!date) return value;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}

/**
 * Formats a `YYYY-MM-DDTHH:MM` date and time (seconds optional), such as
 * "February 3, 1980 at 2:30 PM". A value of another shape is returned as it is.
 *
 * @example
 * formatDateTime('1980-02-03T14:30', 'es'); // '3 de febrero de 1980 a las 14:30'
 */
export function formatDateTime(value: string, locale: string): string {
  const [day = '', time = '', extra] = value.split('T');
  const date = utcDate(day);
  if (!date || extra !== undefined || !setTime(date, time)) return value;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(date);
}

/**
 * Formats an `HH:MM` time of day (seconds optional), such as "2:30 PM" or
 * "14:30". A value of another shape is returned as it is.
 *
 * @example
 * formatTime('14:30', 'en'); // '2:30 PM'
 */
export function formatTime(value: string, locale: string): string {
  const date = new Date(0);
  if (!setTime(date, value)) return value;
  return new Intl.DateTimeFormat(locale, { timeStyle: 'short', timeZone: 'UTC' }).format(date);
}

function utcDate(value: string): Date | undefined {
  if (!isCalendarDate(value)) return undefined;

  const [year, month, day] = value.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day));
}

function setTime(date: Date, value: string): boolean {
  const match = TIME.exec(value);
  if (!match) return false;

  date.setUTCHours(Number(match[1]), Number(match[2]), Number(match[3] ?? 0));
  return true;
}
