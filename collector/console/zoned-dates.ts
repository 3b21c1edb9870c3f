/**
 * Calendar dates in an IANA time zone, computed with Intl so the console
 * needs no time zone library. Dates are `YYYY-MM-DD` strings, as date inputs use.
 */

/** Returns today's date in `timeZone`. */
export function todayIn(timeZone: string, now = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const part = (type: string) => parts.find((item) => item.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** Adds whole days to a date; the result is a date again. */
export function addDays(date: string, days: number): string {
  const time = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(time).toISOString().slice(0, 10);
}

/**
 * Returns the instant at which `date` begins in `timeZone`, as an ISO string
 * in UTC. Where a DST change skips midnight, the first instant of that day.
 */
export function startOfDay(date: string, timeZone: string): string {
  const wallClock = Date.parse(`${date}T00:00:00Z`);
  let instant = wallClock - offsetMs(wallClock, timeZone);
  // The offset at the guess can differ from the offset at midnight itself on a DST day, so correct once.
  instant = wallClock - offsetMs(instant, timeZone);
  return new Date(instant).toISOString();
}

/** Lists the time zones the browser supports, with the browser's own zone and UTC first. */
export function knownTimeZones(): string[] {
  const own = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set([own, 'UTC', ...all])];
}

// How far the zone's wall clock is ahead of UTC at an instant, in milliseconds.
function offsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(new Date(instant));
  const value = (type: string) => Number(parts.find((item) => item.type === type)?.value ?? 0);
  const asUtc = Date.UTC(value('year'), value('month') - 1, value('day'), value('hour'), value('minute'), value('second'));
  return asUtc - Math.floor(instant / 1000) * 1000;
}
