import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import type { AppContext, AppEnv } from './app-context';
import { contactRoutes } from './contacts/routes';
import { messageRoutes } from './email/routes';
import { campaignRoutes } from './email/campaign-routes';
import { embedRoutes } from './embed/routes';
import { formRoutes } from './forms/routes';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { limitBody } from './http/json-body';
import { requestLog } from './http/request-log';
import { reportRoutes } from './reports/routes';
import { staffApp } from './staff/staff-app';
import { submissionRoutes } from './submissions/routes';
import { eventRoutes } from './workflows/event-routes';
import { templateRoutes } from './templates/routes';
import { workflowRoutes } from './workflows/routes';
import { trackingRoutes } from './tracking/routes';

/** Largest body, in bytes, of a route that sets no limit of its own: a workflow or form definition fits. */
export const DEFAULT_BODY_BYTES = 4 * 1024 * 1024;

/** Builds the collector's HTTP app on the given database and keys. */
export function createApp(ctx: AppContext) {
  const app = new Hono<AppEnv>();

  app.onError(errorHandler(ctx.logger));
  app.notFound(notFoundHandler);
  // Tracking hits come first, ahead of the middleware below: they carry their own request id and log
  // line and respond with fixed headers, because they are the collector's most frequent requests.
  app.route('/t', trackingRoutes(ctx));
  app.use(requestId());
  app.use(requestLog(ctx.logger));

  // Routes that read JSON without a limit of their own read at most DEFAULT_BODY_BYTES, so a large body cannot
  // fill the collector's memory, on the unauthenticated sign-in route included. Submissions and messages set
  // their own, larger limits.
  for (const prefix of ['/v1/staff', '/v1/campaigns', '/v1/reports', '/v1/workflows', '/v1/events', '/v1/contacts', '/v1/templates']) {
    app.use(`${prefix}/*`, limitBody(DEFAULT_BODY_BYTES));
  }

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.route('/v1/forms', formRoutes(ctx));
  app.route('/v1/forms', submissionRoutes(ctx));
  app.route('/v1/messages', messageRoutes(ctx));
  app.route('/v1/campaigns', campaignRoutes(ctx));
  app.route('/v1/reports', reportRoutes(ctx));
  app.route('/', staffApp(ctx));
  app.route('/', embedRoutes(ctx));
  if (ctx.workflowEngine) {
    app.route('/v1/workflows', workflowRoutes(ctx.db, ctx.workflowEngine));
    app.route('/v1/events', eventRoutes(ctx.db, ctx.workflowEngine));
    app.route('/v1/contacts', contactRoutes(ctx.db, ctx.workflowEngine));
    app.route('/v1/templates', templateRoutes(ctx.db, ctx.logger, () => ctx.workflowEngine!.clock.now()));
  }

  return app;
}
