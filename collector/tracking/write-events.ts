import { and, eq, gt, gte, isNull, lte, sql } from 'drizzle-orm';
import type { Database } from '../db/open-database';
import { trackingEvents, trackingLinks, type MachineReason } from '../db/schema';
import { refreshRollups } from '../reports/refresh-rollups';

type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

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
 * Writes a batch of events and refreshes their messages' rollups in one
 * transaction.
 * NOTE: each event costs one or two statements and each message four more
 * (lock, count, rollup upsert, update), run one after another; set-based
 * statements per batch would cut the cost that bounds pixel throughput. Given a function, it calls it once the transaction has
 * started to get the batch (see GroupCommit). Events are written grouped by message id, keeping their order
 * within a message, so later events see earlier ones and two concurrent
 * batches take their locks in the same order.
 */
export async function writeTrackingEvents(db: Database, events: TrackingEvent[] | (() => TrackingEvent[])): Promise<void> {
  await db.transaction(async (tx) => {
    // Array.prototype.sort is stable, so events of one message keep their order.
    const ordered = [...(typeof events === 'function' ? events() : events)].sort((a, b) => compareCodeUnits(a.messageId, b.messageId));
    for (const event of ordered) await writeEvent(tx, event);
    await refreshRollups(tx, ordered.map((event) => event.messageId));
  });
}

async function writeEvent(tx: Transaction, event: TrackingEvent): Promise<void> {
  let reason = event.machineReason;
  if (!reason && event.kind === 'click' && (await completesAllLinks(tx, event))) {
    reason = 'all_links_at_once';
    await reclassifyBurst(tx, event);
  }

  const row = { messageId: event.messageId, kind: event.kind, linkNumber: event.linkNumber, occurredAt: event.occurredAt, machineReason: reason ?? null };
  if (reason) {
    await tx.insert(trackingEvents).values({ ...row, isUnique: false });
    return;
  }

  // The partial unique index admits one unique row per message, kind and link.
  // A concurrent writer that loses the race stores its event as a repeat.
  const inserted = await tx.insert(trackingEvents).values({ ...row, isUnique: true }).onConflictDoNothing().returning({ id: trackingEvents.id });
  if (inserted.length === 0) await tx.insert(trackingEvents).values({ ...row, isUnique: false });
}

// True when this click and the clicks just before it cover every link of a message with two or more links.
async function completesAllLinks(tx: Transaction, event: TrackingEvent): Promise<boolean> {
  const [links] = await tx
    .select({ count: sql<number>`count(*)::int` })
    .from(trackingLinks)
    .where(and(eq(trackingLinks.messageId, event.messageId), gt(trackingLinks.linkNumber, 0)));
  const linkCount = Number(links?.count ?? 0);
  if (linkCount < 2) return false;

  const recent = await tx
    .selectDistinct({ linkNumber: trackingEvents.linkNumber })
    .from(trackingEvents)
    .where(burstWindow(event));
  const clicked = new Set([...recent.map((row) => row.linkNumber), event.linkNumber]);
  return clicked.size >= linkCount;
}

// The earlier clicks of the burst were stored as human before the last one
// arrived. They become machine clicks and give up any unique mark they held.
async function reclassifyBurst(tx: Transaction, event: TrackingEvent): Promise<void> {
  await tx
    .update(trackingEvents)
    .set({ machineReason: 'all_links_at_once', isUnique: false })
    .where(and(burstWindow(event), isNull(trackingEvents.machineReason)));
}

function burstWindow(event: TrackingEvent) {
  return and(
    eq(trackingEvents.messageId, event.messageId),
    eq(trackingEvents.kind, 'click'),
    gte(trackingEvents.occurredAt, new Date(event.occurredAt.getTime() - ALL_LINKS_WINDOW_MS)),
    lte(trackingEvents.occurredAt, event.occurredAt),
  );
}

function compareCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
