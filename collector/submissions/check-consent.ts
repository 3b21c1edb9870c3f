import { and, eq } from 'drizzle-orm';
import { isConsentRecord } from '../../sdk/consent';
import type { ConsentRecord, FormDefinition, SubmissionPayload } from '../../sdk/form-definition';
import type { Database } from '../db/open-database';
import { consentTexts } from '../db/schema';
import { HttpError } from '../http/http-error';

// Published texts never change, so their hashes are cached per database.
const hashCache = new WeakMap<Database, Map<string, string>>();

/**
 * Checks the consent record of a decrypted submission against the form
 * version it answers: a consent form needs one whose hash equals the hash
 * published for that version and language, and any other form must have
 * none. Returns the record to write to the ledger, or undefined.
 *
 * @throws HttpError 422 `consent_missing`, `consent_version_mismatch`,
 *   `consent_text_mismatch` or `consent_not_expected`.
 */
export async function checkConsent(db: Database, form: FormDefinition, payload: SubmissionPayload): Promise<ConsentRecord | undefined> {
  const record: unknown = payload.consent;
  if (!form.consent) {
    if (record === undefined) return undefined;
    throw new HttpError(422, 'consent_not_expected', `Form "${form.id}" version ${form.version} is not a consent form, yet the submission carries a consent record; leave "consent" out of the encrypted answers.`);
  }

  if (!isConsentRecord(record)) {
    throw new HttpError(422, 'consent_missing', `Form "${form.id}" is a consent form, so the encrypted answers must carry consent { formVersion, locale ("en" or "es"), textSha256 (64 lower-case hex digits) } for the authorization text shown; reload the form and sign again.`);
  }
  if (record.formVersion !== form.version) {
    throw new HttpError(422, 'consent_version_mismatch', `The consent record names version ${record.formVersion} of form "${form.id}", but the answers are for version ${form.version}; reload the form and sign the current authorization.`);
  }

  const published = await publishedHash(db, form, record.locale);
  if (record.textSha256 !== published) {
    throw new HttpError(422, 'consent_text_mismatch', `The authorization text that was signed (SHA-256 ${record.textSha256}) is not the text published for form "${form.id}" version ${form.version} in "${record.locale}" (SHA-256 ${published}); reload the form so that it shows the published text, and sign again.`);
  }
  return record;
}

async function publishedHash(db: Database, form: FormDefinition, locale: string): Promise<string> {
  const cache = hashCache.get(db) ?? new Map<string, string>();
  hashCache.set(db, cache);
  const key = `${form.id}\u0000${form.version}\u0000${locale}`;
  const cached = cache.get(key);
  if (cached) return cached;

  const [row] = await db
    .select({ textSha256: consentTexts.textSha256 })
    .from(consentTexts)
    .where(and(eq(consentTexts.formId, form.id), eq(consentTexts.formVersion, form.version), eq(consentTexts.locale, locale)))
    .limit(1);
  if (!row) throw new Error(`Consent form ${form.id} version ${form.version} has no published text in ${locale}; it was stored without its consent_texts rows.`);

  cache.set(key, row.textSha256);
  return row.textSha256;
}
