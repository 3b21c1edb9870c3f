import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliverabilityReport } from '../../collector/reports/deliverability-report';
import { apiHeaders, queueTrackedMessage } from '../support/email-fixtures';
import { FUZZ_TIMEOUT_MS, fuzzRuns } from '../support/fuzz-runs';
import { databaseFingerprint } from '../support/table-counts';
import { createTestCollector } from '../support/test-collector';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';

const ERROR_CODE = /^[a-z][a-z_]{2,63}$/;
const RANGE = { from: '2026-05-01T00:00:00Z', to: '2026-05-03T00:00:00Z' };
const PARAMETERS = ['from', 'to', 'tz', 'interval', 'split', 'include_machine', 'format'] as const;

/** SQL meta-characters and injection payloads, in ASCII and Unicode look-alikes. */
const SQL_PAYLOADS = [
  "'", '"', ';', '--', '/*', '*/', "' OR '1'='1", "'; DROP TABLE messages; --", "1); DELETE FROM audit_log; --",
  "x' UNION SELECT recipient_encrypted FROM messages --", '$$; SELECT pg_sleep(5); $$', "\\'; TRUNCATE tracking_events; --",
  'ʼ OR 1=1 --', '＇; DROP TABLE messages; －－', "\u0000'", 'UTC; SET TimeZone TO x', "UTC' --", 'E\'\\x27\'',
];

/** Expected rejection code for a payload in each parameter. */
const CODES: Record<(typeof PARAMETERS)[number], string> = {
  from: 'invalid_from', to: 'invalid_to', tz: 'invalid_tz', interval: 'invalid_interval', split: 'invalid_split', include_machine: 'invalid_include_machine', format: 'invalid_format',
};

describe.each(drivers)('report parameters under attack on %s', (driver) => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof createTestCollector>>['app'];
  let authorization: string;
  let now = new Date('2026-05-01T09:00:00Z');

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    const collector = await createTestCollector(database, { clock: () => now });
    app = collector.app;
    const headers = await apiHeaders(database.db);
    authorization = headers.authorization!;
    // Custom field keys may hold "-", so "--" reaches the query as a key; values may hold anything.
    await queueTrackedMessage(app, database.db, collector.emailKeys, headers, { customFields: { 'a--b': "'; DROP TABLE messages; --", clinic: 'north' } });
    now = new Date('2026-05-01T10:00:00Z');
    await queueTrackedMessage(app, database.db, collector.emailKeys, headers, { customFields: { 'a--b': 'plain' } });
  });

  afterAll(async () => {
    await database?.dispose();
  });

  function report(query: Record<string, string>) {
    return app.request(`/v1/reports/deliverability?${new URLSearchParams(query)}`, { headers: { authorization } });
  }

  async function expectRejected(query: Record<string, string>, code: string) {
    const before = await databaseFingerprint(database.db);
    const response = await report(query);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
    expect(await databaseFingerprint(database.db)).toEqual(before);
  }

  for (const parameter of PARAMETERS) {
    it(`rejects SQL payloads in ${parameter}`, async () => {
      for (const payload of SQL_PAYLOADS) await expectRejected({ ...RANGE, [parameter]: payload }, CODES[parameter]);
      // Appended to a valid value, the payload must not ride along.
      const valid = { from: RANGE.from, to: RANGE.to, tz: 'UTC', interval: 'day', split: 'campaign', include_machine: 'true', format: 'json' }[parameter];
      for (const payload of SQL_PAYLOADS) await expectRejected({ ...RANGE, [parameter]: `${valid}${payload}` }, CODES[parameter]);
    });
  }

  it('rejects SQL payloads in custom split keys', async () => {
    // "--" alone is a valid key, because keys may hold letters, digits, "_" and "-"; the next test covers it.
    const payloads = [...SQL_PAYLOADS, 'clinic\'', 'clinic;', 'clinic--\'', 'clinic/**/', 'clínica', 'clinic\u200b', 'clinic ', ' clinic'].filter((payload) => payload !== '--');
    for (const payload of payloads) {
      await expectRejected({ ...RANGE, split: `custom:${payload}` }, 'invalid_split');
    }
  });

  it('rejects SQL payloads as parameter names', async () => {
    for (const payload of SQL_PAYLOADS) await expectRejected({ ...RANGE, [payload]: 'x' }, 'unknown_parameter');
  });

  it('treats "--" in a custom key as data', async () => {
    const before = await databaseFingerprint(database.db);
    const response = await report({ ...RANGE, split: 'custom:a--b' });
    expect(response.status).toBe(200);
    const result = (await response.json()) as DeliverabilityReport;
    expect(result.split).toBe('custom:a--b');
    expect([...new Set(result.series.map((row) => row.split))].sort()).toEqual(["'; DROP TABLE messages; --", 'plain']);
    expect(result.summary.queued).toBe(2);
    expect(await databaseFingerprint(database.db)).toEqual(before);
  });

  it('answers arbitrary parameters with 200 or a 400 code', async () => {
    const value = fc.oneof(fc.string(), fc.constantFrom(...SQL_PAYLOADS), fc.date({ noInvalidDate: true }).map((date) => date.toISOString()), fc.constantFrom('UTC', 'Asia/Kolkata', 'hour', 'week', 'month', 'custom:clinic', 'true', 'csv'));
    const query = fc.dictionary(fc.oneof(fc.constantFrom(...PARAMETERS), fc.string({ maxLength: 8 })), value, { maxKeys: 8 });
    const before = await databaseFingerprint(database.db);
    await fc.assert(
      fc.asyncProperty(query, fc.boolean(), async (params, withRange) => {
        const response = await report(withRange ? { ...RANGE, ...params } : params);
        expect([200, 400]).toContain(response.status);
        if (response.status === 400) expect(((await response.json()) as { error: { code: string } }).error.code).toMatch(ERROR_CODE);
        else await response.arrayBuffer();
      }),
      { numRuns: fuzzRuns(driver === 'pglite' ? 200 : 60) },
    );
    expect(await databaseFingerprint(database.db)).toEqual(before);
  }, FUZZ_TIMEOUT_MS);
});
