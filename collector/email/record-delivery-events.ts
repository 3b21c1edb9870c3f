import { and, eq, inArray, isNull, or } from 'drizzle-orm';
import type { Database } from '../db/open-database';
import { deliveryEvents, messages } from '../db/schema';
import { HttpError } from '../http/http-error';
import { refreshRollups } from '../reports/refresh-rollups';
import { MAX_CLOCK_SKEW_MS, type DeliveryEventInput } from './delivery-event-input';
import { quoteValue } from '../http/describe-value';

type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/**
 * Stores delivery events and applies them to their messages, in one
 * transaction. An event id already stored for this API key with the same
 * content is skipped, so a retried post changes nothing. Throws 422 for the
 * first event whose message does not exist, belongs to another API key or
 * was queued after the event's time. Throws 409 for the first event whose
 * id was stored with other content. After a throw none of the request's
 * events is stored.
 */
export async function recordDeliveryEvents(db: Database, apiKeyId: string, events: DeliveryEventInput[], receivedAt: Date): Promise<{ recorded: number; duplicates: number }> {
  return db.transaction(async (tx) => {
    const ids = [...new Set(events.map((event) => event.messageId))];
    // The same messages GET /v1/messages/:id shows this key: its own, and those of workflow send steps.
    const visible = await tx
      .select({ id: messages.id, queuedAt: messages.queuedAt })
      .from(messages)
      .where(and(inArray(messages.id, ids), or(eq(messages.apiKeyId, apiKeyId), isNull(messages.apiKeyId))));
    const queuedAt = new Map(visible.map((row) => [row.id, row.queuedAt]));
    checkMessages(events, queuedAt);

    let recorded = 0;
    for (const [index, event] of events.entries()) {
      const inserted = await tx
        .insert(deliveryEvents)
        .values({ apiKeyId, eventId: event.id, messageId: event.messageId, type: event.type, bounceType: event.bounceType ?? null, smtpCode: event.smtpCode ?? null, occurredAt: event.occurredAt, receivedAt })
        .onConflictDoNothing()
        .returning({ eventId: deliveryEvents.eventId });
      if (inserted.length === 0) {
        await checkReplay(tx, apiKeyId, event, index);
        continue;
      }

      recorded++;
      await applyEvent(tx, event);
    }

    await refreshRollups(tx, ids);
    return { recorded, duplicates: events.length - recorded };
  });
}

// An event cannot happen before its message was queued or registered here:
// registering comes before sending, because it returns the HTML to send. An
// earlier time means a wrong messageId or a wrong sender clock, and storing
// it would put deliveredAt or failedAt before queuedAt, so it is rejected
// beyond the clock skew that a later time is also allowed.
function checkMessages(events: DeliveryEventInput[], queuedAt: Map<string, Date>): void {
  for (const [index, event] of events.entries()) {
    const queued = queuedAt.get(event.messageId);
    if (queued === undefined) {
      throw new HttpError(422, 'message_not_found', `events[${index}].messageId names no message of this API key; use the id returned by POST /v1/messages or /v1/messages/external to this key.`, { index, field: 'messageId' });
    }
    if (event.occurredAt.getTime() < queued.getTime() - MAX_CLOCK_SKEW_MS) {
      const message = `events[${index}].occurredAt ${event.occurredAt.toISOString()} is before message ${event.messageId} was queued at ${queued.toISOString()}; check the messageId and the sender's clock.`;
      throw new HttpError(422, 'occurred_before_queued', message, { index, field: 'occurredAt' });
    }
  }
}

// The stored event with this id must match the posted one field by field:
// same content is a retry, anything else is a second event under a used id.
async function checkReplay(tx: Transaction, apiKeyId: string, event: DeliveryEventInput, index: number): Promise<void> {
  const [stored] = await tx.select().from(deliveryEvents).where(and(eq(deliveryEvents.apiKeyId, apiKeyId), eq(deliveryEvents.eventId, event.id)));
  const posted = { messageId: event.messageId, type: event.type, bounceType: event.bounceType ?? null, smtpCode: event.smtpCode ?? null, occurredAt: event.occurredAt.getTime() };
  const previous = { messageId: stored!.messageId, type: stored!.type, bounceType: stored!.bounceType, smtpCode: stored!.smtpCode, occurredAt: stored!.occurredAt.getTime() };
  const differing = (Object.keys(posted) as (keyof typeof posted)[]).filter((field) => posted[field] !== previous[field]);
  if (differing.length === 0) return;

  const message = `events[${index}].id ${quoteValue(event.id)} was already recorded with a different ${differing.join(', ')}; event ids must be unique, so give each distinct event a new id.`;
  throw new HttpError(409, 'event_id_conflict', message, { index, field: 'id', differing });
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
