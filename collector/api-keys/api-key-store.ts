import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from '../db/open-database';
import { apiKeys } from '../db/schema';

/** Prefix of every key, so a leaked key is recognisable in logs and secret scanners. */
export const API_KEY_PREFIX = 'sp_live_';

/** Creates an API key and returns it once; only its SHA-256 is stored. */
export async function createApiKey(db: Database, name: string): Promise<{ id: string; key: string }> {
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const id = randomUUID();
  await db.insert(apiKeys).values({ id, name, keySha256: hashApiKey(key) });
  return { id, key };
}

/** Finds the unrevoked key with this value. */
export async function findApiKey(db: Database, key: string): Promise<{ id: string; name: string } | undefined> {
  const [row] = await db
    .select({ id: apiKeys.id, name: apiKeys.name })
    .from(apiKeys)
    .where(and(eq(apiKeys.keySha256, hashApiKey(key)), isNull(apiKeys.revokedAt)));
  return row;
}

/** SHA-256 of a key, hex. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
