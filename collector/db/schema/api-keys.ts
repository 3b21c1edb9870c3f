import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Bearer keys for server-to-server routes. The key itself is shown once at
 * creation; only the SHA-256 of its secret part is stored, and `id` (also
 * written inside the key) finds the row without scanning. The secret is 32
 * random bytes, so a slow hash would add nothing against guessing.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: text().primaryKey(),
    name: text().notNull(),
    secretSha256: text().notNull(),
    createdBy: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp({ withTimezone: true }),
    /** Last request that the key authenticated, kept to the minute (see LAST_USED_PRECISION_MS). */
    lastUsedAt: timestamp({ withTimezone: true }),
  },
  (table) => [index().on(table.createdAt)],
);
