// SQLSTATE classes and driver codes that mean the database cannot be reached
// right now, as opposed to a query that is wrong: class 08 (connection
// exception), 57P01-57P03 (shutdown, crash, not yet accepting connections),
// 53300 (too many connections), and postgres.js's own connection codes.
const SQLSTATE_PREFIXES = ['08'];
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const DRIVER_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED']);

/** Seconds a client should wait before retrying while the database is unavailable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * Tells whether an error, or any error in its `cause` chain, means the
 * database is unreachable, so the request may succeed if retried later.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (DRIVER_CODES.has(code) || SQLSTATES.has(code) || SQLSTATE_PREFIXES.some((prefix) => code.startsWith(prefix) && code.length === 5))) {
      return true;
    }
    if (current instanceof AggregateError && current.errors.some(isDatabaseUnavailable)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
