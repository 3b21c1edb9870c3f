/** A transparent 1×1 GIF89a, 43 bytes: the smallest image that every mail client renders. */
export const OPEN_PIXEL_GIF = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');

/**
 * The image as a response body. Every response shares it: response bodies are
 * only read, and the node:http adapter writes a Uint8Array as it is.
 */
export const OPEN_PIXEL_BODY = new Uint8Array(OPEN_PIXEL_GIF);

/** Headers of the pixel response: never cached, so each render of the message reaches the collector. */
export const OPEN_PIXEL_HEADERS = {
  'Content-Type': 'image/gif',
  'Content-Length': String(OPEN_PIXEL_GIF.length),
  'Cache-Control': 'no-store, no-cache, private, max-age=0',
} as const;
