import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Database } from '../db/open-database';
import { contacts } from '../db/schema';
import { HttpError } from '../http/http-error';
import { emailBlindIndex, encryptEmail, type ContactKeys } from './contact-crypto';

/** Attribute values: PHI-free by contract, because they are stored and reported in clear. */
export type ContactAttributes = Record<string, string | number | boolean | null>;

/** A contact's fields after validation (see contact-input.ts); every field but email is optional. */
export interface ContactInput {
  email?: string;
  attributes?: ContactAttributes;
  segments?: string[];
  timeZone?: string;
}

/**
 * Creates the contact with this email, or updates the one that has it (found
 * through the blind index). Given attributes are merged into the stored ones.
 */
export async function upsertContact(db: Database, keys: ContactKeys, input: ContactInput, now = new Date()): Promise<{ id: string; created: boolean }> {
  const index = emailBlindIndex(keys, input.email!);

  const [existing] = await db.select().from(contacts).where(eq(contacts.emailIndex, index)).limit(1);
  if (existing) {
    await updateContact(db, existing.id, input, now);
    return { id: existing.id, created: false };
  }

  const id = randomUUID();
  const row = { id, emailCiphertext: encryptEmail(keys, id, input.email!), emailIndex: index, attributes: input.attributes ?? {}, segments: input.segments ?? [], timeZone: input.timeZone ?? 'UTC', createdAt: now, updatedAt: now };
  const inserted = await db.insert(contacts).values(row).onConflictDoNothing().returning({ id: contacts.id });
  if (inserted.length === 1) return { id, created: true };

  // Another request created the same email first; update that row instead.
  return upsertContact(db, keys, input, now);
}

/** Merges attributes, replaces segments and time zone when given. The email cannot change here. */
export async function updateContact(db: Database, id: string, input: Omit<ContactInput, 'email'>, now = new Date()): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.select().from(contacts).where(eq(contacts.id, id)).for('update');
    if (!row) throw new HttpError(404, 'contact_not_found', `No contact has id ${id}; create it with POST /v1/contacts first.`);
    await tx
      .update(contacts)
      .set({ attributes: { ...row.attributes, ...input.attributes }, segments: input.segments ?? row.segments, timeZone: input.timeZone ?? row.timeZone, updatedAt: now })
      .where(eq(contacts.id, id));
  });
}

/** Reads a contact's PHI-free fields. */
export async function findContact(db: Pick<Database, 'select'>, id: string) {
  const [row] = await db.select({ id: contacts.id, attributes: contacts.attributes, segments: contacts.segments, timeZone: contacts.timeZone }).from(contacts).where(eq(contacts.id, id)).limit(1);
  return row;
}
