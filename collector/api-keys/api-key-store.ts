import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, asc, eq, isNull, lt, or } from 'drizzle-orm';
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

/** What `apikeys list` shows of a key: never its secret or the secret's hash. */
export interface ApiKeySummary {
  id: string;
  name: string;
  createdAt: Date;
  createdBy: string;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/**
 * `lastUsedAt` is written at most once per this many milliseconds per key,
 * so that a busy key does not turn every request into a write.
 */
export const LAST_USED_PRECISION_MS = 60_000;

/** Lists every key, revoked ones included, oldest first. */
export async function listApiKeys(db: Database): Promise<ApiKeySummary[]> {
  return db
    .select({ id: apiKeys.id, name: apiKeys.name, createdAt: apiKeys.createdAt, createdBy: apiKeys.createdBy, lastUsedAt: apiKeys.lastUsedAt, revokedAt: apiKeys.revokedAt })
    .from(apiKeys)
    .orderBy(asc(apiKeys.createdAt), asc(apiKeys.id));
}

/**
 * Revokes a key and records it in the audit log, in one transaction; from
 * then on the key answers 401. Revoking a revoked key changes nothing and
 * returns `already_revoked`. Throws 404 for an unknown id.
 */
export async function revokeApiKey(db: Database, id: string, actor: string, now = new Date()): Promise<{ status: 'revoked' | 'already_revoked'; key: ApiKeySummary }> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(apiKeys).where(eq(apiKeys.id, id)).for('update');
    if (!row) throw new HttpError(404, 'api_key_not_found', `No API key has the id ${JSON.stringify(id)}; run \`npm run sealpost -- apikeys list\` for the ids.`);

    const summary = { id: row.id, name: row.name, createdAt: row.createdAt, createdBy: row.createdBy, lastUsedAt: row.lastUsedAt, revokedAt: row.revokedAt };
    if (row.revokedAt) return { status: 'already_revoked' as const, key: summary };

    await tx.update(apiKeys).set({ revokedAt: now }).where(eq(apiKeys.id, id));
    await appendAudit(tx, { actor, action: 'apikey.revoke', subjectType: 'api_key', subjectId: id, details: { name: row.name } });
    return { status: 'revoked' as const, key: { ...summary, revokedAt: now } };
  });
}

/** Returns the identity of an unrevoked key, or undefined for a malformed, unknown, revoked or wrong key. */
export async function verifyApiKey(db: Database, key: string, now = new Date()): Promise<ApiKeyIdentity | undefined> {
  const match = KEY_PATTERN.exec(key);
  if (!match) return undefined;

  const [, id, secret] = match as unknown as [string, string, string];
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, id)).limit(1);
  if (!row || row.revokedAt) return undefined;

  // Constant-time comparison, so response timing does not reveal how much of a guessed secret matched.
  const expected = Buffer.from(row.secretSha256, 'hex');
  const actual = Buffer.from(sha256(secret), 'hex');
  if (!timingSafeEqual(expected, actual)) return undefined;

  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_PRECISION_MS) await recordUse(db, row.id, now);
  return { id: row.id, name: row.name };
}

// The condition repeats the age check, so concurrent requests write the time once.
async function recordUse(db: Database, id: string, now: Date): Promise<void> {
  await db
    .update(apiKeys)
    .set({ lastUsedAt: now })
    .where(and(eq(apiKeys.id, id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, new Date(now.getTime() - LAST_USED_PRECISION_MS + 1)))));
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
