import { Hono } from 'hono';
import { requireApiKey, type ApiKeyEnv } from '../api-keys/require-api-key';
import type { Database } from '../db/open-database';
import { HttpError } from '../http/http-error';
import { readJsonObject } from '../http/read-json';
import type { Logger } from '../log';
import { findTemplate, listTemplates, publishTemplate } from './template-store';

const EXPECTED = '{ "id": "intake-welcome", "from": "care@clinic.example", "subject": { "en": "…", "es": "…" }, "text": { "en": "…", "es": "…" } }';

/** Email templates over the server API, behind an API key like workflows; the audit actor is the key's id. */
export function templateRoutes(db: Database, logger: Logger, now: () => Date) {
  return new Hono<ApiKeyEnv>()
    .use(requireApiKey(db))
    .get('/', async (c) => c.json({ templates: await listTemplates(db) }))
    .post('/', async (c) => {
      const body = await readJsonObject(c.req.raw, EXPECTED);
      const result = await publishTemplate(db, body, { actor: `api-key:${c.get('apiKey').id}`, now: now() });
      logger.info({ requestId: c.get('requestId'), templateId: result.templateId, version: result.version, status: result.status }, 'email template published');
      return c.json(result, result.status === 'unchanged' ? 200 : 201);
    })
    .get('/:id', async (c) => {
      const found = await findTemplate(db, c.req.param('id'));
      if (!found) throw new HttpError(404, 'template_not_found', `No email template "${c.req.param('id')}" is published; list them with GET /v1/templates.`);
      return c.json({ version: found.version, template: found.template });
    });
}
