import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
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
    logRequest(logger, c, started);
  };
}

/**
 * Logs like requestLog, for routes mounted ahead of requestId(). It sets a
 * fresh request id for log lines and error responses but neither reads nor
 * sends the X-Request-Id header, because that header costs a Headers object
 * per response.
 */
export function requestLogWithId(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    c.set('requestId', randomUUID());
    await next();
    logRequest(logger, c, started);
  };
}

// The line is built only when its level is written: at LOG_LEVEL=warn a successful request logs nothing.
function logRequest(logger: Logger, c: Context<AppEnv>, started: number): void {
  const status = c.res.status;
  const level = status >= 500 ? 'error' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  logger[level]({ requestId: c.get('requestId'), method: c.req.method, route: c.req.routePath, status, ms: Math.round(performance.now() - started) }, 'request');
}
