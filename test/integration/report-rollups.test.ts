import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageRollupsHourly } from '../../collector/db/schema';
import type { EmailKeys } from '../../collector/keys/email-keys';
import { buildDeliverabilityReport } from '../../collector/reports/deliverability-report';
import { parseReportParams } from '../../collector/reports/report-params';
import { SendWorker } from '../../collector/sending/send-worker';
import { writeTrackingEvents, type TrackingEvent } from '../../collector/tracking/write-events';
import { parseSmtpUrl } from '../../collector/sending/smtp-settings';
import { apiHeaders, queueTrackedMessage } from '../support/email-fixtures';
import { captureLogs } from '../support/log-capture';
import { freePort } from '../support/processes';
import { createTestCollector } from '../support/test-collector';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';

const READER = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)';
const THREE_LINKS = '<p><a href="https://clinic.example/1">1</a> <a href="https://clinic.example/2">2</a> <a href="https://clinic.example/3">3</a></p>';
const START = Date.parse('2026-06-01T00:00:00Z');
const HOUR = 3_600_000;

describe.each(drivers)('report rollups on %s', (driver) => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof createTestCollector>>['app'];
  let keys: EmailKeys;
  let headers: Record<string, string>;
  let now = new Date(START);

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    const collector = await createTestCollector(database, { clock: () => now });
    app = collector.app;
    keys = collector.emailKeys;
    headers = await apiHeaders(database.db);

    // 30 messages over nine days, through the same routes production uses, so every rollup update path runs.
    for (let i = 0; i < 30; i++) {
      now = new Date(START + i * 7 * HOUR + 17 * 60_000);
      const overrides = {
        html: THREE_LINKS,
        to: `patient${i}@${['north.example', 'south.example', 'east.example'][i % 3]}`,
        campaign: i % 4 === 0 ? undefined : ['flu', 'recall', 'survey'][i % 3],
        customFields: i % 5 === 0 ? {} : { clinic: ['north', 'south'][i % 2]! },
        subject: ['Flu shots', 'Your recall', 'A short survey'][i % 3],
      };
      const external = i % 2 === 0;
      const message = external ? await registerExternal(overrides) : await queueTrackedMessage(app, database.db, keys, headers, overrides);
      await hitAll(i, message, external);
    }

    // Queued messages get one attempt against a port where nothing listens: a temporary failure.
    const port = await freePort();
    now = new Date(START + 10 * 24 * HOUR);
    await new SendWorker({ db: database.db, keys, smtp: parseSmtpUrl(`smtp://127.0.0.1:${port}`), logger: captureLogs().logger, clock: () => now, batchSize: 100 }).runOnce();
  });

  afterAll(async () => {
    await database?.dispose();
  });

  async function registerExternal(overrides: Record<string, unknown>) {
    const body = { from: 'reminders@clinic.example', text: 'x', ...overrides };
    const response = await app.request('/v1/messages/external', { method: 'POST', headers, body: JSON.stringify(body) });
    const { messages } = (await response.json()) as { messages: { id: string; html: string }[] };
    const html = messages[0]!.html;
    return {
      id: messages[0]!.id,
      pixelToken: /\/t\/o\/([A-Za-z0-9_-]+)/.exec(html)![1]!,
      clickTokens: [...html.matchAll(/\/t\/c\/([A-Za-z0-9_-]+)/g)].map((match) => match[1]!),
    };
  }

  async function event(body: Record<string, unknown>) {
    const response = await app.request('/v1/messages/events', { method: 'POST', headers, body: JSON.stringify(body) });
    expect(response.status).toBe(200);
  }

  async function hit(path: string, at: number, init: { method?: string; userAgent?: string } = {}) {
    now = new Date(at);
    await app.request(path, { method: init.method ?? 'GET', headers: { 'user-agent': init.userAgent ?? READER } });
  }

  // A mix of outcomes chosen by the message's number.
  async function hitAll(i: number, message: { id: string; pixelToken: string; clickTokens: string[] }, external: boolean) {
    const base = now.getTime();
    if (external && i % 6 !== 4) await event({ id: `d-${i}`, messageId: message.id, type: 'delivered', occurredAt: new Date(base + 60_000).toISOString() });
    if (i % 6 === 4) await event({ id: `b-${i}`, messageId: message.id, type: 'bounced', bounceType: i % 12 === 4 ? 'hard' : 'soft', smtpCode: 550, occurredAt: new Date(base).toISOString() });
    if (i % 10 === 8) await event({ id: `k-${i}`, messageId: message.id, type: 'blocked', occurredAt: new Date(base).toISOString() });
    if (i % 3 === 0) await hit(`/t/o/${message.pixelToken}`, base + 2 * HOUR);
    if (i % 3 === 0) await hit(`/t/o/${message.pixelToken}`, base + 3 * HOUR);
    if (i % 4 === 1) await hit(`/t/o/${message.pixelToken}`, base + 2 * HOUR, { method: 'HEAD' });
    if (i % 5 === 2) await hit(`/t/c/${message.clickTokens[1]}`, base + 4 * HOUR);
    if (i % 7 === 3) for (const token of message.clickTokens) await hit(`/t/c/${token}`, base + 5 * HOUR);
    if (i % 7 === 3) await hit(`/t/c/${message.clickTokens[0]}`, base + 6 * HOUR);
  }

  const cases = [
    { from: '2026-06-01T00:00:00Z', to: '2026-06-11T00:00:00Z', tz: 'UTC', interval: 'day' },
    { from: '2026-05-31T04:00:00Z', to: '2026-06-12T04:00:00Z', tz: 'America/New_York', interval: 'day' },
    { from: '2026-05-25T00:00:00Z', to: '2026-06-15T00:00:00Z', tz: 'Europe/Berlin', interval: 'week' },
    { from: '2026-06-02T00:00:00Z', to: '2026-06-03T00:00:00Z', tz: 'UTC', interval: 'hour' },
  ];

  it('matches the raw tables for every split', async () => {
    for (const query of cases) {
      for (const split of ['', 'campaign', 'custom:clinic', 'recipient_domain', 'subject', 'from']) {
        for (const includeMachine of ['false', 'true']) {
          const params = parseReportParams({ ...query, include_machine: includeMachine, ...(split ? { split } : {}) });
          const raw = await buildDeliverabilityReport(database.db, params, 'raw');
          const rollup = await buildDeliverabilityReport(database.db, params, 'rollup');
          expect(rollup.source).toBe('rollup');
          expect({ ...rollup, source: 'raw' }).toEqual(raw);
          expect(await buildDeliverabilityReport(database.db, params, 'combined_rollup')).toEqual(rollup);
        }
      }
    }
  });

  // Buckets or range ends on UTC quarter hours: hourly rows for whole hours, quarter-hour rows for the rest.
  const quarterCases = [
    { from: '2026-05-31T18:30:00Z', to: '2026-06-11T18:30:00Z', tz: 'Asia/Kolkata', interval: 'day' },
    { from: '2026-06-01T00:00:00Z', to: '2026-06-09T00:00:00Z', tz: 'Asia/Kathmandu', interval: 'hour' },
    { from: '2026-05-25T00:00:00Z', to: '2026-06-15T00:00:00Z', tz: 'Australia/Adelaide', interval: 'week' },
    { from: '2026-06-01T00:15:00Z', to: '2026-06-10T23:45:00Z', tz: 'UTC', interval: 'day' },
  ];

  it('matches the raw tables for every split in quarter-hour zones', async () => {
    for (const query of quarterCases) {
      for (const split of ['', 'campaign', 'custom:clinic', 'recipient_domain', 'subject', 'from']) {
        for (const includeMachine of ['false', 'true']) {
          const params = parseReportParams({ ...query, include_machine: includeMachine, ...(split ? { split } : {}) });
          const raw = await buildDeliverabilityReport(database.db, params, 'raw');
          const rollup = await buildDeliverabilityReport(database.db, params);
          expect(rollup.source).toBe('rollup');
          expect({ ...rollup, source: 'raw' }).toEqual(raw);
        }
      }
    }
  });

  it('stays exact under concurrent writers', async () => {
    now = new Date(START + 5 * HOUR);
    const message = await queueTrackedMessage(app, database.db, keys, headers, { html: THREE_LINKS });
    await event({ id: 'concurrent-delivered', messageId: message.id, type: 'delivered', occurredAt: now.toISOString() });

    // Separate transactions stand for separate collector processes writing hits on one message.
    const at = new Date(START + 9 * HOUR);
    const open = { messageId: message.id, kind: 'open' as const, linkNumber: 0, occurredAt: at, machineReason: undefined };
    const click = { messageId: message.id, kind: 'click' as const, linkNumber: 2, occurredAt: at, machineReason: undefined };
    await Promise.all(Array.from({ length: 6 }, (_, i) => writeTrackingEvents(database.db, [i % 2 === 0 ? open : click])));

    const params = parseReportParams({ ...cases[0]!, split: 'campaign' });
    const raw = await buildDeliverabilityReport(database.db, params, 'raw');
    expect({ ...(await buildDeliverabilityReport(database.db, params, 'rollup')), source: 'raw' }).toEqual(raw);
    expect({ ...(await buildDeliverabilityReport(database.db, params, 'combined_rollup')), source: 'raw' }).toEqual(raw);
    const kolkata = parseReportParams({ ...quarterCases[0]!, split: 'campaign' });
    expect({ ...(await buildDeliverabilityReport(database.db, kolkata, 'rollup')), source: 'raw' }).toEqual(await buildDeliverabilityReport(database.db, kolkata, 'raw'));
  });

  it('stays exact for mixed batches', async () => {
    now = new Date(START + 6 * HOUR);
    const first = await queueTrackedMessage(app, database.db, keys, headers, { html: THREE_LINKS });
    const second = await queueTrackedMessage(app, database.db, keys, headers, { html: THREE_LINKS, campaign: 'survey' });
    await event({ id: 'batch-delivered-1', messageId: first.id, type: 'delivered', occurredAt: now.toISOString() });

    const at = new Date(START + 12 * HOUR);
    const hit = (messageId: string, kind: 'open' | 'click', linkNumber: number, machineReason?: 'head_request'): TrackingEvent => ({ messageId, kind, linkNumber, occurredAt: at, machineReason });

    // Opens only: the stored contributions are added to without a recount.
    await writeTrackingEvents(database.db, [hit(first.id, 'open', 0), hit(first.id, 'open', 0, 'head_request'), hit(second.id, 'open', 0, 'head_request'), hit(first.id, 'open', 0)]);
    // Opens and clicks, with every link of the second message clicked at once.
    await writeTrackingEvents(database.db, [hit(first.id, 'click', 2), hit(second.id, 'click', 1), hit(second.id, 'click', 2), hit(first.id, 'open', 0), hit(second.id, 'click', 3)]);
    await writeTrackingEvents(database.db, [hit(second.id, 'open', 0), hit(first.id, 'open', 0, 'head_request')]);

    for (const includeMachine of ['false', 'true']) {
      const params = parseReportParams({ ...cases[0]!, split: 'campaign', include_machine: includeMachine });
      const raw = await buildDeliverabilityReport(database.db, params, 'raw');
      expect({ ...(await buildDeliverabilityReport(database.db, params, 'rollup')), source: 'raw' }).toEqual(raw);
      expect({ ...(await buildDeliverabilityReport(database.db, params, 'combined_rollup')), source: 'raw' }).toEqual(raw);
      const kolkata = parseReportParams({ ...quarterCases[0]!, split: 'campaign', include_machine: includeMachine });
      expect({ ...(await buildDeliverabilityReport(database.db, kolkata, 'rollup')), source: 'raw' }).toEqual(await buildDeliverabilityReport(database.db, kolkata, 'raw'));
    }
  });

  it('has counts to compare', async () => {
    const report = await buildDeliverabilityReport(database.db, parseReportParams(cases[0]!), 'raw');
    expect(report.summary.queued).toBe(33);
    expect(report.summary.delivered).toBeGreaterThan(0);
    expect(report.summary.opened.unique).toBeGreaterThan(0);
    expect(report.summary.clicked.unique).toBeGreaterThan(0);
    expect(report.summary.failed.hard + report.summary.failed.soft + report.summary.failed.blocked).toBeGreaterThan(0);
    expect(await database.db.select().from(messageRollupsHourly)).not.toHaveLength(0);
  });

  it('uses the rollups for long ranges aligned to quarter hours only', async () => {
    const long = await buildDeliverabilityReport(database.db, parseReportParams(cases[0]!));
    expect(long.source).toBe('rollup');

    const short = await buildDeliverabilityReport(database.db, parseReportParams(cases[3]!));
    expect(short.source).toBe('raw');

    const kolkata = await buildDeliverabilityReport(database.db, parseReportParams({ ...cases[0]!, tz: 'Asia/Kolkata' }));
    expect(kolkata.source).toBe('rollup');

    const offQuarter = await buildDeliverabilityReport(database.db, parseReportParams({ ...cases[0]!, from: '2026-06-01T00:07:00Z' }));
    expect(offQuarter.source).toBe('raw');
  });
});
