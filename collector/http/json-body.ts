import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { every } from 'hono/combine';
import { HttpError } from './http-error';

/**
 * Accepts only `application/json` bodies of at most `maxBytes`, counted as
 * read, and rejects others with 415 or 413 before the handler runs.
 */
export function jsonBody(maxBytes: number): MiddlewareHandler {
  const contentType: MiddlewareHandler = async (c, next) => {
    const type = c.req.header('content-type') ?? '';
    if (type.split(';')[0]?.trim().toLowerCase() !== 'application/json') {
      throw new HttpError(415, 'unsupported_media_type', `Content-Type ${JSON.stringify(type)} is not accepted; send the body as application/json.`);
    }
    await next();
  };

  return every(contentType, limitBody(maxBytes));
}

/** Rejects a body larger than `maxBytes`, counted as it is read, with 413 before the handler runs. */
export function limitBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new HttpError(413, 'payload_too_large', `The body is larger than the limit of ${maxBytes} bytes; split it into several requests.`);
    },
  });
}

/** Parses the request body as JSON, or throws 400 naming the expected shape. */
export async function readJson(request: Request, expected: string): Promise<unknown> {
  const text = await request.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'invalid_json', `The body is not valid JSON; send ${expected}.`);
  }
}
