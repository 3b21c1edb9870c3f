import type { MiddlewareHandler } from 'hono';
import { requireApiKey } from '../api-keys/require-api-key';
import type { AppContext } from '../app-context';
import type { StaffRole } from '../db/schema';
import { needsSecureCookie } from '../staff/session-cookie';
import { requireRole } from '../staff/staff-guards';

/** Staff roles that may read reports: they hold counts and domains, never PHI. */
export const REPORT_ROLES: readonly StaffRole[] = ['admin', 'analyst'];

/**
 * Admits a server with a bearer API key, or a staff member signed in to the
 * console with a reporting role. A request with an Authorization header is
 * judged as an API call only, so a bad key is never rescued by a cookie.
 */
export function reportAccess(ctx: AppContext): MiddlewareHandler {
  const apiKey = requireApiKey(ctx.db) as unknown as MiddlewareHandler;
  const staff = requireRole(ctx.db, ctx.staff, REPORT_ROLES, needsSecureCookie(ctx.config.publicOrigins[0]!)) as unknown as MiddlewareHandler;

  return (c, next) => (c.req.header('authorization') !== undefined ? apiKey(c, next) : staff(c, next));
}
