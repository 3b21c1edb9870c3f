import { and, asc, count, eq, isNull, sql } from 'drizzle-orm';
import { localize } from '../../sdk/localize';
import { appendAudit } from '../audit/audit-log';
import type { Database } from '../db/open-database';
import { formKeys, forms, formVersions, submissions } from '../db/schema';
import { HttpError } from '../http/http-error';
import type { KeyCustody } from '../keys/key-custody';

/** The maximum retention period, in days (100 years). */
export const MAX_RETENTION_DAYS = 36_500;

/** A form as the console's form list shows it: metadata only, never submission contents. */
export interface FormSummary {
  id: string;
  title: string;
  currentVersion: number;
  updatedAt: Date;
  /** Submissions older than this many days are deleted daily; null keeps them. */
  retentionDays: number | null;
  submissions: number;
  versions: { version: number; publishedAt: Date }[];
  /** The form's keys, newest first; only admins get them. */
  keys?: FormKeySummary[];
}

/** One key of a form. Only the current key encrypts new submissions; every key keeps decrypting. */
export interface FormKeySummary {
  kid: string;
  createdAt: Date;
  retiredAt: Date | null;
  current: boolean;
}

/** Lists every form with its versions and submission count, and its keys when `withKeys` is set. */
export async function describeForms(db: Database, options: { withKeys: boolean }): Promise<FormSummary[]> {
  const [formRows, versionRows, countRows, keyRows] = await Promise.all([
    db.select().from(forms).orderBy(asc(forms.id)),
    db.select({ formId: formVersions.formId, version: formVersions.version, publishedAt: formVersions.publishedAt, definition: formVersions.definition }).from(formVersions).orderBy(asc(formVersions.formId), asc(formVersions.version)),
    db.select({ formId: submissions.formId, n: count() }).from(submissions).groupBy(submissions.formId),
    options.withKeys ? db.select({ formId: formKeys.formId, kid: formKeys.kid, createdAt: formKeys.createdAt, retiredAt: formKeys.retiredAt }).from(formKeys).orderBy(asc(formKeys.formId), sql`${formKeys.createdAt} DESC`) : Promise.resolve([]),
  ]);

  return formRows.map((form) => {
    const versions = versionRows.filter((row) => row.formId === form.id);
    const current = versions.find((row) => row.version === form.currentVersion);
    const keys = keyRows.filter((row) => row.formId === form.id);
    const currentKid = keys.find((key) => key.retiredAt === null)?.kid;
    return {
      id: form.id,
      title: current ? localize(current.definition.title, 'en') || form.id : form.id,
      currentVersion: form.currentVersion,
      updatedAt: form.updatedAt,
      retentionDays: form.retentionDays,
      submissions: Number(countRows.find((row) => row.formId === form.id)?.n ?? 0),
      versions: versions.map(({ version, publishedAt }) => ({ version, publishedAt })),
      ...(options.withKeys ? { keys: keys.map(({ kid, createdAt, retiredAt }) => ({ kid, createdAt, retiredAt, current: kid === currentKid })) } : {}),
    };
  });
}

/**
 * Gives a form a new key pair for new submissions and retires the keys it
 * had. Retired keys stay stored and keep decrypting the submissions made
 * with them. A browser that fetched the old public key before the rotation
 * can still submit to it. The audit entry names the old and new kids.
 */
export async function rotateFormKey(db: Database, custody: KeyCustody, formId: string, actor: string, now = new Date()): Promise<{ formId: string; kid: string; retired: string[] }> {
  return db.transaction(async (tx) => {
    // The same lock as publishing, so a first publication and a rotation cannot interleave.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`form:${formId}`}))`);
    const [form] = await tx.select({ id: forms.id }).from(forms).where(eq(forms.id, formId));
    if (!form) throw formNotFound(formId);

    const retired = await tx
      .update(formKeys)
      .set({ retiredAt: now })
      .where(and(eq(formKeys.formId, formId), isNull(formKeys.retiredAt)))
      .returning({ kid: formKeys.kid });
    const key = await custody.createKey(formId, tx);
    const retiredKids = retired.map((row) => row.kid);
    await appendAudit(tx, { actor, action: 'form.key_rotate', subjectType: 'form', subjectId: formId, details: { kid: key.kid, retired: retiredKids } }, now);
    return { formId, kid: key.kid, retired: retiredKids };
  });
}

/** Sets or clears a form's retention period, with an audit entry naming the old and new period. */
export async function setFormRetention(db: Database, formId: string, days: number | null, actor: string, now = new Date()): Promise<{ formId: string; retentionDays: number | null }> {
  if (days !== null && (!Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS)) {
    throw new HttpError(400, 'invalid_retention', `The retention period ${JSON.stringify(days)} is invalid; give a whole number of days from 1 to ${MAX_RETENTION_DAYS}, or null to keep submissions.`);
  }

  return db.transaction(async (tx) => {
    const [form] = await tx.select({ retentionDays: forms.retentionDays }).from(forms).where(eq(forms.id, formId)).for('update');
    if (!form) throw formNotFound(formId);
    if (form.retentionDays === days) return { formId, retentionDays: days };

    await tx.update(forms).set({ retentionDays: days, updatedAt: now }).where(eq(forms.id, formId));
    await appendAudit(tx, { actor, action: 'form.retention_change', subjectType: 'form', subjectId: formId, details: { from: form.retentionDays, to: days } }, now);
    return { formId, retentionDays: days };
  });
}

function formNotFound(formId: string): HttpError {
  return new HttpError(404, 'form_not_found', `No form "${formId}" is published; list the forms with GET /v1/staff/forms.`);
}
