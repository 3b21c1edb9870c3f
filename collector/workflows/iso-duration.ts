// ISO 8601 durations limited to days, hours, minutes and seconds (P3D,
// PT12H, P1DT30M). Months and years are rejected because their length in
// milliseconds depends on the calendar.
const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** Parses a duration such as P3D or PT2H30M into milliseconds; undefined when invalid or zero. */
export function parseDuration(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const match = DURATION.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) return undefined;

  const [days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number];
  const ms = (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000;
  return ms > 0 ? ms : undefined;
}
