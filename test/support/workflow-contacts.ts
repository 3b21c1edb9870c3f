import { randomUUID } from 'node:crypto';
import { deriveContactKeys, emailBlindIndex, encryptEmail } from '../../collector/contacts/contact-crypto';
import type { Database } from '../../collector/db/open-database';
import { contacts } from '../../collector/db/schema';
import { loadMasterKey } from '../../collector/keys/master-key';
import { publishTemplate } from '../../collector/templates/template-store';
import { sampleTemplate } from './workflow-harness';

/** The address a test contact gets: one per contact id, on a domain no mail can reach. */
export function contactAddress(contactId: string): string {
  return `patient-${contactId}@example.org`;
}

/**
 * Inserts contacts in bulk with their emails encrypted under the master key
 * that the collector processes of the test run with, so their send steps
 * can decrypt the recipient. Returns the contact ids.
 */
export async function insertContacts(db: Database, masterKeyText: string, count: number): Promise<string[]> {
  const keys = deriveContactKeys((await loadMasterKey({ envValue: masterKeyText })).key);
  const ids = Array.from({ length: count }, () => randomUUID());
  const rows = ids.map((id) => ({ id, emailCiphertext: encryptEmail(keys, id, contactAddress(id)), emailIndex: emailBlindIndex(keys, contactAddress(id)) }));
  for (let start = 0; start < rows.length; start += 500) await db.insert(contacts).values(rows.slice(start, start + 500));
  return ids;
}

/** Publishes a sample template for each id, for workflows whose send steps name them. */
export async function publishSampleTemplates(db: Database, ids: string[]): Promise<void> {
  for (const id of ids) await publishTemplate(db, sampleTemplate(id), { actor: 'test' });
}
