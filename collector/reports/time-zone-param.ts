import { sql } from 'drizzle-orm';
import type { Database } from '../db/open-database';
import { rowsOf } from '../db/run-statement';
import { HttpError } from '../http/http-error';

/** Zone of a report when the request has no `tz`. */
export const DEFAULT_TIME_ZONE = 'UTC';

/** Returns whether Node's Intl accepts `name` as a time zone. Names with spaces, commas or quotes are rejected. */
export function isReportTimeZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Builds the 400 for a `tz` that is not an IANA time zone, the same on every report route. */
export function invalidTimeZone(name: string): HttpError {
  return new HttpError(400, 'invalid_tz', `tz ${JSON.stringify(name)} is not an IANA time zone; use a name such as America/New_York, Asia/Kolkata or UTC, or leave tz out for ${DEFAULT_TIME_ZONE}.`);
}

/**
 * Returns `name` spelled as the IANA zone database spells it
 * (america/chicago becomes America/Chicago), or throws `invalid_tz`.
 *
 * PostgreSQL looks the name up case-insensitively among its zone files and
 * returns the file's spelling. Intl's resolvedOptions would also fix the
 * case, but Node 20's ICU replaces current names with older ones
 * (Asia/Kolkata becomes Asia/Calcutta, Europe/Kyiv becomes Europe/Kiev).
 * Setting the zone local to the statement's own transaction leaves the
 * connection's zone as it was.
 */
export async function canonicalTimeZone(db: Pick<Database, 'execute'>, name: string): Promise<string> {
  if (!isReportTimeZone(name)) throw invalidTimeZone(name);

  try {
    const [row] = rowsOf(await db.execute(sql`SELECT set_config('TimeZone', ${name}, true) AS name`));
    return String(row!.name);
  } catch (error) {
    // 22023 invalid_parameter_value: a zone that Intl accepts but this database's zone files lack.
    if (sqlState(error) === '22023') throw invalidTimeZone(name);
    throw error;
  }
}

function sqlState(error: unknown): string | undefined {
  const { code, cause } = error as { code?: string; cause?: { code?: string } };
  return cause?.code ?? code;
}
