import { randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { SignJWT, errors, jwtVerify } from 'jose';
import type { Database } from '../db/open-database';
import { staffSessions, staffUsers, type StaffRole } from '../db/schema';
import type { StaffOptions } from './staff-options';

/** The signed-in staff member behind a request. */
export interface StaffPrincipal {
  userId: string;
  role: StaffRole;
  sessionId: string;
  /** When the session ends unless another request comes first. */
  idleExpiresAt: Date;
  /** When the session ends whatever the activity. */
  expiresAt: Date;
}

/** Reason a cookie did not yield a session; each maps to a 401. */
export type SessionRejection = 'invalid' | 'revoked' | 'idle_timeout' | 'absolute_timeout';

const AUDIENCE = 'sealpost-console';

/** Creates a session row for a user and returns the signed cookie value that names it. */
export async function createSession(db: Database, options: StaffOptions, userId: string): Promise<{ token: string; sessionId: string; expiresAt: Date }> {
  const now = options.now();
  const sessionId = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + options.absoluteTimeoutMs);

  await db.insert(staffSessions).values({ id: sessionId, userId, createdAt: now, lastSeenAt: now, expiresAt });

  const token = await new SignJWT({ sid: sessionId })
    .setProtectedHeader({ alg: 'HS256' })
    .setAudience(AUDIENCE)
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(options.keys.sessionKey);
  return { token, sessionId, expiresAt };
}

/**
 * Checks a cookie value against its signature and its session row, and on
 * success records the request as activity. The row decides: a revoked,
 * idle or expired session is rejected even with a valid signature.
 */
export async function resumeSession(db: Database, options: StaffOptions, token: string): Promise<StaffPrincipal | SessionRejection> {
  const now = options.now();
  const sessionId = await readSessionId(options, token, now);
  if (sessionId === undefined || sessionId === 'absolute_timeout') return sessionId ?? 'invalid';

  const [row] = await db
    .select({ session: staffSessions, role: staffUsers.role })
    .from(staffSessions)
    .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.userId))
    .where(eq(staffSessions.id, sessionId))
    .limit(1);
  if (!row) return 'invalid';

  const { session } = row;
  if (session.revokedAt) return 'revoked';
  if (now.getTime() >= session.expiresAt.getTime()) return 'absolute_timeout';
  if (now.getTime() - session.lastSeenAt.getTime() >= options.idleTimeoutMs) return 'idle_timeout';

  // Only a session that is still open moves forward, so a concurrent sign-out wins.
  await db.update(staffSessions).set({ lastSeenAt: now }).where(and(eq(staffSessions.id, sessionId), isNull(staffSessions.revokedAt)));

  const idleExpiresAt = new Date(Math.min(now.getTime() + options.idleTimeoutMs, session.expiresAt.getTime()));
  return { userId: session.userId, role: row.role, sessionId, idleExpiresAt, expiresAt: session.expiresAt };
}

/**
 * Marks a session revoked; a replayed cookie for it is rejected from then on.
 * NOTE: revoked and expired rows are kept and nothing deletes them yet.
 */
export async function revokeSession(db: Database, sessionId: string, now: Date): Promise<void> {
  await db.update(staffSessions).set({ revokedAt: now }).where(and(eq(staffSessions.id, sessionId), isNull(staffSessions.revokedAt)));
}

/**
 * Returns the session id a valid cookie names, `absolute_timeout` when its
 * signature is valid but it expired (it expires with the session), or
 * undefined for anything else.
 */
async function readSessionId(options: StaffOptions, token: string, now: Date): Promise<string | 'absolute_timeout' | undefined> {
  try {
    const { payload } = await jwtVerify(token, options.keys.sessionKey, { algorithms: ['HS256'], audience: AUDIENCE, currentDate: now });
    return typeof payload.sid === 'string' ? payload.sid : undefined;
  } catch (error) {
    // jose checks the signature before the claims, so JWTExpired means a genuine cookie that outlived its session.
    if (error instanceof errors.JWTExpired) return 'absolute_timeout';
    if (error instanceof errors.JOSEError) return undefined;
    throw error;
  }
}
