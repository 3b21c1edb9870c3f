import { eq } from 'drizzle-orm';
import type { Database } from '../db/open-database';
import { messages, trackingLinks } from '../db/schema';
import type { EmailKeys } from '../keys/email-keys';
import { readTrackingToken } from './tracking-token';

/** The message and link a valid token names. */
export interface TrackedLink {
  messageId: string;
  /** 0 for the open pixel, 1… for links. */
  linkNumber: number;
  destination: string | null;
  sentAt: Date | null;
}

/** Returns the link a token names, or undefined for a forged, altered or unknown token. */
export async function findTrackedLink(db: Database, keys: EmailKeys, token: string): Promise<TrackedLink | undefined> {
  const tokenId = readTrackingToken(keys.trackingTokens, token);
  if (!tokenId) return undefined;

  const [row] = await db
    .select({ messageId: trackingLinks.messageId, linkNumber: trackingLinks.linkNumber, destination: trackingLinks.destination, sentAt: messages.sentAt })
    .from(trackingLinks)
    .innerJoin(messages, eq(messages.id, trackingLinks.messageId))
    .where(eq(trackingLinks.tokenId, tokenId))
    .limit(1);
  return row;
}

/**
 * Returns the destination as a Location header value: exactly the stored
 * URL, with only characters that HTTP headers cannot carry (non-ASCII,
 * spaces, controls) percent-encoded as UTF-8, as a browser would send them.
 */
export function toLocationHeader(destination: string): string {
  return destination.replace(/[^\x21-\x7e]/gu, (character) =>
    [...Buffer.from(character, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}
