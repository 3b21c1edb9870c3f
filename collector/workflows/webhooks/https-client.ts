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

/** node:https with a 10-second time-out and certificate verification. */
export const nodeHttpsClient: WebhookHttpClient = (url, address, headers, body) =>
  new Promise((resolve, reject) => {
    const request = https.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        timeout: 10_000,
        rejectUnauthorized: true,
        lookup: (_hostname, options, callback) => {
          const family = isIP(address);
          if ((options as { all?: boolean }).all) (callback as (error: null, addresses: { address: string; family: number }[]) => void)(null, [{ address, family }]);
          else callback(null, address, family);
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0, location: response.headers.location }));
      },
    );
    request.on('timeout', () => request.destroy(new Error('webhook request timed out after 10 s')));
    request.on('error', reject);
    request.end(body);
  });
