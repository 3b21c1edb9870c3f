import { createHash } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/open-database';
import { rowsOf } from '../db/run-statement';
import { messages, ROLLUP_COUNTERS, type RollupCounter } from '../db/schema';
import { contributionOf, type EventCounts } from './rollup-contribution';

/** A transaction or the database itself: anything that can run the rollup statements. */
export type RollupExecutor = Pick<Database, 'select' | 'insert' | 'update' | 'execute'>;

type Contribution = Record<RollupCounter, number>;

const MESSAGE_COLUMNS = {
  id: messages.id,
  fromAddress: messages.fromAddress,
  recipientDomain: messages.recipientDomain,
  subject: messages.subject,
  campaign: messages.campaign,
  customFields: messages.customFields,
  queuedAt: messages.queuedAt,
  sentAt: messages.sentAt,
  deliveredAt: messages.deliveredAt,
  failureKind: messages.failureKind,
  tlsLevel: messages.tlsLevel,
  rollupContribution: messages.rollupContribution,
};

/** The message columns that decide a message's rollup row and counts. */
export type RollupMessage = Pick<typeof messages.$inferSelect, keyof typeof MESSAGE_COLUMNS>;

/** Source of a refresh's event counts: the message's stored contribution, or the events table. */
export type EventCountSource = 'stored' | 'recount';

/**
 * Recomputes what each message contributes to its rollup rows and applies the
 * difference from what it contributed before. Call it inside the transaction
 * that changed the messages.
 *
 * Opens and clicks reach the rollups through rollup_queue (see
 * rollup-queue.ts), so by default the event counts are the ones the message's
 * stored contribution already holds, and only the message's own state (sent,
 * delivered, failed, TLS) is read again. Counting the events here as well
 * would add again the events whose queue rows are still waiting. `recount`
 * counts the events table instead, for rollups built from scratch over
 * events that have no queue rows.
 *
 * The cost is two or three statements whatever the number of messages. They
 * lock the messages in id order, count their events when asked, and add the
 * differences to message_rollups_hourly, message_rollups_by_dimension and
 * message_rollups_by_quarter in the statement that stores the new
 * contributions. Locking first makes concurrent refreshes of one message
 * apply their differences one after the other.
 */
export async function refreshRollups(tx: RollupExecutor, messageIds: Iterable<string>, events: EventCountSource = 'stored'): Promise<void> {
  const locked = await lockRollupMessages(tx, messageIds, 'wait');
  const counted = events === 'recount' ? await eventCounts(tx, locked.map((message) => message.id)) : undefined;
  await applyContributions(tx, locked, (message) => counted?.get(message.id) ?? storedEventCounts(message));
}

/**
 * Locks messages in id order, FOR NO KEY UPDATE, and returns the columns that
 * decide their rollup rows. With `skip`, messages that another transaction
 * has locked are left out instead of waited for.
 */
export async function lockRollupMessages(tx: RollupExecutor, messageIds: Iterable<string>, locked: 'wait' | 'skip'): Promise<RollupMessage[]> {
  const ids = [...new Set(messageIds)].sort(compareCodeUnits);
  if (ids.length === 0) return [];

  // NO KEY UPDATE, not UPDATE: inserting an event takes a KEY SHARE lock on its message through the
  // foreign key, and UPDATE would conflict with another writer's KEY SHARE and deadlock.
  return (await tx
    .select(MESSAGE_COLUMNS)
    .from(messages)
    .where(sql`${messages.id} IN (SELECT jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`)
    .orderBy(messages.id)
    .for('no key update', locked === 'skip' ? { skipLocked: true } : {})) as RollupMessage[];
}

/**
 * Computes each locked message's contribution from its state and the event
 * counts `eventsOf` returns, and adds the differences to the rollup tables
 * in one statement.
 */
export async function applyContributions(tx: RollupExecutor, locked: RollupMessage[], eventsOf: (message: RollupMessage) => EventCounts): Promise<void> {
  const changes: { message: RollupMessage; next: Contribution; difference: Contribution }[] = [];
  for (const message of locked) {
    const previous = message.rollupContribution ?? {};
    const next = contributionOf(message, eventsOf(message));
    const difference = Object.fromEntries(ROLLUP_COUNTERS.map((name) => [name, next[name] - (previous[name] ?? 0)])) as Contribution;
    if (ROLLUP_COUNTERS.some((name) => difference[name] !== 0)) changes.push({ message, next, difference });
  }
  if (changes.length === 0) return;

  await tx.execute(sql`
    WITH rollup AS (${rollupUpsert(changes)}), dimension_rollup AS (${slotRollupUpsert(changes, BY_HOUR)}), quarter_rollup AS (${slotRollupUpsert(changes, BY_QUARTER)})
    UPDATE messages SET rollup_contribution = x.contribution
    FROM jsonb_to_recordset(${JSON.stringify(changes.map(({ message, next }) => ({ id: message.id, contribution: next })))}::jsonb) AS x(id text, contribution jsonb)
    WHERE messages.id = x.id`);
}

