import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { appendAudit } from '../audit/audit-log';
import type { Database } from '../db/open-database';
import { apiKeys } from '../db/schema';
import { HttpError } from '../http/http-error';

/** The caller that a bearer key identifies. */
export interface ApiKeyIdentity {
  id: string;
  name: string;
}

const PREFIX = 'sealpost';

// `sealpost_<id>_<secret>`: 8 random bytes of id in hex for the lookup, 32 random bytes of secret in base64url.
const KEY_PATTERN = /^sealpost_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/**
 * Creates an API key and records the creation in the audit log, in one
 * transaction. Returns the full key, which is never stored and cannot be
 * shown again.
 */
export async function createApiKey(db: Database, name: string, actor: string): Promise<{ id: string; key: string }> {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 100 || /[\p{Cc}]/u.test(trimmed)) {
    throw new HttpError(400, 'invalid_api_key_name', 'The API key name must be 1 to 100 printable characters, such as --name "billing-service".');
  }

  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');

  await db.transaction(async (tx) => {
    await tx.insert(apiKeys).values({ id, name: trimmed, secretSha256: sha256(secret), createdBy: actor });
    await appendAudit(tx, { actor, action: 'apikey.create', subjectType: 'api_key', subjectId: id, details: { name: trimmed } });
  });

  return { id, key: `${PREFIX}_${id}_${secret}` };
}

/** Returns the identity of an unrevoked key, or undefined for a malformed, unknown, revoked or wrong key. */
export async function verifyApiKey(db: Database, key: string): Promise<ApiKeyIdentity | undefined> {
  const match = KEY_PATTERN.exec(key);
  if (!match) return undefined;

  const [, id, secret] = match as unknown as [string, string, string];
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, id)).limit(1);
  if (!row || row.revokedAt) return undefined;

  // Constant-time comparison, so response timing does not reveal how much of a guessed secret matched.
  const expected = Buffer.from(row.secretSha256, 'hex');
  const actual = Buffer.from(sha256(secret), 'hex');
  return timingSafeEqual(expected, actual) ? { id: row.id, name: row.name } : undefined;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
