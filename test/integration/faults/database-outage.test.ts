import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublishedForm } from '../../../sdk/form-definition';
import { privatePostgresMissing, startPrivatePostgres, type PrivatePostgres } from '../../support/private-postgres';
import { ROOT, freePort, runCli, startScript, type Child } from '../../support/processes';
import { runSubmissionLoad, submissionFactory, type LoadRecord } from '../../support/submission-load';

// FAULT_OUTAGE_SECONDS sets how long the server stays down; FAULT_CLIENTS the load.
const OUTAGE_MS = Number(process.env.FAULT_OUTAGE_SECONDS ?? 30) * 1000;
const CLIENTS = Number(process.env.FAULT_CLIENTS ?? 100);
const MASTER_KEY = 'nT5m4Gx1yGJHnPjY1kQ0q0o9yCwq7cG3zW2oVtWl8aE';
const FORM = 'new-patient-intake';

describe.skipIf(privatePostgresMissing !== undefined)('PostgreSQL stopped under load', () => {
  let server: PrivatePostgres;
  let collector: Child | undefined;
  let records: LoadRecord[];

  beforeAll(async () => {
    server = await startPrivatePostgres();
    const port = await freePort();
    const baseUrl = `http://localhost:${port}`;
    const env = { DATABASE_URL: server.url, SEALPOST_MASTER_KEY: MASTER_KEY, PORT: String(port), LOG_LEVEL: 'warn' };

    expect((await runCli(['forms', 'publish', path.join(ROOT, 'demo/forms/new-patient-intake.json')], env)).code).toBe(0);
    collector = await startScript('collector/main.ts', { ...env, LOG_LEVEL: 'info' }, 'collector started');
    const published = (await (await fetch(`${baseUrl}/v1/forms/${FORM}`)).json()) as PublishedForm;

    let starting = true;
    const load = runSubmissionLoad({ baseUrl, formId: FORM, nextEnvelope: submissionFactory(published), keepStarting: () => starting, clients: CLIENTS, deadline: Date.now() + OUTAGE_MS + 120_000 });

    await new Promise((resolve) => setTimeout(resolve, 2000));
    await server.stop();
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    await server.start();
    await new Promise((resolve) => setTimeout(resolve, 3000));

    starting = false;
    records = await load;
  }, OUTAGE_MS + 240_000);

  afterAll(async () => {
    await collector?.stop();
    await server?.dispose();
  });

  it('answered 503 with Retry-After during the outage', () => {
    const unavailable = records.flatMap((record) => record.statuses.map((status, i) => ({ status, retryAfter: record.retryAfter[i] }))).filter((attempt) => attempt.status === 503);
    expect(unavailable.length).toBeGreaterThan(0);
    for (const attempt of unavailable) expect(attempt.retryAfter).toBe('5');
  });

  it('never answered 500', () => {
    const statuses = new Set(records.flatMap((record) => record.statuses));
    expect([...statuses].filter((status) => status >= 500 && status !== 503)).toEqual([]);
  });

  it('stayed up through the outage', () => {
    expect(collector!.process.exitCode).toBeNull();
  });

  it('landed every submission after recovery', async () => {
    expect(records.filter((record) => record.receipts.length === 0)).toEqual([]);

    const sql = postgres(server.url, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql<{ id: string; idempotency_key: string }[]>`SELECT id, idempotency_key FROM submissions`;
      const byKey = new Map(rows.map((row) => [row.idempotency_key, row.id]));
      expect(rows.length).toBe(records.length);
      for (const record of records) expect(byKey.get(record.envelope.idempotencyKey)).toBe(record.receipts[0]);
    } finally {
      await sql.end({ timeout: 1 });
    }
  });
});
