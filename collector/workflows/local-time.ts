const LOCAL_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Tells whether a string is an IANA time zone name that this Node.js supports. */
export function isTimeZone(name: unknown): name is string {
  if (typeof name !== 'string' || name === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Tells whether a string is a local time of day as HH:MM (24-hour). */
export function isLocalTime(text: unknown): text is string {
  return typeof text === 'string' && LOCAL_TIME.test(text);
}

/**
 * Returns the first instant strictly after `now` at which the wall clock in
 * `timeZone` shows `hhmm`. On a day where that time does not exist (a DST gap)
 * the result lands the gap's length later, as wall clocks do.
 */
export function nextLocalTime(now: Date, hhmm: string, timeZone: string): Date {
  const [hours, minutes] = hhmm.split(':').map(Number) as [number, number];

  for (let dayOffset = 0; dayOffset <= 2; dayOffset++) {
    const local = wallClock(new Date(now.getTime() + dayOffset * 86_400_000), timeZone);
    const guess = Date.UTC(local.year, local.month - 1, local.day, hours, minutes);
    // Correct the UTC guess by the zone's offset at that moment, twice, so a DST change in between is absorbed.
    let candidate = guess - offsetMs(new Date(guess), timeZone);
    candidate = guess - offsetMs(new Date(candidate), timeZone);
    if (candidate > now.getTime()) return new Date(candidate);
  }
  throw new Error(`No ${hhmm} in ${timeZone} within two days of ${now.toISOString()}.`);
}

/**
 * Returns the instant at which the wall clock in `timeZone` shows the given
 * date and HH:MM, with the same DST-gap rule as nextLocalTime.
 */
export function zonedInstant(date: { year: number; month: number; day: number }, hhmm: string, timeZone: string): Date {
  const [hours, minutes] = hhmm.split(':').map(Number) as [number, number];
  const guess = Date.UTC(date.year, date.month - 1, date.day, hours, minutes);
  const first = guess - offsetMs(new Date(guess), timeZone);
  return new Date(guess - offsetMs(new Date(first), timeZone));
}

function wallClock(instant: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23' }).formatToParts(instant);
  const part = (type: string) => Number(parts.find((item) => item.type === type)!.value);
  return { year: part('year'), month: part('month'), day: part('day'), hour: part('hour'), minute: part('minute'), second: part('second') };
}

function offsetMs(instant: Date, timeZone: string): number {
  const local = wallClock(instant, timeZone);
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}
