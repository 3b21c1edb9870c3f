import type { Database } from '../db/open-database';
import { runStatement } from '../db/run-statement';
import type { MachineReason } from '../db/schema';

type Executor = Pick<Database, 'execute'>;

/** An open or click to store, already classified by classifyHit. */
export interface TrackingEvent {
  messageId: string;
  kind: 'open' | 'click';
  linkNumber: number;
  occurredAt: Date;
  machineReason: MachineReason | undefined;
}

/**
 * Clicks on every link of a message within this window are a scanner
 * following all links, not a reader.
 * NOTE: an estimate; a person clicking two links of a two-link message within
 * two seconds is flagged too.
 */
export const ALL_LINKS_WINDOW_MS = 2_000;

/**
 * How long after a human click its workflow engage job waits: the window in
 * which a later click can still turn it into a scanner's, plus a second for
 * that click's batch to commit. The job then acts only if the message still
 * has a human click (see workflows/event-jobs.ts).
 */
export const ENGAGE_CLICK_DELAY_MS = ALL_LINKS_WINDOW_MS + 1_000;

/**
 * Writes a batch of events, usually in one statement and its own
 * transaction. The statement applies the every-link rule, inserts every row,
 * queues the engage jobs of workflow emails and queues the messages for the
 * rollup worker, so a hit costs one round trip to the database whatever the
 * batch holds.
 *
 * Events are classified in batch order, so a later event sees the earlier
 * ones as if they had been written one by one. Given a function, it calls it
 * once to get the batch, after the events of the current turn have joined
 * (see GroupCommit).
 *
 * When a burst of clicks would turn stored human clicks into machine clicks,
 * the statement writes nothing and returns that fact. The batch is then written in a
 * transaction that first reclassifies those stored clicks, so they lose
 * their unique mark before the batch offers new unique rows.
 * NOTE: each statement reads only committed clicks, so two collector
 * processes that write the clicks of one burst at the same moment may both
 * store them as human clicks.
 */
export async function writeTrackingEvents(db: Database, events: TrackingEvent[] | (() => TrackingEvent[])): Promise<void> {
  // Taking the batch after this turn of the event loop lets requests handled in the same turn join it.
  if (typeof events === 'function') await new Promise((resolve) => setImmediate(resolve));
  const batch = typeof events === 'function' ? events() : events;
  if (batch.length === 0) return;

  // PostgreSQL breaks a deadlock between two writers by aborting one of them (a reclassify transaction holds
  // a stored click's index entry while another writer's statement waits on it and holds a key the
  // transaction then offers). The aborted batch wrote nothing, and its retry finds the other one committed.
  for (let attempt = 1; ; attempt++) {
    try {
      await writeBatch(db, batch);
      return;
    } catch (error) {
      if (attempt >= WRITE_ATTEMPTS || !isDeadlock(error)) throw error;
    }
  }
}

/** Attempts at writing a batch that PostgreSQL aborts to break a deadlock, before its hits fail. */
export const WRITE_ATTEMPTS = 3;

async function writeBatch(db: Database, batch: TrackingEvent[]): Promise<void> {
  // Without human clicks the rule has nothing to decide, and the shorter statement keeps the open path fast.
  if (!batch.some((event) => event.kind === 'click' && !event.machineReason)) {
    await runStatement(db, WRITE_CLASSIFIED, [JSON.stringify(classifiedRecords(batch))]);
    return;
  }

  const parameters = [JSON.stringify(ruleRecords(batch)), ALL_LINKS_WINDOW_MS];
  if (!(await writeUnlessStoredClicksChange(db, parameters))) return;

  await db.transaction(async (tx) => {
    // Another process may commit a click that the burst covers between the two statements; the loop
    // reclassifies it too. Each pass reclassifies every such click it finds, so the loop ends once they stop arriving.
    do await runStatement(tx, RECLASSIFY_STORED_CLICKS, parameters);
    while (await writeUnlessStoredClicksChange(tx, parameters));
  });
}

// SQLSTATE 40P01 deadlock_detected, or 40001 serialization_failure, on the error or on the cause drizzle wraps.
function isDeadlock(error: unknown): boolean {
  const { code, cause } = (error ?? {}) as { code?: unknown; cause?: { code?: unknown } };
  return [code, cause?.code].some((value) => value === '40P01' || value === '40001');
}

// Runs WRITE_EVENTS; true when it wrote nothing because stored clicks must be reclassified first.
async function writeUnlessStoredClicksChange(db: Executor, parameters: unknown[]): Promise<boolean> {
  const [row] = await runStatement(db, WRITE_EVENTS, parameters);
  return row?.reclassify === true;
}

