import path from 'node:path';
import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submissions } from '../../../collector/db/schema';
import type { PublishedForm } from '../../../sdk/form-definition';
import { ROOT, freePort, runCli, startScript, type Child } from '../../support/processes';
import { runSubmissionLoad, submissionFactory, type LoadRecord } from '../../support/submission-load';
import { createTestDatabase, drivers, type TestDatabase } from '../../support/test-databases';

// FAULT_CLIENTS and FAULT_KILLS change the load and the number of kills.
const CLIENTS = Number(process.env.FAULT_CLIENTS ?? 500);
const KILLS = Number(process.env.FAULT_KILLS ?? 20);
const MASTER_KEY = 'nT5m4Gx1yGJHnPjY1kQ0q0o9yCwq7cG3zW2oVtWl8aE';
const FORM = 'new-patient-intake';

describe.runIf(drivers.includes('postgres'))('collector killed under load on PostgreSQL', () => {
  let database: TestDatabase;
  let collector: Child | undefined;
  let env: NodeJS.ProcessEnv;
  let baseUrl: string;
  let records: LoadRecord[];
  let kills = 0;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const port = await freePort();
    baseUrl = `http://localhost:${port}`;
    env = { DATABASE_URL: database.url, SEALPOST_MASTER_KEY: MASTER_KEY, PORT: String(port), LOG_LEVEL: 'warn' };

    expect((await runCli(['forms', 'publish', path.join(ROOT, 'demo/forms/new-patient-intake.json')], env)).code).toBe(0);
    collector = await startScript('collector/main.ts', { ...env, LOG_LEVEL: 'info' }, 'collector started');
    const published = (await (await fetch(`${baseUrl}/v1/forms/${FORM}`)).json()) as PublishedForm;
    // Clients start submissions until the last restart, then finish what they started.
    let killing = true;
    const load = runSubmissionLoad({ baseUrl, formId: FORM, nextEnvelope: submissionFactory(published), keepStarting: () => killing, clients: CLIENTS, deadline: Date.now() + 300_000, replays: 1 });

    for (kills = 0; kills < KILLS; kills++) {
      await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 1200));
      collector.process.kill('SIGKILL');
      await new Promise((resolve) => collector!.process.once('exit', resolve));
      collector = await startScript('collector/main.ts', { ...env, LOG_LEVEL: 'info' }, 'collector started');
    }

    killing = false;
    records = await load;
  }, 600_000);

  afterAll(async () => {
    await collector?.stop();
    await database?.dispose();
  });

  it('killed the collector while requests were in flight', () => {
    expect(kills).toBe(KILLS);
    const failedAttempts = records.flatMap((record) => record.statuses).filter((status) => status === 0);
    expect(failedAttempts.length).toBeGreaterThan(0);
  });

  it('acknowledged every submission', () => {
    const unacknowledged = records.filter((record) => record.receipts.length === 0);
    expect(unacknowledged.length).toBe(0);
  });

  it('gave every retry the original receipt', () => {
    for (const record of records) {
      expect(new Set(record.receipts).size, `receipts for ${record.envelope.idempotencyKey}`).toBe(1);
      expect(record.receipts.length).toBeGreaterThanOrEqual(2);
    }
  });

  it('stored each acknowledged submission exactly once', async () => {
    const keys = records.map((record) => record.envelope.idempotencyKey);
    const rows = await database.db.select({ id: submissions.id, key: submissions.idempotencyKey, jwe: submissions.jwe }).from(submissions).where(inArray(submissions.idempotencyKey, keys));
    const byKey = new Map(rows.map((row) => [row.key, row]));

    expect(rows.length).toBe(records.length);
    for (const record of records) {
      const row = byKey.get(record.envelope.idempotencyKey);
      expect(row?.id).toBe(record.receipts[0]);
      expect(row?.jwe).toBe(record.envelope.jwe);
    }
  });

  it('never answered with a server error other than unavailability', () => {
    const statuses = new Set(records.flatMap((record) => record.statuses));
    expect([...statuses].filter((status) => status >= 500 && status !== 503)).toEqual([]);
  });
});
