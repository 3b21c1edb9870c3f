import { Hono } from 'hono';
import { requireApiKey, type ApiKeyEnv } from '../api-keys/require-api-key';
import { findContact } from '../contacts/contact-store';
import type { Database } from '../db/open-database';
import { HttpError } from '../http/http-error';
import { readJsonObject } from '../http/read-json';
import { receiveApiEvent } from './receive-event';
import type { WorkflowEngine } from './workflow-engine';

const EVENT_NAME = /^[A-Za-z0-9_.-]{1,100}$/;
const EVENT_ID = /^[A-Za-z0-9_.:-]{8,128}$/;
const EXPECTED = '{ "id": "<unique event id>", "name": "appointment.booked", "contactId": "<contact id>", "data": {} }';

/**
 * `POST /v1/events`: an event from the clinic's systems. `id` is the
 * idempotency key. `data` is accepted but neither stored nor logged,
 * because callers may put PHI in it.
 */
export function eventRoutes(db: Database, engine: WorkflowEngine) {
  return new Hono<ApiKeyEnv>().use(requireApiKey(db)).post('/', async (c) => {
    const body = await readJsonObject(c.req.raw, EXPECTED);
    if (typeof body.id !== 'string' || !EVENT_ID.test(body.id)) throw new HttpError(422, 'invalid_event', `id is missing or invalid; send 8 to 128 characters of A-Z, a-z, 0-9, ".", "_", ":" or "-", the same on every retry: ${EXPECTED}.`);
    if (typeof body.name !== 'string' || !EVENT_NAME.test(body.name)) throw new HttpError(422, 'invalid_event', `name is missing or invalid; send an event name of A-Z, a-z, 0-9, ".", "_" or "-": ${EXPECTED}.`);
    if (typeof body.contactId !== 'string') throw new HttpError(422, 'invalid_event', `contactId is missing; send the id POST /v1/contacts returned: ${EXPECTED}.`);
    if (body.data !== undefined && (typeof body.data !== 'object' || body.data === null)) throw new HttpError(422, 'invalid_event', 'data must be a JSON object when present.');
    if (!(await findContact(db, body.contactId))) throw new HttpError(404, 'contact_not_found', `No contact has id ${body.contactId}; create it with POST /v1/contacts first.`);

    const outcome = await receiveApiEvent(engine, { name: body.name, contactId: body.contactId, eventId: body.id, machine: body.machine === true });
    engine.logger.info({ requestId: c.get('requestId'), event: body.name, eventId: body.id, resumedWaits: outcome.resumedWaits }, 'workflow event received');
    return c.json(outcome, 202);
  });
}
