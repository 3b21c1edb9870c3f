import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpsClient, nodeHttpsClient } from '../../collector/workflows/webhooks/https-client';

interface Received {
  host?: string;
  signature?: string;
  body: string;
}

// A loopback HTTPS server with a certificate for hooks.clinic.test from a CA made here with openssl.
describe('webhook HTTPS client', () => {
  let dir: string;
  let ca: Buffer;
  let server: https.Server;
  let port: number;
  const received: Received[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sealpost-webhook-tls-'));
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=Sealpost Test CA');
    openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=hooks.clinic.test');
    await writeFile(path.join(dir, 'ext.cnf'), 'subjectAltName=DNS:hooks.clinic.test\n');
    openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '1', '-extfile', 'ext.cnf');
    ca = await readFile(path.join(dir, 'ca.crt'));

    server = https.createServer({ key: await readFile(path.join(dir, 'server.key')), cert: await readFile(path.join(dir, 'server.crt')) }, (request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        received.push({ host: request.headers.host, signature: request.headers['sealpost-signature'] as string | undefined, body });
        if (request.url === '/moved') response.writeHead(307, { location: 'https://elsewhere.clinic.test/hook' }).end();
        else response.writeHead(204).end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('posts to the pinned address', async () => {
    const client = createHttpsClient({ ca });
    const response = await client(new URL(`https://hooks.clinic.test:${port}/hook`), '127.0.0.1', { 'content-type': 'application/json', 'sealpost-signature': 't=1,v1=ab' }, '{"runId":"r1"}');

    expect(response.status).toBe(204);
    expect(received.at(-1)).toEqual({ host: `hooks.clinic.test:${port}`, signature: 't=1,v1=ab', body: '{"runId":"r1"}' });
  });

  it('returns redirects without following', async () => {
    const client = createHttpsClient({ ca });
    const before = received.length;
    const response = await client(new URL(`https://hooks.clinic.test:${port}/moved`), '127.0.0.1', {}, '{}');

    expect(response).toEqual({ status: 307, location: 'https://elsewhere.clinic.test/hook' });
    expect(received.length).toBe(before + 1);
  });

  it('rejects a certificate for another name', async () => {
    const client = createHttpsClient({ ca });
    await expect(client(new URL(`https://other.clinic.test:${port}/hook`), '127.0.0.1', {}, '{}')).rejects.toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });

  it('rejects an untrusted certificate authority', async () => {
    await expect(nodeHttpsClient(new URL(`https://hooks.clinic.test:${port}/hook`), '127.0.0.1', {}, '{}')).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });
});
