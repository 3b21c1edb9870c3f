import { rm } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../../collector/db/schema';
import { buildDeliverabilityReport } from '../../collector/reports/deliverability-report';
import { parseReportParams } from '../../collector/reports/report-params';
import type { EmailKeys } from '../../collector/keys/email-keys';
import { claimDueMessages, CLAIM_LEASE_MS } from '../../collector/sending/claim-messages';
import { SendWorker } from '../../collector/sending/send-worker';
import { parseSmtpUrl } from '../../collector/sending/smtp-settings';
import { apiHeaders, queueTrackedMessage } from '../support/email-fixtures';
import { captureLogs } from '../support/log-capture';
import { freePort, startScript, type Child } from '../support/processes';
import { createTestCertificates, type TestCertificates } from '../support/test-certificates';
import { createTestCollector } from '../support/test-collector';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';

type ServerName = 'plain' | 'valid' | 'expired' | 'wrongHost';

let certificates: TestCertificates;
const servers = {} as Record<ServerName, { child: Child; port: number }>;

async function startSmtpServer(certificate?: string): Promise<{ child: Child; port: number }> {
  const port = await freePort();
  const tls = certificate ? { SMTP_KEY_FILE: certificates.serverKey, SMTP_CERT_FILE: certificate } : {};
  const child = await startScript('test/support/smtp-test-server.ts', { SMTP_PORT: String(port), ...tls }, 'smtp test server ready');
  return { child, port };
}

function receivedCount(name: ServerName): number {
  return servers[name].child.output().split('\n').filter((line) => line.startsWith('{"received"')).length;
}

function receivedMessages(name: ServerName): { connection: string; secure: boolean }[] {
  const lines = servers[name].child.output().split('\n').filter((line) => line.startsWith('{"received"'));
  return lines.map((line) => (JSON.parse(line) as { received: { connection: string; secure: boolean } }).received);
}

/**
 * Waits until the server has printed `count` messages. It prints each one
 * before it replies 250, but the line can reach this process after the
 * sender has read the reply.
 */
