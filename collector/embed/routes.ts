import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Hono } from 'hono';
import { resolveLocale } from '../../sdk/localize';
import type { AppContext, AppEnv } from '../app-context';
import { findFormVersion } from '../forms/form-store';
import { HttpError } from '../http/http-error';
import { embedPage, notFoundPage } from './embed-page';

/**
 * Serves the browser side: the host-page loader, the page that runs inside
 * the iframe, and the form app script it loads.
 */
export function embedRoutes(ctx: AppContext) {
  const assets = new AssetCache(ctx.assetsDir);

  return new Hono<AppEnv>()
    .get('/sdk/sealpost.js', async (c) => {
      const body = await assets.read('sdk/sealpost.js');
      // Any site may load the loader, also with crossorigin="anonymous" for subresource integrity.
      c.header('Access-Control-Allow-Origin', '*');
      c.header('Cache-Control', 'public, max-age=300');
      c.header('Content-Type', 'text/javascript; charset=utf-8');
      return c.body(new Uint8Array(body));
    })
    .get('/embed/assets/form-app.js', async (c) => {
      const body = await assets.read('embed/form-app.js');
      c.header('Cache-Control', 'public, max-age=300');
      c.header('Content-Type', 'text/javascript; charset=utf-8');
      return c.body(new Uint8Array(body));
    })
    .get('/embed/forms/:formId', async (c) => {
      const formId = c.req.param('formId');
      const requested = c.req.query('lang');
      const form = await findFormVersion(ctx.db, formId);

      c.header('Cache-Control', 'no-store');
      c.header('Referrer-Policy', 'no-referrer');
      c.header('X-Content-Type-Options', 'nosniff');
      if (!form) {
        c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors *");
        return c.html(notFoundPage(resolveLocale(requested)), 404);
      }

      c.header('Content-Security-Policy', embedCsp(form.allowedOrigins));
      return c.html(embedPage(form, requested));
    });
}

/**
 * Builds the form page's policy: only the form's listed sites may frame it,
 * and it may load scripts from and connect to this origin only.
 */
export function embedCsp(allowedOrigins: string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${allowedOrigins.join(' ')}`,
  ].join('; ');
}

class AssetCache {
  private readonly files = new Map<string, Promise<Buffer>>();

  constructor(private readonly dir: string) {}

  read(name: string): Promise<Buffer> {
    let file = this.files.get(name);
    if (!file) {
      file = readFile(path.join(this.dir, name)).catch((error: NodeJS.ErrnoException) => {
        this.files.delete(name);
        if (error.code !== 'ENOENT') throw error;
        throw new HttpError(503, 'assets_not_built', `The browser bundle ${name} is not built; run \`npm run build\` and restart the collector.`);
      });
      this.files.set(name, file);
    }
    return file;
  }
}
