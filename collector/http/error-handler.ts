import type { ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from '../log';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from './database-unavailable';
import { HttpError } from './http-error';

/** Maps thrown errors to `{ error: { code, message } }`; anything unexpected is logged and answered as 500. */
export function errorHandler(logger: Logger): ErrorHandler {
  return (error, c) => {
    if (error instanceof HttpError) {
      for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
      return c.json({ error: { code: error.code, message: error.message, ...error.extra } }, error.status);
    }

    if (error instanceof HTTPException && error.status < 500) {
      return c.json({ error: { code: 'bad_request', message: error.message || 'The request is invalid.' } }, error.status);
    }

    // A retry with the same idempotency key is safe: if the insert did commit, it returns the original receipt.
    if (isDatabaseUnavailable(error)) {
      logger.warn({ requestId: c.get('requestId'), route: c.req.routePath, code: (error as { code?: string }).code }, 'database unavailable');
      c.header('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
      return c.json({ error: { code: 'database_unavailable', message: `The collector cannot reach its database; retry in ${DATABASE_RETRY_AFTER_SECONDS} seconds with the same idempotency key.` } }, 503);
    }

    // Only the error's class, message and stack are logged: never the request body.
    logger.error({ requestId: c.get('requestId'), route: c.req.routePath, err: error }, 'request failed');
    return c.json({ error: { code: 'internal_error', message: `The collector failed to handle the request; retry, and report request id ${c.get('requestId')} if it keeps failing.` } }, 500);
  };
}

export const notFoundHandler: NotFoundHandler = (c) =>
  c.json({ error: { code: 'not_found', message: `No route matches ${c.req.method} ${new URL(c.req.url).pathname}; the routes are listed in README.md under Email API, Workflows and Embedding a form.` } }, 404);