/** Returns the event counts a message's stored contribution holds: zero for a message never refreshed. */
export function storedEventCounts(message: Pick<RollupMessage, 'rollupContribution'>): EventCounts {
  const previous = message.rollupContribution ?? {};
  return {
    opensHuman: previous.opened_total_human ?? 0,
    opensAll: previous.opened_total_all ?? 0,
    clicksHuman: previous.clicked_total_human ?? 0,
    clicksAll: previous.clicked_total_all ?? 0,
    linksHuman: previous.clicked_unique_human ?? 0,
    linksAll: previous.clicked_unique_all ?? 0,
  };
}

/** Columns that count one message's events in a query grouped by message_id over tracking_events. */
export const EVENT_COUNT_COLUMNS = sql.raw(`count(*) FILTER (WHERE kind = 'open' AND machine_reason IS NULL)::int AS opens_human,
             count(*) FILTER (WHERE kind = 'open')::int AS opens_all,
             count(*) FILTER (WHERE kind = 'click' AND machine_reason IS NULL)::int AS clicks_human,
             count(*) FILTER (WHERE kind = 'click')::int AS clicks_all,
             count(DISTINCT link_number) FILTER (WHERE kind = 'click' AND machine_reason IS NULL)::int AS links_human,
             count(DISTINCT link_number) FILTER (WHERE kind = 'click')::int AS links_all`);

/** Reads the EVENT_COUNT_COLUMNS of one result row. */
export function eventCountsOf(row: Record<string, unknown>): EventCounts {
  return {
    opensHuman: Number(row.opens_human ?? 0),
    opensAll: Number(row.opens_all ?? 0),
    clicksHuman: Number(row.clicks_human ?? 0),
    clicksAll: Number(row.clicks_all ?? 0),
    linksHuman: Number(row.links_human ?? 0),
    linksAll: Number(row.links_all ?? 0),
  };
}

async function eventCounts(tx: RollupExecutor, ids: string[]): Promise<Map<string, EventCounts>> {
  const counts = new Map<string, EventCounts>(ids.map((id) => [id, eventCountsOf({})]));
  if (ids.length === 0) return counts;

  const rows = rowsOf(
    await tx.execute(sql`
      SELECT message_id, ${EVENT_COUNT_COLUMNS}
      FROM tracking_events
      WHERE message_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))
      GROUP BY message_id`),
  );
  for (const row of rows) counts.set(String(row.message_id), eventCountsOf(row));
  return counts;
}

// One upsert for the whole batch, run in the statement that stores the new contributions: differences are
// summed per rollup row first, and the rows go in key order, so two transactions lock shared rollup rows in
// the same order and cannot deadlock on them.
function rollupUpsert(changes: { message: RollupMessage; difference: Contribution }[]): SQL {
  const rows = new Map<string, Record<string, unknown>>();
  for (const { message, difference } of changes) {
    const attributes = [message.fromAddress, message.recipientDomain, message.subject, message.campaign, sortedEntries(message.customFields)];
    const attributesKey = createHash('sha256').update(JSON.stringify(attributes)).digest('hex');
    const hour = new Date(Math.floor(message.queuedAt.getTime() / 3_600_000) * 3_600_000).toISOString();
    const key = `${hour} ${attributesKey}`;

    const row = rows.get(key) ?? { hour, attributes_key: attributesKey, from_address: message.fromAddress, recipient_domain: message.recipientDomain, subject: message.subject, campaign: message.campaign, custom_fields: message.customFields, ...zeroCounters() };
    for (const name of ROLLUP_COUNTERS) row[name] = (row[name] as number) + difference[name];
    rows.set(key, row);
  }

  const ordered = [...rows.entries()].sort(([a], [b]) => compareCodeUnits(a, b)).map(([, row]) => row);
  return sql`
    INSERT INTO message_rollups_hourly (hour, attributes_key, from_address, recipient_domain, subject, campaign, custom_fields, ${identifiers(ROLLUP_COUNTERS)})
    SELECT * FROM jsonb_to_recordset(${JSON.stringify(ordered)}::jsonb)
      AS x(hour timestamptz, attributes_key text, from_address text, recipient_domain text, subject text, campaign text, custom_fields jsonb, ${sql.raw(ROLLUP_COUNTERS.map((name) => `${name} integer`).join(', '))})
    ON CONFLICT (hour, attributes_key) DO UPDATE SET ${sql.raw(ROLLUP_COUNTERS.map((name) => `${name} = message_rollups_hourly.${name} + excluded.${name}`).join(', '))}`;
}

