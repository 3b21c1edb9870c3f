import { jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * People that workflows act on. `emailCiphertext` is AES-256-GCM under a key
 * derived from the master key; `emailIndex` is an HMAC blind index so a
 * contact can be found by email without decrypting every row. Attributes and
 * segment names are PHI-free by contract and stored in clear.
 */
export const contacts = pgTable(
  'contacts',
  {
    id: text().primaryKey(),
    emailCiphertext: text().notNull(),
    emailIndex: text().notNull(),
    attributes: jsonb().$type<Record<string, string | number | boolean | null>>().notNull().default({}),
    segments: text().array().notNull().default([]),
    timeZone: text().notNull().default('UTC'),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex().on(table.emailIndex)],
);
