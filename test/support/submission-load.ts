import { encryptSubmission } from '../../sdk/encrypt-answers';
import type { PublishedForm, SubmissionEnvelope } from '../../sdk/form-definition';
import { newIdempotencyKey } from '../../sdk/ids';

/** One logical submission and every answer the collector gave to its attempts. */
export interface LoadRecord {
  envelope: SubmissionEnvelope;
  /** Receipt ids of every 201 answer; all must be equal. */
  receipts: string[];
  /** Status of every attempt; 0 for a network failure. */
  statuses: number[];
  retryAfter: (string | null)[];
}

/** Returns a function that encrypts a new, distinct, valid intake submission on each call. */
export function submissionFactory(published: PublishedForm): () => Promise<SubmissionEnvelope> {
  let i = 0;
  return async () => {
    i++;
    const answers = {
      'full-name': `Load Patient ${i}`,
      'date-of-birth': '1990-01-01',
      email: `patient${i}@example.org`,
      reason: `Load test visit ${i}`,
      'preferred-contact': 'email',
      'has-insurance': 'yes',
    };
    const jwe = await encryptSubmission({ formId: published.definition.id, formVersion: published.definition.version, locale: 'en', answers }, published.key.jwk);
    return { formVersion: published.definition.version, kid: published.key.kid, jwe, idempotencyKey: newIdempotencyKey() };
  };
}

/**
 * Runs `clients` concurrent clients. Each starts new submissions until
 * `keepStarting()` turns false, and posts each one until the collector
 * acknowledges it or `deadline` passes, retrying network failures and 5xx
 * answers with the same body, as the widget does.
 */
export async function runSubmissionLoad(options: {
  baseUrl: string;
  formId: string;
  nextEnvelope: () => Promise<SubmissionEnvelope>;
  keepStarting: () => boolean;
  clients: number;
  deadline: number;
  /** Extra attempts after the first 201, to check that replays return the same receipt. */
  replays?: number;
}): Promise<LoadRecord[]> {
  const records: LoadRecord[] = [];

  async function client(): Promise<void> {
    while (options.keepStarting() && Date.now() < options.deadline) {
      const record: LoadRecord = { envelope: await options.nextEnvelope(), receipts: [], statuses: [], retryAfter: [] };
      records.push(record);
      let acknowledged = 0;

      while (Date.now() < options.deadline && acknowledged <= (options.replays ?? 0)) {
        const status = await attempt(record);
        if (status === 201) acknowledged++;
        else if (status >= 400 && status < 500) break;
        else await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
      }
    }
  }

  async function attempt(record: LoadRecord): Promise<number> {
    try {
      const response = await fetch(`${options.baseUrl}/v1/forms/${options.formId}/submissions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: options.baseUrl },
        body: JSON.stringify(record.envelope),
        signal: AbortSignal.timeout(10_000),
      });
      record.statuses.push(response.status);
      record.retryAfter.push(response.headers.get('retry-after'));
      const body = (await response.json().catch(() => ({}))) as { id?: string };
      if (response.status === 201 && body.id) record.receipts.push(body.id);
      return response.status;
    } catch {
      record.statuses.push(0);
      record.retryAfter.push(null);
      return 0;
    }
  }

  await Promise.all(Array.from({ length: options.clients }, client));
  return records;
}