function record(event: TrackingEvent, index: number) {
  return { i: index, message_id: event.messageId, kind: event.kind, link_number: event.linkNumber, occurred_at: event.occurredAt.toISOString(), machine_reason: event.machineReason ?? null };
}

// Records of a batch whose reasons are final, each marked `offered` when it is the batch's first human event of
// its message, kind and link.
function classifiedRecords(batch: TrackingEvent[]) {
  const seen = new Set<string>();
  return batch.map((event, index) => {
    const key = `${event.messageId}\u0000${event.kind}\u0000${event.linkNumber}`;
    const offered = !event.machineReason && !seen.has(key);
    if (offered) seen.add(key);
    return { ...record(event, index), offered };
  });
}

// Records for the every-link rule. Each human click carries `batch_links`: the links of the batch's earlier
// clicks on its message within the window before it. Working them out here keeps the statement from scanning
// the whole batch once per click and link.
function ruleRecords(batch: TrackingEvent[]) {
  const clicksByMessage = new Map<string, number[]>();
  return batch.map((event, index) => {
    const base = record(event, index);
    if (event.kind !== 'click') return { ...base, batch_links: [] };

    const earlier = clicksByMessage.get(event.messageId) ?? [];
    const end = event.occurredAt.getTime();
    const links = event.machineReason ? [] : earlier.filter((other) => batch[other]!.occurredAt.getTime() >= end - ALL_LINKS_WINDOW_MS && batch[other]!.occurredAt.getTime() <= end).map((other) => batch[other]!.linkNumber);
    clicksByMessage.set(event.messageId, [...earlier, index]);
    return { ...base, batch_links: [...new Set(links)] };
  });
}

// The statements below share two parameters: $1, the batch as ruleRecords returns it, where `i` is the position
// in the batch; $2, the every-link window in milliseconds.
//
// The every-link rule: a human click that, with the clicks of the window before it (stored ones and the
// batch's earlier ones, human or machine), covers every link of a message with two or more links is a burst.
// The burst makes that click and the human clicks of its window machine clicks, stored ones included. A burst
// is found as a click for which no other link of its message lacks a click in the window: one probe of the
// (message, kind, link, time) index per other link, however many clicks the window holds. burst_clicks are the
// stored human clicks that the bursts cover, found with one scan per message over the span of its bursts
// rather than one per burst, because a scanner's batch may hold hundreds of bursts of one message.
const BATCH_AND_BURSTS = `
    x AS (
      SELECT * FROM jsonb_to_recordset($1::jsonb)
        AS x(i integer, message_id text, kind text, link_number integer, occurred_at timestamptz, machine_reason text, batch_links integer[])
    ), multi_link AS (
      SELECT message_id FROM tracking_links
      WHERE link_number > 0 AND message_id IN (SELECT message_id FROM x WHERE kind = 'click' AND machine_reason IS NULL)
      GROUP BY message_id HAVING count(*) >= 2
    ), bursts AS (
      SELECT c.i, c.message_id, c.occurred_at - $2::integer * interval '1 millisecond' AS window_start, c.occurred_at AS window_end
      FROM x c
      WHERE c.kind = 'click' AND c.machine_reason IS NULL AND c.message_id IN (SELECT message_id FROM multi_link)
        AND NOT EXISTS (
          SELECT 1 FROM tracking_links l
          WHERE l.message_id = c.message_id AND l.link_number > 0 AND l.link_number <> c.link_number
            AND l.link_number <> ALL (c.batch_links)
            AND NOT EXISTS (
              SELECT 1 FROM tracking_events e
              WHERE e.message_id = c.message_id AND e.kind = 'click' AND e.link_number = l.link_number
                AND e.occurred_at >= c.occurred_at - $2::integer * interval '1 millisecond' AND e.occurred_at <= c.occurred_at))
    ), burst_ranges AS (
      SELECT message_id, min(window_start) AS range_start, max(window_end) AS range_end FROM bursts GROUP BY message_id
    ), burst_clicks AS (
      SELECT e.id FROM burst_ranges r
      JOIN tracking_events e ON e.message_id = r.message_id AND e.kind = 'click' AND e.machine_reason IS NULL
       AND e.occurred_at >= r.range_start AND e.occurred_at <= r.range_end
      WHERE EXISTS (
        SELECT 1 FROM bursts b
        WHERE b.message_id = e.message_id AND e.occurred_at >= b.window_start AND e.occurred_at <= b.window_end)
    )`;

