import { and, desc, inArray, lt } from 'drizzle-orm';
import type { AuditEntry } from '../audit/audit-log';
import type { Database } from '../db/open-database';
import { auditLog } from '../db/schema';

/** One page of the audit log, newest first, and the `before` value of the next page (null on the last). */
export interface AuditPage {
  items: AuditEntry[];
  nextBefore: number | null;
}

/**
 * Lists audit entries with `seq` below `before`, newest first, limited to
 * `actions` when given (reviewers see only reads of submissions).
 */
export async function listAuditPage(db: Database, options: { limit: number; before?: number; actions?: readonly string[] }): Promise<AuditPage> {
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(options.before ? lt(auditLog.seq, options.before) : undefined, options.actions ? inArray(auditLog.action, [...options.actions]) : undefined))
    .orderBy(desc(auditLog.seq))
    .limit(options.limit + 1);

  const items = rows.slice(0, options.limit);
  return { items, nextBefore: rows.length > options.limit ? (items.at(-1)?.seq ?? null) : null };
}
