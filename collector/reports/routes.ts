import { Hono } from 'hono';
import type { AppContext, AppEnv } from '../app-context';
import { reportAccess } from './report-access';
import { buildDeliverabilityReport } from './deliverability-report';
import { reportToCsv } from './report-csv';
import { parseReportParams } from './report-params';

/**
 * Report routes, for API keys and for staff with the analyst or admin role.
 * They contain no PHI: recipient addresses are never read, only their domains.
 */
export function reportRoutes(ctx: AppContext) {
  return new Hono<AppEnv>().use(reportAccess(ctx)).get('/deliverability', async (c) => {
    const params = parseReportParams(c.req.query());
    const report = await buildDeliverabilityReport(ctx.db, params);

    c.header('Cache-Control', 'no-store');
    if (params.format === 'json') return c.json(report);

    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', 'attachment; filename="deliverability.csv"');
    return c.body(reportToCsv(report));
  });
}
