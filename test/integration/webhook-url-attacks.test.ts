import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpError } from '../../collector/http/http-error';
import { startRun } from '../../collector/workflows/start-run';
import { databaseFingerprint } from '../support/table-counts';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';
import { createHarness, sampleTemplate } from '../support/workflow-harness';
import { publishTemplate } from '../../collector/templates/template-store';

// Names the test resolver maps to addresses a webhook must never reach. No request leaves the process:
// the harness records requests instead of sending them.
const DNS: Record<string, string[]> = {
  'loopback.clinic.test': ['127.0.0.1'],
  'loopback6.clinic.test': ['::1'],
  'metadata.clinic.test': ['169.254.169.254'],
  'private.clinic.test': ['10.20.30.40'],
  'partly-private.clinic.test': ['203.0.113.9', '192.168.1.1'],
};

function hookWorkflow(id: string, url: string) {
  return {
    id,
    version: 1,
    trigger: { type: 'api_event', name: `${id}.start` },
    steps: [
      { id: 'hook', type: 'webhook', url, next: 'after' },
      { id: 'after', type: 'send_email', template: 'after-hook', next: null },
    ],
  };
}

describe.each(drivers)('webhook URLs under attack on %s', (driver) => {
  let database: TestDatabase;
  let harness: ReturnType<typeof createHarness>;
  let workflowNumber = 0;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    harness = createHarness(database);
    Object.assign(harness.dns, DNS);
    // Published here, so that a rejected workflow is the only change each case could make.
    await publishTemplate(database.db, sampleTemplate('after-hook'), { actor: 'test:setup' });
  });

  afterAll(async () => {
    await database?.dispose();
  });

  it.each([
    ['loopback, directly', 'https://127.0.0.1/hook', 'resolves to 127.0.0.1'],
    ['loopback in hex, directly', 'https://0x7f.1/hook', 'resolves to 127.0.0.1'],
    ['loopback, IPv4-compatible IPv6', 'https://[::127.0.0.1]/hook', 'resolves to ::7f00:1'],
    ['metadata, directly', 'https://169.254.169.254/latest/meta-data/', 'resolves to 169.254.169.254'],
    ['private, directly', 'https://172.16.5.4/hook', 'resolves to 172.16.5.4'],
    ['loopback, through DNS', 'https://loopback.clinic.test/hook', 'resolves to 127.0.0.1'],
    ['IPv6 loopback, through DNS', 'https://loopback6.clinic.test/hook', 'resolves to ::1'],
    ['metadata, through DNS', 'https://metadata.clinic.test/latest/meta-data/', 'resolves to 169.254.169.254'],
    ['private, through DNS', 'https://private.clinic.test/hook', 'resolves to 10.20.30.40'],
    ['private among public answers', 'https://partly-private.clinic.test/hook', 'resolves to 192.168.1.1'],
    ['localhost with a trailing dot', 'https://LOCALHOST./hook', 'host localhost is a local name'],
    ['metadata name with a trailing dot', 'https://metadata.google.internal./computeMetadata/v1/', 'host metadata.google.internal is a local name'],
    ['user info before a loopback host', 'https://hooks.clinic.test@127.0.0.1/hook', 'must not contain a user name or password'],
  ])('rejects %s at save', async (_case, url, reason) => {
    const before = await databaseFingerprint(database.db);
    const error = await harness.publish(hookWorkflow(`save-${++workflowNumber}`, url)).then(
      () => undefined,
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(422);
    expect((error as HttpError).code).toBe('invalid_workflow');
    expect((error as HttpError).message).toContain(reason);
    expect(await databaseFingerprint(database.db)).toEqual(before);
  });

  it.each([
    ['loopback', 'https://127.0.0.1/admin'],
    ['IPv6 loopback', 'https://[::1]/admin'],
    ['metadata', 'http://169.254.169.254/latest/meta-data/'],
    ['metadata over https', 'https://169.254.169.254/latest/meta-data/'],
    ['a name resolving to loopback', 'https://loopback.clinic.test/admin'],
    ['a name resolving to metadata', 'https://metadata.clinic.test/latest/meta-data/'],
    ['a protocol-relative loopback', '//127.0.0.1/admin'],
  ])('refuses a redirect to %s', async (_case, location) => {
    harness.respondWith((request) => (request.url.startsWith('https://hooks.clinic.test/') ? { status: 302, location } : { status: 200 }));
    const workflowId = `redirect-${++workflowNumber}`;
    await harness.publish(hookWorkflow(workflowId, 'https://hooks.clinic.test/in'));
    const contactId = await harness.contact();
    const { runId } = (await startRun(harness.engine, { workflowId, contactId, triggerKey: `${workflowId}-1` })) as { runId: string };
    const sentBefore = harness.requests.length;
    await harness.drain();

    expect(harness.requests.slice(sentBefore).map((request) => request.url)).toEqual(['https://hooks.clinic.test/in']);
    expect(await harness.run(runId)).toMatchObject({ status: 'failed', endReason: 'webhook_blocked' });
    expect(await harness.emails(runId)).toEqual([]);
  });
});
