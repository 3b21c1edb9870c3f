import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privatePostgresMissing, startPrivatePostgres, type PrivatePostgres } from '../../support/private-postgres';
import { freePort, startScript, type Child } from '../../support/processes';
import {
  createApiKeyWithCli,
  expectedCounts,
  readReport,
  readStoredEvents,
  registerTrackedMessages,
  runTrackingLoad,
  storedEventProblems,
  type Attempt,
  type StoredEvents,
  type TokenRecord,
} from '../../support/tracking-load';

// FAULT_OUTAGE_SECONDS sets how long the server stays down; FAULT_CLIENTS the load; FAULT_MESSAGES the messages hit.
const OUTAGE_MS = Number(process.env.FAULT_OUTAGE_SECONDS ?? 30) * 1000;
const CLIENTS = Number(process.env.FAULT_CLIENTS ?? 100);
const MESSAGES = Number(process.env.FAULT_MESSAGES ?? 500);
const MASTER_KEY = 'nT5m4Gx1yGJHnPjY1kQ0q0o9yCwq7cG3zW2oVtWl8aE';

describe.skipIf(privatePostgresMissing !== undefined)('PostgreSQL stopped under tracking load', () => {
  let server: PrivatePostgres;
  let collector: Child | undefined;
  let baseUrl: string;
  let apiKey: string;
  let registeredAt: Date;
  let tokens: TokenRecord[];
  let attempts: Attempt[];
  let stored: Map<string, StoredEvents>;

  beforeAll(async () => {
    server = await startPrivatePostgres();
    const port = await freePort();
    baseUrl = `http://localhost:${port}`;
    const env = { DATABASE_URL: server.url, SEALPOST_MASTER_KEY: MASTER_KEY, PORT: String(port), LOG_LEVEL: 'warn', SEALPOST_WORKFLOW_WORKER: 'off' };

    apiKey = await createApiKeyWithCli(env);
    collector = await startScript('collector/main.ts', { ...env, LOG_LEVEL: 'info' }, 'collector started');
    registeredAt = new Date();
    const messages = await registerTrackedMessages(baseUrl, apiKey, MESSAGES);

    let starting = true;
    const load = runTrackingLoad({ baseUrl, messages, clients: CLIENTS, keepStarting: () => starting, deadline: Date.now() + OUTAGE_MS + 240_000 });

    await new Promise((resolve) => setTimeout(resolve, 2000));
    await server.stop();
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    await server.start();
    await new Promise((resolve) => setTimeout(resolve, 3000));

    starting = false;
    ({ tokens, attempts } = await load);
    stored = await readStoredEvents(server.url, messages.map((message) => message.id));
  }, OUTAGE_MS + 360_000);

  afterAll(async () => {
    await collector?.stop();
    await server?.dispose();
  });

  it('answered the pixel with its image throughout, 503 and Retry-After while down', () => {
    const opens = attempts.filter((attempt) => attempt.kind === 'open');
    expect(opens.filter((attempt) => attempt.status !== 200 && attempt.status !== 503)).toEqual([]);
    expect(opens.filter((attempt) => attempt.contentType !== 'image/gif')).toEqual([]);
    const unavailable = opens.filter((attempt) => attempt.status === 503);
    expect(unavailable.length).toBeGreaterThan(0);
    for (const attempt of unavailable) expect(attempt.retryAfter).toBe('5');
  });

  it('answered clicks 503 with Retry-After and no redirect while down', () => {
    const clicks = attempts.filter((attempt) => attempt.kind === 'click');
    expect(clicks.filter((attempt) => attempt.status !== 302 && attempt.status !== 503)).toEqual([]);
    const unavailable = clicks.filter((attempt) => attempt.status === 503);
    expect(unavailable.length).toBeGreaterThan(0);
    for (const attempt of unavailable) expect(attempt).toMatchObject({ retryAfter: '5', location: null, code: 'database_unavailable' });
  });

  it('stayed up through the outage', () => {
    expect(collector!.process.exitCode).toBeNull();
  });

  it('acknowledged every hit after recovery', () => {
    expect(tokens.filter((record) => record.unacknowledged > 0)).toEqual([]);
  });

  it('lost no acknowledged hit and stored none twice', () => {
    expect(storedEventProblems(tokens, stored)).toEqual([]);
    expect(tokens.filter((record) => record.failures > 0).length).toBeGreaterThan(0);
  });

  it('kept unique opens and clicks right in the report and its rollup', async () => {
    const expected = expectedCounts(tokens, stored);
    expect(expected.opened.unique).toBeGreaterThan(0);
    for (const source of ['raw', 'rollup'] as const) {
      const report = await readReport(baseUrl, apiKey, registeredAt, source);
      expect({ source, opened: report.summary.opened, clicked: report.summary.clicked }).toEqual({ source, ...expected });
    }
  });
});
