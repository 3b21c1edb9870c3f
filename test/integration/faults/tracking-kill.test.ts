import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliverabilityReport } from '../../../collector/reports/deliverability-report';
import { freePort, startScript, type Child } from '../../support/processes';
import { createTestDatabase, drivers, type TestDatabase } from '../../support/test-databases';
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

// FAULT_CLIENTS and FAULT_KILLS change the load and the number of kills; FAULT_MESSAGES the messages hit.
const CLIENTS = Number(process.env.FAULT_CLIENTS ?? 500);
const KILLS = Number(process.env.FAULT_KILLS ?? 20);
const MESSAGES = Number(process.env.FAULT_MESSAGES ?? 1000);
const CALM_MESSAGES = 20;
const MASTER_KEY = 'nT5m4Gx1yGJHnPjY1kQ0q0o9yCwq7cG3zW2oVtWl8aE';

describe.runIf(drivers.includes('postgres'))('collector killed under tracking load on PostgreSQL', () => {
  let database: TestDatabase;
  let collector: Child | undefined;
  let baseUrl: string;
  let apiKey: string;
  let tokens: TokenRecord[];
  let attempts: Attempt[];
  let stored: Map<string, StoredEvents>;
  let registeredAt: Date;
  let kills = 0;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const port = await freePort();
    baseUrl = `http://localhost:${port}`;
    const env = { DATABASE_URL: database.url, SEALPOST_MASTER_KEY: MASTER_KEY, PORT: String(port), LOG_LEVEL: 'warn', SEALPOST_WORKFLOW_WORKER: 'off' };

    apiKey = await createApiKeyWithCli(env);
    collector = await startScript('collector/main.ts', { ...env, LOG_LEVEL: 'info' }, 'collector started');
    registeredAt = new Date();
    const messages = await registerTrackedMessages(baseUrl, apiKey, MESSAGES);
    const calm = await registerTrackedMessages(baseUrl, apiKey, CALM_MESSAGES);

    // Readers keep opening and clicking until the last restart, then finish what they started.
    let killing = true;
    const load = runTrackingLoad({ baseUrl, messages, clients: CLIENTS, keepStarting: () => killing, deadline: Date.now() + 300_000 });

    for (kills = 0; kills < KILLS; kills++) {
      await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 2800));
      collector.process.kill('SIGKILL');
      await new Promise((resolve) => collector!.process.once('exit', resolve));
      collector = await startScript('collector/main.ts', { ...env, LOG_LEVEL: 'info' }, 'collector started');
    }

    killing = false;
    ({ tokens, attempts } = await load);

    // Messages hit only after the last restart: no request of theirs fails, so the exact check covers them.
    const calmUntil = Date.now() + 2000;
    const calmLoad = await runTrackingLoad({ baseUrl, messages: calm, clients: 20, keepStarting: () => Date.now() < calmUntil, deadline: Date.now() + 60_000 });
    tokens = [...tokens, ...calmLoad.tokens];
    attempts = [...attempts, ...calmLoad.attempts];
    stored = await readStoredEvents(database.url!, [...messages, ...calm].map((message) => message.id));
  }, 600_000);

  afterAll(async () => {
    await collector?.stop();
    await database?.dispose();
  });

  it('killed the collector while hits were in flight', () => {
    expect(kills).toBe(KILLS);
    expect(attempts.filter((attempt) => attempt.status === 0).length).toBeGreaterThan(0);
    expect(tokens.filter((record) => record.acks > 0).length).toBeGreaterThan(0);
  });

  it('acknowledged every hit in the end', () => {
    expect(tokens.filter((record) => record.unacknowledged > 0)).toEqual([]);
  });

  it('stored each acknowledged hit exactly once', () => {
    expect(storedEventProblems(tokens, stored)).toEqual([]);
    // At least the tokens hit after the last restart saw no failure, so the exact check above covered them.
    expect(tokens.filter((record) => record.failures === 0 && record.acks > 0).length).toBeGreaterThanOrEqual(2 * CALM_MESSAGES);
  });

  it('kept unique opens and clicks right in the report and its rollup', async () => {
    const expected = expectedCounts(tokens, stored);
    expect(expected.opened.unique).toBeGreaterThan(0);
    expect(expected.clicked.unique).toBeGreaterThan(0);
    for (const source of ['raw', 'rollup'] as const) {
      const report: DeliverabilityReport = await readReport(baseUrl, apiKey, registeredAt, source);
      expect({ source, opened: report.summary.opened, clicked: report.summary.clicked }).toEqual({ source, ...expected });
    }
  });

  it('never answered with a server error other than unavailability', () => {
    expect([...new Set(attempts.map((attempt) => attempt.status))].filter((status) => status >= 500 && status !== 503)).toEqual([]);
  });
});
