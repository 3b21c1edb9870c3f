import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Database } from '../db/open-database';
import { contacts } from '../db/schema';
import { HttpError } from '../http/http-error';
import { isTimeZone } from '../workflows/local-time';
import { emailBlindIndex, encryptEmail, type ContactKeys } from './contact-crypto';

/** Attribute values: PHI-free by contract, because they are stored and reported in clear. */
export type ContactAttributes = Record<string, string | number | boolean | null>;

/** A contact's fields as the API accepts them; every field but email is optional. */
export interface ContactInput {
  email?: string;
  attributes?: ContactAttributes;
  segments?: string[];
  timeZone?: string;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;
const NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/**
 * Creates the contact with this email, or updates the one that has it (found
 * through the blind index). Given attributes are merged into the stored ones.
 */
export async function upsertContact(db: Database, keys: ContactKeys, input: ContactInput, now = new Date()): Promise<{ id: string; created: boolean }> {
  checkContactInput(input, true);
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
  checkContactInput(input, false);
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

function checkContactInput(input: ContactInput, emailRequired: boolean) {
  if (emailRequired && (typeof input.email !== 'string' || !EMAIL.test(input.email.trim()))) {
    throw new HttpError(422, 'invalid_contact', 'email is missing or is not an email address; send it as "name@example.org".');
  }
  if (input.timeZone !== undefined && !isTimeZone(input.timeZone)) {
    throw new HttpError(422, 'invalid_contact', `timeZone ${JSON.stringify(input.timeZone)} is not an IANA time zone; send one such as America/Chicago.`);
  }
  if (input.segments !== undefined && (!Array.isArray(input.segments) || !input.segments.every((name) => typeof name === 'string' && NAME.test(name)))) {
    throw new HttpError(422, 'invalid_contact', 'segments must be an array of names of A-Z, a-z, 0-9, ".", "_" or "-".');
  }
  if (input.attributes !== undefined) {
    const valid = typeof input.attributes === 'object' && input.attributes !== null && !Array.isArray(input.attributes) && Object.entries(input.attributes).every(([name, value]) => NAME.test(name) && (value === null || ['string', 'number', 'boolean'].includes(typeof value)));
    if (!valid) throw new HttpError(422, 'invalid_contact', 'attributes must be an object whose names use A-Z, a-z, 0-9, ".", "_" or "-" and whose values are strings, numbers, booleans or null.');
  }
}
