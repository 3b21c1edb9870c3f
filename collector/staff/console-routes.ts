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

// console.js and the chunks it imports, named chunk-<name>-<hash>.js by the build.
const ASSET_NAME = /^(console|chunk-[A-Za-z0-9_-]+)\.js$/;

/**
 * Serves the staff console page and its bundle, built into
 * `<assetsDir>/console/`: console.js and the chunks that pages load when
 * first opened.
 */
export function consoleRoutes(ctx: AppContext) {
  const folder = path.join(ctx.assetsDir, 'console');
  const cache = new Map<string, Promise<Buffer>>();

  const read = (name: string): Promise<Buffer> => {
    let cached = cache.get(name);
    if (!cached) {
      cached = readFile(path.join(folder, name)).catch((error: NodeJS.ErrnoException) => {
        cache.delete(name);
        if (error.code !== 'ENOENT') throw error;
        if (name === 'console.js') throw new HttpError(503, 'assets_not_built', 'The console bundle console/console.js is not built; run `npm run build` and restart the collector.');
        throw new HttpError(404, 'asset_not_found', `The console file ${name} does not exist; reload the console, because a newer build replaced it.`);
      });
      cache.set(name, cached);
    }
    return cached;
  };

  return new Hono<AppEnv>()
    .get('/', (c) => {
      c.header('Content-Security-Policy', CONSOLE_CSP);
      c.header('Cache-Control', 'no-store');
      c.header('Referrer-Policy', 'no-referrer');
      c.header('X-Content-Type-Options', 'nosniff');
      c.header('X-Frame-Options', 'DENY');
      return c.html(CONSOLE_PAGE);
    })
    .get('/assets/:name', async (c) => {
      const name = c.req.param('name');
      if (!ASSET_NAME.test(name)) throw new HttpError(404, 'asset_not_found', `The console has no file ${JSON.stringify(name)}; reload the console.`);
      const body = await read(name);

      // Chunk names carry a hash of their content, so a chunk never changes; console.js does.
      c.header('Cache-Control', name === 'console.js' ? 'no-cache' : 'public, max-age=31536000, immutable');
      c.header('Content-Type', 'text/javascript; charset=utf-8');
      c.header('X-Content-Type-Options', 'nosniff');
      return c.body(new Uint8Array(body));
    });
}
