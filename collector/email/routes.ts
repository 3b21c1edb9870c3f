import { Hono } from 'hono';
import type { AppContext } from '../app-context';
import { requireApiKey, type ApiKeyEnv } from '../api-keys/require-api-key';
import { jsonBody, readJson } from '../http/json-body';
import { parseMessages } from './message-input';
import { prepareMessage } from './prepare-message';
import { storeMessages } from './store-messages';

// NOTE: a fixed limit; 500 messages of a few kilobytes each fit easily, 500 at the 512 KiB body maximum do not.
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

/**
 * Server-to-server message routes, behind an API key. Every message of a
 * request is validated and prepared before anything is stored, and all are
 * stored in one transaction, so one bad message stores none.
 */
export function messageRoutes(ctx: AppContext) {
  return new Hono<ApiKeyEnv>().post('/', requireApiKey(ctx.db), jsonBody(MAX_REQUEST_BYTES), async (c) => {
    const inputs = parseMessages(await readJson(c.req.raw, 'one message object or an array of them'));
    const now = ctx.clock();
    const options = { apiKeyId: c.get('apiKey').id, keys: ctx.emailKeys, origin: ctx.config.publicOrigins[0]!, now, status: 'queued' as const };
    const prepared = inputs.map((input, index) => prepareMessage(input, index, options));

    await storeMessages(ctx.db, prepared);
    ctx.logger.info({ requestId: c.get('requestId'), apiKeyId: options.apiKeyId, count: prepared.length, messageIds: prepared.map((item) => item.message.id) }, 'messages queued');
    return c.json({ messages: prepared.map((item) => ({ id: item.message.id, status: 'queued' })) }, 202);
  });
}
