import type { MiddlewareHandler } from 'hono';
import { requireApiKey } from '../api-keys/require-api-key';
import type { AppContext } from '../app-context';
import type { StaffRole } from '../db/schema';
import { HttpError } from '../http/http-error';
import { needsSecureCookie, readSessionCookie } from '../staff/session-cookie';
import { requireRole } from '../staff/staff-guards';

/** Staff roles that may read reports: they hold counts and domains, never PHI. */
export const REPORT_ROLES: readonly StaffRole[] = ['admin', 'analyst'];

// RFC 6750 section 3: a 401 for a bearer-protected resource carries WWW-Authenticate.
const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="sealpost"' };

/**
 * Admits a server with a bearer API key, or a staff member signed in to the
 * console with a reporting role. A request with an Authorization header is
 * judged as an API call only, so a bad key is never rescued by a cookie.
 * A request with neither gets 401 `credentials_required`, which names both.
 */
export function reportAccess(ctx: AppContext): MiddlewareHandler {
  const apiKey = requireApiKey(ctx.db) as unknown as MiddlewareHandler;
  const staff = requireRole(ctx.db, ctx.staff, REPORT_ROLES, needsSecureCookie(ctx.config.publicOrigins[0]!)) as unknown as MiddlewareHandler;

  return (c, next) => {
    if (c.req.header('authorization') !== undefined) return apiKey(c, next);
    if (readSessionCookie(c) !== undefined) return staff(c, next);

    throw new HttpError(
      401,
      'credentials_required',
      `This route needs a staff session with the ${REPORT_ROLES.join(' or ')} role, or an API key: sign in at /console, or send \`Authorization: Bearer <key>\` with a key from \`npm run sealpost -- apikeys create --name NAME\`.`,
      {},
      CHALLENGE,
    );
  };
}
