import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import type { AppEnv } from '../app-context';
import type { Database } from '../db/open-database';
import { workflows } from '../db/schema';
import { HttpError } from '../http/http-error';
import { isTimeZone } from './local-time';
import { workflowReport } from './workflow-report';
import { workflowFunnel } from './workflow-summary';

/**
 * `GET /v1/reports/workflows/:id?tz=Europe/Berlin`: per step and per local
 * day (`rows`), and per step over every day in the order of the workflow's
 * steps (`funnel`). Mounted inside the report routes, whose access check
 * admits an API key or a staff session with the analyst or admin role.
 */
export function workflowReportRoutes(db: Database) {
  return new Hono<AppEnv>().get('/:id', async (c) => {
    const timeZone = c.req.query('tz') ?? 'UTC';
    if (!isTimeZone(timeZone)) throw new HttpError(400, 'invalid_time_zone', `tz ${JSON.stringify(timeZone)} is not an IANA time zone; send one such as Europe/Berlin, or leave it out for UTC.`);
    const workflowId = c.req.param('id');
    // A deleted workflow still has a report; only an id that was never published is unknown.
    const [known] = await db.select({ id: workflows.id }).from(workflows).where(eq(workflows.id, workflowId));
    if (!known) throw new HttpError(404, 'workflow_not_found', `No workflow "${workflowId}" was ever published; list them with GET /v1/workflows.`);

    const rows = await workflowReport(db, workflowId, timeZone);
    c.header('Cache-Control', 'no-store');
    return c.json({ workflowId, timeZone, rows, funnel: await workflowFunnel(db, workflowId, rows) });
  });
}
