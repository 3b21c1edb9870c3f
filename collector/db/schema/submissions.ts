import { sql } from 'drizzle-orm';
import { check, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { FormDefinition } from '../../../sdk/form-definition';

// Columns are camelCase here and snake_case in SQL: the database is opened with
// `casing: 'snake_case'` and drizzle.config.ts generates migrations the same way.

const createdAt = () => timestamp({ withTimezone: true }).notNull().defaultNow();

/** One row per form id; the definition itself lives in form_versions. */
export const forms = pgTable(
  'forms',
  {
    id: text().primaryKey(),
    currentVersion: integer().notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** Submissions older than this many days are deleted by the daily retention job; null keeps them. */
    retentionDays: integer(),
  },
  (table) => [check('forms_retention_days_check', sql`${table.retentionDays} IS NULL OR ${table.retentionDays} BETWEEN 1 AND 36500`)],
);

/** Every published version of every form; a submission names the version it answers. */
export const formVersions = pgTable(
  'form_versions',
  {
    formId: text()
      .notNull()
      .references(() => forms.id),
    version: integer().notNull(),
    definition: jsonb().$type<FormDefinition>().notNull(),
    definitionSha256: text().notNull(),
    publishedAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.formId, table.version] })],
);

/**
 * P-256 key pairs of a form. Only the newest unretired key encrypts; every
 * key keeps decrypting. The private JWK is wrapped with AES-256-GCM under the
 * master key and never stored in clear.
 */
export const formKeys = pgTable(
  'form_keys',
  {
    kid: text().primaryKey(),
    formId: text()
      .notNull()
      .references(() => forms.id),
    publicJwk: jsonb().$type<JsonWebKey & { kid: string }>().notNull(),
    wrappedPrivateKey: text().notNull(),
    createdAt: createdAt(),
    retiredAt: timestamp({ withTimezone: true }),
  },
  (table) => [index().on(table.formId, table.createdAt)],
);

/** Encrypted submissions with PHI-free metadata. `jwe` is the only copy of the answers. */
export const submissions = pgTable(
  'submissions',
  {
    id: text().primaryKey(),
    formId: text().notNull(),
    formVersion: integer().notNull(),
    kid: text()
      .notNull()
      .references(() => formKeys.kid),
    jwe: text().notNull(),
    jweSha256: text().notNull(),
    idempotencyKey: text().notNull(),
    byteSize: integer().notNull(),
    receivedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (table) => [
    uniqueIndex().on(table.formId, table.idempotencyKey),
    index().on(table.formId, table.receivedAt),
    index().on(table.receivedAt),
    foreignKey({ columns: [table.formId, table.formVersion], foreignColumns: [formVersions.formId, formVersions.version] }),
  ],
);
