import { pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * Server-to-server API keys. Only the SHA-256 of a key is stored: the key is
 * 32 random bytes, so a slow hash would add nothing against guessing.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: text().primaryKey(),
    name: text().notNull(),
    keySha256: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (table) => [uniqueIndex().on(table.keySha256)],
);
