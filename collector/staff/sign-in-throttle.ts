import { eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/open-database';
import { signInThrottle } from '../db/schema';
import { HttpError } from '../http/http-error';

/** How many failed sign-ins a key may have within one window before it is blocked. */
export interface ThrottlePolicy {
  windowMs: number;
  maxFailuresPerAccount: number;
  maxFailuresPerAddress: number;
}

/**
 * Defaults: 5 failures per account and 20 per client address in 15 minutes.
 * The address limit is higher because a clinic's staff may share one NAT address.
 */
export const DEFAULT_THROTTLE: ThrottlePolicy = { windowMs: 15 * 60_000, maxFailuresPerAccount: 5, maxFailuresPerAddress: 20 };

/** Builds the counter keys of one attempt: the account (by email blind index) and the client address. */
export function throttleKeys(emailIndex: string, address: string) {
  return { account: `account:${emailIndex}`, address: `address:${address}` };
}

/**
 * Rejects the attempt with 429 when either key reached its limit in the
 * current window. Checked before the password, so a blocked account gets no
 * further guesses.
 */
export async function assertNotThrottled(db: Database, keys: { account: string; address: string }, policy: ThrottlePolicy, now: Date): Promise<void> {
  const rows = await db.select().from(signInThrottle).where(inArray(signInThrottle.key, [keys.account, keys.address]));

  for (const row of rows) {
    const limit = row.key === keys.account ? policy.maxFailuresPerAccount : policy.maxFailuresPerAddress;
    const windowEnds = row.windowStartedAt.getTime() + policy.windowMs;
    if (row.failures < limit || windowEnds <= now.getTime()) continue;

    const retryAfter = Math.ceil((windowEnds - now.getTime()) / 1000);
    const subject = row.key === keys.account ? 'this account' : 'this client address';
    throw new HttpError(429, 'too_many_attempts', `Too many failed sign-ins for ${subject}; wait ${describeWait(retryAfter)} and try again.`, { retryAfterSeconds: retryAfter }, { 'Retry-After': String(retryAfter) });
  }
}

// Whole minutes from a minute up, so a person reads "15 minutes" rather than "898 seconds".
function describeWait(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/**
 * Counts one failure on each key, after deleting rows whose window has
 * passed (they would count as zero anyway), so guessed addresses do not pile
 * up. A key whose window has passed starts a new window at 1. Each key is one upsert, so concurrent processes do not lose counts.
 * NOTE: the check and the count are separate statements, so a burst of
 * parallel attempts can exceed the limit by the number of attempts in flight.
 */
export async function recordSignInFailure(db: Database, keys: { account: string; address: string }, policy: ThrottlePolicy, now: Date): Promise<void> {
  const windowStart = new Date(now.getTime() - policy.windowMs).toISOString();
  const stale = sql`${signInThrottle.windowStartedAt} <= ${windowStart}::timestamptz`;
  await db.delete(signInThrottle).where(stale);

  for (const key of [keys.account, keys.address]) {
    await db
      .insert(signInThrottle)
      .values({ key, failures: 1, windowStartedAt: now })
      .onConflictDoUpdate({
        target: signInThrottle.key,
        set: {
          failures: sql`CASE WHEN ${stale} THEN 1 ELSE ${signInThrottle.failures} + 1 END`,
          windowStartedAt: sql`CASE WHEN ${stale} THEN ${now.toISOString()}::timestamptz ELSE ${signInThrottle.windowStartedAt} END`,
        },
      });
  }
}

/** Forgets an account's failures after a successful sign-in. The address count stays. */
export async function clearAccountFailures(db: Database, accountKey: string): Promise<void> {
  await db.delete(signInThrottle).where(eq(signInThrottle.key, accountKey));
}
