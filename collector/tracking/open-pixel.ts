/** A transparent 1×1 GIF89a, 43 bytes: the smallest image that every mail client renders. */
export const OPEN_PIXEL_GIF = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');

/** Headers of the pixel response: never cached, so each render of the message reaches the collector. */
export const OPEN_PIXEL_HEADERS = {
  'Content-Type': 'image/gif',
  'Content-Length': String(OPEN_PIXEL_GIF.length),
  'Cache-Control': 'no-store, no-cache, private, max-age=0',
} as const;
