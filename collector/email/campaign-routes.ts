import { Hono } from 'hono';
import type { AppContext } from '../app-context';
import { requireApiKey, type ApiKeyEnv } from '../api-keys/require-api-key';
import { jsonBody, readJson } from '../http/json-body';
import { parseCampaignSettings, readCampaignName, readCampaignSettings, writeCampaignSettings } from './campaign-settings';

/**
 * Per-campaign settings behind an API key: `GET` and `PUT
 * /v1/campaigns/:campaign/settings`. A campaign needs no creation; its name
 * is the `campaign` field of its messages.
 */
export function campaignRoutes(ctx: AppContext) {
  return new Hono<ApiKeyEnv>()
    .use(requireApiKey(ctx.db))
    .get('/:campaign/settings', async (c) => c.json(await readCampaignSettings(ctx.db, readCampaignName(c.req.param('campaign')))))
    .put('/:campaign/settings', jsonBody(4096), async (c) => {
      const campaign = readCampaignName(c.req.param('campaign'));
      const settings = parseCampaignSettings(await readJson(c.req.raw, 'a JSON object such as { "requireTls": "verified" }'));
      const stored = await writeCampaignSettings(ctx.db, campaign, settings, c.get('apiKey').id, ctx.clock());

      ctx.logger.info({ requestId: c.get('requestId'), apiKeyId: c.get('apiKey').id, requireTls: stored.requireTls }, 'campaign settings updated');
      return c.json(stored, 200);
    });
}
