import { sql } from 'drizzle-orm';
import { apiKeys } from './api-keys';
import { bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/** Stage of a message: queued here, being sent, or done. `external` messages were sent elsewhere. */
export type MessageStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'external';

/**
 * Reason a message failed. `hard`: a permanent rejection (5xx, or a hard
 * bounce). `soft`: temporary failures until retries ran out. `blocked`: a
 * rejection for policy or reputation. `dropped`: never handed over, such as
 * under a TLS requirement the server could not meet.
 */
export type FailureKind = 'hard' | 'soft' | 'blocked' | 'dropped';

/** TLS of the SMTP connection that delivered a message. */
export type TlsLevel = 'none' | 'encrypted' | 'verified';

/** The least TLS a delivery may use: `encrypted` accepts any certificate, `verified` only one that verifies for the host. */
export type TlsRequirement = Exclude<TlsLevel, 'none'>;

/**
 * Queued and sent messages. The recipient address and the bodies are PHI:
 * they are stored only encrypted (AES-256-GCM under a key derived from the
 * master key, with the message id and column as additional data). The
 * recipient domain, sender, campaign and custom fields stay in clear for
 * reports, and so does the subject.
 */
export const messages = pgTable(
  'messages',
  {
    id: text().primaryKey(),
    /** The API key that queued or registered the message; null for messages that a workflow's send step queued. */
    apiKeyId: text().references(() => apiKeys.id),
    status: text().$type<MessageStatus>().notNull(),
    fromAddress: text().notNull(),
    recipientEncrypted: text().notNull(),
    recipientDomain: text().notNull(),
    // NOTE: subjects are kept in clear so reports can split by them; callers must keep PHI out of subjects.
    subject: text().notNull(),
    /** JSON `{ html?, text? }` with links already rewritten for tracking, encrypted. */
    bodyEncrypted: text().notNull(),
    campaign: text(),
    customFields: jsonb().$type<Record<string, string>>().notNull(),
    /** TLS this message requires; null for none. A campaign's setting can raise it (see campaign_settings). */
    requiredTls: text().$type<TlsRequirement>(),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }),
    queuedAt: timestamp({ withTimezone: true }).notNull(),
    sentAt: timestamp({ withTimezone: true }),
    /** When the next hop accepted the message (SMTP 250 or a delivered event). A later bounce sets failureKind and keeps this time. */
    deliveredAt: timestamp({ withTimezone: true }),
    complainedAt: timestamp({ withTimezone: true }),
    tlsLevel: text().$type<TlsLevel>(),
    failedAt: timestamp({ withTimezone: true }),
    failureKind: text().$type<FailureKind>(),
    /** SMTP reply code of the last failed attempt. */
    smtpCode: integer(),
    /** RFC 8460 result type when a required TLS connection could not be made. */
    tlsResult: text(),
    /** Last SMTP reply of a failed attempt, with addresses redacted. */
    lastError: text(),
    /** Counts this message last added to message_rollups_hourly, so a change applies only the difference. */
    rollupContribution: jsonb().$type<Record<string, number>>(),
  },
  (table) => [index().on(table.status, table.nextAttemptAt), index().on(table.queuedAt), index().on(table.campaign)],
);

/**
 * One row per tracking token. Link 0 is the open pixel; links 1… are the
 * rewritten hrefs in document order, with the destination a click redirects to.
 */
export const trackingLinks = pgTable(
  'tracking_links',
  {
    tokenId: text().primaryKey(),
    messageId: text()
      .notNull()
      .references(() => messages.id),
    linkNumber: integer().notNull(),
    destination: text(),
  },
  (table) => [uniqueIndex().on(table.messageId, table.linkNumber)],
);

/** Reason a tracking hit was classified as a machine's rather than a person's. */
export type MachineReason = 'head_request' | 'scanner_user_agent' | 'before_delivery' | 'soon_after_delivery' | 'all_links_at_once';

/**
 * Every open and click, human or machine. `isUnique` marks the first human
 * open of a message and the first human click of each link; the partial
 * unique index makes that hold under concurrent writers, whatever the timing.
 */
export const trackingEvents = pgTable(
  'tracking_events',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    messageId: text()
      .notNull()
      .references(() => messages.id),
    kind: text().$type<'open' | 'click'>().notNull(),
    /** 0 for opens, the link's number for clicks. */
    linkNumber: integer().notNull(),
    occurredAt: timestamp({ withTimezone: true }).notNull(),
    machineReason: text().$type<MachineReason>(),
    isUnique: boolean().notNull(),
  },
  (table) => [
    uniqueIndex('tracking_events_first_human_index').on(table.messageId, table.kind, table.linkNumber).where(sql`${table.isUnique}`),
    // The every-link rule probes one link's clicks in a time window; reports and recounts group by message.
    index().on(table.messageId, table.kind, table.linkNumber, table.occurredAt),
  ],
);

/** Kinds of delivery event that senders post. */
export type DeliveryEventType = 'delivered' | 'deferred' | 'bounced' | 'complained' | 'blocked';

/**
 * Delivery events posted by senders, stored once per API key and event id so
 * that a retried post changes nothing.
 */
export const deliveryEvents = pgTable(
  'delivery_events',
  {
    apiKeyId: text()
      .notNull()
      .references(() => apiKeys.id),
    eventId: text().notNull(),
    messageId: text()
      .notNull()
      .references(() => messages.id),
    type: text().$type<DeliveryEventType>().notNull(),
    bounceType: text().$type<'hard' | 'soft'>(),
    smtpCode: integer(),
    occurredAt: timestamp({ withTimezone: true }).notNull(),
    receivedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.apiKeyId, table.eventId] }), index().on(table.messageId)],
);

