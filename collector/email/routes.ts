import { Hono } from 'hono';
import type { AppContext } from '../app-context';
import { requireApiKey, type ApiKeyEnv } from '../api-keys/require-api-key';
import type { MessageStatus } from '../db/schema';
import { jsonBody, readJson } from '../http/json-body';
import { parseDeliveryEvents } from './delivery-event-input';
import { parseMessages } from './message-input';
import { readMessageOutcome } from './message-outcome';
import { prepareMessage, type PreparedMessage } from './prepare-message';
import { recordDeliveryEvents } from './record-delivery-events';
import { storeMessages } from './store-messages';

// NOTE: a fixed limit; 500 messages of a few kilobytes each fit easily, 500 at the 512 KiB body maximum do not.
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

/**
 * Server-to-server message routes, behind an API key. Every item of a
 * request is validated before anything is stored, and all items are stored
 * in one transaction, so one bad item stores none.
 */
export function messageRoutes(ctx: AppContext) {
  const body = jsonBody(MAX_REQUEST_BYTES);

  async function prepareAll(request: Request, apiKeyId: string, status: MessageStatus): Promise<PreparedMessage[]> {
    const inputs = parseMessages(await readJson(request, 'one message object or an array of them'));
    const options = { apiKeyId, keys: ctx.emailKeys, origin: ctx.config.publicOrigins[0]!, now: ctx.clock(), status };
    return inputs.map((input, index) => prepareMessage(input, index, options));
  }

  return new Hono<ApiKeyEnv>()
    .use(requireApiKey(ctx.db))
    .post('/', body, async (c) => {
      const prepared = await prepareAll(c.req.raw, c.get('apiKey').id, 'queued');
      await storeMessages(ctx.db, prepared);

      ctx.logger.info({ requestId: c.get('requestId'), apiKeyId: c.get('apiKey').id, count: prepared.length, messageIds: prepared.map((item) => item.message.id) }, 'messages queued');
      return c.json({ messages: prepared.map((item) => ({ id: item.message.id, status: 'queued' })) }, 202);
    })
    .post('/external', body, async (c) => {
      // Sent elsewhere: stored for tracking and reports, never claimed by the send worker.
      const prepared = await prepareAll(c.req.raw, c.get('apiKey').id, 'external');
      for (const item of prepared) item.message.sentAt = item.message.queuedAt;
      await storeMessages(ctx.db, prepared);

      ctx.logger.info({ requestId: c.get('requestId'), apiKeyId: c.get('apiKey').id, count: prepared.length, messageIds: prepared.map((item) => item.message.id) }, 'external messages registered');
      return c.json({ messages: prepared.map((item) => ({ id: item.message.id, status: 'external', html: item.trackedHtml ?? null })) }, 201);
    })
    .post('/events', body, async (c) => {
      const now = ctx.clock();
      const events = parseDeliveryEvents(await readJson(c.req.raw, 'one event object or an array of them'), now);
      const result = await recordDeliveryEvents(ctx.db, c.get('apiKey').id, events, now);

      ctx.logger.info({ requestId: c.get('requestId'), apiKeyId: c.get('apiKey').id, ...result }, 'delivery events recorded');
      return c.json(result, 200);
    })
    .get('/:id', async (c) => c.json(await readMessageOutcome(ctx.db, c.req.param('id'), c.get('apiKey').id)));
}
