import { sql } from 'drizzle-orm';
import type { Database } from '../db/open-database';
import { rowsOf } from '../db/run-statement';
import { applyContributions, EVENT_COUNT_COLUMNS, eventCountsOf, lockRollupMessages, storedEventCounts, type RollupMessage } from './refresh-rollups';
import type { EventCounts } from './rollup-contribution';

/** Messages taken per transaction: enough to sum many events into few rollup rows. */
export const ROLLUP_QUEUE_BATCH = 500;

/** Options of drainRollupQueue. */
export interface DrainOptions {
  /** Messages per transaction. */
  batchSize?: number;
  /**
   * Waits for messages that another transaction is refreshing instead of
   * skipping them. Reports use it, so that they count every event stored
   * before they started.
   */
  wait?: boolean;
}

/**
 * Adds queued tracking events to the rollup tables, `batchSize` messages per
 * transaction, until no message queued before the drain began is left
 * (without `wait`: none that another process is not already handling).
 * Returns how many messages it refreshed. Rows queued during the drain wait
 * for the next one, so a drain ends under a steady stream of events, and
 * each message is refreshed at most about once per drain however many
 * events it gets.
 *
 * Each transaction locks its messages, then deletes every queue row of those
 * messages and, in the same statement and so from the same snapshot, counts
 * the events of the messages that need a recount. An event committed after
 * that snapshot keeps its queue row for a later pass, and one committed
 * before it is either in the recount or in a deleted row's counts, never in
 * both.
 */
export async function drainRollupQueue(db: Database, options: DrainOptions = {}): Promise<number> {
  const batchSize = options.batchSize ?? ROLLUP_QUEUE_BATCH;
  const last = await lastQueuedId(db);
  if (last === null) return 0;

  let total = 0;
  for (;;) {
    const { picked, refreshed } = await db.transaction(async (tx) => {
      const picked = rowsOf(await tx.execute(sql`SELECT DISTINCT message_id FROM rollup_queue WHERE id <= ${last} LIMIT ${batchSize}`));
      const locked = await lockRollupMessages(tx, picked.map((row) => String(row.message_id)), options.wait ? 'wait' : 'skip');
      if (locked.length === 0) return { picked: picked.length, refreshed: 0 };

      const queued = await takeQueuedEvents(tx, locked);
      await applyContributions(tx, locked, (message) => queued.get(message.id) ?? storedEventCounts(message));
      return { picked: picked.length, refreshed: locked.length };
    });

    total += refreshed;
    // Without wait, a pass whose messages were all locked elsewhere ends the drain: that process drains them.
    if (picked === 0 || refreshed === 0) return total;
  }
}

async function lastQueuedId(db: Database): Promise<number | null> {
  const [row] = rowsOf(await db.execute(sql`SELECT max(id) AS last FROM rollup_queue`));
  return row?.last === null || row?.last === undefined ? null : Number(row.last);
}

// Deletes the queue rows of the locked messages and returns their event counts: recounted for a message
// whose rows ask for it or that has no stored contribution yet, otherwise the stored counts plus the opens
// the rows carry.
async function takeQueuedEvents(tx: Parameters<Parameters<Database['transaction']>[0]>[0], locked: RollupMessage[]): Promise<Map<string, EventCounts>> {
  const unrefreshed = locked.filter((message) => !message.rollupContribution).map((message) => message.id);
  const rows = rowsOf(
    await tx.execute(sql`
      WITH taken AS (
        DELETE FROM rollup_queue
        WHERE message_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(locked.map((message) => message.id))}::jsonb))
        RETURNING message_id, opens_human, opens_all, recount
      ), queued AS (
        SELECT message_id, sum(opens_human)::int AS added_human, sum(opens_all)::int AS added_all,
               bool_or(recount) OR message_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(unrefreshed)}::jsonb)) AS recount
        FROM taken GROUP BY message_id
      ), counted AS (
        SELECT message_id, ${EVENT_COUNT_COLUMNS}
        FROM tracking_events
        WHERE message_id IN (SELECT message_id FROM queued WHERE recount)
        GROUP BY message_id
      )
      SELECT queued.*, counted.opens_human, counted.opens_all, counted.clicks_human, counted.clicks_all, counted.links_human, counted.links_all
      FROM queued LEFT JOIN counted USING (message_id)`),
  );

  const byId = new Map(locked.map((message) => [message.id, message]));
  const counts = new Map<string, EventCounts>();
  for (const row of rows) {
    const id = String(row.message_id);
    if (row.recount) {
      counts.set(id, eventCountsOf(row));
      continue;
    }
    const stored = storedEventCounts(byId.get(id)!);
    counts.set(id, { ...stored, opensHuman: stored.opensHuman + Number(row.added_human), opensAll: stored.opensAll + Number(row.added_all) });
  }
  return counts;
}
