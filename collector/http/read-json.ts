import { describeJsonValue } from './describe-value';
import { HttpError } from './http-error';

/**
 * Builds the 400 for a body that is valid JSON of the wrong type, such as
 * null or an array where an object is expected. Every API-key route
 * follows one rule: 400 when the body is not JSON or not the JSON type the
 * route takes, 422 when it has that type but a field is missing or invalid.
 */
export function wrongBodyType(received: unknown, expected: string): HttpError {
  return new HttpError(400, 'invalid_body', `The body is ${describeJsonValue(received)}; send ${expected}.`);
}

/** Reads a JSON object body, or throws 400 naming what was received and what to send. */
export async function readJsonObject(request: Request, expected: string): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = JSON.parse(await request.text());
  } catch {
    throw new HttpError(400, 'invalid_json', `The body is not valid JSON; send ${expected}.`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw wrongBodyType(body, `a JSON object: ${expected}`);
  return body as Record<string, unknown>;
}