// Stores the rows of a CTE named `rows` (message_id, kind, link_number, occurred_at, machine_reason, offered).
//
// The partial unique index admits one unique row per message, kind and link. The first human event of each is
// offered as unique. One that loses to an earlier or concurrent writer is stored as a repeat, in the same
// statement. Offered rows go in (message, kind, link) order, so concurrent batches wait on each other in one
// order. The same statement queues an engage job (see workflows/event-jobs.ts) for the first human open or
// click of each workflow email, so the event reaches the workflow engine as durably as it is stored. A click's
// job is due ENGAGE_CLICK_DELAY_MS later. It also
// adds one rollup_queue row per message, with its opens to add, or asking for a recount when the batch has
// clicks (see reports/rollup-queue.ts).
const STORE_ROWS = `
    won AS (
      INSERT INTO tracking_events (message_id, kind, link_number, occurred_at, machine_reason, is_unique)
      SELECT message_id, kind, link_number, occurred_at, machine_reason, true FROM rows
      WHERE offered
      ORDER BY message_id COLLATE "C", kind COLLATE "C", link_number
      ON CONFLICT DO NOTHING
      RETURNING message_id, kind, link_number
    ), repeats AS (
      INSERT INTO tracking_events (message_id, kind, link_number, occurred_at, machine_reason, is_unique)
      SELECT message_id, kind, link_number, occurred_at, machine_reason, false FROM rows
      WHERE NOT offered
         OR NOT EXISTS (SELECT 1 FROM won WHERE won.message_id = rows.message_id AND won.kind = rows.kind AND won.link_number = rows.link_number)
    ), engaged AS (
      INSERT INTO workflow_jobs (run_id, step_id, kind, due_at)
      SELECT DISTINCT ON (rows.message_id, rows.kind) rows.message_id, rows.kind, 'engage',
             rows.occurred_at + CASE WHEN rows.kind = 'click' THEN ${ENGAGE_CLICK_DELAY_MS} ELSE 0 END * interval '1 millisecond'
      FROM rows
      JOIN workflow_emails w ON w.message_id = rows.message_id
      WHERE rows.machine_reason IS NULL AND ((rows.kind = 'open' AND w.opened_at IS NULL) OR (rows.kind = 'click' AND w.clicked_at IS NULL))
      ORDER BY rows.message_id, rows.kind, rows.occurred_at
      ON CONFLICT DO NOTHING
    ), queued AS (
      INSERT INTO rollup_queue (message_id, opens_human, opens_all, recount)
      SELECT message_id, count(*) FILTER (WHERE kind = 'open' AND machine_reason IS NULL), count(*) FILTER (WHERE kind = 'open'), bool_or(kind = 'click')
      FROM rows GROUP BY message_id
    )`;

// $1: a batch without human clicks, as classifiedRecords returns it.
const WRITE_CLASSIFIED = `
    WITH rows AS (
      SELECT * FROM jsonb_to_recordset($1::jsonb)
        AS x(message_id text, kind text, link_number integer, occurred_at timestamptz, machine_reason text, offered boolean)
    ), ${STORE_ROWS}
    SELECT false AS reclassify`;

// Applies the every-link rule and stores the batch. Returns one row, reclassify: true when a burst covers stored
// human clicks. Then it writes nothing, because the batch would offer unique rows that those stored clicks still
// hold. Otherwise it stores every row of the batch with its reason, the burst's included, and offers the first
// human event of each message, kind and link.
const WRITE_EVENTS = `
    WITH ${BATCH_AND_BURSTS}, stale AS (
      SELECT EXISTS (SELECT 1 FROM burst_clicks) AS found
    ), classified AS (
      SELECT x.i, x.message_id, x.kind, x.link_number, x.occurred_at,
             COALESCE(x.machine_reason, CASE WHEN x.kind = 'click' AND EXISTS (
               SELECT 1 FROM bursts b
               WHERE b.message_id = x.message_id AND b.i >= x.i AND x.occurred_at >= b.window_start AND x.occurred_at <= b.window_end
             ) THEN 'all_links_at_once' END) AS machine_reason
      FROM x WHERE NOT (SELECT found FROM stale)
    ), rows AS (
      SELECT *, machine_reason IS NULL AND i = min(i) FILTER (WHERE machine_reason IS NULL) OVER (PARTITION BY message_id, kind, link_number) AS offered
      FROM classified
    ), ${STORE_ROWS}
    SELECT found AS reclassify FROM stale`;

// Turns the stored human clicks that the batch's bursts cover into machine clicks without a unique mark.
const RECLASSIFY_STORED_CLICKS = `
    WITH ${BATCH_AND_BURSTS}
    UPDATE tracking_events SET machine_reason = 'all_links_at_once', is_unique = false
    WHERE id IN (SELECT id FROM burst_clicks)`;
