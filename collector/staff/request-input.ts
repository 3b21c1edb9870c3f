import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { HttpError } from '../http/http-error';

/**
 * Returns the client's address from the socket. Behind a reverse proxy every
 * request shares the proxy's address.
 * NOTE: X-Forwarded-For is not read, so per-address limits count the proxy as one client.
 */
export function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // app.request() in tests and non-Node adapters carry no socket.
    return 'unknown';
  }
}

/** Reads a JSON object body, rejecting anything else with a message that names the expected fields. */
export async function readJsonObject(c: Context, expected: string): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new HttpError(400, 'invalid_json', `The body is not valid JSON; send ${expected} as a JSON object.`);
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'invalid_json', `The body is not a JSON object; send ${expected}.`);
  return body as Record<string, unknown>;
}

/** Reads a required string field, or an optional one when `optional` is set. */
export function stringField(body: Record<string, unknown>, name: string, optional: true): string | undefined;
export function stringField(body: Record<string, unknown>, name: string): string;
export function stringField(body: Record<string, unknown>, name: string, optional = false): string | undefined {
  const value = body[name];
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'string' || value === '') throw new HttpError(400, 'invalid_field', `The field "${name}" is missing or not a string; send it as a non-empty string.`);
  return value;
}

/** Reads a query parameter as a whole number from 1 to `max`, or returns `fallback` when it is absent. */
export function readQueryInteger<T extends number | undefined>(name: string, value: string | undefined, fallback: T, max: number): number | T {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (Number.isInteger(number) && number >= 1 && number <= max) return number;
  throw new HttpError(400, 'invalid_query', `${name}=${JSON.stringify(value)} is invalid; use a whole number from 1 to ${max}.`);
}
