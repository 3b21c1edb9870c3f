import { and, eq, isNull, or } from 'drizzle-orm';
import type { Database } from '../db/open-database';
import { messages } from '../db/schema';
import { quoteValue } from '../http/describe-value';
import { HttpError } from '../http/http-error';

/**
 * A message's delivery outcome, the body of GET /v1/messages/:id. The
 * recipient address, subject and body are left out because they may be PHI.
 */
export interface MessageOutcome {
  id: string;
  status: string;
  campaign: string | null;
  recipientDomain: string;
  queuedAt: string;
  sentAt: string | null;
  deliveredAt: string | null;
  failedAt: string | null;
  complainedAt: string | null;
  failureKind: string | null;
  smtpCode: number | null;
  /** Last SMTP reply of a failed attempt, with addresses redacted by the send worker. */
  smtpReply: string | null;
  attempts: number;
  nextAttemptAt: string | null;
  /** The message's own TLS requirement; its campaign's setting, read at sending, may be stricter. */
  requireTls: string | null;
  tlsLevel: string | null;
  /** RFC 8460 result type when a TLS requirement kept the message from being sent. */
  tlsResult: string | null;
}

/**
 * Reads one message's outcome for an API key. A key reads the messages it
 * queued or registered, and the messages of workflow send steps, which
 * have no key. Those are shared because every key may manage every
 * workflow. Throws 404 for any other id, so a key cannot tell another
 * key's message from an unknown id.
 */
export async function readMessageOutcome(db: Database, id: string, apiKeyId: string): Promise<MessageOutcome> {
  const [row] = await db
    .select()
    .from(messages)
    .where(and(eq(messages.id, id), or(eq(messages.apiKeyId, apiKeyId), isNull(messages.apiKeyId))));
  if (!row) {
    throw new HttpError(404, 'message_not_found', `No message with id ${quoteValue(id)} is visible to this API key; use an id that POST /v1/messages or /v1/messages/external returned to this key.`);
  }

  const time = (value: Date | null) => value?.toISOString() ?? null;
  return {
    id: row.id,
    status: row.status,
    campaign: row.campaign,
    recipientDomain: row.recipientDomain,
    queuedAt: row.queuedAt.toISOString(),
    sentAt: time(row.sentAt),
    deliveredAt: time(row.deliveredAt),
    failedAt: time(row.failedAt),
    complainedAt: time(row.complainedAt),
    failureKind: row.failureKind,
    smtpCode: row.smtpCode,
    smtpReply: row.lastError,
    attempts: row.attempts,
    nextAttemptAt: time(row.nextAttemptAt),
    requireTls: row.requiredTls,
    tlsLevel: row.tlsLevel,
    tlsResult: row.tlsResult,
  };
}
