const MAX_QUOTED_CHARS = 60;

/**
 * Describes a JSON value for error messages: `null`, `the number 5`,
 * `true`, `an array`, `an object` or `a string`. A string's content is left
 * out because it may be PHI; use quoteValue for strings known to be PHI-free.
 */
export function describeJsonValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : 'an array';

  switch (typeof value) {
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return String(value);
    case 'string':
      return value === '' ? 'an empty string' : 'a string';
    default:
      return 'an object';
  }
}

/**
 * Quotes a PHI-free value as JSON, such as `"maybe"`, shortened to 60
 * characters so a long value cannot flood a response. Objects and arrays
 * are named by type only.
 */
export function quoteValue(value: unknown): string {
  if (typeof value !== 'string') return describeJsonValue(value);

  const quoted = JSON.stringify(value);
  return quoted.length <= MAX_QUOTED_CHARS ? quoted : `${quoted.slice(0, MAX_QUOTED_CHARS - 2)}…"`;
}
