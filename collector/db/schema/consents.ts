import { bigint, foreignKey, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { formVersions } from './submissions';

/**
 * The authorization text of each consent form version, per language, with
 * its SHA-256, stored when the version is published. A published version
 * never changes, so a text's version is its form version.
 */
export const consentTexts = pgTable(
  'consent_texts',
  {
    formId: text().notNull(),
    formVersion: integer().notNull(),
    locale: text().notNull(),
    text: text().notNull(),
    textSha256: text().notNull(),
    publishedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.formId, table.formVersion, table.locale] }),
    foreignKey({ name: 'consent_texts_form_version_fk', columns: [table.formId, table.formVersion], foreignColumns: [formVersions.formId, formVersions.version] }),
  ],
);

/**
 * One row per accepted consent submission: which text was signed, in which
 * language, when, and the submission that holds the signature. PHI-free:
 * the name and signature stay inside the submission's JWE. Append-only (a
 * trigger rejects UPDATE, DELETE and TRUNCATE), and it has no foreign key to
 * `submissions`, so the record of a consent outlives a purged submission.
 */
export const consentLedger = pgTable(
  'consent_ledger',
  {
    seq: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    formId: text().notNull(),
    formVersion: integer().notNull(),
    locale: text().notNull(),
    textSha256: text().notNull(),
    signedAt: timestamp({ withTimezone: true }).notNull(),
    submissionId: text().notNull().unique(),
  },
  (table) => [
    foreignKey({ name: 'consent_ledger_text_fk', columns: [table.formId, table.formVersion, table.locale], foreignColumns: [consentTexts.formId, consentTexts.formVersion, consentTexts.locale] }),
    index().on(table.formId, table.seq),
  ],
);
