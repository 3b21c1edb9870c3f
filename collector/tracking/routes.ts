import { Hono } from 'hono';
import type { AppContext, AppEnv } from '../app-context';
import { HttpError } from '../http/http-error';
import { findTrackedLink, toLocationHeader } from './find-link';
import { OPEN_PIXEL_GIF, OPEN_PIXEL_HEADERS } from './open-pixel';

/**
 * Open and click tracking, reached from email clients without credentials.
 * The token is the only input; the request log shows the route pattern, so
 * tokens never reach a log.
 */
export function trackingRoutes(ctx: AppContext) {
  return new Hono<AppEnv>()
    .get('/o/:token', async (c) => {
      // Every token gets the same image, so a client cannot tell a valid token from an invalid one.
      return c.body(new Uint8Array(OPEN_PIXEL_GIF), 200, OPEN_PIXEL_HEADERS);
    })
    .get('/c/:token', async (c) => {
      const link = await findTrackedLink(ctx.db, ctx.emailKeys, c.req.param('token'));
      if (!link || link.linkNumber === 0 || !link.destination) {
        throw new HttpError(404, 'link_not_found', 'This tracking link is not valid; open the link from the original email, or ask the sender for a new one.');
      }

      c.header('Cache-Control', 'no-store');
      return c.redirect(toLocationHeader(link.destination), 302);
    });
}
