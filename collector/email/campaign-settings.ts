import { eq, inArray } from 'drizzle-orm';
import { appendAudit } from '../audit/audit-log';
import type { Database } from '../db/open-database';
import { campaignSettings, type TlsRequirement } from '../db/schema';
import { quoteValue } from '../http/describe-value';
import { HttpError } from '../http/http-error';
import { wrongBodyType } from '../http/read-json';
import { TLS_REQUIREMENTS, readTlsRequirement } from './message-input';

/** The settings of one campaign as the API returns them. */
export interface CampaignSettings {
  campaign: string;
  /** null when the campaign requires no TLS. */
  requireTls: TlsRequirement | null;
  updatedAt: string | null;
}

const FIELDS = new Set(['requireTls']);

/** Validates a campaign name from a URL path: 1 to 100 printable characters, as messages.campaign allows. */
export function readCampaignName(name: string): string {
  if (name.length === 0 || name.length > 100 || name.trim() === '' || /\p{Cc}/u.test(name)) {
    throw new HttpError(400, 'invalid_campaign', 'The campaign in the path must be 1 to 100 printable characters, such as flu-reminder-2026.');
  }
  return name;
}

/** Validates the body of PUT /v1/campaigns/:campaign/settings. */
export function parseCampaignSettings(body: unknown): { requiredTls: TlsRequirement | null } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw wrongBodyType(body, 'a JSON object such as { "requireTls": "verified" }');

  const unknown = Object.keys(body).find((key) => !FIELDS.has(key));
  if (unknown !== undefined) throw new HttpError(422, 'unknown_field', `${quoteValue(unknown)} is not a campaign setting; use only requireTls.`, { field: unknown });
  if (!('requireTls' in body)) throw new HttpError(422, 'missing_field', `requireTls is missing; give ${TLS_REQUIREMENTS}.`, { field: 'requireTls' });

  const requiredTls = readTlsRequirement((body as { requireTls: unknown }).requireTls);
  if (requiredTls === 'invalid') throw new HttpError(422, 'invalid_field', `requireTls is ${quoteValue((body as { requireTls: unknown }).requireTls)}; use ${TLS_REQUIREMENTS}.`, { field: 'requireTls' });
  return { requiredTls };
}

/** Returns a campaign's settings; a campaign never set requires nothing. */
export async function readCampaignSettings(db: Database, campaign: string): Promise<CampaignSettings> {
  const [row] = await db.select().from(campaignSettings).where(eq(campaignSettings.campaign, campaign));
  return { campaign, requireTls: row?.requiredTls ?? null, updatedAt: row?.updatedAt.toISOString() ?? null };
}

/** Stores a campaign's settings and an audit entry naming the API key, in one transaction. */
export async function writeCampaignSettings(db: Database, campaign: string, settings: { requiredTls: TlsRequirement | null }, apiKeyId: string, now: Date): Promise<CampaignSettings> {
  await db.transaction(async (tx) => {
    await tx
      .insert(campaignSettings)
      .values({ campaign, requiredTls: settings.requiredTls, updatedAt: now, updatedByApiKeyId: apiKeyId })
      .onConflictDoUpdate({ target: campaignSettings.campaign, set: { requiredTls: settings.requiredTls, updatedAt: now, updatedByApiKeyId: apiKeyId } });
    await appendAudit(tx, { actor: `apikey:${apiKeyId}`, action: 'campaign.settings.update', subjectType: 'campaign', subjectId: campaign, details: { requireTls: settings.requiredTls } }, now);
  });
  return { campaign, requireTls: settings.requiredTls, updatedAt: now.toISOString() };
}

/** Returns the TLS requirement of each named campaign that has one. */
export async function campaignTlsRequirements(db: Database, campaigns: string[]): Promise<Map<string, TlsRequirement>> {
  if (campaigns.length === 0) return new Map();
  const rows = await db.select({ campaign: campaignSettings.campaign, requiredTls: campaignSettings.requiredTls }).from(campaignSettings).where(inArray(campaignSettings.campaign, [...new Set(campaigns)]));
  return new Map(rows.filter((row) => row.requiredTls !== null).map((row) => [row.campaign, row.requiredTls!]));
}

/** Returns the stricter of two TLS requirements. */
export function stricterTls(a: TlsRequirement | null, b: TlsRequirement | null | undefined): TlsRequirement | null {
  if (a === 'verified' || b === 'verified') return 'verified';
  if (a === 'encrypted' || b === 'encrypted') return 'encrypted';
  return null;
}
