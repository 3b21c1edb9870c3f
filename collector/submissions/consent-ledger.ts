import { createHash } from 'node:crypto';
import { and, desc, eq, lt } from 'drizzle-orm';
import type { SubmissionPayload } from '../../sdk/form-definition';
import type { Database } from '../db/open-database';
import { consentLedger, consentTexts } from '../db/schema';

/** One ledger row: PHI-free facts about an accepted consent. */
export interface ConsentLedgerEntry {
  seq: number;
  formId: string;
  formVersion: number;
  locale: string;
  textSha256: string;
  signedAt: Date;
  submissionId: string;
}

/** A page of the ledger, newest first, and the `before` value of the next page (null on the last). */
export interface ConsentLedgerPage {
  items: ConsentLedgerEntry[];
  nextBefore: number | null;
}

/**
 * Lists the consent ledger newest first, a page at a time; `before` is the
 * `seq` that the page starts below.
 *
 * @example
 * await listConsentLedger(db, { formId: 'consent-to-treatment', limit: 50 });
 */
export async function listConsentLedger(db: Database, options: { formId?: string; before?: number; limit: number }): Promise<ConsentLedgerPage> {
  const rows = await db
    .select()
    .from(consentLedger)
    .where(and(options.formId ? eq(consentLedger.formId, options.formId) : undefined, options.before ? lt(consentLedger.seq, options.before) : undefined))
    .orderBy(desc(consentLedger.seq))
    .limit(options.limit + 1);

  const items = rows.slice(0, options.limit);
  return { items, nextBefore: rows.length > options.limit ? items.at(-1)!.seq : null };
}

/** The authorization a submission signed: the stored text, and whether every hash agrees. */
export interface SignedConsent {
  formVersion: number;
  locale: string;
  /** The hash the patient's browser computed over the text it showed. */
  textSha256: string;
  /** The published text of that version and language. */
  text: string;
  /** The ledger row of the submission, when there is one. */
  signedAt: Date | undefined;
  /** True when the stored text hashes to the recorded hash, and the ledger names the same hash. */
  verified: boolean;
}

/**
 * Finds the text a consent submission signed: the published text of its form
 * version in the language the patient saw, checked again against the hash in
 * the submission and in the ledger. Returns undefined for other submissions.
 *
 * @example
 * const consent = await signedConsent(db, metadata.id, metadata.formId, payload);
 * if (consent && !consent.verified) warn('The stored text does not match the signed hash.');
 */
export async function signedConsent(db: Database, submissionId: string, formId: string, payload: SubmissionPayload): Promise<SignedConsent | undefined> {
  const record = payload.consent;
  if (!record) return undefined;

  const [text] = await db
    .select({ text: consentTexts.text, textSha256: consentTexts.textSha256 })
    .from(consentTexts)
    .where(and(eq(consentTexts.formId, formId), eq(consentTexts.formVersion, record.formVersion), eq(consentTexts.locale, record.locale)))
    .limit(1);
  if (!text) return undefined;

  const [ledger] = await db.select().from(consentLedger).where(eq(consentLedger.submissionId, submissionId)).limit(1);
  const stored = createHash('sha256').update(text.text, 'utf8').digest('hex');
  return {
    formVersion: record.formVersion,
    locale: record.locale,
    textSha256: record.textSha256,
    text: text.text,
    signedAt: ledger?.signedAt,
    verified: stored === record.textSha256 && text.textSha256 === record.textSha256 && ledger?.textSha256 === record.textSha256,
  };
}
