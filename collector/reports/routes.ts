import { Hono } from 'hono';
import type { AppContext, AppEnv } from '../app-context';
import { reportAccess } from './report-access';
import { buildDeliverabilityReport } from './deliverability-report';
import { reportToCsv } from './report-csv';
import { REPORT_PARAMETERS, parseReportParams } from './report-params';
import { singleQueryValues } from './single-query-values';
import { canonicalTimeZone } from './time-zone-param';
import { workflowReportRoutes } from '../workflows/report-routes';

/**
 * Report routes, for API keys and for staff with the analyst or admin role.
 * They contain no PHI: recipient addresses are never read, only their
 * domains. The workflow report is mounted here, behind the same check, when
 * the workflow engine runs.
 */
export function reportRoutes(ctx: AppContext) {
  const app = new Hono<AppEnv>().use(reportAccess(ctx));
  if (ctx.workflowEngine) app.route('/workflows', workflowReportRoutes(ctx.db));
  return app.get('/deliverability', async (c) => {
    const params = parseReportParams(singleQueryValues(c.req.queries(), REPORT_PARAMETERS));
    params.tz = await canonicalTimeZone(ctx.db, params.tz);
    const report = await buildDeliverabilityReport(ctx.db, params);

    c.header('Cache-Control', 'no-store');
    if (params.format === 'json') return c.json(report);

    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', 'attachment; filename="deliverability.csv"');
    return c.body(reportToCsv(report));
  });
}
