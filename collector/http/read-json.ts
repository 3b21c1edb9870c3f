import { HttpError } from './http-error';

/** Reads a JSON object body, or throws 400 naming what to send. */
export async function readJsonObject(request: Request, expected: string): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = JSON.parse(await request.text());
  } catch {
    throw new HttpError(400, 'invalid_json', `The body is not valid JSON; send ${expected}.`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'invalid_json', `The body must be a JSON object: ${expected}.`);
  return body as Record<string, unknown>;
}
