import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../../collector/db/schema';
import type { EmailKeys } from '../../collector/keys/email-keys';
import type { DeliverabilityReport } from '../../collector/reports/deliverability-report';
import { apiHeaders, queueTrackedMessage } from '../support/email-fixtures';
import { createTestCollector } from '../support/test-collector';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';

const READER = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)';
const CSV_HEADER = [
  'row,bucket,split,split_missing,queued,sent,delivered,failed_hard,failed_soft,failed_blocked,failed_dropped',
  'opened_total,opened_unique,clicked_total,clicked_unique,secured_encrypted,secured_verified',
  'delivered_opened,delivered_clicked,delivered_opened_and_clicked',
  'delivery_numerator,delivery_denominator,delivery_rate,open_numerator,open_denominator,open_rate',
  'click_through_numerator,click_through_denominator,click_through_rate,click_to_open_numerator,click_to_open_denominator,click_to_open_rate',
].join(',');
const TWO_LINKS = '<p><a href="https://clinic.example/1">1</a> <a href="https://clinic.example/2">2</a></p>';

describe.each(drivers)('deliverability report on %s', (driver) => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof createTestCollector>>['app'];
  let keys: EmailKeys;
  let headers: Record<string, string>;
  let now = new Date('2026-03-10T12:00:00Z');

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

  async function queueAt(at: string, overrides: Record<string, unknown> = {}) {
    now = new Date(at);
    return queueTrackedMessage(app, database.db, keys, headers, { html: TWO_LINKS, ...overrides });
  }

  async function markSent(id: string, values: Partial<typeof messages.$inferInsert> = {}) {
    const sentAt = new Date(now.getTime() + 1_000);
    await database.db.update(messages).set({ status: 'sent', sentAt, deliveredAt: sentAt, tlsLevel: 'verified', ...values }).where(eq(messages.id, id));
  }

  async function hit(path: string, at: Date, userAgent = READER) {
    now = at;
    const response = await app.request(path, { headers: { 'user-agent': userAgent } });
    expect(response.status).toBeLessThan(400);
  }

  async function report(query: Record<string, string>) {
    return app.request(`/v1/reports/deliverability?${new URLSearchParams(query)}`, { headers: { authorization: headers.authorization! } });
  }

  async function reportJson(query: Record<string, string>): Promise<DeliverabilityReport> {
    const response = await report(query);
    expect(response.status).toBe(200);
    return (await response.json()) as DeliverabilityReport;
  }

  it('buckets days in a half-hour zone', async () => {
    await queueAt('2026-03-10T18:00:00Z');
    await queueAt('2026-03-10T19:00:00Z');

    const result = await reportJson({ from: '2026-03-10T00:00:00+05:30', to: '2026-03-12T00:00:00+05:30', tz: 'Asia/Kolkata', interval: 'day' });
    expect(result.tz).toBe('Asia/Kolkata');
    expect(result.series.map((row) => [row.bucket, row.queued])).toEqual([
      ['2026-03-10T00:00:00+05:30', 1],
      ['2026-03-11T00:00:00+05:30', 1],
    ]);
  });

  it('buckets days across a DST change', async () => {
    // 23:30 EST on the 7th, 23:30 EDT on the 8th (the 23-hour day), 00:30 EDT on the 9th.
    await queueAt('2026-03-08T04:30:00Z');
    await queueAt('2026-03-09T03:30:00Z');
    await queueAt('2026-03-09T04:30:00Z');

    const result = await reportJson({ from: '2026-03-07T00:00:00-05:00', to: '2026-03-10T00:00:00-04:00', tz: 'America/New_York', interval: 'day' });
    expect(result.series.map((row) => [row.bucket, row.queued])).toEqual([
      ['2026-03-07T00:00:00-05:00', 1],
      ['2026-03-08T00:00:00-05:00', 1],
      ['2026-03-09T00:00:00-04:00', 1],
    ]);
  });

  it('buckets days after a midnight DST change', async () => {
    // America/Santiago moves from -04:00 to -03:00 at midnight on 2026-09-06, so that day starts at 01:00.
    await queueAt('2026-09-05T16:00:00Z');
    await queueAt('2026-09-06T15:00:00Z');
    await queueAt('2026-09-07T03:30:00Z');
    await queueAt('2026-09-07T15:00:00Z');

    const result = await reportJson({ from: '2026-09-05T00:00:00-04:00', to: '2026-09-08T00:00:00-03:00', tz: 'America/Santiago', interval: 'day' });
    expect(result.series.map((row) => [row.bucket, row.queued])).toEqual([
      ['2026-09-05T00:00:00-04:00', 1],
      ['2026-09-06T01:00:00-03:00', 1],
      ['2026-09-07T00:00:00-03:00', 2],
    ]);
    expect(result.summary.queued).toBe(4);
  });

  it('keeps the repeated hour when clocks go back', async () => {
    const result = await reportJson({ from: '2026-11-01T04:00:00Z', to: '2026-11-01T08:00:00Z', tz: 'America/New_York', interval: 'hour' });
    expect(result.series.map((row) => row.bucket)).toEqual(['2026-11-01T00:00:00-04:00', '2026-11-01T01:00:00-04:00', '2026-11-01T01:00:00-05:00', '2026-11-01T02:00:00-05:00']);
  });

  it('skips the missing hour at a DST change', async () => {
    const result = await reportJson({ from: '2026-03-08T05:00:00Z', to: '2026-03-08T08:00:00Z', tz: 'America/New_York', interval: 'hour' });
    expect(result.series.map((row) => row.bucket)).toEqual(['2026-03-08T00:00:00-05:00', '2026-03-08T01:00:00-05:00', '2026-03-08T03:00:00-04:00']);
  });

  it('starts weeks on Monday and months on the first', async () => {
    const weeks = await reportJson({ from: '2026-03-04T00:00:00Z', to: '2026-03-17T00:00:00Z', tz: 'UTC', interval: 'week' });
    expect(weeks.series.map((row) => row.bucket)).toEqual(['2026-03-02T00:00:00+00:00', '2026-03-09T00:00:00+00:00', '2026-03-16T00:00:00+00:00']);

    const months = await reportJson({ from: '2026-01-15T00:00:00Z', to: '2026-03-02T00:00:00Z', tz: 'UTC', interval: 'month' });
    expect(months.series.map((row) => row.bucket)).toEqual(['2026-01-01T00:00:00+00:00', '2026-02-01T00:00:00+00:00', '2026-03-01T00:00:00+00:00']);
  });

  describe('counts and rates', () => {
    const range = { from: '2026-05-01T00:00:00Z', to: '2026-05-03T00:00:00Z', tz: 'UTC', interval: 'day' };

    beforeAll(async () => {
      // Day 1: three delivered messages. A opens twice and clicks both links; B opens; C only gets a scanner's open.
      const a = await queueAt('2026-05-01T09:00:00Z', { campaign: 'flu', customFields: { clinic: 'north' } });
      await markSent(a.id);
      const b = await queueAt('2026-05-01T10:00:00Z', { campaign: 'flu', customFields: { clinic: 'south' } });
      await markSent(b.id, { tlsLevel: 'encrypted' });
      const c = await queueAt('2026-05-01T11:00:00Z', { campaign: 'recall', to: 'x@other.example', customFields: {} });
      await markSent(c.id, { tlsLevel: 'none' });

      const later = new Date('2026-05-01T15:00:00Z');
      await hit(`/t/o/${a.pixelToken}`, later);
      await hit(`/t/o/${a.pixelToken}`, new Date(later.getTime() + 60_000));
      await hit(`/t/c/${a.clickTokens[0]}`, new Date(later.getTime() + 120_000));
      await hit(`/t/c/${a.clickTokens[1]}`, new Date(later.getTime() + 600_000));
      await hit(`/t/c/${a.clickTokens[1]}`, new Date(later.getTime() + 900_000));
      await hit(`/t/o/${b.pixelToken}`, later);
      await hit(`/t/o/${c.pixelToken}`, later, 'Mozilla/5.0 (compatible; Barracuda Sentinel)');

      // Day 2: one hard failure, one soft, one dropped for TLS, one still queued.
      for (const failureKind of ['hard', 'soft', 'dropped'] as const) {
        const failed = await queueAt('2026-05-02T09:00:00Z', { campaign: 'recall' });
        await database.db.update(messages).set({ status: 'failed', failureKind, failedAt: now, ...(failureKind === 'hard' ? { sentAt: now } : {}) }).where(eq(messages.id, failed.id));
      }
      await queueAt('2026-05-02T10:00:00Z', { campaign: '=cmd|calc' });
    });

    it('counts each outcome per bucket', async () => {
      const result = await reportJson(range);
      const [first, second] = result.series;
      expect(first).toMatchObject({
        bucket: '2026-05-01T00:00:00+00:00',
        queued: 3,
        sent: 3,
        delivered: 3,
        failed: { hard: 0, soft: 0, blocked: 0, dropped: 0 },
        opened: { total: 3, unique: 2 },
        clicked: { total: 3, unique: 2 },
        secured: { encrypted: 1, verified: 1 },
      });
      expect(second).toMatchObject({ queued: 4, sent: 1, delivered: 0, failed: { hard: 1, soft: 1, blocked: 0, dropped: 1 } });
    });

    it('states rates with numerator and denominator', async () => {
      const [first, second] = (await reportJson(range)).series;
      expect(first!.rates).toEqual({
        delivery: { numerator: 3, denominator: 3, rate: 1 },
        open: { numerator: 2, denominator: 3, rate: 0.6667 },
        clickThrough: { numerator: 1, denominator: 3, rate: 0.3333 },
        clickToOpen: { numerator: 1, denominator: 2, rate: 0.5 },
      });
      expect(second!.rates.delivery).toEqual({ numerator: 0, denominator: 1, rate: 0 });
      expect(second!.rates.open).toEqual({ numerator: 0, denominator: 0, rate: null });
    });

    it('includes machine events on request', async () => {
      const [first] = (await reportJson({ ...range, include_machine: 'true' })).series;
      expect(first!.opened).toEqual({ total: 4, unique: 3 });
      expect(first!.rates.open).toEqual({ numerator: 3, denominator: 3, rate: 1 });
    });

    it('makes the summary the sum of the series', async () => {
      for (const split of ['', 'campaign', 'custom:clinic', 'recipient_domain', 'subject', 'from']) {
        const result = await reportJson({ ...range, ...(split ? { split } : {}) });
        const sum = (pick: (row: DeliverabilityReport['series'][number]) => number) => result.series.reduce((total, row) => total + pick(row), 0);
        expect(result.summary.queued).toBe(sum((row) => row.queued));
        expect(result.summary.delivered).toBe(sum((row) => row.delivered));
        expect(result.summary.opened.unique).toBe(sum((row) => row.opened.unique));
        expect(result.summary.clicked.total).toBe(sum((row) => row.clicked.total));
        expect(result.summary.failed.hard).toBe(sum((row) => row.failed.hard));
        expect(result.summary.queued).toBe(7);
        for (const row of [...result.series, result.summary]) {
          for (const rate of Object.values(row.rates)) if (rate.rate !== null) expect(rate.rate).toBeLessThanOrEqual(1);
        }
      }
    });

    it('splits by campaign and custom field', async () => {
      const byCampaign = await reportJson({ ...range, split: 'campaign' });
      expect(byCampaign.split).toBe('campaign');
      const queuedBy = (result: DeliverabilityReport) => Object.fromEntries([...new Set(result.series.map((row) => row.split))].map((value) => [String(value), result.series.filter((row) => row.split === value).reduce((total, row) => total + row.queued, 0)]));
      expect(queuedBy(byCampaign)).toEqual({ '=cmd|calc': 1, flu: 2, recall: 4 });

      const byClinic = await reportJson({ ...range, split: 'custom:clinic' });
      expect(queuedBy(byClinic)).toEqual({ north: 5, south: 1, null: 1 });
    });

    it('splits by recipient domain without addresses', async () => {
      const response = await report({ ...range, split: 'recipient_domain' });
      const text = await response.text();
      expect(text).toContain('"split":"other.example"');
      expect(text).not.toContain('rosa.delgado');
    });

    it('renders CSV with a total row', async () => {
      const response = await report({ ...range, split: 'campaign', format: 'csv' });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      const lines = (await response.text()).trimEnd().split('\r\n');
      expect(lines[0]).toBe(CSV_HEADER);
      expect(lines).toContain("bucket,2026-05-02T00:00:00+00:00,'=cmd|calc,false,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,,0,0,,0,0,,0,0,");
      expect(lines).toContain('bucket,2026-05-01T00:00:00+00:00,flu,false,2,2,2,0,0,0,0,3,2,3,2,1,1,2,1,1,2,2,1,2,2,1,1,2,0.5,1,2,0.5');
      expect(lines.at(-1)).toBe('total,,,,7,4,3,1,1,0,1,3,2,3,2,1,1,2,1,1,3,4,0.75,2,3,0.6667,1,3,0.3333,1,2,0.5');
    });
  });

  describe('CSV export', () => {
    const range = { from: '2026-06-01T00:00:00Z', to: '2026-06-02T00:00:00Z', tz: 'UTC', interval: 'day', format: 'csv' };

    beforeAll(async () => {
      // One delivered and opened message without a campaign, and one queued message whose campaign reads as a formula.
      const plain = await queueAt('2026-06-01T09:00:00Z', { campaign: undefined });
      await markSent(plain.id);
      await hit(`/t/o/${plain.pixelToken}`, new Date('2026-06-01T12:00:00Z'));
      await queueAt('2026-06-01T10:00:00Z', { campaign: "-1+cmd|' /C calc'!A0" });
    });

    async function csvLines(query: Record<string, string>): Promise<string[]> {
      const response = await report({ ...range, ...query });
      expect(response.status).toBe(200);
      return (await response.text()).trimEnd().split('\r\n');
    }

    it('marks messages without the split value', async () => {
      const lines = await csvLines({ split: 'campaign' });
      expect(lines).toEqual([
        CSV_HEADER,
        'bucket,2026-06-01T00:00:00+00:00,,true,1,1,1,0,0,0,0,1,1,0,0,0,1,1,0,0,1,1,1,1,1,1,0,1,0,0,1,0',
        "bucket,2026-06-01T00:00:00+00:00,'-1+cmd|' /C calc'!A0,false,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,,0,0,,0,0,,0,0,",
        'total,,,,2,1,1,0,0,0,0,1,1,0,0,0,1,1,0,0,1,1,1,1,1,1,0,1,0,0,1,0',
      ]);
    });

    it('leaves split cells empty without a split', async () => {
      const lines = await csvLines({});
      expect(lines).toEqual([
        CSV_HEADER,
        'bucket,2026-06-01T00:00:00+00:00,,,2,1,1,0,0,0,0,1,1,0,0,0,1,1,0,0,1,1,1,1,1,1,0,1,0,0,1,0',
        'total,,,,2,1,1,0,0,0,0,1,1,0,0,0,1,1,0,0,1,1,1,1,1,1,0,1,0,0,1,0',
      ]);
    });

    it('states each rate with its numerator and denominator', async () => {
      const lines = await csvLines({ split: 'campaign' });
      const header = lines[0]!.split(',');
      const total = lines.at(-1)!.split(',');
      const cell = (name: string) => total[header.indexOf(name)];
      expect(cell('opened_unique')).toBe('1');
      expect(cell('delivered_opened')).toBe('1');
      expect(cell('open_numerator')).toBe('1');
      expect(cell('open_denominator')).toBe('1');
      expect(cell('open_rate')).toBe('1');
      expect(cell('delivery_numerator')).toBe('1');
      expect(cell('delivery_denominator')).toBe('1');
      expect(cell('click_to_open_denominator')).toBe('1');
    });
  });

  it.each([
    [{}, 'missing_from', 'from is missing'],
    [{ from: '2026-03-01', to: '2026-03-02T00:00:00Z' }, 'invalid_from', 'from "2026-03-01" is not an ISO 8601 time with a zone'],
    [{ from: '2026-03-01T00:00:00Z', to: '2026-03-01T00:00:00' }, 'invalid_to', 'to "2026-03-01T00:00:00" is not an ISO 8601 time with a zone'],
    [{ from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' }, 'invalid_range', 'from must be earlier than to'],
    [{ from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z', tz: 'Mars/Olympus' }, 'invalid_tz', 'tz "Mars/Olympus" is not an IANA time zone'],
    // ICU accepts the three-letter Java zone ids, but they are not IANA names and PostgreSQL rejects them.
    [{ from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z', tz: 'JST' }, 'invalid_tz', 'tz "JST" is not an IANA time zone'],
    [{ from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z', interval: 'minute' }, 'invalid_interval', 'interval "minute" is not supported; use hour, day, week or month.'],
    [{ from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z', split: 'recipient' }, 'invalid_split', 'split "recipient" is not supported'],
    [{ from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z', include_machine: 'yes' }, 'invalid_include_machine', 'include_machine "yes" is invalid; use true or false.'],
    [{ from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z', format: 'xlsx' }, 'invalid_format', 'format "xlsx" is not supported; use json or csv.'],
    [{ from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z', zone: 'UTC' }, 'unknown_parameter', 'The parameter "zone" is not supported'],
    [{ from: '2000-01-01T00:00:00Z', to: '2026-03-02T00:00:00Z', interval: 'hour' }, 'too_many_buckets', 'shorten the range or use a longer interval'],
  ])('rejects %o with 400', async (query, code, message) => {
    const response = await report(query as Record<string, string>);
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe(code);
    expect(error.message).toContain(message);
  });

  it('echoes the time zone as IANA spells it', async () => {
    const range = { from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z' };
    for (const [sent, echoed] of [['america/chicago', 'America/Chicago'], ['asia/kolkata', 'Asia/Kolkata'], ['Europe/Kyiv', 'Europe/Kyiv'], ['utc', 'UTC']] as const) {
      expect((await reportJson({ ...range, tz: sent })).tz).toBe(echoed);
    }
  });

  it.each(['from', 'to', 'tz', 'interval', 'split', 'include_machine', 'format'])('rejects a repeated %s', async (name) => {
    const values: Record<string, string> = { from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z', tz: 'UTC', interval: 'day', split: 'campaign', include_machine: 'false', format: 'json' };
    const query = new URLSearchParams(values);
    query.append(name, values[name]!);

    const response = await app.request(`/v1/reports/deliverability?${query}`, { headers: { authorization: headers.authorization! } });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe(`repeated_${name}`);
    expect(error.message).toBe(`The parameter "${name}" appears 2 times; send it once.`);
  });

  it('hints at %2B for an unencoded offset sign', async () => {
    // An unencoded "+" in a query string is decoded as a space.
    const response = await app.request('/v1/reports/deliverability?from=2026-12-01T00:00:00+01:00&to=2026-12-02T00:00:00Z', { headers: { authorization: headers.authorization! } });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('invalid_from');
    expect(error.message).toContain('from "2026-12-01T00:00:00 01:00" has a space where the offset\'s sign belongs');
    expect(error.message).toContain('send "+" as %2B, as in from=2026-12-01T00:00:00%2B01:00.');
  });

  it('accepts an offset sign sent as %2B', async () => {
    const response = await app.request('/v1/reports/deliverability?from=2026-12-01T00:00:00%2B01:00&to=2026-12-02T00:00:00%2B01:00', { headers: { authorization: headers.authorization! } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as DeliverabilityReport).from).toBe('2026-11-30T23:00:00.000Z');
  });

  it('rejects a request without an API key', async () => {
    const response = await app.request('/v1/reports/deliverability?from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z');
    expect(response.status).toBe(401);
  });
});
