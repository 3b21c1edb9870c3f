import { Hono, type Context } from 'hono';
import type { AppContext, AppEnv } from '../app-context';
import { acceptsHtml, prefersSpanish } from '../http/content-negotiation';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '../http/database-unavailable';
import { HttpError } from '../http/http-error';
import { requestLogWithId } from '../http/request-log';
import { classifyHit } from './classify-hit';
import { findTrackedLink, toLocationHeader, TrackedLinkCache, type TrackedLink } from './find-link';
import { GroupCommit } from './group-commit';
import { buildLinkFailurePages, LINK_FAILURE_PAGE_HEADERS, type LinkFailure } from './link-error-page';
import { OPEN_PIXEL_BODY, OPEN_PIXEL_HEADERS } from './open-pixel';
import { writeTrackingEvents, type TrackingEvent } from './write-events';

/**
 * Open and click tracking, reached from email clients without credentials.
 * Each hit is stored (group-committed with concurrent hits) before the
 * response is sent, so a 200 pixel or a 302 redirect for a valid token means
 * the hit is stored. A hit that cannot be stored is never answered as if it
 * were: the pixel still sends its image, with 503 and Retry-After when the
 * database is unreachable (500 otherwise), and a click answers 503 with
 * Retry-After instead of redirecting. A click that fails with 404, 500 or 503
 * returns a page in English and Spanish, built at start-up, to a browser
 * whose Accept names text/html, and the JSON error to any other client.
 * Machine hits are stored with their reason and get the same response.
 * The request log shows the route pattern, so tokens never reach a log.
 *
 * These routes are mounted ahead of the app-wide middleware and answer with
 * Response objects built from fixed header records, so a hit costs no
 * header object and no copy of the image.
 */
export function trackingRoutes(ctx: AppContext) {
  // One writer: in the pixel benchmark two writers served no more requests (the CPUs were the limit,
  // not lock waits), and each committed smaller batches.
  const events = new GroupCommit<TrackingEvent>((batch) => writeTrackingEvents(ctx.db, batch), 500, 1);
  const links = new TrackedLinkCache();

  async function record(c: Context<AppEnv>, link: TrackedLink, kind: 'open' | 'click'): Promise<void> {
    const occurredAt = ctx.clock();
    const machineReason = classifyHit({ method: c.req.method, userAgent: c.req.header('user-agent'), at: occurredAt, sentAt: link.sentAt });
    await events.add({ messageId: link.messageId, kind, linkNumber: link.linkNumber, occurredAt, machineReason });
  }

  function logFailure(c: Context<AppEnv>, kind: 'open' | 'click', error: unknown): boolean {
    const unavailable = isDatabaseUnavailable(error);
    const fields = { requestId: c.get('requestId'), kind, ...(unavailable ? { code: (error as { code?: string }).code } : { err: error }) };
    if (unavailable) ctx.logger.warn(fields, 'tracking hit not stored: database unavailable');
    else ctx.logger.error(fields, 'tracking hit not stored');
    return unavailable;
  }

  const log = requestLogWithId(ctx.logger);
  const failurePages = buildLinkFailurePages();

  /**
   * Returns the page for a failed click to a browser, which names text/html
   * in Accept, and undefined to any other client, which gets the JSON error.
   */
  function failurePage(c: Context<AppEnv>, failure: LinkFailure, status: 404 | 500 | 503, headers: Record<string, string> = {}): Response | undefined {
    if (!acceptsHtml(c.req.header('accept'))) return undefined;

    const page = failurePages[failure][prefersSpanish(c.req.header('accept-language')) ? 'es' : 'en'];
    return new Response(page, { status, headers: { ...LINK_FAILURE_PAGE_HEADERS, ...headers } });
  }

  return new Hono<AppEnv>()
    .get('/o/:token', log, async (c) => {
      try {
        const link = await findTrackedLink(ctx.db, ctx.emailKeys, c.req.param('token'), links);
        if (link?.linkNumber === 0) await record(c, link, 'open');
      } catch (error) {
        // The message still renders its image; the status tells that the open was not recorded.
        const unavailable = logFailure(c, 'open', error);
        const headers = unavailable ? { ...OPEN_PIXEL_HEADERS, 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) } : OPEN_PIXEL_HEADERS;
        return new Response(OPEN_PIXEL_BODY, { status: unavailable ? 503 : 500, headers });
      }

      // Every token gets the same image, so a client cannot tell a valid token from an invalid one.
      return new Response(OPEN_PIXEL_BODY, { status: 200, headers: OPEN_PIXEL_HEADERS });
    })
    .get('/c/:token', log, async (c) => {
      let link: TrackedLink | undefined;
      try {
        link = await findTrackedLink(ctx.db, ctx.emailKeys, c.req.param('token'), links);
        if (link && link.linkNumber !== 0 && link.destination) await record(c, link, 'click');
      } catch (error) {
        // Redirecting without storing the click would acknowledge a hit that is then lost.
        if (!isDatabaseUnavailable(error)) {
          // A browser gets a page it can show; other clients get the JSON error, which the app's handler logs.
          const page = failurePage(c, 'failed', 500);
          if (!page) throw error;
          logFailure(c, 'click', error);
          return page;
        }
        logFailure(c, 'click', error);

        const retryAfter = { 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) };
        const page = failurePage(c, 'unavailable', 503, retryAfter);
        if (page) return page;
        throw new HttpError(
          503,
          'database_unavailable',
          `The link cannot be followed right now because the collector cannot reach its database; try the link again in ${DATABASE_RETRY_AFTER_SECONDS} seconds.`,
          {},
          { ...retryAfter, 'Cache-Control': 'no-store', Vary: LINK_FAILURE_PAGE_HEADERS.Vary },
        );
      }

      if (!link || link.linkNumber === 0 || !link.destination) {
        const page = failurePage(c, 'notFound', 404);
        if (page) return page;
        throw new HttpError(404, 'link_not_found', 'This tracking link is not valid; open the link from the original email, or ask the sender for a new one.', {}, { Vary: LINK_FAILURE_PAGE_HEADERS.Vary });
      }

      return new Response(null, { status: 302, headers: { Location: toLocationHeader(link.destination), 'Cache-Control': 'no-store' } });
    });
}
