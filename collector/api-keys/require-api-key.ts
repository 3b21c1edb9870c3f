import type { MiddlewareHandler } from 'hono';
import type { Database } from '../db/open-database';
import { HttpError } from '../http/http-error';
import { findApiKey } from './api-key-store';

/** Hono variables set once a request's API key checked out. */
export type ApiKeyEnv = { Variables: { requestId: string; apiKeyId: string } };

/** Requires `Authorization: Bearer <API key>` naming an unrevoked key; sets `apiKeyId`. */
export function requireApiKey(db: Database): MiddlewareHandler<ApiKeyEnv> {
  return async (c, next) => {
    const match = /^Bearer (\S+)$/.exec(c.req.header('authorization') ?? '');
    if (!match) throw new HttpError(401, 'api_key_required', 'This route needs an API key: send `Authorization: Bearer <key>`; create a key with `npm run sealpost -- api-keys create NAME`.', {}, { 'WWW-Authenticate': 'Bearer' });

    const key = await findApiKey(db, match[1]!);
    if (!key) throw new HttpError(401, 'api_key_invalid', 'The API key is unknown or revoked; create a new one with `npm run sealpost -- api-keys create NAME`.', {}, { 'WWW-Authenticate': 'Bearer' });

    c.set('apiKeyId', key.id);
    await next();
  };
}
