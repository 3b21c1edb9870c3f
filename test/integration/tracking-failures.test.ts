import { count, eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { messages, trackingEvents } from '../../collector/db/schema';
import { OPEN_PIXEL_GIF } from '../../collector/tracking/open-pixel';
import { apiHeaders, queueTrackedMessage } from '../support/email-fixtures';
import { createTestCollector } from '../support/test-collector';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';

const SENT_AT = new Date('2026-03-10T14:00:00Z');
const LATER = new Date('2026-03-10T15:00:00Z');
const READER = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)';

// A hit answered 200 (pixel) or 302 (click) must be stored. When the event
// cannot be written, the answer must say so. A trigger makes every insert
// into tracking_events fail with the given SQLSTATE: 57P01 (admin shutdown)
// is what a server going down mid-request raises, XX000 an internal error.
describe.each(drivers)('tracking hits that cannot be stored on %s', (driver) => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof createTestCollector>>['app'];
  let message: { id: string; clickTokens: string[]; pixelToken: string };

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    const collector = await createTestCollector(database, { clock: () => LATER });
    app = collector.app;
    message = await queueTrackedMessage(app, database.db, collector.emailKeys, await apiHeaders(database.db));
    await database.db.update(messages).set({ status: 'sent', sentAt: SENT_AT }).where(eq(messages.id, message.id));
  });

  afterAll(async () => {
    await database?.dispose();
  });

  afterEach(async () => {
    await database.db.execute(sql`DROP TRIGGER IF EXISTS fail_tracking_events ON tracking_events`);
  });

  async function failInserts(sqlstate: string) {
    await database.db.execute(sql.raw(`CREATE OR REPLACE FUNCTION fail_tracking_events() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure' USING ERRCODE = '${sqlstate}'; END $$`));
    await database.db.execute(sql`CREATE TRIGGER fail_tracking_events BEFORE INSERT ON tracking_events FOR EACH ROW EXECUTE FUNCTION fail_tracking_events()`);
  }

  async function storedEvents(): Promise<number> {
    const [row] = await database.db.select({ n: count() }).from(trackingEvents).where(eq(trackingEvents.messageId, message.id));
    return Number(row?.n ?? 0);
  }

  const hit = (path: string) => app.request(path, { headers: { 'user-agent': READER } });

  async function expectPixel(response: Response, status: number) {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('image/gif');
    expect(Buffer.from(await response.arrayBuffer()).equals(OPEN_PIXEL_GIF)).toBe(true);
  }

  it('sends the pixel with 503 while unavailable', async () => {
    await failInserts('57P01');
    const before = await storedEvents();
    const response = await hit(`/t/o/${message.pixelToken}`);
    await expectPixel(response, 503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(response.headers.get('cache-control')).toContain('no-store');
    expect(await storedEvents()).toBe(before);
  });

  it('refuses to redirect while unavailable', async () => {
    await failInserts('57P01');
    const before = await storedEvents();
    const response = await hit(`/t/c/${message.clickTokens[0]}`);
    expect(response.status).toBe(503);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('retry-after')).toBe('5');
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('database_unavailable');
    expect(await storedEvents()).toBe(before);
  });

  it('shows a browser a bilingual page while unavailable', async () => {
    await failInserts('57P01');
    const before = await storedEvents();
    const response = await app.request(`/t/c/${message.clickTokens[0]}`, {
      headers: { 'user-agent': READER, accept: 'text/html,application/xhtml+xml,*/*;q=0.8', 'accept-language': 'es-ES,es;q=0.9' },
    });

    expect(response.status).toBe(503);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('retry-after')).toBe('5');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');

    const page = await response.text();
    expect(page).toContain('<html lang="es">');
    expect(page.indexOf('<section lang="es">')).toBeLessThan(page.indexOf('<section lang="en">'));
    expect(page).toContain('Este enlace no se puede abrir en este momento');
    expect(page).toContain('This link cannot be opened right now');
    expect(page).not.toContain(message.clickTokens[0]!);
    expect(await storedEvents()).toBe(before);
  });

  it('sends the pixel with 500 on other failures', async () => {
    await failInserts('XX000');
    const before = await storedEvents();
    await expectPixel(await hit(`/t/o/${message.pixelToken}`), 500);
    expect(await storedEvents()).toBe(before);
  });

  it('refuses to redirect on other failures', async () => {
    await failInserts('XX000');
    const before = await storedEvents();
    const response = await hit(`/t/c/${message.clickTokens[0]}`);
    expect(response.status).toBe(500);
    expect(response.headers.get('location')).toBeNull();
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('internal_error');
    expect(await storedEvents()).toBe(before);
  });

  it('shows a browser a bilingual page on other failures', async () => {
    await failInserts('XX000');
    const before = await storedEvents();
    const response = await app.request(`/t/c/${message.clickTokens[0]}`, { headers: { 'user-agent': READER, accept: 'text/html,*/*;q=0.8', 'accept-language': 'en-US,en;q=0.9' } });

    expect(response.status).toBe(500);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const page = await response.text();
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('This link could not be opened');
    expect(page).toContain('No se pudo abrir este enlace');
    expect(page).not.toContain(message.clickTokens[0]!);
    expect(await storedEvents()).toBe(before);
  });

  it('sends 200 for a forged pixel token', async () => {
    await failInserts('57P01');
    await expectPixel(await hit('/t/o/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), 200);
  });

  it('stores and acknowledges hits again once writes succeed', async () => {
    const before = await storedEvents();
    await expectPixel(await hit(`/t/o/${message.pixelToken}`), 200);
    expect((await hit(`/t/c/${message.clickTokens[0]}`)).status).toBe(302);
    expect(await storedEvents()).toBe(before + 2);
  });
});
