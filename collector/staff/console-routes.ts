import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Hono } from 'hono';
import type { AppContext, AppEnv } from '../app-context';
import { HttpError } from '../http/http-error';

/**
 * The console's policy: scripts, styles and requests from this origin only,
 * images from here or data: URLs (the TOTP QR code), and no framing.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const CONSOLE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Sealpost console</title>
<script type="module" src="/console/assets/console.js"></script>
</head>
<body>
<sealpost-console></sealpost-console>
<noscript>The Sealpost console needs JavaScript; turn it on for this site.</noscript>
</body>
</html>
`;

/** Serves the staff console page and its bundle, built into `<assetsDir>/console/console.js`. */
export function consoleRoutes(ctx: AppContext) {
  const bundle = path.join(ctx.assetsDir, 'console', 'console.js');
  let cached: Promise<Buffer> | undefined;

  return new Hono<AppEnv>()
    .get('/', (c) => {
      c.header('Content-Security-Policy', CONSOLE_CSP);
      c.header('Cache-Control', 'no-store');
      c.header('Referrer-Policy', 'no-referrer');
      c.header('X-Content-Type-Options', 'nosniff');
      c.header('X-Frame-Options', 'DENY');
      return c.html(CONSOLE_PAGE);
    })
    .get('/assets/console.js', async (c) => {
      cached ??= readFile(bundle).catch((error: NodeJS.ErrnoException) => {
        cached = undefined;
        if (error.code !== 'ENOENT') throw error;
        throw new HttpError(503, 'assets_not_built', 'The console bundle console/console.js is not built; run `npm run build` and restart the collector.');
      });
      const body = await cached;

      c.header('Cache-Control', 'no-cache');
      c.header('Content-Type', 'text/javascript; charset=utf-8');
      c.header('X-Content-Type-Options', 'nosniff');
      return c.body(new Uint8Array(body));
    });
}
