import { eq } from 'drizzle-orm';
import { createApiKey } from '../../collector/api-keys/api-key-store';
import type { Database } from '../../collector/db/open-database';
import { messages } from '../../collector/db/schema';
import { decryptField } from '../../collector/keys/field-encryption';
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

/** Queues one message through the API and returns its id with the tokens written into its HTML. */
export async function queueTrackedMessage(
  app: { request(path: string, init: RequestInit): Response | Promise<Response> },
  db: Database,
  keys: EmailKeys,
  headers: Record<string, string>,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; clickTokens: string[]; pixelToken: string }> {
  const response = await app.request('/v1/messages', { method: 'POST', headers, body: JSON.stringify(sampleMessage(overrides)) });
  if (response.status !== 202) throw new Error(`queueing failed with ${response.status}: ${await response.text()}`);

  const { messages: queued } = (await response.json()) as { messages: { id: string }[] };
  const id = queued[0]!.id;
  const html = (await readStoredMessage(db, keys, id)).body.html ?? '';
  return {
    id,
    clickTokens: [...html.matchAll(/href="[^"]*\/t\/c\/([A-Za-z0-9_-]+)"/g)].map((match) => match[1]!),
    pixelToken: /src="[^"]*\/t\/o\/([A-Za-z0-9_-]+)"/.exec(html)?.[1] ?? '',
  };
}
