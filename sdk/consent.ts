import type { ConsentDefinition, ConsentRecord, Field, FormDefinition, GroupField, Locale } from './form-definition';
import { CONSENT_MESSAGES } from './messages';

/*
 * A consent form's authorization section is not written in the definition:
 * it is built here from `consent`, the same in the page and on the collector,
 * and added after the form's own fields. Its ids start with "_", which the
 * parser never accepts for a field of the definition, so they cannot clash.
 */

/** Id of the group that contains the authorization text and the three answers. */
export const CONSENT_GROUP_ID = '_consent';
/** Id of the display item with the authorization text. */
export const CONSENT_TEXT_ID = '_consent-text';
/** Id of the affirmative tick box, unticked at first; `true` when ticked. */
export const CONSENT_AGREE_ID = '_consent-agree';
/** Id of the typed full name. */
export const CONSENT_NAME_ID = '_consent-name';
/** Id of the signature, drawn or typed. */
export const CONSENT_SIGNATURE_ID = '_consent-signature';

/** Languages the authorization text must be written in. */
export const CONSENT_LOCALES: readonly Locale[] = ['en', 'es'];

/**
 * Builds the authorization section of a consent form: the text, then a
 * required tick box, full name and signature.
 *
 * @example
 * consentGroup({ text: { en: 'I authorize…', es: 'Autorizo…' } }).fields.map((field) => field.id);
 * // ['_consent-text', '_consent-agree', '_consent-name', '_consent-signature']
 */
export function consentGroup(consent: ConsentDefinition): GroupField {
  return {
    id: CONSENT_GROUP_ID,
    type: 'group',
    label: CONSENT_MESSAGES.title,
    fields: [
      { id: CONSENT_TEXT_ID, type: 'display', text: consent.text },
      { id: CONSENT_AGREE_ID, type: 'checkbox', label: CONSENT_MESSAGES.agree, required: true },
      { id: CONSENT_NAME_ID, type: 'text', label: CONSENT_MESSAGES.fullName, required: true, maxLength: 200, autocomplete: 'name' },
      { id: CONSENT_SIGNATURE_ID, type: 'signature', label: CONSENT_MESSAGES.signature, required: true },
    ],
  };
}

/**
 * Every item a patient sees and answers: the definition's fields, and a
 * consent form's authorization section after them. Render, validate and
 * export with this list rather than `fields`.
 *
 * @example
 * validateScope(formFields(definition), …);
 */
export function formFields(form: Pick<FormDefinition, 'fields' | 'consent'>): Field[] {
  return form.consent ? [...form.fields, consentGroup(form.consent)] : form.fields;
}

/**
 * The language of the authorization text a patient with `locale` sees:
 * Spanish for `es`, else English.
 *
 * @example
 * consentLocale('es-MX'); // 'es'
 */
export function consentLocale(locale: string): Locale {
  return locale.toLowerCase().split(/[-_]/)[0] === 'es' ? 'es' : 'en';
}

/**
 * Hashes a text's UTF-8 bytes with SHA-256 as 64 lower-case hex digits, with
 * WebCrypto, which browsers (in secure contexts) and Node both have.
 *
 * @example
 * await sha256Hex('abc'); // 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Builds the consent record of a submission: the form version, and the
 * locale and SHA-256 of the authorization text that was shown.
 *
 * @example
 * await consentRecord(definition, 'es'); // { formVersion: 2, locale: 'es', textSha256: '9f86…' }
 */
export async function consentRecord(form: Pick<FormDefinition, 'version'> & { consent: ConsentDefinition }, locale: string): Promise<ConsentRecord> {
  const shown = consentLocale(locale);
  return { formVersion: form.version, locale: shown, textSha256: await sha256Hex(form.consent.text[shown]) };
}

/** Checks the shape of a consent record read from a decrypted submission. */
export function isConsentRecord(value: unknown): value is ConsentRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;

  const record = value as Record<string, unknown>;
  return (
    Number.isSafeInteger(record.formVersion) &&
    (CONSENT_LOCALES as readonly unknown[]).includes(record.locale) &&
    typeof record.textSha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(record.textSha256)
  );
}
