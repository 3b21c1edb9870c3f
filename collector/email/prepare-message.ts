import { randomBytes } from 'node:crypto';
import type { messages, MessageStatus, trackingLinks } from '../db/schema';
import type { EmailKeys } from '../keys/email-keys';
import { createTrackingToken } from '../tracking/tracking-token';
import { rewriteLinks, UnsafeLinkError } from '../tracking/rewrite-links';
import { encryptField } from '../keys/field-encryption';
import { fail, type MessageInput } from './message-input';

/** The rows that store one message, and its HTML as it will be sent. */
export interface PreparedMessage {
  message: typeof messages.$inferInsert;
  links: (typeof trackingLinks.$inferInsert)[];
  /** The HTML with tracked links and the open pixel, or undefined for a text-only message. */
  trackedHtml?: string;
}

/** Body columns are encrypted as one JSON value. */
export interface MessageBody {
  html?: string;
  text?: string;
}

/** Returns the additional authenticated data that binds an encrypted column to its row. */
export function fieldContext(column: 'recipient' | 'body', messageId: string): string {
  return `messages.${column}:${messageId}`;
}

/**
 * Builds the rows of one message: a new id, a token per tracked link and one
 * for the open pixel, the HTML rewritten to use them, and the recipient and
 * bodies encrypted. Throws the 422 of an unsafe link, naming the message
 * index and the link's position.
 */
export function prepareMessage(input: MessageInput, index: number, options: { apiKeyId: string | null; keys: EmailKeys; origin: string; now: Date; status: MessageStatus }): PreparedMessage {
  const id = randomBytes(16).toString('base64url');
  const links: PreparedMessage['links'] = [];

  const pixel = createTrackingToken(options.keys.trackingTokens);
  links.push({ tokenId: pixel.id, messageId: id, linkNumber: 0, destination: null });

  let trackedHtml: string | undefined;
  if (input.html !== undefined) {
    try {
      trackedHtml = rewriteLinks(input.html, {
        pixel: `${options.origin}/t/o/${pixel.token}`,
        click: (linkNumber, destination) => {
          const click = createTrackingToken(options.keys.trackingTokens);
          links.push({ tokenId: click.id, messageId: id, linkNumber, destination });
          return `${options.origin}/t/c/${click.token}`;
        },
      }).html;
    } catch (error) {
      if (!(error instanceof UnsafeLinkError)) throw error;
      if (error.kind === 'ambiguous') {
        fail(index, 'html', 'unsafe_link', `link ${error.linkPosition} is protocol-relative or uses a backslash, so the host it opens depends on the client; write it as an absolute URL such as https://clinic.example/path`);
      }
      fail(index, 'html', 'unsafe_link', `link ${error.linkPosition} has a ${error.scheme} destination, which could run code or embed content; use an http(s) URL or remove the link`);
    }
  }

  const body: MessageBody = { ...(trackedHtml !== undefined ? { html: trackedHtml } : {}), ...(input.text !== undefined ? { text: input.text } : {}) };
  const queued = options.status === 'queued';
  const message: PreparedMessage['message'] = {
    id,
    apiKeyId: options.apiKeyId,
    status: options.status,
    fromAddress: input.from,
    recipientEncrypted: encryptField(options.keys.messageEncryption, fieldContext('recipient', id), input.to),
    recipientDomain: input.recipientDomain,
    subject: input.subject,
    bodyEncrypted: encryptField(options.keys.messageEncryption, fieldContext('body', id), JSON.stringify(body)),
    campaign: input.campaign ?? null,
    customFields: input.customFields,
    requiredTls: input.requiredTls,
    queuedAt: options.now,
    nextAttemptAt: queued ? options.now : null,
  };

  return { message, links, ...(trackedHtml !== undefined ? { trackedHtml } : {}) };
}
