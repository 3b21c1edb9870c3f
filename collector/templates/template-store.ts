import { createHash } from 'node:crypto';
import { desc, eq, sql } from 'drizzle-orm';
import { appendAudit } from '../audit/audit-log';
import type { Database } from '../db/open-database';
import { emailTemplates } from '../db/schema';
import type { EmailTemplate } from './email-template';
import { invalidTemplate, parseEmailTemplate } from './parse-template';

/** Outcome of a publication: a first version, a new one, or the same content again (nothing stored). */
export interface PublishTemplateResult {
  templateId: string;
  version: number;
  status: 'created' | 'new_version' | 'unchanged';
}

/**
 * Validates and stores a template as its next version, with an audit entry in
 * the same transaction. The same content again stores nothing, so start-up
 * can publish the demo templates every time.
 */
export async function publishTemplate(db: Database, input: unknown, options: { actor: string; now?: Date }): Promise<PublishTemplateResult> {
  const parsed = parseEmailTemplate(input);
  if (!parsed.ok) throw invalidTemplate(parsed.errors);
  const template = parsed.template;
  const digest = createHash('sha256').update(JSON.stringify(template)).digest('hex');
  const now = options.now ?? new Date();

  return db.transaction(async (tx) => {
    // Serialises publishers of one template id, so two cannot take the same version number.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`email-template:${template.id}`}))`);
    const [latest] = await tx.select().from(emailTemplates).where(eq(emailTemplates.id, template.id)).orderBy(desc(emailTemplates.version)).limit(1);
    if (latest?.templateSha256 === digest) return { templateId: template.id, version: latest.version, status: 'unchanged' as const };

    const version = (latest?.version ?? 0) + 1;
    await tx.insert(emailTemplates).values({ id: template.id, version, template, templateSha256: digest, publishedAt: now, publishedBy: options.actor });
    await appendAudit(tx, { actor: options.actor, action: 'template.publish', subjectType: 'email_template', subjectId: template.id, details: { version, sha256: digest } }, now);
    return { templateId: template.id, version, status: latest ? ('new_version' as const) : ('created' as const) };
  });
}

/** The latest version of a template, or undefined when none is published. */
export async function findTemplate(db: Pick<Database, 'select'>, id: string): Promise<{ version: number; template: EmailTemplate } | undefined> {
  const [row] = await db.select({ version: emailTemplates.version, template: emailTemplates.template }).from(emailTemplates).where(eq(emailTemplates.id, id)).orderBy(desc(emailTemplates.version)).limit(1);
  return row;
}

/** Every template with its latest version. */
export async function listTemplates(db: Database): Promise<{ id: string; version: number; publishedAt: Date }[]> {
  return db
    .selectDistinctOn([emailTemplates.id], { id: emailTemplates.id, version: emailTemplates.version, publishedAt: emailTemplates.publishedAt })
    .from(emailTemplates)
    .orderBy(emailTemplates.id, desc(emailTemplates.version));
}
