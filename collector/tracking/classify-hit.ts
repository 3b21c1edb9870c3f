import type { MachineReason } from '../db/schema';

/** One request to a tracking URL, as far as classification needs it. */
export interface TrackingHit {
  method: string;
  userAgent: string | undefined;
  at: Date;
  /** When the message was handed to the receiving server; null while it is still queued. */
  sentAt: Date | null;
}

/**
 * Hits this soon after delivery come from link scanners and prefetchers, not
 * from a person who received and read the message.
 * NOTE: an estimate; scanners usually act within a few seconds, and a person
 * rarely opens a message that fast, but no source fixes the number.
 */
export const SOON_AFTER_DELIVERY_MS = 5_000;

// Security gateways and link scanners that fetch every URL of a message.
// Google's image proxy is absent on purpose: Gmail fetches images through it
// when the reader opens the message, so its hits are human opens.
const SCANNER_USER_AGENTS = /barracuda|mimecast|proofpoint|ms-office-linkscan|safelinks|symantec|trend ?micro|fireeye|forcepoint|zscaler|urldefense|python-requests|go-http-client|curl\/|wget\/|headlesschrome|\bbot\b|crawler|spider/i;

/**
 * Returns why a hit looks automated, or undefined for a human hit. The rule
 * that every link of a message was clicked at once needs the other clicks and
 * is applied where events are written.
 */
export function classifyHit(hit: TrackingHit): MachineReason | undefined {
  if (hit.method === 'HEAD') return 'head_request';
  if (hit.userAgent && SCANNER_USER_AGENTS.test(hit.userAgent)) return 'scanner_user_agent';
  if (!hit.sentAt || hit.at < hit.sentAt) return 'before_delivery';
  if (hit.at.getTime() - hit.sentAt.getTime() < SOON_AFTER_DELIVERY_MS) return 'soon_after_delivery';
  return undefined;
}
