import type { messages, RollupCounter } from '../db/schema';

/** Counts of one message's tracking events; `Human` ones leave out machine events. */
export interface EventCounts {
  opensHuman: number;
  opensAll: number;
  clicksHuman: number;
  clicksAll: number;
  /** Distinct links clicked. */
  linksHuman: number;
  linksAll: number;
}

type ContributionMessage = Pick<typeof messages.$inferSelect, 'sentAt' | 'deliveredAt' | 'failureKind' | 'tlsLevel'>;

/**
 * Returns what one message adds to its rollup row. These are the same
 * definitions as the report's query over raw tables; a test checks that the
 * two agree.
 */
export function contributionOf(message: ContributionMessage, events: EventCounts): Record<RollupCounter, number> {
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
