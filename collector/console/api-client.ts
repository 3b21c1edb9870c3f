/** An error response of the collector: its HTTP status, stable code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Milliseconds a console request may take before it is aborted. */
const TIMEOUT_MS = 15_000;

/**
 * Calls the staff API on the console's own origin with the session cookie.
 * Every successful request counts as activity, so `onActivity` lets the idle
 * timer restart; a 401 means the session ended and calls `onSessionEnded`.
 */
export class ConsoleApi {
  constructor(
    private readonly hooks: { onActivity(): void; onSessionEnded(message: string): void },
    private readonly fetchImpl: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  /** Sends one request to a staff route (a path below /v1/staff) and returns the parsed JSON body, or throws ApiError. */
  request<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
    return this.send<T>(method, `/v1/staff${path}`, body);
  }

  /** Reads another route of the collector that accepts a staff session, such as /v1/reports/deliverability. */
  get<T>(url: string): Promise<T> {
    return this.send<T>('GET', url);
  }

  private async send<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method,
        credentials: 'same-origin',
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch {
      throw new ApiError(0, 'network_error', 'The collector did not answer. Check your connection and try again.');
    }

    const payload = (await response.json().catch(() => undefined)) as { error?: { code: string; message: string } } | undefined;
    if (response.ok) {
      this.hooks.onActivity();
      return payload as T;
    }

    const error = new ApiError(response.status, payload?.error?.code ?? 'http_error', payload?.error?.message ?? `The collector responded with status ${response.status}; try again.`);
    if (response.status === 401 && url !== '/v1/staff/session') this.hooks.onSessionEnded(error.message);
    throw error;
  }
}
