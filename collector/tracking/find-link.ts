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

/** Entries kept by a TrackedLinkCache unless the constructor sets another limit; about 300 bytes each. */
export const DEFAULT_CACHE_ENTRIES = 50_000;

/**
 * Remembers the links of sent messages by token id, least recently used out
 * first. Only a link whose message has been sent is kept, because from then
 * on nothing it returns can change: tracking links and their destinations
 * are never updated, messages are never deleted, and `sentAt` is set once.
 * So every collector process may keep its own cache without invalidation.
 */
export class TrackedLinkCache {
  private readonly entries = new Map<string, TrackedLink>();

  constructor(private readonly maxEntries = DEFAULT_CACHE_ENTRIES) {}

  get(tokenId: string): TrackedLink | undefined {
    const link = this.entries.get(tokenId);
    if (!link) return undefined;

    // Map keeps insertion order, so moving a hit to the end keeps the oldest entry first.
    this.entries.delete(tokenId);
    this.entries.set(tokenId, link);
    return link;
  }

  remember(tokenId: string, link: TrackedLink): void {
    if (link.sentAt === null) return;
    this.entries.set(tokenId, link);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Returns the link a token names, or undefined for a forged, altered or unknown token. */
export async function findTrackedLink(db: Database, keys: EmailKeys, token: string, cache?: TrackedLinkCache): Promise<TrackedLink | undefined> {
  const tokenId = readTrackingToken(keys.trackingTokens, token);
  if (!tokenId) return undefined;

  const cached = cache?.get(tokenId);
  if (cached) return cached;

  const [row] = await db
    .select({ messageId: trackingLinks.messageId, linkNumber: trackingLinks.linkNumber, destination: trackingLinks.destination, sentAt: messages.sentAt })
    .from(trackingLinks)
    .innerJoin(messages, eq(messages.id, trackingLinks.messageId))
    .where(eq(trackingLinks.tokenId, tokenId))
    .limit(1);
  if (row) cache?.remember(tokenId, row);
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
