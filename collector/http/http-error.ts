import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * The one error type that routes throw. `app.onError` turns it into
 * `{ error: { code, message, ...extra } }` with its status. The message names
 * the rejected value and the fix, and never contains PHI, a token or a key.
 */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}
