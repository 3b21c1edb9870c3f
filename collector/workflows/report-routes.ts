import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import type { AppEnv } from '../app-context';
import type { Database } from '../db/open-database';
import { workflows } from '../db/schema';
import { HttpError } from '../http/http-error';
import { singleQueryValues } from '../reports/single-query-values';
import { DEFAULT_TIME_ZONE, canonicalTimeZone } from '../reports/time-zone-param';
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
    const { tz } = singleQueryValues(c.req.queries(), ['tz']);
    const timeZone = await canonicalTimeZone(db, tz ?? DEFAULT_TIME_ZONE);
    const workflowId = c.req.param('id');
    // A deleted workflow still has a report; only an id that was never published is unknown.
    const [known] = await db.select({ id: workflows.id }).from(workflows).where(eq(workflows.id, workflowId));
    if (!known) throw new HttpError(404, 'workflow_not_found', `No workflow "${workflowId}" was ever published; list them with GET /v1/workflows.`);

    const rows = await workflowReport(db, workflowId, timeZone);
    c.header('Cache-Control', 'no-store');
    return c.json({ workflowId, timeZone, rows, funnel: await workflowFunnel(db, workflowId, rows) });
  });
}
