import { CollectorError, type CollectorClient } from '../../sdk/collector-client';
import { consentRecord, formFields } from '../../sdk/consent';
import { encryptSubmission } from '../../sdk/encrypt-answers';
import type { Answers, FormDefinition, PublishedForm, SubmissionEnvelope, SubmissionPayload, SubmissionReceipt } from '../../sdk/form-definition';
import { newIdempotencyKey } from '../../sdk/ids';
import { scopeFieldIds } from '../../sdk/validate-answers';

/**
 * Builds the plaintext of a submission: the answers of the form's own fields
 * (plain groups' fields, repeating groups and a consent form's authorization
 * section included), in field order, leaving out unanswered ones.
 *
 * @example
 * buildPayload(definition, { 'full-name': 'Ana Ruiz', age: 41 }, 'es');
 * // { formId: 'new-patient-intake', formVersion: 1, locale: 'es', answers: { 'full-name': 'Ana Ruiz', age: 41 } }
 */
export function buildPayload(definition: FormDefinition, answers: Answers, locale: string): SubmissionPayload {
  const answered: Answers = {};
  for (const id of scopeFieldIds(formFields(definition))) {
    const value = answers[id];
    if (value !== undefined) answered[id] = value;
  }

  return { formId: definition.id, formVersion: definition.version, locale, answers: answered };
}

/**
 * Builds the plaintext of a submission, and for a consent form adds the
 * record of the authorization text shown: its version, locale and SHA-256.
 *
 * @example
 * (await preparePayload(consentForm, answers, 'es')).consent; // { formVersion: 1, locale: 'es', textSha256: '…' }
 */
export async function preparePayload(definition: FormDefinition, answers: Answers, locale: string): Promise<SubmissionPayload> {
  const payload = buildPayload(definition, answers, locale);
  if (definition.consent) payload.consent = await consentRecord({ version: definition.version, consent: definition.consent }, locale);
  return payload;
}

/**
 * Sends submissions and remembers the last envelope whose outcome is unknown.
 * When a reply is lost (network failure, timeout, 5xx) the collector may have
 * stored the submission, so a retry of the same answers resends the same
 * idempotency key and JWE, and the collector answers it as a replay instead
 * of storing a second copy. Changed answers, or a definite rejection (4xx),
 * start a fresh envelope.
 *
 * @example
 * const sender = new SubmissionSender();
 * const receipt = await sender.submit(client, published, buildPayload(definition, answers, 'en'));
 */
export class SubmissionSender {
  private pending: { payload: string; envelope: SubmissionEnvelope } | undefined;

  /**
   * Sends the answers; `contactToken`, when given, goes beside the JWE, and a
   * retry sends the token current at its own call, so the latest one counts.
   */
  async submit(client: CollectorClient, published: PublishedForm, payload: SubmissionPayload, contactToken?: string): Promise<SubmissionReceipt> {
    const sealed = await this.envelopeFor(published, payload);
    const envelope: SubmissionEnvelope = contactToken ? { ...sealed, contactToken } : sealed;
    try {
      const receipt = await client.submit(payload.formId, envelope);
      this.pending = undefined;
      return receipt;
    } catch (error) {
      if (error instanceof CollectorError && error.status >= 400 && error.status < 500) this.pending = undefined;
      throw error;
    }
  }

  /** Drops the remembered envelope, which contains the ciphertext of the answers. */
  forget(): void {
    this.pending = undefined;
  }

  private async envelopeFor(published: PublishedForm, payload: SubmissionPayload): Promise<SubmissionEnvelope> {
    const text = JSON.stringify(payload);
    if (this.pending?.payload === text && this.pending.envelope.kid === published.key.kid) return this.pending.envelope;

    const envelope = {
      formVersion: payload.formVersion,
      kid: published.key.kid,
      jwe: await encryptSubmission(payload, published.key.jwk),
      idempotencyKey: newIdempotencyKey(),
    };
    this.pending = { payload: text, envelope };
    return envelope;
  }
}
