import { createHash, randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { SubmissionReceipt } from '../../sdk/form-definition';
import { todayAnywhere, validateAnswers } from '../../sdk/validate-answers';
import { verifyContactToken, type ContactTokenRefusal } from '../contacts/contact-form-token';
import type { Database } from '../db/open-database';
import { consentLedger, submissions } from '../db/schema';
import { findFormVersion } from '../forms/form-store';
import { HttpError } from '../http/http-error';
import type { KeyCustody } from '../keys/key-custody';
import { queueFormTrigger } from '../workflows/event-jobs';
import { checkConsent } from './check-consent';
import { decryptSubmission } from './decrypt-submission';
import { parseEnvelope } from './parse-envelope';

export interface AcceptResult {
  receipt: SubmissionReceipt;
  /** True when the same idempotency key and ciphertext were accepted before. */
  replayed: boolean;
}

/** Options of {@link acceptSubmission}. */
export interface AcceptOptions {
  /** Time of receipt; the system clock when left out. */
  now?: Date;
  /** How to check a submission's contact token: the workflow engine's HMAC key and its current time. Without it, a token is refused. */
  contactTokens?: { key: Buffer; now: Date };
}

/**
 * Checks, decrypts in memory, validates and stores one submission. The
 * plaintext never leaves this function: only the ciphertext and PHI-free
 * metadata are written, and the receipt is returned after the commit. A
 * consent form's submission must carry the hash of the published text the
 * patient saw; its row in the consent ledger commits with the submission.
 * A submission with a contact token is refused unless the token verifies for
 * this form; its form_submitted trigger job commits with the submission, so
 * only the first of a replayed submission's requests queues one.
 */
export async function acceptSubmission(db: Database, custody: KeyCustody, formId: string, body: unknown, options: AcceptOptions = {}): Promise<AcceptResult> {
  const now = options.now ?? new Date();
  const envelope = parseEnvelope(body);
  const jweSha256 = createHash('sha256').update(envelope.jwe).digest('hex');

  // A replay gets its receipt before any decryption, so a retry costs one lookup. The contact token is
  // checked after it, because a patient whose acknowledgement was lost retries with the same token, which
  // may have expired since, and must still get the receipt of the stored submission.
  const earlier = await findByIdempotencyKey(db, formId, envelope.idempotencyKey);
  if (earlier) return replayOrConflict(earlier, jweSha256, envelope.idempotencyKey);

  // Checked before decryption and before the insert, so a refused token stores nothing.
  const contact = envelope.contactToken === undefined ? undefined : checkContactToken(envelope.contactToken, formId, options.contactTokens);

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
  // The consent ledger row and the trigger job commit with the submission, or nothing does.
  const inserted =
    consent || contact
      ? await db.transaction(async (tx) => {
          const rows = await tx.insert(submissions).values(row).onConflictDoNothing().returning({ id: submissions.id });
          if (rows.length === 1 && consent) {
            await tx.insert(consentLedger).values({ formId, formVersion: row.formVersion, locale: consent.locale, textSha256: consent.textSha256, signedAt: now, submissionId: row.id });
          }
          if (rows.length === 1 && contact) await queueFormTrigger(tx, { formId, submissionId: row.id, contactId: contact.contactId, now: contact.now });
          return rows;
        })
      : await db.insert(submissions).values(row).onConflictDoNothing().returning({ id: submissions.id });
  if (inserted.length === 1) return { receipt: { id: row.id, receivedAt: now.toISOString() }, replayed: false };

  // Another request with the same key committed first.
  const winner = await findByIdempotencyKey(db, formId, envelope.idempotencyKey);
  if (!winner) throw new Error(`Submission insert for form ${formId} conflicted, yet no row contains its idempotency key.`);
  return replayOrConflict(winner, jweSha256, envelope.idempotencyKey);
}

const REFUSALS: Record<ContactTokenRefusal, string> = {
  malformed: 'The contact token is not a Sealpost contact token',
  unknown_key: 'The contact token was signed by another collector',
  bad_signature: 'The contact token was changed after it was issued',
  other_form: 'The contact token was issued for another form',
  expired: 'The contact token has expired',
};

/** Verifies a submission's contact token for this form; throws 422 invalid_contact_token, naming the reason, when it does not verify. */
function checkContactToken(token: string, formId: string, tokens: AcceptOptions['contactTokens']): { contactId: string; now: Date } {
  const fix = `issue a new one for form "${formId}" with POST /v1/contacts/:id/form-token, set it as the contact-token attribute of <sealpost-form>, and submit again`;
  if (!tokens) {
    throw new HttpError(422, 'invalid_contact_token', 'This collector runs no workflows, so it cannot accept a contact token; remove the contact-token attribute and submit again.', { reason: 'no_workflows' });
  }

  const check = verifyContactToken(tokens.key, token, formId, tokens.now);
  if (!check.ok) throw new HttpError(422, 'invalid_contact_token', `${REFUSALS[check.reason]}; ${fix}.`, { reason: check.reason });
  return { contactId: check.contactId, now: tokens.now };
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
