import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { FormDefinition } from '../../sdk/form-definition';
import { parseFormDefinition } from '../../sdk/parse-form';
import { appendAudit } from '../audit/audit-log';
import type { Database } from '../db/open-database';
import { consentTexts, forms, formVersions } from '../db/schema';
import { HttpError } from '../http/http-error';
import type { KeyCustody } from '../keys/key-custody';

export interface PublishResult {
  formId: string;
  version: number;
  kid: string;
  status: 'created' | 'new_version' | 'unchanged';
}

/**
 * Publishes a form definition. The first publication of a form id creates its
 * key pair. Publishing the same version with the same content again changes
 * nothing, so start-up can publish the demo forms every time.
 */
export async function publishForm(db: Database, custody: KeyCustody, input: unknown, actor: string): Promise<PublishResult> {
  const parsed = parseFormDefinition(input);
  if (!parsed.ok) {
    const list = parsed.errors.map((error) => `${error.path}: ${error.message}`).join(' ');
    throw new HttpError(422, 'invalid_definition', `The form definition is invalid. ${list}`, { errors: parsed.errors });
  }

  const form = parsed.form;
  const digest = definitionDigest(form);

  return db.transaction(async (tx) => {
    // Serialises publishers of the same form id, including the first one.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`form:${form.id}`}))`);

    const [existing] = await tx.select().from(forms).where(eq(forms.id, form.id)).limit(1);
    const [sameVersion] = await tx
      .select({ digest: formVersions.definitionSha256 })
      .from(formVersions)
      .where(and(eq(formVersions.formId, form.id), eq(formVersions.version, form.version)))
      .limit(1);

    if (sameVersion) {
      if (sameVersion.digest !== digest) {
        throw new HttpError(409, 'version_exists', `Version ${form.version} of form "${form.id}" is already published with different content; raise "version" to ${(existing?.currentVersion ?? form.version) + 1} and publish again.`);
      }
      const key = await custody.currentKey(form.id, tx);
      return { formId: form.id, version: form.version, kid: key?.kid ?? '', status: 'unchanged' as const };
    }

    if (existing && form.version < existing.currentVersion) {
      throw new HttpError(409, 'version_outdated', `Form "${form.id}" is already at version ${existing.currentVersion}; publish version ${existing.currentVersion + 1} or higher.`);
    }

    if (existing) {
      await tx.update(forms).set({ currentVersion: form.version, updatedAt: new Date() }).where(eq(forms.id, form.id));
    } else {
      await tx.insert(forms).values({ id: form.id, currentVersion: form.version });
    }
    await tx.insert(formVersions).values({ formId: form.id, version: form.version, definition: form, definitionSha256: digest });
    const consent = consentTextRows(form);
    if (consent.length > 0) await tx.insert(consentTexts).values(consent);

    const key = (await custody.currentKey(form.id, tx)) ?? (await custody.createKey(form.id, tx));
    const consentSha256 = consent.length > 0 ? Object.fromEntries(consent.map((row) => [row.locale, row.textSha256])) : undefined;
    await appendAudit(tx, { actor, action: 'form.publish', subjectType: 'form', subjectId: form.id, details: { version: form.version, sha256: digest, kid: key.kid, ...(consentSha256 ? { consentSha256 } : {}) } });

    return { formId: form.id, version: form.version, kid: key.kid, status: existing ? ('new_version' as const) : ('created' as const) };
  });
}

/**
 * The authorization texts of a consent form version, one row per language,
 * each with the SHA-256 of its UTF-8 bytes: the hash a patient's browser
 * computes over the text it shows, and the collector checks on submit.
 */
export function consentTextRows(form: FormDefinition): { formId: string; formVersion: number; locale: string; text: string; textSha256: string }[] {
  if (!form.consent) return [];
  return Object.entries(form.consent.text).map(([locale, text]) => ({
    formId: form.id,
    formVersion: form.version,
    locale,
    text,
    textSha256: createHash('sha256').update(text, 'utf8').digest('hex'),
  }));
}

/** SHA-256 of the definition's JSON, as published. */
export function definitionDigest(form: FormDefinition): string {
  return createHash('sha256').update(JSON.stringify(form)).digest('hex');
}
