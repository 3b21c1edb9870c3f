import { sql } from 'drizzle-orm';
import type { Database } from '../db/open-database';
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
 * every-link rule (two reads). When the rule turns stored clicks into
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
  const reclassify = await applyAllLinksRule(db, rows);
  if (reclassify.length === 0) {
    await insertRows(db, rows, preparedClient(db));
    return;
  }

  // Stored clicks that the batch turns into machine clicks lose their unique mark before the insert
  // statement offers new unique rows, and both commit together.
  await db.transaction(async (tx) => {
    await tx.execute(sql`
      UPDATE tracking_events SET machine_reason = 'all_links_at_once', is_unique = false
      WHERE id IN (SELECT jsonb_array_elements_text(${JSON.stringify(reclassify.map(String))}::jsonb)::bigint) AND machine_reason IS NULL`);
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
async function insertRows(tx: Executor, rows: Row[], client?: PreparingClient): Promise<void> {
  const candidates = new Map<string, Row>();
  for (const row of rows) {
    const key = uniqueKey(row.event);
    if (!row.reason && !candidates.has(key)) candidates.set(key, row);
  }

  const offered = [...candidates.entries()].sort(([a], [b]) => compareCodeUnits(a, b)).map(([, row]) => row);
  const rest = rows.filter((row) => !offered.includes(row));
  const records = [...offered.map((row) => record(row, true)), ...rest.map((row) => record(row, false))];
  const json = JSON.stringify(records);

  if (client) {
    await client.unsafe(INSERT_EVENTS, [json], { prepare: true });
    return;
  }
  const [head, tail] = INSERT_EVENTS.split('$1');
  await tx.execute(sql`${sql.raw(head!)}${json}${sql.raw(tail!)}`);
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

/** The part of a postgres.js client that runs a prepared statement. */
interface PreparingClient {
  unsafe(query: string, parameters: unknown[], options: { prepare: boolean }): PromiseLike<unknown>;
}

/**
 * Returns the postgres.js client behind a database handle (not a
 * transaction), or undefined for PGlite. Drizzle's execute never asks postgres.js to
 * prepare, so PostgreSQL parsed and planned INSERT_EVENTS for every batch:
 * 0.5 of the 1.3 ms that a 25-event batch took on an idle server. Prepared,
 * the statement is planned once per connection.
 */
function preparedClient(db: Database): PreparingClient | undefined {
  const client = (db as { $client?: Partial<PreparingClient> }).$client;
  return typeof client?.unsafe === 'function' ? (client as PreparingClient) : undefined;
}

function record({ event, reason }: Row, offered: boolean) {
  return { message_id: event.messageId, kind: event.kind, link_number: event.linkNumber, occurred_at: event.occurredAt.toISOString(), machine_reason: reason ?? null, offered };
}

/**
 * A human click that, with the clicks of the window before it, covers every
 * link of a message with two or more links makes the whole burst machine
 * clicks. It sets the reason on the batch's rows and returns the ids of the
 * stored human clicks that must lose their unique mark.
 *
 * The reads need no transaction of their own: under READ COMMITTED each one
 * saw only committed clicks inside a transaction too.
 */
async function applyAllLinksRule(db: Executor, rows: Row[]): Promise<number[]> {
  const clicked = [...new Set(rows.filter((row) => row.event.kind === 'click' && !row.reason).map((row) => row.event.messageId))];
  if (clicked.length === 0) return [];

  const linkCounts = await countLinks(db, clicked);
  const candidates = clicked.filter((id) => (linkCounts.get(id) ?? 0) >= 2);
  if (candidates.length === 0) return [];

  const clicks = rows.filter((row) => row.event.kind === 'click');
  const times = clicks.map((row) => row.event.occurredAt.getTime());
  const stored = await storedClicks(db, candidates, new Date(Math.min(...times) - ALL_LINKS_WINDOW_MS), new Date(Math.max(...times)));

  const reclassify = new Set<number>();
  for (const [index, row] of rows.entries()) {
    const { event } = row;
    const links = linkCounts.get(event.messageId) ?? 0;
    if (event.kind !== 'click' || row.reason || links < 2) continue;

    const inWindow = (messageId: string, at: Date) => messageId === event.messageId && at >= new Date(event.occurredAt.getTime() - ALL_LINKS_WINDOW_MS) && at <= event.occurredAt;
    const storedBurst = stored.filter((click) => inWindow(click.messageId, click.occurredAt));
    const earlierBurst = clicks.filter((click) => rows.indexOf(click) < index && inWindow(click.event.messageId, click.event.occurredAt));
    const covered = new Set([...storedBurst.map((click) => click.linkNumber), ...earlierBurst.map((click) => click.event.linkNumber), event.linkNumber]);
    if (covered.size < links) continue;

    row.reason = 'all_links_at_once';
    for (const click of earlierBurst) click.reason ??= 'all_links_at_once';
    for (const click of storedBurst) {
      if (click.machineReason !== null) continue;
      click.machineReason = 'all_links_at_once';
      reclassify.add(click.id);
    }
  }

  return [...reclassify];
}

async function countLinks(tx: Executor, messageIds: string[]): Promise<Map<string, number>> {
  const rows = rowsOf(
    await tx.execute(sql`
      SELECT message_id, count(*)::int AS links FROM tracking_links
      WHERE message_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(messageIds)}::jsonb)) AND link_number > 0
      GROUP BY message_id`),
  );
  return new Map(rows.map((row) => [String(row.message_id), Number(row.links)]));
}

async function storedClicks(tx: Executor, messageIds: string[], from: Date, to: Date) {
  const rows = rowsOf(
    await tx.execute(sql`
      SELECT id, message_id, link_number, occurred_at, machine_reason FROM tracking_events
      WHERE message_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(messageIds)}::jsonb)) AND kind = 'click'
        AND occurred_at >= ${from.toISOString()}::timestamptz AND occurred_at <= ${to.toISOString()}::timestamptz`),
  );
  return rows.map((row) => ({ id: Number(row.id), messageId: String(row.message_id), linkNumber: Number(row.link_number), occurredAt: new Date(row.occurred_at as string | Date), machineReason: (row.machine_reason as string | null) ?? null }));
}

function uniqueKey(event: TrackingEvent): string {
  return `${event.messageId}\u0000${event.kind}\u0000${event.linkNumber}`;
}

function compareCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

// PGlite returns { rows }, postgres.js an array of rows.
function rowsOf(result: unknown): Record<string, unknown>[] {
  return Array.isArray(result) ? (result as Record<string, unknown>[]) : ((result as { rows: Record<string, unknown>[] }).rows ?? []);
}
