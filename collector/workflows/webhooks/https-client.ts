import https from 'node:https';
import { isIP } from 'node:net';

/** The part of an HTTPS response the webhook sender reads. */
export interface WebhookResponse {
  status: number;
  location?: string;
}

/**
 * Sends one POST and never follows redirects itself, so the caller can check
 * each Location. `address` is the checked IP to connect to: pinning it stops
 * a second DNS answer from pointing the request somewhere else.
 */
export type WebhookHttpClient = (url: URL, address: string, headers: Record<string, string>, body: string) => Promise<WebhookResponse>;

/**
 * Creates a client on node:https that verifies certificates against Node's
 * CA store, or against `ca` when given (tests use their own CA).
 */
export function createHttpsClient(options: { ca?: string | Buffer; timeoutMs?: number } = {}): WebhookHttpClient {
  const timeoutMs = options.timeoutMs ?? 10_000;

  return (url, address, headers, body) =>
    new Promise((resolve, reject) => {
      const request = https.request(
        url,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
          timeout: timeoutMs,
          rejectUnauthorized: true,
          ca: options.ca,
          // The connection goes to the checked address; the URL's host name is still used for SNI and the certificate check.
          lookup: (_hostname, lookupOptions, callback) => {
            const family = isIP(address);
            if ((lookupOptions as { all?: boolean }).all) (callback as (error: null, addresses: { address: string; family: number }[]) => void)(null, [{ address, family }]);
            else callback(null, address, family);
          },
        },
        (response) => {
          response.resume();
          response.on('end', () => resolve({ status: response.statusCode ?? 0, location: response.headers.location }));
        },
      );
      request.on('timeout', () => request.destroy(new Error(`webhook request timed out after ${timeoutMs} ms`)));
      request.on('error', reject);
      request.end(body);
    });
}

/** The production client: Node's CA store and a 10-second time-out. */
export const nodeHttpsClient: WebhookHttpClient = createHttpsClient();
