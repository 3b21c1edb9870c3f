import { Hono, type Context } from 'hono';
import type { AppContext, AppEnv } from '../app-context';
import { HttpError } from '../http/http-error';
import { classifyHit } from './classify-hit';
import { findTrackedLink, toLocationHeader, TrackedLinkCache, type TrackedLink } from './find-link';
import { GroupCommit } from './group-commit';
import { OPEN_PIXEL_GIF, OPEN_PIXEL_HEADERS } from './open-pixel';
import { writeTrackingEvents, type TrackingEvent } from './write-events';

/**
 * Open and click tracking, reached from email clients without credentials.
 * Each hit is stored (group-committed with concurrent hits) before the
 * response is sent. Machine hits are stored with their reason and get the
 * same response. The request log shows the route pattern, so tokens never
 * reach a log.
 */
export function trackingRoutes(ctx: AppContext) {
  // Three writers overlap one batch's round trips with the next batch's; concurrent batches lock
  // messages and rollup rows in key order, so they wait on each other but cannot deadlock.
  const events = new GroupCommit<TrackingEvent>((batch) => writeTrackingEvents(ctx.db, batch), 500, 3);
  const links = new TrackedLinkCache();

  // A failed write is logged and the response is sent anyway, because a reader's click must not break.
  async function record(c: Context<AppEnv>, link: TrackedLink, kind: 'open' | 'click'): Promise<void> {
    const occurredAt = ctx.clock();
    const machineReason = classifyHit({ method: c.req.method, userAgent: c.req.header('user-agent'), at: occurredAt, sentAt: link.sentAt });
    try {
      await events.add({ messageId: link.messageId, kind, linkNumber: link.linkNumber, occurredAt, machineReason });
    } catch (error) {
      ctx.logger.error({ requestId: c.get('requestId'), messageId: link.messageId, kind, err: error }, 'tracking event not stored');
    }
  }

  return new Hono<AppEnv>()
    .get('/o/:token', async (c) => {
      const link = await findTrackedLink(ctx.db, ctx.emailKeys, c.req.param('token'), links);
      if (link?.linkNumber === 0) await record(c, link, 'open');

      // Every token gets the same image, so a client cannot tell a valid token from an invalid one.
      return c.body(new Uint8Array(OPEN_PIXEL_GIF), 200, OPEN_PIXEL_HEADERS);
    })
    .get('/c/:token', async (c) => {
      const link = await findTrackedLink(ctx.db, ctx.emailKeys, c.req.param('token'), links);
      if (!link || link.linkNumber === 0 || !link.destination) {
        throw new HttpError(404, 'link_not_found', 'This tracking link is not valid; open the link from the original email, or ask the sender for a new one.');
      }

      await record(c, link, 'click');
      c.header('Cache-Control', 'no-store');
      return c.redirect(toLocationHeader(link.destination), 302);
    });
}
