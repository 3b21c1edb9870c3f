import { and, count, desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/open-database';
import { submissions } from '../db/schema';
import { HttpError } from '../http/http-error';
import type { SubmissionMetadata } from '../submissions/read-submissions';

/** One page of the inbox, newest first, and the cursor of the next page (null on the last). */
export interface SubmissionPage {
  items: Omit<SubmissionMetadata, 'kid'>[];
  nextCursor: string | null;
}

/**
 * Lists submission metadata a page at a time, without decrypting. The cursor
 * is the (receivedAt, id) of the last row, so rows received in the same
 * millisecond are neither skipped nor repeated.
 */
export async function listSubmissionPage(db: Database, options: { formId?: string; limit: number; cursor?: string }): Promise<SubmissionPage> {
  const after = options.cursor ? decodeCursor(options.cursor) : undefined;
  const rows = await db
    .select({ id: submissions.id, formId: submissions.formId, formVersion: submissions.formVersion, byteSize: submissions.byteSize, receivedAt: submissions.receivedAt })
    .from(submissions)
    .where(
      and(
        options.formId ? eq(submissions.formId, options.formId) : undefined,
        after ? sql`(${submissions.receivedAt}, ${submissions.id}) < (${after.receivedAt}::timestamptz, ${after.id})` : undefined,
      ),
    )
    .orderBy(desc(submissions.receivedAt), desc(submissions.id))
    .limit(options.limit + 1);

  const items = rows.slice(0, options.limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > options.limit && last ? encodeCursor(last.receivedAt, last.id) : null };
}

/** Counts submissions per form and version: figures without PHI, for analysts. */
export async function countSubmissions(db: Database): Promise<{ formId: string; formVersion: number; submissions: number }[]> {
  const rows = await db
    .select({ formId: submissions.formId, formVersion: submissions.formVersion, n: count() })
    .from(submissions)
    .groupBy(submissions.formId, submissions.formVersion)
    .orderBy(submissions.formId, submissions.formVersion);
  return rows.map((row) => ({ formId: row.formId, formVersion: row.formVersion, submissions: Number(row.n) }));
}

function encodeCursor(receivedAt: Date, id: string): string {
  return Buffer.from(`${receivedAt.toISOString()}|${id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { receivedAt: string; id: string } {
  const [receivedAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!receivedAt || !id || Number.isNaN(Date.parse(receivedAt)) || !/^[0-9A-Z]+$/.test(id)) {
    throw new HttpError(400, 'invalid_cursor', 'The cursor is invalid; pass the nextCursor value of the previous page unchanged, or omit it for the first page.');
  }
  return { receivedAt, id };
}
