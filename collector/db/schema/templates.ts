import { integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import type { EmailTemplate } from '../../templates/email-template';

/**
 * Email templates that workflow send steps name. Every publication with new
 * content adds a version, and a send uses the latest version when it runs.
 * Templates hold no PHI: the only values filled in at send time are the
 * step's variables and the contact's attributes, which are PHI-free by
 * contract.
 */
export const emailTemplates = pgTable(
  'email_templates',
  {
    id: text().notNull(),
    version: integer().notNull(),
    template: jsonb().$type<EmailTemplate>().notNull(),
    templateSha256: text().notNull(),
    publishedAt: timestamp({ withTimezone: true }).notNull(),
    publishedBy: text().notNull(),
  },
  (table) => [primaryKey({ columns: [table.id, table.version] })],
);
