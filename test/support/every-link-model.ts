import type { MachineReason } from '../../collector/db/schema';
import { ALL_LINKS_WINDOW_MS, type TrackingEvent } from '../../collector/tracking/write-events';

/** A stored tracking event as the model keeps it. */
export interface ModelEvent {
  messageId: string;
  kind: 'open' | 'click';
  linkNumber: number;
  at: number;
  reason: MachineReason | null;
  unique: boolean;
}

/**
 * Returns the stored events after a batch, computed event by event from the
 * rules: the every-link rule in batch order, then one unique row per
 * message, kind and link for the first human event. Tests compare the
 * database's rows with this plain model.
 */
export function applyBatchToModel(stored: ModelEvent[], batch: TrackingEvent[], linkCounts: Map<string, number>): ModelEvent[] {
  const reasons = batch.map((event) => event.machineReason ?? null);
  const staleClicks = new Set<ModelEvent>();

  for (const [index, event] of batch.entries()) {
    const links = linkCounts.get(event.messageId) ?? 0;
    if (event.kind !== 'click' || reasons[index] || links < 2) continue;

    const end = event.occurredAt.getTime();
    const inWindow = (messageId: string, at: number) => messageId === event.messageId && at >= end - ALL_LINKS_WINDOW_MS && at <= end;
    const storedInWindow = stored.filter((row) => row.kind === 'click' && inWindow(row.messageId, row.at));
    const earlier = [...batch.entries()].filter(([other, click]) => other < index && click.kind === 'click' && inWindow(click.messageId, click.occurredAt.getTime()));
    const covered = new Set([...storedInWindow.map((row) => row.linkNumber), ...earlier.map(([, click]) => click.linkNumber), event.linkNumber]);
    if (covered.size < links) continue;

    reasons[index] = 'all_links_at_once';
    for (const [other] of earlier) reasons[other] ??= 'all_links_at_once';
    for (const row of storedInWindow) if (row.reason === null) staleClicks.add(row);
  }

  const next = stored.map((row) => (staleClicks.has(row) ? { ...row, reason: 'all_links_at_once' as const, unique: false } : row));
  const uniqueKeys = new Set(next.filter((row) => row.unique).map(keyOf));
  for (const [index, event] of batch.entries()) {
    const row: ModelEvent = { messageId: event.messageId, kind: event.kind, linkNumber: event.linkNumber, at: event.occurredAt.getTime(), reason: reasons[index]!, unique: false };
    if (row.reason === null && !uniqueKeys.has(keyOf(row))) {
      row.unique = true;
      uniqueKeys.add(keyOf(row));
    }
    next.push(row);
  }
  return next;
}

function keyOf(row: ModelEvent): string {
  return `${row.messageId} ${row.kind} ${row.linkNumber}`;
}
