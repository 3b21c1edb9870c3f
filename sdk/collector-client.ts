import type { PublishedForm, SubmissionEnvelope, SubmissionReceipt } from './form-definition';

/** Options of {@link createCollectorClient}. */
export interface CollectorClientOptions {
  /** Origin of the collector, such as `https://collector.example`. */
  baseUrl: string;
  /** The fetch to use; tests inject their own. */
  fetch?: typeof fetch;
  /** Time allowed for one request, in milliseconds. */
  timeoutMs?: number;
  /** Attempts per call, the first included. */
  attempts?: number;
  /**
   * Attempts per submit, the first included. Higher than `attempts`, because
   * the encrypted answers wait in memory through a collector or database
   * outage: 12 attempts at a Retry-After of 5 s span about a minute.
   */
  submitAttempts?: number;
  /** Delay before the first retry, in milliseconds; it doubles on each retry. */
  retryDelayMs?: number;
  /** Waits between retries; tests inject one that does not sleep. */
  sleep?: (ms: number) => Promise<void>;
}

/** A failed call. `code` is the collector's error code, or a network code of the client's own. */
export class CollectorError extends Error {
  /** Seconds from a Retry-After header, when the collector sent one. */
  retryAfterSeconds?: number;

  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly fields: { field: string; code: string }[] = [],
  ) {
    super(message);
    this.name = 'CollectorError';
  }
}

export interface CollectorClient {
  getForm(formId: string): Promise<PublishedForm>;
  /**
   * Posts a submission, retrying network failures and 5xx answers with the
   * same idempotency key. The whole envelope, its contact token included,
   * travels in the JSON body, never in the URL.
   */
  submit(formId: string, envelope: SubmissionEnvelope): Promise<SubmissionReceipt>;
}

/**
 * Creates the one client through which the browser talks to the collector.
 *
 * @example
 * const client = createCollectorClient({ baseUrl: location.origin });
 * const { definition, key } = await client.getForm('new-patient-intake');
 */
export function createCollectorClient(options: CollectorClientOptions): CollectorClient {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const attempts = Math.max(1, options.attempts ?? 5);
  const submitAttempts = Math.max(1, options.submitAttempts ?? 12);
  const retryDelayMs = options.retryDelayMs ?? 500;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const base = options.baseUrl.replace(/\/+$/, '');

  async function request<T>(path: string, init: RequestInit, maxAttempts = attempts): Promise<T> {
    let lastError: CollectorError | undefined;

    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) await sleep(retryDelay(lastError, Math.min(retryDelayMs * 2 ** (attempt - 2), MAX_BACKOFF_MS)));

      try {
        const response = await doFetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(timeoutMs) });
        if (response.ok) return (await response.json()) as T;

        lastError = await toError(response);
        if (!isRetryable(response.status)) throw lastError;
      } catch (error) {
        if (error instanceof CollectorError && !isRetryable(error.status)) throw error;
        lastError = error instanceof CollectorError ? error : networkError(error);
      }
    }

    throw lastError ?? new CollectorError('network_error', 0, 'The collector could not be reached.');
  }

  return {
    getForm: (formId) => request<PublishedForm>(`/v1/forms/${encodeURIComponent(formId)}`, { method: 'GET' }),
    submit: (formId, envelope) =>
      request<SubmissionReceipt>(`/v1/forms/${encodeURIComponent(formId)}/submissions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(envelope),
      }, submitAttempts),
  };
}

const MAX_BACKOFF_MS = 30_000;

// 408 and 429 are worth retrying as well as server errors; other 4xx answers will not change.
function isRetryable(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}

function retryDelay(error: CollectorError | undefined, fallbackMs: number): number {
  const seconds = error?.retryAfterSeconds;
  return seconds !== undefined ? Math.min(seconds * 1000, 30_000) : fallbackMs;
}

async function toError(response: Response): Promise<CollectorError> {
  let code = 'http_error';
  let message = `The collector returned HTTP ${response.status}.`;
  let fields: { field: string; code: string }[] = [];

  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string; fields?: typeof fields } };
    code = body.error?.code ?? code;
    message = body.error?.message ?? message;
    fields = body.error?.fields ?? [];
  } catch {
    // A proxy or load balancer may answer with HTML; the status still says enough.
  }

  const error = new CollectorError(code, response.status, message, fields);
  const retryAfter = Number(response.headers.get('retry-after'));
  if (Number.isFinite(retryAfter) && retryAfter > 0) error.retryAfterSeconds = retryAfter;
  return error;
}

function networkError(error: unknown): CollectorError {
  const timedOut = error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError');
  return timedOut
    ? new CollectorError('timeout', 0, 'The collector did not respond in time.')
    : new CollectorError('network_error', 0, 'The collector could not be reached.');
}
