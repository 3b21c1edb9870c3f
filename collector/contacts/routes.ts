import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { requireApiKey, type ApiKeyEnv } from '../api-keys/require-api-key';
import type { Database } from '../db/open-database';
import { quoteValue } from '../http/describe-value';
import { HttpError } from '../http/http-error';
import { readJsonObject } from '../http/read-json';
import { receiveContactUpdate } from '../workflows/receive-event';
import type { WorkflowEngine } from '../workflows/workflow-engine';
import { findFormVersion } from '../forms/form-store';
import { issueContactToken } from './contact-form-token';
import { checkAttributeRules, readAttributeRules } from './attribute-rules';
import { parseContactCreate, parseContactPatch } from './contact-input';
import { findContact, updateContact, upsertContact } from './contact-store';

const EXPECTED = '{ "email": "name@example.org", "attributes": {}, "segments": [], "timeZone": "America/Chicago" }';
const PATCH_EXPECTED = '{ "attributes": { "language": "es" }, "segments": [], "timeZone": "America/Chicago" }';
const TOKEN_EXPECTED = '{ "formId": "new-patient-intake", "expiresInDays": 7 }';
const DAY_MS = 86_400_000;
/** Days a contact form token is valid when the request does not say, and the most it may ask for. */
export const FORM_TOKEN_DEFAULT_DAYS = 7;
export const FORM_TOKEN_MAX_DAYS = 30;

/**
 * Contacts over the server API. A create or an update fires contact_updated
 * triggers; the Idempotency-Key header, when sent, makes a retried request
 * start no second run. `POST /:id/form-token` issues the signed token with
 * which `<sealpost-form contact-token>` ties a submission to the contact.
 */
export function contactRoutes(db: Database, engine: WorkflowEngine) {
  return new Hono<ApiKeyEnv>()
    .use(requireApiKey(db))
    .post('/', async (c) => {
      const input = parseContactCreate(await readJsonObject(c.req.raw, EXPECTED));
      checkAttributeRules(input.attributes, await readAttributeRules(db));

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
      const input = parseContactPatch(await readJsonObject(c.req.raw, PATCH_EXPECTED));
      checkAttributeRules(input.attributes, await readAttributeRules(db));

      await updateContact(db, c.req.param('id'), input, engine.clock.now());
      await receiveContactUpdate(engine, { contactId: c.req.param('id'), changeId: c.req.header('idempotency-key') ?? randomUUID(), attributes: Object.keys(input.attributes ?? {}) });
      return c.json({ id: c.req.param('id') });
    })
    .post('/:id/form-token', async (c) => {
      const { formId, expiresInDays = FORM_TOKEN_DEFAULT_DAYS } = await readJsonObject(c.req.raw, TOKEN_EXPECTED);
      if (typeof formId !== 'string' || formId.trim() === '') {
        throw new HttpError(422, 'invalid_form_id', `formId is ${formId === undefined ? 'missing' : quoteValue(formId)}; send the id of a published form, such as "new-patient-intake".`);
      }
      if (!Number.isSafeInteger(expiresInDays) || (expiresInDays as number) < 1 || (expiresInDays as number) > FORM_TOKEN_MAX_DAYS) {
        throw new HttpError(422, 'invalid_expires_in_days', `expiresInDays ${JSON.stringify(expiresInDays)} is not allowed; send a whole number of days from 1 to ${FORM_TOKEN_MAX_DAYS}, or leave it out for ${FORM_TOKEN_DEFAULT_DAYS}.`);
      }

      const contactId = c.req.param('id');
      const contact = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(contactId) ? await findContact(db, contactId) : undefined;
      if (!contact) throw new HttpError(404, 'contact_not_found', `No contact has id ${contactId}; create it with POST /v1/contacts first.`);
      if (!(await findFormVersion(db, formId))) throw new HttpError(404, 'form_not_found', `No form "${formId}" is published; publish it first, or check the form id.`);

      const expiresAt = new Date(Math.floor((engine.clock.now().getTime() + (expiresInDays as number) * DAY_MS) / 1000) * 1000);
      const token = issueContactToken(engine.contactTokenKey, { contactId, formId, expiresAt });
      engine.logger.info({ requestId: c.get('requestId'), contactId, formId, expiresAt }, 'contact form token issued');
      return c.json({ token, expiresAt: expiresAt.toISOString() });
    });
}
