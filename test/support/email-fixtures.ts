import { eq } from 'drizzle-orm';
import { createApiKey } from '../../collector/api-keys/api-key-store';
import type { Database } from '../../collector/db/open-database';
import { messages } from '../../collector/db/schema';
import { decryptField } from '../../collector/email/field-cipher';
import { fieldContext, type MessageBody } from '../../collector/email/prepare-message';
import type { EmailKeys } from '../../collector/keys/email-keys';

/** Creates an API key and returns the headers of a JSON request that uses it. */
export async function apiHeaders(db: Database): Promise<Record<string, string>> {
  const { key } = await createApiKey(db, 'test-sender', 'test:setup');
  return { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
}

/** Returns a valid message with the given fields replaced. */
export function sampleMessage(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    to: 'rosa.delgado@patients.example',
    from: 'reminders@clinic.example',
    subject: 'Your appointment on Tuesday',
    html: '<p>See you soon. <a href="https://clinic.example/visit">Directions</a></p>',
    text: 'See you soon.',
    campaign: 'appointment-reminder',
    customFields: { clinic: 'north' },
    ...overrides,
  };
}

/** Reads a stored message and decrypts its recipient and body. */
export async function readStoredMessage(db: Database, keys: EmailKeys, id: string) {
  const [row] = await db.select().from(messages).where(eq(messages.id, id));
  if (!row) throw new Error(`message ${id} is not stored`);
  return {
    row,
    to: decryptField(keys.messageEncryption, fieldContext('recipient', id), row.recipientEncrypted),
    body: JSON.parse(decryptField(keys.messageEncryption, fieldContext('body', id), row.bodyEncrypted)) as MessageBody,
  };
}
