import { sql } from 'drizzle-orm';
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

interface Row {
  event: TrackingEvent;
  reason: MachineReason | undefined;
}

/**
 * Writes a batch of events with a fixed number of statements whatever the
 * batch size. The write is one statement in its own transaction: it inserts
 * every row, queues the engage jobs of workflow emails and queues the
 * messages for the rollup worker. A batch with human clicks first runs the
 * every-link rule (one read). When the rule turns stored clicks into
 * machine clicks, an update of those rows runs in one transaction with the
 * statement.
 *
 * Events are classified in batch order, so a later event sees the earlier
 * ones as if they had been written one by one. Given a function, it calls it
 * once to get the batch, after the events of the current turn have joined
 * (see GroupCommit).
 */
export async function writeTrackingEvents(db: Database, events: TrackingEvent[] | (() => TrackingEvent[])): Promise<void> {
  // Taking the batch after this turn of the event loop lets requests handled in the same turn join it.
  if (typeof events === 'function') await new Promise((resolve) => setImmediate(resolve));
  const batch = typeof events === 'function' ? events() : events;
  if (batch.length === 0) return;

  const rows = batch.map((event) => ({ event, reason: event.machineReason }));
  const bursts = await applyAllLinksRule(db, rows);
  if (bursts.length === 0) {
    await insertRows(db, rows);
    return;
  }

  // Stored clicks that the batch turns into machine clicks lose their unique mark before the insert
  // statement offers new unique rows, and both commit together.
  await db.transaction(async (tx) => {
    await tx.execute(sql`
      UPDATE tracking_events SET machine_reason = 'all_links_at_once', is_unique = false
      FROM jsonb_to_recordset(${JSON.stringify(bursts)}::jsonb) AS b(message_id text, "from" timestamptz, "to" timestamptz)
      WHERE tracking_events.message_id = b.message_id AND tracking_events.kind = 'click' AND tracking_events.machine_reason IS NULL
        AND tracking_events.occurred_at >= b."from" AND tracking_events.occurred_at <= b."to"`);
    await insertRows(tx, rows);
  });
}

// The partial unique index admits one unique row per message, kind and link. The first human event
// of each is offered as unique; one that loses to an earlier or concurrent writer is stored as a repeat,
// in the same statement. Offered rows go in (message, kind, link) order, so concurrent batches wait on
// each other in one order. The same statement queues an engage job (see workflows/event-jobs.ts) for
// the first human open or click of each workflow email, so the event reaches the workflow engine as
// durably as it is stored, at no extra round trip. It also adds one rollup_queue row per message, with
// its opens to add, or asking for a recount when the batch has clicks (see reports/rollup-queue.ts).
async function insertRows(tx: Executor, rows: Row[]): Promise<void> {
  const candidates = new Map<string, Row>();
  for (const row of rows) {
    const key = uniqueKey(row.event);
    if (!row.reason && !candidates.has(key)) candidates.set(key, row);
  }

  const offered = [...candidates.entries()].sort(([a], [b]) => compareCodeUnits(a, b)).map(([, row]) => row);
  const rest = rows.filter((row) => !offered.includes(row));
  const records = [...offered.map((row) => record(row, true)), ...rest.map((row) => record(row, false))];
  await runStatement(tx, INSERT_EVENTS, [JSON.stringify(records)]);
}

// One parameter, $1: the batch's records as a JSON array.
const INSERT_EVENTS = `
    WITH x AS (
      SELECT * FROM jsonb_to_recordset($1::jsonb)
        AS x(message_id text, kind text, link_number integer, occurred_at timestamptz, machine_reason text, offered boolean)
    ), won AS (
      INSERT INTO tracking_events (message_id, kind, link_number, occurred_at, machine_reason, is_unique)
      SELECT message_id, kind, link_number, occurred_at, machine_reason, true FROM x WHERE offered
      ON CONFLICT DO NOTHING
      RETURNING message_id, kind, link_number
    ), engaged AS (
      INSERT INTO workflow_jobs (run_id, step_id, kind, due_at)
      SELECT DISTINCT ON (x.message_id, x.kind) x.message_id, x.kind, 'engage', x.occurred_at FROM x
      JOIN workflow_emails w ON w.message_id = x.message_id
      WHERE x.machine_reason IS NULL AND ((x.kind = 'open' AND w.opened_at IS NULL) OR (x.kind = 'click' AND w.clicked_at IS NULL))
      ORDER BY x.message_id, x.kind, x.occurred_at
      ON CONFLICT DO NOTHING
    ), queued AS (
      INSERT INTO rollup_queue (message_id, opens_human, opens_all, recount)
      SELECT message_id, count(*) FILTER (WHERE kind = 'open' AND machine_reason IS NULL), count(*) FILTER (WHERE kind = 'open'), bool_or(kind = 'click')
      FROM x GROUP BY message_id
    )
    INSERT INTO tracking_events (message_id, kind, link_number, occurred_at, machine_reason, is_unique)
    SELECT message_id, kind, link_number, occurred_at, machine_reason, false FROM x
    WHERE NOT offered OR NOT EXISTS (SELECT 1 FROM won WHERE won.message_id = x.message_id AND won.kind = x.kind AND won.link_number = x.link_number)`;

