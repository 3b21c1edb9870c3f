import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { requireApiKey, type ApiKeyEnv } from '../api-keys/require-api-key';
import type { Database } from '../db/open-database';
import { HttpError } from '../http/http-error';
import { readJsonObject } from '../http/read-json';
import { receiveContactUpdate } from '../workflows/receive-event';
import type { WorkflowEngine } from '../workflows/workflow-engine';
import { findContact, updateContact, upsertContact, type ContactInput } from './contact-store';

const EXPECTED = '{ "email": "name@example.org", "attributes": {}, "segments": [], "timeZone": "America/Chicago" }';

/**
 * Contacts over the server API. A create or an update fires contact_updated
 * triggers; the Idempotency-Key header, when sent, makes a retried request
 * start no second run.
 */
export function contactRoutes(db: Database, engine: WorkflowEngine) {
  return new Hono<ApiKeyEnv>()
    .use(requireApiKey(db))
    .post('/', async (c) => {
      const input = (await readJsonObject(c.req.raw, EXPECTED)) as ContactInput;
      const result = await upsertContact(db, engine.contactKeys, input, engine.clock.now());
      await receiveContactUpdate(engine, { contactId: result.id, changeId: c.req.header('idempotency-key') ?? randomUUID(), attributes: Object.keys(input.attributes ?? {}) });
      engine.logger.info({ requestId: c.get('requestId'), contactId: result.id, created: result.created }, 'contact saved');
      return c.json(result, result.created ? 201 : 200);
    })
    .get('/:id', async (c) => {
      const contact = await findContact(db, c.req.param('id'));
      if (!contact) throw new HttpError(404, 'contact_not_found', `No contact has id ${c.req.param('id')}; create it with POST /v1/contacts first.`);
      return c.json(contact);
    })
    .patch('/:id', async (c) => {
      const input = (await readJsonObject(c.req.raw, EXPECTED)) as ContactInput;
      if (input.email !== undefined) throw new HttpError(422, 'invalid_contact', 'email cannot change through PATCH; create a contact with the new email instead.');
      await updateContact(db, c.req.param('id'), input, engine.clock.now());
      await receiveContactUpdate(engine, { contactId: c.req.param('id'), changeId: c.req.header('idempotency-key') ?? randomUUID(), attributes: Object.keys(input.attributes ?? {}) });
      return c.json({ id: c.req.param('id') });
    });
}
