import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-context';
import type { Logger } from '../log';

/**
 * Logs one line per request with the route pattern, not the URL, so that
 * path parameters such as tracking tokens never reach the log.
 */
export function requestLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();

    const line = { requestId: c.get('requestId'), method: c.req.method, route: c.req.routePath, status: c.res.status, ms: Math.round(performance.now() - started) };
    if (c.res.status >= 500) logger.error(line, 'request');
    else logger.info(line, 'request');
  };
}