function record({ event, reason }: Row, offered: boolean) {
  return { message_id: event.messageId, kind: event.kind, link_number: event.linkNumber, occurred_at: event.occurredAt.toISOString(), machine_reason: reason ?? null, offered };
}

/** A burst of clicks on every link of a message: its stored human clicks in the window become machine clicks. */
interface Burst {
  message_id: string;
  from: string;
  to: string;
}

/**
 * A human click that, with the clicks of the window before it, covers every
 * link of a message with two or more links makes the whole burst machine
 * clicks. It sets the reason on the batch's rows and returns the bursts whose
 * stored human clicks must become machine clicks and lose their unique mark.
 *
 * One read returns, for each human click of the batch, its message's link
 * count and the links clicked in its window, so the result stays a row per
 * click however many stored clicks the window holds. The read needs no
 * transaction of its own: under READ COMMITTED it saw only committed clicks
 * inside a transaction too.
 */
async function applyAllLinksRule(db: Executor, rows: Row[]): Promise<Burst[]> {
  const human = [...rows.entries()].filter(([, row]) => row.event.kind === 'click' && !row.reason);
  if (human.length === 0) return [];

  const context = await clickContext(db, human.map(([index, row]) => ({ i: index, message_id: row.event.messageId, t: row.event.occurredAt.toISOString() })));
  const clicks = rows.filter((row) => row.event.kind === 'click');
  const bursts: Burst[] = [];
  for (const [index, row] of rows.entries()) {
    const { event } = row;
    const known = context.get(index);
    if (event.kind !== 'click' || row.reason || !known || known.links < 2) continue;

    const from = new Date(event.occurredAt.getTime() - ALL_LINKS_WINDOW_MS);
    const earlierBurst = clicks.filter((click) => rows.indexOf(click) < index && click.event.messageId === event.messageId && click.event.occurredAt >= from && click.event.occurredAt <= event.occurredAt);
    const covered = new Set([...known.storedLinks, ...earlierBurst.map((click) => click.event.linkNumber), event.linkNumber]);
    if (covered.size < known.links) continue;

    row.reason = 'all_links_at_once';
    for (const click of earlierBurst) click.reason ??= 'all_links_at_once';
    bursts.push({ message_id: event.messageId, from: from.toISOString(), to: event.occurredAt.toISOString() });
  }
  return bursts;
}

// $1: the batch's human clicks as a JSON array of { i, message_id, t }; $2: the window in milliseconds. A row per
// click: its message's link count, and the links with a stored click in the window before it.
const CLICK_CONTEXT = `
    SELECT c.i, l.links,
           ARRAY(SELECT DISTINCT e.link_number FROM tracking_events e
                 WHERE l.links >= 2 AND e.message_id = c.message_id AND e.kind = 'click'
                   AND e.occurred_at >= c.t - $2::integer * interval '1 millisecond' AND e.occurred_at <= c.t) AS stored_links
    FROM jsonb_to_recordset($1::jsonb) AS c(i integer, message_id text, t timestamptz)
    CROSS JOIN LATERAL (SELECT count(*)::int AS links FROM tracking_links WHERE message_id = c.message_id AND link_number > 0) AS l`;

async function clickContext(db: Executor, clicks: { i: number; message_id: string; t: string }[]): Promise<Map<number, { links: number; storedLinks: number[] }>> {
  const rows = await runStatement(db, CLICK_CONTEXT, [JSON.stringify(clicks), ALL_LINKS_WINDOW_MS]);
  return new Map(rows.map((row) => [Number(row.i), { links: Number(row.links), storedLinks: parseIntegers(row.stored_links) }]));
}

// postgres.js returns an integer array as numbers; PGlite as numbers too, or as its text form {1,2} where
// the type is not known.
function parseIntegers(value: unknown): number[] {
  if (Array.isArray(value)) return value.map(Number);
  if (typeof value === 'string') return value.replace(/[{}]/g, '').split(',').filter(Boolean).map(Number);
  return [];
}

function uniqueKey(event: TrackingEvent): string {
  return `${event.messageId}\u0000${event.kind}\u0000${event.linkNumber}`;
}

function compareCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
