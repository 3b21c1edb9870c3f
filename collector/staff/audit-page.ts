import { and, desc, eq, gte, inArray, lt, type SQL } from 'drizzle-orm';
import type { AuditEntry } from '../audit/audit-log';
import type { Database } from '../db/open-database';
import { auditLog } from '../db/schema';

/** One page of the audit log, newest first, and the `before` value of the next page (null on the last). */
export interface AuditPage {
  items: AuditEntry[];
  nextBefore: number | null;
}

/** Filters of an audit page; each one given narrows the list. */
export interface AuditFilter {
  limit: number;
  before?: number;
  /** Actions the caller may see at all (reviewers see only reads of submissions). */
  actions?: readonly string[];
  /** One action, such as `submission.decrypt`. */
  action?: string;
  /** One actor, such as `staff:<id>` or `system:retention`. */
  actor?: string;
  /** Entries at or after this instant. */
  from?: Date;
  /** Entries before this instant. */
  to?: Date;
}

/**
 * Lists audit entries with `seq` below `before`, newest first, narrowed by
 * the filters that are given.
 */
export async function listAuditPage(db: Database, options: AuditFilter): Promise<AuditPage> {
  const conditions: (SQL | undefined)[] = [
    options.before ? lt(auditLog.seq, options.before) : undefined,
    options.actions ? inArray(auditLog.action, [...options.actions]) : undefined,
    options.action ? eq(auditLog.action, options.action) : undefined,
    options.actor ? eq(auditLog.actor, options.actor) : undefined,
    options.from ? gte(auditLog.at, options.from) : undefined,
    options.to ? lt(auditLog.at, options.to) : undefined,
  ];
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.seq))
    .limit(options.limit + 1);

  const items = rows.slice(0, options.limit);
  return { items, nextBefore: rows.length > options.limit ? (items.at(-1)?.seq ?? null) : null };
}
