import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Database } from '../db/open-database';
import { deliveryEvents, messages } from '../db/schema';
import { HttpError } from '../http/http-error';
import { refreshRollups } from '../reports/refresh-rollups';
import type { DeliveryEventInput } from './delivery-event-input';

type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/**
 * Stores delivery events and applies them to their messages, in one
 * transaction. An event id already stored for this API key is skipped, so a
 * retried post changes nothing. Throws 422 naming the first event whose
 * message does not exist, and then stores none.
 */
export async function recordDeliveryEvents(db: Database, apiKeyId: string, events: DeliveryEventInput[], receivedAt: Date): Promise<{ recorded: number; duplicates: number }> {
  return db.transaction(async (tx) => {
    const ids = [...new Set(events.map((event) => event.messageId))];
    const known = new Set((await tx.select({ id: messages.id }).from(messages).where(inArray(messages.id, ids))).map((row) => row.id));
    const missing = events.findIndex((event) => !known.has(event.messageId));
    if (missing >= 0) {
      throw new HttpError(422, 'message_not_found', `events[${missing}].messageId names no message; use the id returned by POST /v1/messages or /v1/messages/external.`, { index: missing, field: 'messageId' });
    }

    let recorded = 0;
    for (const event of events) {
      const inserted = await tx
        .insert(deliveryEvents)
        .values({ apiKeyId, eventId: event.id, messageId: event.messageId, type: event.type, bounceType: event.bounceType ?? null, smtpCode: event.smtpCode ?? null, occurredAt: event.occurredAt, receivedAt })
        .onConflictDoNothing()
        .returning({ eventId: deliveryEvents.eventId });
      if (inserted.length === 0) continue;

      recorded++;
      await applyEvent(tx, event);
    }

    await refreshRollups(tx, ids);
    return { recorded, duplicates: events.length - recorded };
  });
}

// A deferral changes nothing: the sender is still retrying, so it is not a failure yet.
async function applyEvent(tx: Transaction, event: DeliveryEventInput): Promise<void> {
  const message = eq(messages.id, event.messageId);
  switch (event.type) {
    case 'delivered':
      await tx.update(messages).set({ deliveredAt: event.occurredAt }).where(and(message, isNull(messages.deliveredAt)));
      return;
    case 'bounced':
      await tx.update(messages).set({ failureKind: event.bounceType!, smtpCode: event.smtpCode ?? null, failedAt: event.occurredAt }).where(message);
      return;
    case 'blocked':
      await tx.update(messages).set({ failureKind: 'blocked', smtpCode: event.smtpCode ?? null, failedAt: event.occurredAt }).where(message);
      return;
    case 'complained':
      await tx.update(messages).set({ complainedAt: event.occurredAt }).where(and(message, isNull(messages.complainedAt)));
      return;
    case 'deferred':
      return;
  }
}
