import { Hono } from 'hono';
import { requireApiKey, type ApiKeyEnv } from '../api-keys/require-api-key';
import type { Database } from '../db/open-database';
import { HttpError } from '../http/http-error';
import { isTimeZone } from './local-time';
import { workflowReport } from './workflow-report';

/** `GET /v1/reports/workflows/:id?tz=Europe/Berlin`: per step and per local day. */
export function workflowReportRoutes(db: Database) {
  // TODO: require the analyst role once console sessions exist; until then an API key is required.
  return new Hono<ApiKeyEnv>().use(requireApiKey(db)).get('/:id', async (c) => {
    const timeZone = c.req.query('tz') ?? 'UTC';
    if (!isTimeZone(timeZone)) throw new HttpError(400, 'invalid_time_zone', `tz ${JSON.stringify(timeZone)} is not an IANA time zone; send one such as Europe/Berlin, or leave it out for UTC.`);
    return c.json({ workflowId: c.req.param('id'), timeZone, rows: await workflowReport(db, c.req.param('id'), timeZone) });
  });
}
