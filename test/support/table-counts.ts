import { sql } from 'drizzle-orm';
import type { Database } from '../../collector/db/open-database';

/** Tables that a request to the routes under attack could change. */
const TABLES = [
  'api_keys', 'audit_log', 'contacts', 'messages', 'tracking_links', 'tracking_events', 'delivery_events', 'message_rollups_hourly', 'message_rollups_by_dimension', 'message_rollups_by_quarter', 'rollup_queue',
  'staff_users', 'staff_sessions', 'sign_in_throttle', 'forms', 'form_versions', 'form_keys', 'submissions',
  'workflows', 'workflow_versions', 'workflow_runs', 'workflow_step_runs', 'workflow_jobs', 'workflow_emails',
];

/** Columns that record use rather than content: a rejected request still counts as a use of its API key. */
const USAGE_COLUMNS: Record<string, string> = { api_keys: 'last_used_at' };

/**
 * Returns, per table, its row count and an MD5 of all its rows, so a test
 * can assert that a rejected request changed nothing. Tables that do not
 * exist are skipped, and usage columns are left out of the digest.
 */
export async function databaseFingerprint(db: Database): Promise<Record<string, string>> {
  const existing = new Set(rowsOf<{ table_name: string }>(await db.execute(sql`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`)).map((row) => row.table_name));
  const fingerprint: Record<string, string> = {};
  for (const table of TABLES.filter((name) => existing.has(name))) {
    const usage = USAGE_COLUMNS[table];
    const rowText = usage ? sql`(to_jsonb(t) - ${usage})::text` : sql`t::text`;
    const query = sql`SELECT count(*)::text AS n, coalesce(md5(string_agg(${rowText}, '|' ORDER BY ${rowText})), '') AS digest FROM ${sql.identifier(table)} t`;
    const [row] = rowsOf<{ n: string; digest: string }>(await db.execute(query));
    fingerprint[table] = `${row!.n} rows, ${row!.digest}`;
  }
  return fingerprint;
}

// PGlite returns { rows }, postgres.js an array of rows.
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
