import { and, asc, inArray, lte, sql } from 'drizzle-orm';
import type { Database } from '../db/open-database';
import { messages } from '../db/schema';

/**
 * How long a claim lasts. A worker that dies mid-send leaves its messages in
 * `sending`; once the lease ends, another worker claims them again.
 */
export const CLAIM_LEASE_MS = 10 * 60_000;

/**
 * Claims up to `limit` due messages for this worker and counts the attempt.
 * `FOR UPDATE SKIP LOCKED` lets several processes on one PostgreSQL claim
 * side by side: each skips rows another has locked, so no message is claimed twice.
 */
export async function claimDueMessages(db: Database, now: Date, limit: number): Promise<(typeof messages.$inferSelect)[]> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select({ id: messages.id })
      .from(messages)
      .where(and(inArray(messages.status, ['queued', 'sending']), lte(messages.nextAttemptAt, now)))
      .orderBy(asc(messages.nextAttemptAt))
      .limit(limit)
      .for('update', { skipLocked: true });
    if (due.length === 0) return [];

    return tx
      .update(messages)
      .set({ status: 'sending', attempts: sql`${messages.attempts} + 1`, nextAttemptAt: new Date(now.getTime() + CLAIM_LEASE_MS) })
      .where(inArray(messages.id, due.map((row) => row.id)))
      .returning();
  });
}
