import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SITE = fileURLToPath(new URL('./site', import.meta.url));
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/**
 * Serves the sample clinic site on its own origin, as a real clinic's site
 * would be, with the collector's URL written into its pages, and on the
 * intake page the sample patient's contact token, as a clinic's patient
 * portal would write it.
 */
export async function startDemoSite(port: number, collectorUrl: string, intakeToken = ''): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    void serveFile(request, response, collectorUrl, intakeToken);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`Port ${port} is already in use; stop the other process or set DEMO_PORT to a free port.`) : error),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });

  return { url: `http://localhost:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function serveFile(request: http.IncomingMessage, response: http.ServerResponse, collectorUrl: string, intakeToken: string): Promise<void> {
  const pathname = new URL(request.url ?? '/', 'http://demo').pathname;
  const name = pathname === '/' ? 'intake.html' : pathname.slice(1);
  const type = TYPES[path.extname(name)];

  // Only plain file names in the site folder: no subfolders, no "..".
  if (!type || !/^[a-z0-9-]+\.[a-z]+$/.test(name)) return notFound(response);

  try {
    // The page's language comes from ?lang= on the server, so the form loads once in the right language.
    const lang = new URL(request.url ?? '/', 'http://demo').searchParams.get('lang') === 'es' ? 'es' : 'en';
    const text = (await readFile(path.join(SITE, name), 'utf8')).replaceAll('{{COLLECTOR_URL}}', collectorUrl).replaceAll('{{LANG}}', lang).replaceAll('{{CONTACT_TOKEN}}', intakeToken);
    response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
    response.end(text);
  } catch {
    notFound(response);
  }
}

function notFound(response: http.ServerResponse): void {
  response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
  response.end('Not found. The demo pages are /intake.html, /consent.html and /phq-9.html.\n');
}