/** A per-dimension rollup table: its name, its time column and the length of the slot that column starts. */
interface SlotTable {
  table: 'message_rollups_by_dimension' | 'message_rollups_by_quarter';
  column: 'hour' | 'quarter';
  slotMs: number;
}

const BY_HOUR: SlotTable = { table: 'message_rollups_by_dimension', column: 'hour', slotMs: 3_600_000 };
const BY_QUARTER: SlotTable = { table: 'message_rollups_by_quarter', column: 'quarter', slotMs: 900_000 };

// The same differences for a per-dimension table: each message adds to its slot's total row and to one row per
// attribute value it has. Rows are summed and ordered by key, as in rollupUpsert.
function slotRollupUpsert(changes: { message: RollupMessage; difference: Contribution }[], { table, column, slotMs }: SlotTable): SQL {
  const rows = new Map<string, Record<string, unknown>>();
  for (const { message, difference } of changes) {
    const slot = new Date(Math.floor(message.queuedAt.getTime() / slotMs) * slotMs).toISOString();
    for (const [dimension, value] of dimensionValues(message)) {
      const key = JSON.stringify([dimension, slot, value]);
      const row = rows.get(key) ?? { dimension, [column]: slot, value, ...zeroCounters() };
      for (const name of ROLLUP_COUNTERS) row[name] = (row[name] as number) + difference[name];
      rows.set(key, row);
    }
  }

  const ordered = [...rows.entries()].sort(([a], [b]) => compareCodeUnits(a, b)).map(([, row]) => row);
  return sql`
    INSERT INTO ${sql.raw(table)} (dimension, ${sql.raw(column)}, value, ${identifiers(ROLLUP_COUNTERS)})
    SELECT * FROM jsonb_to_recordset(${JSON.stringify(ordered)}::jsonb)
      AS x(dimension text, ${sql.raw(column)} timestamptz, value text, ${sql.raw(ROLLUP_COUNTERS.map((name) => `${name} integer`).join(', '))})
    ON CONFLICT (dimension, ${sql.raw(column)}, value) DO UPDATE SET ${sql.raw(ROLLUP_COUNTERS.map((name) => `${name} = ${table}.${name} + excluded.${name}`).join(', '))}`;
}

/**
 * Returns the message_rollups_by_dimension (and message_rollups_by_quarter) rows one message adds to: the
 * total, and each attribute it has a value for. An absent campaign or custom field adds
 * no row; the report counts those messages as the total less the values.
 * Custom values are read as `custom_fields ->> key` reads them.
 */
export function dimensionValues(message: Pick<RollupMessage, 'subject' | 'fromAddress' | 'recipientDomain' | 'campaign' | 'customFields'>): [string, string][] {
  const values: [string, string][] = [
    ['total', ''],
    ['subject', message.subject],
    ['from', message.fromAddress],
    ['recipient_domain', message.recipientDomain],
  ];
  if (message.campaign !== null) values.push(['campaign', message.campaign]);
  for (const [key, value] of Object.entries(message.customFields as Record<string, unknown>)) {
    if (value === null || value === undefined) continue;
    values.push([`custom:${key}`, typeof value === 'string' ? value : JSON.stringify(value)]);
  }
  return values;
}

function identifiers(names: readonly string[]): SQL {
  return sql.raw(names.join(', '));
}

function zeroCounters(): Record<RollupCounter, number> {
  return Object.fromEntries(ROLLUP_COUNTERS.map((name) => [name, 0])) as Record<RollupCounter, number>;
}

function sortedEntries(fields: Record<string, string>): [string, string][] {
  return Object.entries(fields).sort(([a], [b]) => compareCodeUnits(a, b));
}

function compareCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
