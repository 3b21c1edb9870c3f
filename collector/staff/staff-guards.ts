import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-context';
import type { Database } from '../db/open-database';
import type { StaffRole } from '../db/schema';
import { HttpError } from '../http/http-error';
import { clearSessionCookie, readSessionCookie } from './session-cookie';
import type { StaffOptions } from './staff-options';
import { resumeSession, type StaffPrincipal } from './staff-sessions';

/** Hono variables of staff routes: the shared ones plus the signed-in principal. */
export type StaffEnv = { Variables: AppEnv['Variables'] & { staff: StaffPrincipal } };

const SESSION_MESSAGES = {
  invalid: 'The session cookie is invalid; sign in again at /console.',
  revoked: 'The session was signed out; sign in again at /console.',
  idle_timeout: 'The session ended after a period without activity; sign in again at /console.',
  absolute_timeout: 'The session reached its maximum length; sign in again at /console.',
} as const;

/**
 * Requires a live session whose role is in `roles`: 401 without one, 403
 * with the wrong role. The response then reaches the handler with
 * `c.get('staff')` set.
 */
export function requireRole(db: Database, options: StaffOptions, roles: readonly StaffRole[], secureCookie: boolean): MiddlewareHandler<StaffEnv> {
  return async (c, next) => {
    const token = readSessionCookie(c);
    if (!token) throw new HttpError(401, 'session_required', 'This route needs a staff session; sign in at /console or with POST /v1/staff/session.');

    const session = await resumeSession(db, options, token);
    if (typeof session === 'string') {
      clearSessionCookie(c, secureCookie);
      throw new HttpError(401, session === 'invalid' ? 'session_invalid' : 'session_expired', SESSION_MESSAGES[session]);
    }

    if (!roles.includes(session.role)) {
      throw new HttpError(403, 'role_forbidden', `The ${session.role} role cannot use this route; it needs one of: ${roles.join(', ')}. Ask an admin to change your role if you need it.`);
    }

    c.set('staff', session);
    await next();
  };
}

/**
 * Rejects a state-changing request whose Origin is not the collector's own.
 * SameSite=Strict already keeps the cookie off cross-site requests; this
 * also covers browsers and same-site subdomains where SameSite does not.
 */
export function sameOriginChanges(origins: string[]): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();

    const origin = c.req.header('origin');
    if (!origin || !origins.includes(origin)) {
      throw new HttpError(403, 'origin_not_allowed', `Staff requests that change state are accepted only from ${origins[0]}, not from ${JSON.stringify(origin ?? null)}; use the console.`);
    }
    await next();
  };
}

/** Marks every staff response as not to be stored, because many carry PHI. */
export function noStore(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  };
}
