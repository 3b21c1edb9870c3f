import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRun } from '../../collector/workflows/start-run';
import { MAX_WEBHOOK_ATTEMPTS } from '../../collector/workflows/webhooks/deliver-webhook';
import { SIGNATURE_HEADER, signWebhook, verifyWebhookSignature, webhookSecret } from '../../collector/workflows/webhooks/webhook-signature';
import { createHarness } from '../support/workflow-harness';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';

const HOUR = 3_600_000;

function hookWorkflow(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    version: 1,
    trigger: { type: 'api_event', name: `${id}.start` },
    steps: [
      { id: 'hook', type: 'webhook', url: 'https://hooks.clinic.test/sealpost', next: 'after' },
      { id: 'after', type: 'send_email', template: 'after-hook', next: null },
    ],
    ...extra,
  };
}

describe.each(drivers)('workflow webhooks on %s', (driver) => {
  let database: TestDatabase;
  let harness: ReturnType<typeof createHarness>;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    harness = createHarness(database);
  });

  afterAll(async () => {
    await database?.dispose();
  });

  async function start(workflowId: string, definition = hookWorkflow(workflowId)) {
    await harness.publish(definition);
    const contactId = await harness.contact({ attributes: { plan: 'basic' } });
    const run = (await startRun(harness.engine, { workflowId, contactId, triggerKey: `${workflowId}-1` })) as { runId: string };
    const before = harness.requests.length;
    await harness.drain();
    return { runId: run.runId, contactId, sent: () => harness.requests.slice(before) };
  }

  it('signs timestamp and body', async () => {
    harness.respondWith(() => ({ status: 204 }));
    const { sent } = await start('signed');
    const [request] = sent();
    const secret = harness.engine.webhookSecret('signed');
    const timestamp = Math.floor(harness.clock.now().getTime() / 1000);

    expect(request!.headers[SIGNATURE_HEADER]).toBe(signWebhook(secret, timestamp, request!.body));
    expect(verifyWebhookSignature(secret, request!.headers[SIGNATURE_HEADER]!, request!.body)).toBe(true);
    expect(verifyWebhookSignature(secret, request!.headers[SIGNATURE_HEADER]!, `${request!.body} `)).toBe(false);
    expect(verifyWebhookSignature(webhookSecret(Buffer.alloc(32), 'signed'), request!.headers[SIGNATURE_HEADER]!, request!.body)).toBe(false);
    expect(request!.address).toBe('203.0.113.20');
  });

  it('sends no PHI unless marked', async () => {
    harness.respondWith(() => ({ status: 200 }));
    const plain = await start('ids-only');
    const withPhi = await start('with-phi', hookWorkflow('with-phi', { includePhiInWebhooks: true }));

    const plainBody = JSON.parse(plain.sent()[0]!.body);
    expect(plainBody.contactId).toBe(plain.contactId);
    expect(plainBody).not.toHaveProperty('contact');
    expect(plain.sent()[0]!.body).not.toContain('@example.org');
    expect(JSON.parse(withPhi.sent()[0]!.body).contact.email).toMatch(/^patient-.*@example\.org$/);
  });

  it('continues the run after delivery', async () => {
    harness.respondWith(() => ({ status: 202 }));
    const { runId } = await start('continues');
    expect(await harness.steps(runId)).toEqual({ hook: 'completed', after: 'completed' });
    expect(await harness.emails(runId)).toHaveLength(1);
  });

  it('retries with backoff, then fails the run', async () => {
    harness.respondWith(() => ({ status: 503 }));
    const { runId, sent } = await start('retried');
    expect(sent()).toHaveLength(1);

    // Backoff doubles from 30 s, so attempt n waits 30 s * 2^(n-1); 29 s after the first is too early.
    await harness.advance(29_000);
    expect(sent()).toHaveLength(1);
    await harness.advance(1000);
    expect(sent()).toHaveLength(2);
    for (let attempt = 0; attempt < MAX_WEBHOOK_ATTEMPTS; attempt++) await harness.advance(HOUR);

    expect(sent()).toHaveLength(MAX_WEBHOOK_ATTEMPTS);
    expect(new Set(sent().map((request) => request.headers['sealpost-delivery'])).size).toBe(1);
    expect(await harness.run(runId)).toMatchObject({ status: 'failed', endReason: 'webhook_failed' });
    expect(await harness.emails(runId)).toHaveLength(0);
  });

  it('recovers when a retry succeeds', async () => {
    let calls = 0;
    harness.respondWith(() => ({ status: ++calls === 1 ? 500 : 200 }));
    const { runId } = await start('recovers');
    await harness.advance(30_000);
    expect((await harness.run(runId)).status).toBe('completed');
  });

  it('refuses a redirect to a private address', async () => {
    harness.dns['internal.clinic.test'] = ['10.0.0.8'];
    harness.respondWith((request) => (request.url.startsWith('https://hooks.clinic.test/') ? { status: 307, location: 'https://internal.clinic.test/steal' } : { status: 200 }));
    const { runId, sent } = await start('redirected');

    expect(sent().map((request) => request.url)).toEqual(['https://hooks.clinic.test/sealpost']);
    expect(await harness.run(runId)).toMatchObject({ status: 'failed', endReason: 'webhook_blocked' });
  });

  it('follows a redirect to a public address', async () => {
    harness.dns['other.clinic.test'] = ['198.51.100.4'];
    harness.respondWith((request) => (request.url.startsWith('https://hooks.clinic.test/') ? { status: 308, location: 'https://other.clinic.test/hook' } : { status: 200 }));
    const { runId, sent } = await start('redirected-ok');

    expect(sent().map((request) => request.address)).toEqual(['203.0.113.20', '198.51.100.4']);
    expect((await harness.run(runId)).status).toBe('completed');
  });

  it('rechecks DNS at send time', async () => {
    harness.respondWith(() => ({ status: 200 }));
    await harness.publish(hookWorkflow('rebound'));
    const contactId = await harness.contact();
    await startRun(harness.engine, { workflowId: 'rebound', contactId, triggerKey: 'rebound-1' });
    const before = harness.requests.length;

    // The name was public at save; now it points at the metadata service.
    harness.dns['hooks.clinic.test'] = ['169.254.169.254'];
    try {
      await harness.drain();
    } finally {
      harness.dns['hooks.clinic.test'] = ['203.0.113.20'];
    }

    expect(harness.requests.length).toBe(before);
  });
});