/** Counters of message_rollups_hourly; `_human` excludes machine events, `_all` includes them. */
export const ROLLUP_COUNTERS = [
  'queued', 'sent', 'delivered', 'failed_hard', 'failed_soft', 'failed_blocked', 'failed_dropped', 'secured_encrypted', 'secured_verified',
  'opened_total_human', 'opened_unique_human', 'clicked_total_human', 'clicked_unique_human',
  'delivered_opened_human', 'delivered_clicked_human', 'delivered_opened_clicked_human',
  'opened_total_all', 'opened_unique_all', 'clicked_total_all', 'clicked_unique_all',
  'delivered_opened_all', 'delivered_clicked_all', 'delivered_opened_clicked_all',
] as const;

/** One counter name of message_rollups_hourly. */
export type RollupCounter = (typeof ROLLUP_COUNTERS)[number];

const counter = () => integer().notNull().default(0);

// The counter columns of every rollup table, one per ROLLUP_COUNTERS name.
function rollupCounterColumns() {
  return {
    queued: counter(),
    sent: counter(),
    delivered: counter(),
    failedHard: counter(),
    failedSoft: counter(),
    failedBlocked: counter(),
    failedDropped: counter(),
    securedEncrypted: counter(),
    securedVerified: counter(),
    openedTotalHuman: counter(),
    openedUniqueHuman: counter(),
    clickedTotalHuman: counter(),
    clickedUniqueHuman: counter(),
    deliveredOpenedHuman: counter(),
    deliveredClickedHuman: counter(),
    deliveredOpenedClickedHuman: counter(),
    openedTotalAll: counter(),
    openedUniqueAll: counter(),
    clickedTotalAll: counter(),
    clickedUniqueAll: counter(),
    deliveredOpenedAll: counter(),
    deliveredClickedAll: counter(),
    deliveredOpenedClickedAll: counter(),
  };
}

/**
 * Report counts per UTC hour of queue time and per combination of the
 * attributes a report can split by. Updated in the same transaction as each
 * change to a message or its events, so long reports need not scan them.
 */
export const messageRollupsHourly = pgTable(
  'message_rollups_hourly',
  {
    hour: timestamp({ withTimezone: true }).notNull(),
    /** SHA-256 of the attribute values below, so one unique index covers them all. */
    attributesKey: text().notNull(),
    fromAddress: text().notNull(),
    recipientDomain: text().notNull(),
    subject: text().notNull(),
    campaign: text(),
    customFields: jsonb().$type<Record<string, string>>().notNull(),
    ...rollupCounterColumns(),
  },
  (table) => [primaryKey({ columns: [table.hour, table.attributesKey] })],
);

/**
 * Report counts per UTC hour of queue time and per value of one split
 * attribute, with the same counters as message_rollups_hourly. Every message
 * adds to one `total` row (value '') and to one row per attribute it has a
 * value for: `subject`, `from`, `recipient_domain`, `campaign` and
 * `custom:KEY` for each custom field. A report split by one attribute reads
 * only that attribute's rows, so it reads at most hours times the attribute's
 * values. Messages without a value are the total less the attribute's rows. Kept in the statement that updates message_rollups_hourly.
 */
export const messageRollupsByDimension = pgTable(
  'message_rollups_by_dimension',
  {
    dimension: text().notNull(),
    hour: timestamp({ withTimezone: true }).notNull(),
    value: text().notNull(),
    ...rollupCounterColumns(),
  },
  // Dimension first: a report reads one dimension over a range of hours.
  (table) => [primaryKey({ columns: [table.dimension, table.hour, table.value] })],
);

/**
 * message_rollups_by_dimension per UTC quarter hour (15-minute slot) of queue
 * time instead of per hour, with the same dimensions, values and counters.
 * Some reports have buckets or range ends on a quarter hour but not on an
 * hour, as in Asia/Kolkata (+05:30) or Asia/Kathmandu (+05:45). They read
 * this table for the hours that straddle a bucket boundary or a range end,
 * and the hourly table for the rest. It is kept in the statement that
 * updates the other rollups.
 */
export const messageRollupsByQuarter = pgTable(
  'message_rollups_by_quarter',
  {
    dimension: text().notNull(),
    /** Start of the UTC 15-minute slot of the messages' queue times. */
    quarter: timestamp({ withTimezone: true }).notNull(),
    value: text().notNull(),
    ...rollupCounterColumns(),
  },
  // Dimension first, as in message_rollups_by_dimension.
  (table) => [primaryKey({ columns: [table.dimension, table.quarter, table.value] })],
);

/**
 * Settings that apply to every message of a campaign (messages.campaign),
 * set over the API. A message requires the stricter of its own TLS
 * requirement and its campaign's, read when it is sent.
 */
export const campaignSettings = pgTable('campaign_settings', {
  campaign: text().primaryKey(),
  requiredTls: text().$type<TlsRequirement>(),
  updatedAt: timestamp({ withTimezone: true }).notNull(),
  updatedByApiKeyId: text()
    .notNull()
    .references(() => apiKeys.id),
});

/**
 * Tracking events not yet added to the rollup tables: one row per message
 * and tracking batch, added by the statement that inserts the events. Opens
 * are carried as counts to add. A batch with clicks sets `recount`, because
 * distinct links clicked and the every-link rule need the message's events
 * counted again. The rollup worker deletes rows and applies them in one
 * transaction. No key is unique to a message, so inserting a row does not
 * wait for another transaction that queued or is deleting the same message.
 */
export const rollupQueue = pgTable('rollup_queue', {
  id: bigserial({ mode: 'number' }).primaryKey(),
  messageId: text().notNull(),
  opensHuman: integer().notNull().default(0),
  opensAll: integer().notNull().default(0),
  recount: boolean().notNull().default(false),
});
