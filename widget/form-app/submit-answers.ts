import type { CollectorClient } from '../../sdk/collector-client';
import { encryptSubmission } from '../../sdk/encrypt-answers';
import {
  isAnswerField,
  type Answers,
  type FormDefinition,
  type PublishedForm,
  type SubmissionPayload,
  type SubmissionReceipt,
} from '../../sdk/form-definition';
import { newIdempotencyKey } from '../../sdk/ids';

/**
 * Builds the plaintext of a submission: the answers of the form's own fields,
 * in field order, leaving out unanswered ones.
 *
 * @example
 * buildPayload(definition, { 'full-name': 'Ana Ruiz', age: 41 }, 'es');
 * // { formId: 'new-patient-intake', formVersion: 1, locale: 'es', answers: { 'full-name': 'Ana Ruiz', age: 41 } }
 */
export function buildPayload(definition: FormDefinition, answers: Answers, locale: string): SubmissionPayload {
  const answered: Answers = {};
  for (const field of definition.fields.filter(isAnswerField)) {
    const value = answers[field.id];
    if (value !== undefined) answered[field.id] = value;
  }

  return { formId: definition.id, formVersion: definition.version, locale, answers: answered };
}

/**
 * Encrypts a payload to the form's published key and posts it. Each call is
 * one submit attempt with a fresh idempotency key. The client's own retries
 * reuse that key, so the collector stores the submission at most once.
 *
 * @example
 * const receipt = await submitAnswers(client, published, buildPayload(definition, answers, 'en'));
 */
export async function submitAnswers(client: CollectorClient, published: PublishedForm, payload: SubmissionPayload): Promise<SubmissionReceipt> {
  const jwe = await encryptSubmission(payload, published.key.jwk);

  return client.submit(payload.formId, {
    formVersion: payload.formVersion,
    kid: published.key.kid,
    jwe,
    idempotencyKey: newIdempotencyKey(),
  });
}
