import type { MiddlewareHandler } from 'hono';
import type { Database } from '../db/open-database';
import { HttpError } from '../http/http-error';
import { verifyApiKey, type ApiKeyIdentity } from './api-key-store';

/** Hono variables of a route behind requireApiKey. */
export type ApiKeyEnv = { Variables: { requestId: string; apiKey: ApiKeyIdentity } };

// RFC 6750 section 3: a 401 for a bearer-protected resource carries WWW-Authenticate.
const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="sealpost"' };

/**
 * Rejects a request without a valid `Authorization: Bearer <key>` header with
 * 401, and otherwise sets `apiKey` for the handler. The key never appears in
 * an error or a log line.
 */
export function requireApiKey(db: Database): MiddlewareHandler<ApiKeyEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (!header) {
      throw new HttpError(401, 'missing_api_key', 'This route needs an API key: send `Authorization: Bearer <key>`; create a key with `npm run sealpost -- apikeys create --name NAME`.', {}, CHALLENGE);
    }

    const [scheme, key, ...rest] = header.trim().split(/\s+/);
    const identity = scheme?.toLowerCase() === 'bearer' && key && rest.length === 0 ? await verifyApiKey(db, key) : undefined;
    if (!identity) {
      throw new HttpError(401, 'invalid_api_key', 'The API key is invalid or revoked; send `Authorization: Bearer <key>` with a key from `npm run sealpost -- apikeys create --name NAME`.', {}, { 'WWW-Authenticate': 'Bearer realm="sealpost", error="invalid_token"' });
    }

    c.set('apiKey', identity);
    await next();
  };
}