async function receivedAtLeast(name: ServerName, count: number): Promise<number> {
  const deadline = Date.now() + 5000;
  while (receivedCount(name) < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  return receivedCount(name);
}

function lastReceived(name: ServerName): { secure: boolean } {
  return receivedMessages(name).at(-1)!;
}

beforeAll(async () => {
  certificates = await createTestCertificates();
  [servers.plain, servers.valid, servers.expired, servers.wrongHost] = await Promise.all([
    startSmtpServer(),
    startSmtpServer(certificates.validCert),
    startSmtpServer(certificates.expiredCert),
    startSmtpServer(certificates.wrongHostCert),
  ]);
});

afterAll(async () => {
  await Promise.all(Object.values(servers).map((server) => server.child.stop()));
  if (certificates) await rm(certificates.dir, { recursive: true, force: true });
});

describe.each(drivers)('send worker on %s', (driver) => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof createTestCollector>>['app'];
  let keys: EmailKeys;
  let headers: Record<string, string>;
  let now = new Date('2026-03-10T14:00:00Z');
  const logs = captureLogs();

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    const collector = await createTestCollector(database, { clock: () => now });
    app = collector.app;
    keys = collector.emailKeys;
    headers = await apiHeaders(database.db);
  });

  afterAll(async () => {
    await database?.dispose();
  });

  function worker(server: ServerName, options: { trustCa?: boolean; maxAttempts?: number } = {}) {
    const smtp = parseSmtpUrl(`smtp://127.0.0.1:${servers[server].port}`, options.trustCa ? certificates.caPem : undefined);
    return new SendWorker({ db: database.db, keys, smtp, logger: logs.logger, clock: () => now, heloName: 'sealpost.test', maxAttempts: options.maxAttempts ?? 8 });
  }

  async function queue(overrides: Record<string, unknown> = {}): Promise<string> {
    return (await queueTrackedMessage(app, database.db, keys, headers, overrides)).id;
  }

  async function row(id: string) {
    const [message] = await database.db.select().from(messages).where(eq(messages.id, id));
    return message!;
  }

  // Each test sends only its own message: older ones are marked done first.
  async function sendOnly(id: string, server: ServerName, options: { trustCa?: boolean; maxAttempts?: number } = {}) {
    await database.db.update(messages).set({ nextAttemptAt: null }).where(eq(messages.status, 'queued'));
    await database.db.update(messages).set({ nextAttemptAt: now }).where(eq(messages.id, id));
    return worker(server, options).runOnce();
  }

  it('sends in plain text without STARTTLS', async () => {
    const id = await queue();
    const before = receivedCount('plain');
    expect(await sendOnly(id, 'plain')).toBe(1);

    const message = await row(id);
    expect(message.status).toBe('sent');
    expect(message.tlsLevel).toBe('none');
    expect(message.sentAt).toEqual(now);
    expect(message.attempts).toBe(1);
    expect(await receivedAtLeast('plain', before + 1)).toBe(before + 1);
    expect(lastReceived('plain').secure).toBe(false);
  });

  it('records encrypted for an untrusted certificate', async () => {
    const id = await queue();
    const before = receivedCount('valid');
    await sendOnly(id, 'valid');
    const message = await row(id);
    expect(message.status).toBe('sent');
    expect(message.tlsLevel).toBe('encrypted');
    expect(await receivedAtLeast('valid', before + 1)).toBe(before + 1);
    expect(lastReceived('valid').secure).toBe(true);
  });

  it('records verified for a trusted certificate', async () => {
    const id = await queue();
    await sendOnly(id, 'valid', { trustCa: true });
    const message = await row(id);
    expect(message.status).toBe('sent');
    expect(message.tlsLevel).toBe('verified');
  });

  it('retries a 4xx with exponential backoff', async () => {
    const start = now;
    const id = await queue({ to: 'temp-fail@patients.example' });
    await sendOnly(id, 'valid', { maxAttempts: 3 });

    let message = await row(id);
    expect(message.status).toBe('queued');
    expect(message.attempts).toBe(1);
    expect(message.smtpCode).toBe(451);
    expect(message.nextAttemptAt).toEqual(new Date(start.getTime() + 60_000));

    // Not due yet: nothing is claimed.
    expect(await worker('valid', { maxAttempts: 3 }).runOnce()).toBe(0);

    now = new Date(start.getTime() + 60_000);
    expect(await worker('valid', { maxAttempts: 3 }).runOnce()).toBe(1);
    message = await row(id);
    expect(message.attempts).toBe(2);
    expect(message.nextAttemptAt).toEqual(new Date(now.getTime() + 120_000));

    now = new Date(now.getTime() + 120_000);
    expect(await worker('valid', { maxAttempts: 3 }).runOnce()).toBe(1);
    message = await row(id);
    expect(message.status).toBe('failed');
    expect(message.failureKind).toBe('soft');
    expect(message.attempts).toBe(3);
    expect(message.lastError).toContain('4.3.0');
  });

  it('fails a 5xx once with the reply', async () => {
    const id = await queue({ to: 'hard-fail@patients.example' });
    await sendOnly(id, 'valid');

    const message = await row(id);
    expect(message.status).toBe('failed');
    expect(message.failureKind).toBe('hard');
    expect(message.attempts).toBe(1);
    expect(message.smtpCode).toBe(550);
    expect(message.failedAt).toEqual(now);
    expect(message.lastError).toContain('5.1.1 <[address]>: Recipient address rejected');
    expect(message.lastError).not.toContain('hard-fail');
    expect(message.nextAttemptAt).toBeNull();
  });

  it('sends a batch over one connection until a failure', async () => {
    const ids = [await queue(), await queue(), await queue({ to: 'hard-fail@patients.example' }), await queue()];
    await database.db.update(messages).set({ nextAttemptAt: null }).where(eq(messages.status, 'queued'));
    // The worker claims the oldest due message first, so the batch is sent in this order.
    for (const [n, id] of ids.entries()) await database.db.update(messages).set({ nextAttemptAt: new Date(now.getTime() - (ids.length - n) * 1000) }).where(eq(messages.id, id));

    const before = receivedCount('plain');
    expect(await worker('plain').runOnce()).toBe(4);
    expect(await Promise.all(ids.map(async (id) => (await row(id)).status))).toEqual(['sent', 'sent', 'failed', 'sent']);

    // The rejected recipient closed the first connection, so the last message went over a second one.
    await receivedAtLeast('plain', before + 3);
    const connections = receivedMessages('plain').slice(before).map((received) => received.connection);
    expect(connections).toHaveLength(3);
    expect(connections[1]).toBe(connections[0]);
    expect(connections[2]).not.toBe(connections[1]);
  });

  it.each([
    ['a server without STARTTLS', 'plain', true, 'none', 'starttls-not-supported'],
    ['an untrusted certificate', 'valid', false, 'encrypted', 'certificate-not-trusted'],
    ['an expired certificate', 'expired', true, 'encrypted', 'certificate-expired'],
    ['a certificate for another host', 'wrongHost', true, 'encrypted', 'certificate-host-mismatch'],
  ] as const)('drops a TLS-required message for %s', async (_case, server, trustCa, tlsLevel, result) => {
    const id = await queue({ requireTls: true });
    const before = receivedCount(server);
    await sendOnly(id, server, { trustCa });

    const message = await row(id);
    expect(message.status).toBe('failed');
    expect(message.failureKind).toBe('dropped');
    expect(message.tlsLevel).toBe(tlsLevel);
    expect(message.tlsResult).toBe(result);
    expect(receivedCount(server)).toBe(before);
  });

  it('sends a TLS-required message when verified', async () => {
    const id = await queue({ requireTls: true });
    await sendOnly(id, 'valid', { trustCa: true });
    const message = await row(id);
    expect(message.status).toBe('sent');
    expect(message.tlsLevel).toBe('verified');
  });

  it.each([
    ['an untrusted certificate', 'valid', false, 'sent', 'encrypted', null],
    ['a server without STARTTLS', 'plain', false, 'failed', 'none', 'starttls-not-supported'],
  ] as const)('applies "encrypted" to %s', async (_case, server, trustCa, status, tlsLevel, result) => {
    const id = await queue({ requireTls: 'encrypted' });
    await sendOnly(id, server, { trustCa });
    const message = await row(id);
    expect(message.status).toBe(status);
    expect(message.tlsLevel).toBe(tlsLevel);
    expect(message.tlsResult).toBe(result);
  });

  it("applies a campaign's TLS requirement", async () => {
    const settings = (body: unknown) => app.request('/v1/campaigns/tls-only/settings', { method: 'PUT', headers, body: JSON.stringify(body) });
    const invalid = await settings({ requireTls: 'always' });
    expect(invalid.status).toBe(422);
    expect(await invalid.json()).toMatchObject({ error: { code: 'invalid_field', message: 'requireTls is "always"; use true, false, "encrypted" or "verified".' } });
    expect(await (await app.request('/v1/campaigns/tls-only/settings', { headers })).json()).toEqual({ campaign: 'tls-only', requireTls: null, updatedAt: null });

    // Queued before the setting: the requirement is read when the message is sent.
    const id = await queue({ campaign: 'tls-only' });
    const stored = await settings({ requireTls: 'verified' });
    expect(stored.status).toBe(200);
    expect(await (await app.request('/v1/campaigns/tls-only/settings', { headers })).json()).toMatchObject({ campaign: 'tls-only', requireTls: 'verified' });

    const before = receivedCount('valid');
    await sendOnly(id, 'valid');
    const message = await row(id);
    expect(message.status).toBe('failed');
    expect(message.failureKind).toBe('dropped');
    expect(message.tlsResult).toBe('certificate-not-trusted');
    expect(receivedCount('valid')).toBe(before);

    // A message cannot lower its campaign's requirement.
    const lower = await queue({ campaign: 'tls-only', requireTls: 'encrypted' });
    await sendOnly(lower, 'valid');
    expect((await row(lower)).tlsResult).toBe('certificate-not-trusted');
  });

  it('counts TLS drops as failed in reports', async () => {
    const dropped = await database.db.select().from(messages).where(eq(messages.failureKind, 'dropped'));
    expect(dropped.length).toBeGreaterThanOrEqual(6);

    const params = parseReportParams({ from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z', interval: 'day' });
    for (const source of ['raw', 'rollup'] as const) {
      const report = await buildDeliverabilityReport(database.db, params, source);
      expect(report.summary.failed.dropped).toBe(dropped.length);
    }
  });

  it('drops a message whose body cannot be decrypted', async () => {
    const id = await queue();
    await database.db.update(messages).set({ bodyEncrypted: 'v1.AAAA.AAAA.AAAA' }).where(eq(messages.id, id));

    expect(await sendOnly(id, 'plain', { maxAttempts: 2 })).toBe(1);
    let message = await row(id);
    expect(message.status).toBe('sending');
    expect(message.attempts).toBe(1);

    // The lease ends, the second attempt fails the same way, and attempts have run out.
    now = new Date(now.getTime() + CLAIM_LEASE_MS);
    await database.db.update(messages).set({ nextAttemptAt: null }).where(eq(messages.status, 'queued'));
    expect(await worker('plain', { maxAttempts: 2 }).runOnce()).toBe(1);
    message = await row(id);
    expect(message.status).toBe('failed');
    expect(message.failureKind).toBe('dropped');
    expect(logs.text()).toContain('send attempt failed inside the collector');
  });

  it('claims each message once across workers', async () => {
    await database.db.update(messages).set({ nextAttemptAt: null }).where(eq(messages.status, 'queued'));
    const ids = await Promise.all(Array.from({ length: 12 }, () => queue()));

    const [first, second, third] = await Promise.all([claimDueMessages(database.db, now, 6), claimDueMessages(database.db, now, 6), claimDueMessages(database.db, now, 6)]);
    const claimed = [...first, ...second, ...third].map((message) => message.id);
    expect(claimed).toHaveLength(12);
    expect(new Set(claimed)).toEqual(new Set(ids));
  });

  it('reclaims a message after its lease ends', async () => {
    await database.db.update(messages).set({ nextAttemptAt: null }).where(eq(messages.status, 'sending'));
    const id = await queue();
    await database.db.update(messages).set({ nextAttemptAt: null }).where(eq(messages.status, 'queued'));
    await database.db.update(messages).set({ nextAttemptAt: now }).where(eq(messages.id, id));

    expect((await claimDueMessages(database.db, now, 10)).map((message) => message.id)).toEqual([id]);
    expect(await claimDueMessages(database.db, now, 10)).toEqual([]);

    const later = new Date(now.getTime() + CLAIM_LEASE_MS);
    const reclaimed = await claimDueMessages(database.db, later, 10);
    expect(reclaimed.map((message) => message.id)).toEqual([id]);
    expect(reclaimed[0]!.attempts).toBe(2);
  });

  it('keeps addresses and subjects out of the log', () => {
    const text = logs.text();
    expect(text).toContain('message sent');
    expect(text).toContain('message failed permanently');
    expect(text).not.toContain('patients.example');
    expect(text).not.toContain('Your appointment');
  });
});
