import { compactDecrypt } from 'jose';
import { and, desc, eq, lt } from 'drizzle-orm';
import { JWE_ALG, JWE_ENC } from '../../sdk/encrypt-answers';
import type { FormDefinition, SubmissionPayload } from '../../sdk/form-definition';
import { appendAudit } from '../audit/audit-log';
import type { Database } from '../db/open-database';
import { submissions } from '../db/schema';
import { findFormVersion } from '../forms/form-store';
import { HttpError } from '../http/http-error';
import type { KeyCustody } from '../keys/key-custody';

/** PHI-free facts about a submission, safe to list. */
export interface SubmissionMetadata {
  id: string;
  formId: string;
  formVersion: number;
  kid: string;
  byteSize: number;
  receivedAt: Date;
}

const metadataColumns = {
  id: submissions.id,
  formId: submissions.formId,
  formVersion: submissions.formVersion,
  kid: submissions.kid,
  byteSize: submissions.byteSize,
  receivedAt: submissions.receivedAt,
};

/** Lists submissions newest first, without decrypting anything. */
export async function listSubmissions(db: Database, options: { formId?: string; limit?: number; before?: Date } = {}): Promise<SubmissionMetadata[]> {
  const conditions = [options.formId ? eq(submissions.formId, options.formId) : undefined, options.before ? lt(submissions.receivedAt, options.before) : undefined];
  return db
    .select(metadataColumns)
    .from(submissions)
    .where(and(...conditions))
    .orderBy(desc(submissions.receivedAt), desc(submissions.id))
    .limit(options.limit ?? 50);
}

/** Who reads a submission, through what, and whether it is an export (audited as `submission.export`, with its format). */
export interface SubmissionReader {
  actor: string;
  via: string;
  export?: { format: 'json' | 'fhir' };
}

/**
 * Decrypts one submission for a named reader. The audit entry
 * (`submission.decrypt`, or `submission.export` for an export) is committed
 * before the plaintext is returned, so no read goes unrecorded.
 */
export async function readSubmission(
  db: Database,
  custody: KeyCustody,
  id: string,
  reader: SubmissionReader,
): Promise<{ metadata: SubmissionMetadata; form: FormDefinition; payload: SubmissionPayload }> {
  const normalized = id.replace(/-/g, '').toUpperCase();
  const [row] = await db.select({ ...metadataColumns, jwe: submissions.jwe }).from(submissions).where(eq(submissions.id, normalized)).limit(1);
  if (!row) throw new HttpError(404, 'submission_not_found', `No submission has the id ${JSON.stringify(id)}; list the ids with \`npm run sealpost -- submissions list\`.`);

  const key = await custody.privateKey(row.formId, row.kid);
  if (!key) throw new Error(`Submission ${row.id} names kid ${row.kid}, which is not a key of form ${row.formId}.`);

  const { plaintext } = await compactDecrypt(row.jwe, key, { keyManagementAlgorithms: [JWE_ALG], contentEncryptionAlgorithms: [JWE_ENC] });
  const payload = JSON.parse(new TextDecoder().decode(plaintext)) as SubmissionPayload;
  const form = await findFormVersion(db, row.formId, row.formVersion);
  if (!form) throw new Error(`Submission ${row.id} names version ${row.formVersion} of form ${row.formId}, which is not stored.`);

  await db.transaction((tx) =>
    appendAudit(tx, {
      actor: reader.actor,
      action: reader.export ? 'submission.export' : 'submission.decrypt',
      subjectType: 'submission',
      subjectId: row.id,
      details: { formId: row.formId, formVersion: row.formVersion, via: reader.via, ...(reader.export ? { format: reader.export.format } : {}) },
    }),
  );

  const { jwe: _jwe, ...metadata } = row;
  return { metadata, form, payload };
}
