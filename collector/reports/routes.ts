import { Hono } from 'hono';
import type { AppContext } from '../app-context';
import { requireApiKey, type ApiKeyEnv } from '../api-keys/require-api-key';
import { buildDeliverabilityReport } from './deliverability-report';
import { reportToCsv } from './report-csv';
import { parseReportParams } from './report-params';

/**
 * Report routes. They contain no PHI: recipient addresses are never read,
 * only their domains.
 * TODO: staff console sessions with the analyst role should reach these too; today only an API key does.
 */
export function reportRoutes(ctx: AppContext) {
  return new Hono<ApiKeyEnv>().use(requireApiKey(ctx.db)).get('/deliverability', async (c) => {
    const params = parseReportParams(c.req.query());
    const report = await buildDeliverabilityReport(ctx.db, params);

    c.header('Cache-Control', 'no-store');
    if (params.format === 'json') return c.json(report);

    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', 'attachment; filename="deliverability.csv"');
    return c.body(reportToCsv(report));
  });
}
