import { createHash, randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { SubmissionReceipt } from '../../sdk/form-definition';
import { todayAnywhere, validateAnswers } from '../../sdk/validate-answers';
import type { Database } from '../db/open-database';
import { consentLedger, submissions } from '../db/schema';
import { findFormVersion } from '../forms/form-store';
import { HttpError } from '../http/http-error';
import type { KeyCustody } from '../keys/key-custody';
import { checkConsent } from './check-consent';
import { decryptSubmission } from './decrypt-submission';
import { parseEnvelope } from './parse-envelope';

export interface AcceptResult {
  receipt: SubmissionReceipt;
  /** True when the same idempotency key and ciphertext were accepted before. */
  replayed: boolean;
}

/**
 * Checks, decrypts in memory, validates and stores one submission. The
 * plaintext never leaves this function: only the ciphertext and PHI-free
 * metadata are written, and the receipt is returned after the commit. A
 * consent form's submission must carry the hash of the published text the
 * patient saw; its row in the consent ledger commits with the submission.
 */
export async function acceptSubmission(db: Database, custody: KeyCustody, formId: string, body: unknown, now = new Date()): Promise<AcceptResult> {
  const envelope = parseEnvelope(body);
  const jweSha256 = createHash('sha256').update(envelope.jwe).digest('hex');

  // A replay is answered before any decryption, so a retry costs one lookup.
  const earlier = await findByIdempotencyKey(db, formId, envelope.idempotencyKey);
  if (earlier) return replayOrConflict(earlier, jweSha256, envelope.idempotencyKey);

  const form = await findFormVersion(db, formId, envelope.formVersion);
  if (!form) {
    const current = await findFormVersion(db, formId);
    if (!current) throw new HttpError(404, 'form_not_found', `No form "${formId}" is published; check the form attribute of the page.`);
    throw new HttpError(422, 'unknown_form_version', `Form "${formId}" has no version ${envelope.formVersion}; reload the page to get version ${current.version}.`);
  }

  const payload = await decryptSubmission(custody, formId, envelope);
  if (payload.formId !== formId || payload.formVersion !== envelope.formVersion) {
    throw new HttpError(400, 'payload_mismatch', `The encrypted answers belong to form "${String(payload.formId)}" version ${String(payload.formVersion)}, not to form "${formId}" version ${envelope.formVersion}; encrypt them for the form they are posted to.`);
  }

  const errors = validateAnswers(form, payload.answers, todayAnywhere(now));
  if (errors.length > 0) {
    const list = errors.map((error) => `${error.field} (${error.code})`).join(', ');
    throw new HttpError(422, 'answers_invalid', `The answers failed validation for these fields: ${list}. Correct them and submit again.`, {
      fields: errors.map(({ field, code }) => ({ field, code })),
    });
  }

  const consent = await checkConsent(db, form, payload);

  const row = {
    id: newSubmissionId(),
    formId,
    formVersion: envelope.formVersion,
    kid: envelope.kid,
    jwe: envelope.jwe,
    jweSha256,
    idempotencyKey: envelope.idempotencyKey,
    byteSize: Buffer.byteLength(envelope.jwe),
    receivedAt: now,
  };
  const inserted = consent
    ? await db.transaction(async (tx) => {
        const rows = await tx.insert(submissions).values(row).onConflictDoNothing().returning({ id: submissions.id });
        if (rows.length === 1) {
          await tx.insert(consentLedger).values({ formId, formVersion: row.formVersion, locale: consent.locale, textSha256: consent.textSha256, signedAt: now, submissionId: row.id });
        }
        return rows;
      })
    : await db.insert(submissions).values(row).onConflictDoNothing().returning({ id: submissions.id });
  if (inserted.length === 1) return { receipt: { id: row.id, receivedAt: now.toISOString() }, replayed: false };

  // Another request with the same key committed first.
  const winner = await findByIdempotencyKey(db, formId, envelope.idempotencyKey);
  if (!winner) throw new Error(`Submission insert for form ${formId} conflicted, yet no row contains its idempotency key.`);
  return replayOrConflict(winner, jweSha256, envelope.idempotencyKey);
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** 80 random bits in Crockford base32: 16 characters, shown to patients as their receipt number. */
export function newSubmissionId(): string {
  const bytes = randomBytes(10);
  let bits = 0;
  let buffer = 0;
  let id = '';
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      id += CROCKFORD[(buffer >> bits) & 31];
    }
  }
  return id;
}

async function findByIdempotencyKey(db: Database, formId: string, key: string) {
  const [row] = await db
    .select({ id: submissions.id, receivedAt: submissions.receivedAt, jweSha256: submissions.jweSha256 })
    .from(submissions)
    .where(and(eq(submissions.formId, formId), eq(submissions.idempotencyKey, key)))
    .limit(1);
  return row;
}

function replayOrConflict(row: { id: string; receivedAt: Date; jweSha256: string }, jweSha256: string, key: string): AcceptResult {
  if (row.jweSha256 !== jweSha256) {
    throw new HttpError(409, 'idempotency_key_reused', `The idempotency key ${key} was already used for a different submission; send new answers with a new key.`);
  }
  return { receipt: { id: row.id, receivedAt: row.receivedAt.toISOString() }, replayed: true };
}
