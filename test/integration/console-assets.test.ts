import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../collector/app';
import { createTestCollector } from '../support/test-collector';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';

type ErrorBody = { error: { code: string; message: string } };

describe('console assets', () => {
  let database: TestDatabase;
  let assetsDir: string;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    assetsDir = await mkdtemp(path.join(os.tmpdir(), 'sealpost-console-assets-'));
    await mkdir(path.join(assetsDir, 'console'));
    await writeFile(path.join(assetsDir, 'console', 'console.js'), 'import("./chunk-reports-Ab12.js");');
    await writeFile(path.join(assetsDir, 'console', 'chunk-reports-Ab12.js'), 'export const reports = 1;');
    await writeFile(path.join(assetsDir, 'secret.js'), 'not a console file');
    const collector = await createTestCollector(database);
    app = createApp({ ...collector.context, assetsDir });
  });

  afterAll(async () => {
    await database?.dispose();
    await rm(assetsDir, { recursive: true, force: true });
  });

  it('serves the entry without caching', async () => {
    const response = await app.request('/console/assets/console.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('serves a hashed chunk as immutable', async () => {
    const response = await app.request('/console/assets/chunk-reports-Ab12.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await response.text()).toBe('export const reports = 1;');
  });

  it('answers 404 for a chunk that is gone', async () => {
    const response = await app.request('/console/assets/chunk-reports-Old0.js');
    expect(response.status).toBe(404);
    expect(((await response.json()) as ErrorBody).error.code).toBe('asset_not_found');
  });

  it.each(['..%2Fsecret.js', 'secret.js', 'chunk-a.js.map', 'chunk-..js'])('rejects the name %s', async (name) => {
    const response = await app.request(`/console/assets/${name}`);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('not a console file');
  });
});
