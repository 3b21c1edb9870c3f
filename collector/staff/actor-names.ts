import { inArray } from 'drizzle-orm';
import type { Database } from '../db/open-database';
import { staffUsers } from '../db/schema';
import { decryptField } from '../keys/field-encryption';
import type { StaffKeys } from '../keys/derive-key';

const STAFF_ACTOR = /^staff:(.+)$/;

/**
 * Returns a readable name for each actor of the given audit entries: the
 * account's email address for `staff:<id>`, the actor itself otherwise (CLI
 * users, system jobs, API keys, and accounts that no longer exist). The log
 * keeps the stable id, because an address can change and the hash chain
 * covers the actor. The name is looked up when the log is shown.
 */
export async function nameActors(db: Database, keys: StaffKeys, actors: Iterable<string>): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const staffIds = new Set<string>();
  for (const actor of actors) {
    names.set(actor, actor);
    const id = STAFF_ACTOR.exec(actor)?.[1];
    if (id) staffIds.add(id);
  }
  if (staffIds.size === 0) return names;

  const rows = await db.select({ id: staffUsers.id, emailCiphertext: staffUsers.emailCiphertext }).from(staffUsers).where(inArray(staffUsers.id, [...staffIds]));
  for (const row of rows) names.set(`staff:${row.id}`, decryptField(keys.fieldKey, `staff-email:${row.id}`, row.emailCiphertext));
  return names;
}
