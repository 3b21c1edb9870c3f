import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, LAST_USED_PRECISION_MS, revokeApiKey, verifyApiKey } from '../../collector/api-keys/api-key-store';
import { requireApiKey, type ApiKeyEnv } from '../../collector/api-keys/require-api-key';
import { listAudit } from '../../collector/audit/audit-log';
import { openDatabase, type OpenDatabase } from '../../collector/db/open-database';
import { apiKeys } from '../../collector/db/schema';
import { errorHandler } from '../../collector/http/error-handler';
import { runCli } from '../support/processes';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';

const MASTER_KEY = 'nT5m4Gx1yGJHnPjY1kQ0q0o9yCwq7cG3zW2oVtWl8aE';
const KEY_LINE = /^sealpost_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/m;

/** Returns the secret part of a key; it is base64url, so it may contain underscores itself. */
function secretOf(key: string): string {
  return key.slice('sealpost_'.length + 16 + 1);
}

describe.each(drivers)('apikeys create CLI on %s', (driver) => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let server: TestDatabase | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sealpost-apikeys-'));
    env = { SEALPOST_DATA_DIR: dataDir, DATABASE_URL: '', SEALPOST_MASTER_KEY: MASTER_KEY, SEALPOST_ACTOR: 'admin@clinic.example' };
    if (driver === 'postgres') {
      server = await createTestDatabase('postgres');
      env = { ...env, DATABASE_URL: server.url };
    }
  });

  afterAll(async () => {
    await server?.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });

  // The embedded folder can be opened only while no CLI process holds it.
  async function open(): Promise<OpenDatabase> {
    return driver === 'postgres' ? openDatabase({ databaseUrl: server!.url }) : openDatabase({ pgliteDir: path.join(dataDir, 'pgdata') });
  }

  it('prints a key once, stores its hash and audits', async () => {
    const result = await runCli(['apikeys', 'create', '--name', 'billing-service'], env);
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('sealpost_');
    expect(result.stdout).toMatch(/^Created API key [0-9a-f]{16}\. Copy it now: it is not stored and cannot be shown again\.$/m);
    const key = KEY_LINE.exec(result.stdout)![0];
    const id = key.split('_')[1]!;

    const database = await open();
    try {
      const [row] = await database.db.select().from(apiKeys).where(eq(apiKeys.id, id));
      expect(row!.name).toBe('billing-service');
      expect(row!.createdBy).toBe('admin@clinic.example');
      expect(JSON.stringify(row)).not.toContain(secretOf(key));
      expect(await verifyApiKey(database.db, key)).toEqual({ id, name: 'billing-service' });

      const [entry] = await listAudit(database.db, 1);
      expect(entry).toMatchObject({ actor: 'admin@clinic.example', action: 'apikey.create', subjectType: 'api_key', subjectId: id, details: { name: 'billing-service' } });
      expect(JSON.stringify(entry)).not.toContain(key);
    } finally {
      await database.close();
    }
  });

  it('rejects a missing name', async () => {
    const result = await runCli(['apikeys', 'create'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('Missing argument: `apikeys create --name NAME` needs a name saying what the key is for.\n');
  });

  it('rejects a blank name and stores nothing', async () => {
    const result = await runCli(['apikeys', 'create', '--name', '   '], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('The API key name must be 1 to 100 printable characters, such as --name "billing-service".\n');

    const database = await open();
    try {
      expect(await database.db.select().from(apiKeys)).toHaveLength(1);
    } finally {
      await database.close();
    }
  });

  it('lists and revokes keys', async () => {
    const created = await runCli(['apikeys', 'create', '--name', 'old-crm'], env);
    const key = KEY_LINE.exec(created.stdout)![0];
    const id = key.split('_')[1]!;
    const secret = secretOf(key);

    const listed = await runCli(['apikeys', 'list'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^ID\s+NAME\s+CREATED\s+CREATED BY\s+LAST USED\s+REVOKED$/m);
    expect(listed.stdout).toMatch(new RegExp(`^${id}\\s+old-crm\\s+\\S+Z\\s+admin@clinic.example\\s+-\\s+-$`, 'm'));
    expect(listed.stdout).not.toContain(secret);

    const revoked = await runCli(['apikeys', 'revoke', id], env);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toBe(`Revoked API key ${id} (old-crm). Requests with it are now answered 401.\n`);

    const again = await runCli(['apikeys', 'revoke', id], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^API key ${id} \\(old-crm\\) was already revoked at \\S+Z; nothing changed\\.$`, 'm'));

    const unknown = await runCli(['apikeys', 'revoke', '0000000000000000'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('No API key has the id "0000000000000000"; run `npm run sealpost -- apikeys list` for the ids.\n');

    const json = await runCli(['apikeys', 'list', '--json'], env);
    const rows = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as { id: string; revokedAt: string | null });
    expect(rows.find((row) => row.id === id)!.revokedAt).not.toBeNull();

    const database = await open();
    try {
      expect(await verifyApiKey(database.db, key)).toBeUndefined();
      const revokes = (await listAudit(database.db, 10)).filter((entry) => entry.action === 'apikey.revoke');
      expect(revokes).toHaveLength(1);
      expect(revokes[0]).toMatchObject({ actor: 'admin@clinic.example', subjectType: 'api_key', subjectId: id, details: { name: 'old-crm' } });
    } finally {
      await database.close();
    }
    // Seven CLI processes, each opening the database.
  }, 300_000);

  it('prints help for one command', async () => {
    const result = await runCli(['apikeys', 'list', '--help'], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('  apikeys list             List API keys');
    expect(result.stdout).not.toContain('apikeys revoke');
    expect(result.stdout).not.toContain('forms publish');
  });

  it('rejects revoke without an id', async () => {
    const result = await runCli(['apikeys', 'revoke'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('Missing argument: `apikeys revoke ID` needs the id of a key from `apikeys list`.\n');
  });
});

describe.each(drivers)('bearer middleware on %s', (driver) => {
  let database: TestDatabase;
  let key: string;
  let app: Hono<ApiKeyEnv>;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    key = (await createApiKey(database.db, 'reports', 'test:setup')).key;
    app = new Hono<ApiKeyEnv>();
    app.onError(errorHandler(pino({ level: 'silent' })));
    app.get('/private', requireApiKey(database.db), (c) => c.json({ caller: c.get('apiKey').name }));
  });

  afterAll(async () => {
    await database?.dispose();
  });

  it('accepts a valid key', async () => {
    const response = await app.request('/private', { headers: { authorization: `Bearer ${key}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ caller: 'reports' });
  });

  it('rejects a missing key with 401', async () => {
    const response = await app.request('/private');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="sealpost"');
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('missing_api_key');
    expect(body.error.message).toContain('Authorization: Bearer <key>');
  });

  it.each([
    ['a wrong secret', (k: string) => `Bearer ${k.slice(0, -4)}AAAA`],
    ['an unknown id', (k: string) => `Bearer sealpost_0000000000000000_${secretOf(k)}`],
    ['a malformed key', () => 'Bearer not-a-key'],
    ['another scheme', (k: string) => `Basic ${k}`],
  ])('rejects %s with 401', async (_case, header) => {
    const response = await app.request('/private', { headers: { authorization: header(key) } });
    expect(response.status).toBe(401);
    const text = await response.text();
    expect(JSON.parse(text).error.code).toBe('invalid_api_key');
    expect(text).not.toContain(secretOf(key));
  });

  it('rejects a key revoked by revokeApiKey', async () => {
    const created = await createApiKey(database.db, 'revoked-crm', 'test:setup');
    expect((await app.request('/private', { headers: { authorization: `Bearer ${created.key}` } })).status).toBe(200);
    await revokeApiKey(database.db, created.id, 'test:admin');

    const response = await app.request('/private', { headers: { authorization: `Bearer ${created.key}` } });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
  });

  it('records when a key was last used', async () => {
    const created = await createApiKey(database.db, 'usage', 'test:setup');
    const first = new Date('2026-05-01T10:00:00Z');
    await verifyApiKey(database.db, created.key, first);
    await verifyApiKey(database.db, created.key, new Date(first.getTime() + 1_000));
    let [row] = await database.db.select().from(apiKeys).where(eq(apiKeys.id, created.id));
    expect(row!.lastUsedAt).toEqual(first);

    const later = new Date(first.getTime() + LAST_USED_PRECISION_MS);
    await verifyApiKey(database.db, created.key, later);
    [row] = await database.db.select().from(apiKeys).where(eq(apiKeys.id, created.id));
    expect(row!.lastUsedAt).toEqual(later);
  });

  it('rejects a revoked key', async () => {
    const created = await createApiKey(database.db, 'old', 'test:setup');
    await database.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, created.id));
    const response = await app.request('/private', { headers: { authorization: `Bearer ${created.key}` } });
    expect(response.status).toBe(401);
  });
});
