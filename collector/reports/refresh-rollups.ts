import { createHash } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/open-database';
import { messageRollupsHourly, messages, ROLLUP_COUNTERS, trackingEvents, type RollupCounter } from '../db/schema';

/** A transaction or the database itself: anything that can run the rollup statements. */
export type RollupExecutor = Pick<Database, 'select' | 'insert' | 'update' | 'execute'>;

type Contribution = Record<RollupCounter, number>;
type Message = typeof messages.$inferSelect;

/**
 * Recomputes what each message contributes to its rollup row and applies the
 * difference from what it contributed before. Call it inside the transaction
 * that changed the messages or their events. Each message row is locked
 * in id order before it is read, so concurrent refreshes of one message
 * apply their differences one after the other, each from fresh counts.
 */
export async function refreshRollups(tx: RollupExecutor, messageIds: Iterable<string>): Promise<void> {
  for (const id of [...new Set(messageIds)].sort()) {
    // NO KEY UPDATE, not UPDATE: inserting an event takes a KEY SHARE lock on its message through the
    // foreign key, and UPDATE would conflict with another writer's KEY SHARE and deadlock.
    const [message] = await tx.select().from(messages).where(eq(messages.id, id)).for('no key update');
    if (!message) continue;

    const next = contributionOf(message, await eventCounts(tx, id));
    const previous = message.rollupContribution ?? {};
    const difference = Object.fromEntries(ROLLUP_COUNTERS.map((name) => [name, next[name] - (previous[name] ?? 0)])) as Contribution;
    if (ROLLUP_COUNTERS.every((name) => difference[name] === 0)) continue;

    await addToRollup(tx, message, difference);
    await tx.update(messages).set({ rollupContribution: next }).where(eq(messages.id, id));
  }
}

async function eventCounts(tx: RollupExecutor, messageId: string) {
  const human = sql`${trackingEvents.machineReason} IS NULL`;
  const [row] = await tx
    .select({
      opensHuman: sql<number>`count(*) FILTER (WHERE ${trackingEvents.kind} = 'open' AND ${human})::int`,
      opensAll: sql<number>`count(*) FILTER (WHERE ${trackingEvents.kind} = 'open')::int`,
      clicksHuman: sql<number>`count(*) FILTER (WHERE ${trackingEvents.kind} = 'click' AND ${human})::int`,
      clicksAll: sql<number>`count(*) FILTER (WHERE ${trackingEvents.kind} = 'click')::int`,
      linksHuman: sql<number>`count(DISTINCT ${trackingEvents.linkNumber}) FILTER (WHERE ${trackingEvents.kind} = 'click' AND ${human})::int`,
      linksAll: sql<number>`count(DISTINCT ${trackingEvents.linkNumber}) FILTER (WHERE ${trackingEvents.kind} = 'click')::int`,
    })
    .from(trackingEvents)
    .where(eq(trackingEvents.messageId, messageId));
  return { opensHuman: Number(row?.opensHuman ?? 0), opensAll: Number(row?.opensAll ?? 0), clicksHuman: Number(row?.clicksHuman ?? 0), clicksAll: Number(row?.clicksAll ?? 0), linksHuman: Number(row?.linksHuman ?? 0), linksAll: Number(row?.linksAll ?? 0) };
}

// The same definitions as the report's query over raw tables; a test checks that the two agree.
function contributionOf(message: Message, events: Awaited<ReturnType<typeof eventCounts>>): Contribution {
  const one = (condition: boolean) => (condition ? 1 : 0);
  const sent = message.sentAt !== null;
  const delivered = sent && message.deliveredAt !== null && message.failureKind === null;

  return {
    queued: 1,
    sent: one(sent),
    delivered: one(delivered),
    failed_hard: one(message.failureKind === 'hard'),
    failed_soft: one(message.failureKind === 'soft'),
    failed_blocked: one(message.failureKind === 'blocked'),
    failed_dropped: one(message.failureKind === 'dropped'),
    secured_encrypted: one(sent && message.tlsLevel === 'encrypted'),
    secured_verified: one(sent && message.tlsLevel === 'verified'),
    opened_total_human: events.opensHuman,
    opened_unique_human: one(events.opensHuman > 0),
    clicked_total_human: events.clicksHuman,
    clicked_unique_human: events.linksHuman,
    delivered_opened_human: one(delivered && events.opensHuman > 0),
    delivered_clicked_human: one(delivered && events.clicksHuman > 0),
    delivered_opened_clicked_human: one(delivered && events.opensHuman > 0 && events.clicksHuman > 0),
    opened_total_all: events.opensAll,
    opened_unique_all: one(events.opensAll > 0),
    clicked_total_all: events.clicksAll,
    clicked_unique_all: events.linksAll,
    delivered_opened_all: one(delivered && events.opensAll > 0),
    delivered_clicked_all: one(delivered && events.clicksAll > 0),
    delivered_opened_clicked_all: one(delivered && events.opensAll > 0 && events.clicksAll > 0),
  };
}

async function addToRollup(tx: RollupExecutor, message: Message, difference: Contribution): Promise<void> {
  const attributes = {
    fromAddress: message.fromAddress,
    recipientDomain: message.recipientDomain,
    subject: message.subject,
    campaign: message.campaign,
    customFields: message.customFields,
  };
  const attributesKey = createHash('sha256').update(JSON.stringify([attributes.fromAddress, attributes.recipientDomain, attributes.subject, attributes.campaign, sortedEntries(attributes.customFields)])).digest('hex');
  const hour = new Date(Math.floor(message.queuedAt.getTime() / 3_600_000) * 3_600_000);

  const counters = Object.fromEntries(ROLLUP_COUNTERS.map((name) => [camelCase(name), difference[name]]));
  const increments = Object.fromEntries(
    ROLLUP_COUNTERS.map((name) => [camelCase(name), sql`${sql.identifier('message_rollups_hourly')}.${sql.identifier(name)} + excluded.${sql.identifier(name)}`]),
  );

  await tx
    .insert(messageRollupsHourly)
    .values({ hour, attributesKey, ...attributes, ...counters })
    .onConflictDoUpdate({ target: [messageRollupsHourly.hour, messageRollupsHourly.attributesKey], set: increments });
}

function sortedEntries(fields: Record<string, string>): [string, string][] {
  return Object.entries(fields).sort(([a], [b]) => compareCodeUnits(a, b));
}

function compareCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function camelCase(name: string): string {
  return name.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}
