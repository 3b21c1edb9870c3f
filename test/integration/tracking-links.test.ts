import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trackingLinks } from '../../collector/db/schema';
import type { EmailKeys } from '../../collector/keys/email-keys';
import { OPEN_PIXEL_GIF } from '../../collector/tracking/open-pixel';
import { createTrackingToken } from '../../collector/tracking/tracking-token';
import { apiHeaders, readStoredMessage, sampleMessage } from '../support/email-fixtures';
import { captureLogs } from '../support/log-capture';
import { COLLECTOR_ORIGIN, createTestCollector } from '../support/test-collector';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';

// One message with every kind of href the rewriter must handle, in this order.
const HTML = [
  '<!doctype html><html><head><title>Reminder</title></head><body class="mail">',
  '<p><a href="https://clinic.example/a?x=1&amp;y=2#top">entities</a></p>',
  "<p><a href='https://clinic.example/café/ü?q=naïve&amp;r=é#frag-é'>non-ASCII</a></p>",
  '<p><a href="https://clinic.example/p%20q?next=https%3A%2F%2Fother.example%2F">outer only</a></p>',
  '<p><a href="mailto:front-desk@clinic.example">mail</a> <a href="tel:+15550100">call</a> <a href="/relative">relative</a></p>',
  '<!-- <a href="https://clinic.example/in-comment">hidden</a> -->',
  '<p title="https://clinic.example/in-attribute">Visit https://clinic.example/in-text</p>',
  '<map><area href="http://clinic.example/area" alt="map"></map>',
  '</body></html>',
].join('\n');

const DESTINATIONS = [
  'https://clinic.example/a?x=1&y=2#top',
  'https://clinic.example/café/ü?q=naïve&r=é#frag-é',
  'https://clinic.example/p%20q?next=https%3A%2F%2Fother.example%2F',
  'http://clinic.example/area',
];

const LOCATIONS = [
  'https://clinic.example/a?x=1&y=2#top',
  'https://clinic.example/caf%C3%A9/%C3%BC?q=na%C3%AFve&r=%C3%A9#frag-%C3%A9',
  'https://clinic.example/p%20q?next=https%3A%2F%2Fother.example%2F',
  'http://clinic.example/area',
];

const TOKEN = /^[A-Za-z0-9_-]{33}$/;

describe.each(drivers)('tracking links on %s', (driver) => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof createTestCollector>>['app'];
  let keys: EmailKeys;
  let html: string;
  let clickTokens: string[];
  let pixelToken: string;
  const logs = captureLogs();

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    const collector = await createTestCollector(database, { logger: logs.logger });
    app = collector.app;
    keys = collector.emailKeys;

    const response = await app.request('/v1/messages', { method: 'POST', headers: await apiHeaders(database.db), body: JSON.stringify(sampleMessage({ html: HTML })) });
    expect(response.status).toBe(202);
    const { messages } = (await response.json()) as { messages: { id: string }[] };
    html = (await readStoredMessage(database.db, keys, messages[0]!.id)).body.html!;

    clickTokens = [...html.matchAll(/href="http:\/\/localhost:8787\/t\/c\/([^"]+)"/g)].map((match) => match[1]!);
    pixelToken = /<img src="http:\/\/localhost:8787\/t\/o\/([^"]+)"/.exec(html)![1]!;
  });

  afterAll(async () => {
    await database?.dispose();
  });

  it('rewrites only the http(s) hrefs', () => {
    expect(clickTokens).toHaveLength(4);
    for (const token of clickTokens) expect(token).toMatch(TOKEN);
    expect(html).toContain('<a href="mailto:front-desk@clinic.example">mail</a> <a href="tel:+15550100">call</a> <a href="/relative">relative</a>');
    expect(html).toContain('<!-- <a href="https://clinic.example/in-comment">hidden</a> -->');
    expect(html).toContain('<p title="https://clinic.example/in-attribute">Visit https://clinic.example/in-text</p>');
    expect(html).not.toContain('café');
    expect(html).not.toContain('other.example');
  });

  it('adds the pixel right after the body tag', () => {
    expect(pixelToken).toMatch(TOKEN);
    expect(html).toContain(`<body class="mail"><img src="${COLLECTOR_ORIGIN}/t/o/${pixelToken}" width="1" height="1" alt=""`);
  });

  it('stores each destination as decoded', async () => {
    const rows = await database.db.select().from(trackingLinks);
    const destinations = rows.filter((row) => row.linkNumber > 0).sort((a, b) => a.linkNumber - b.linkNumber).map((row) => row.destination);
    expect(destinations).toEqual(DESTINATIONS);
  });

  it('redirects each click to exactly its destination', async () => {
    for (const [index, token] of clickTokens.entries()) {
      const response = await app.request(`/t/c/${token}`);
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe(LOCATIONS[index]);
    }
  });

  it.each([
    ['a forged token', () => 'A'.repeat(33)],
    ['an altered token', () => `${clickTokens[0]!.slice(0, 5)}${clickTokens[0]![5] === 'A' ? 'B' : 'A'}${clickTokens[0]!.slice(6)}`],
    ['an altered signature', () => `${clickTokens[0]!.slice(0, -1)}${clickTokens[0]!.endsWith('A') ? 'B' : 'A'}`],
    ['a signed but unknown token', () => createTrackingToken(keys.trackingTokens).token],
    ['the pixel token', () => pixelToken],
    ['a token with a URL appended', () => `${clickTokens[0]}https://evil.example`],
  ])('answers 404 for %s', async (_case, token) => {
    const response = await app.request(`/t/c/${encodeURIComponent(token())}`);
    expect(response.status).toBe(404);
    expect(response.headers.get('location')).toBeNull();
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('link_not_found');
  });

  const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
  const forgedLink = () => `/t/c/${'A'.repeat(33)}`;

  it.each([
    ['no Accept-Language', undefined, 'en'],
    ['English preferred', 'en-US,en;q=0.9,es;q=0.8', 'en'],
    ['Spanish preferred', 'es-MX,es;q=0.9,en;q=0.8', 'es'],
    ['Spanish weighted higher', 'en;q=0.5,es', 'es'],
    ['neither language', 'fr-FR,fr;q=0.9', 'en'],
  ])('answers a browser a bilingual 404 page with %s', async (_case, acceptLanguage, first) => {
    const headers: Record<string, string> = { accept: BROWSER_ACCEPT };
    if (acceptLanguage) headers['accept-language'] = acceptLanguage;
    const response = await app.request(forgedLink(), { headers });

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('vary')).toBe('Accept, Accept-Language');
    expect(response.headers.get('location')).toBeNull();

    const page = await response.text();
    const english = page.indexOf('<section lang="en"><h');
    const spanish = page.indexOf('<section lang="es"><h');
    expect(page).toContain(`<html lang="${first}">`);
    expect(english).toBeGreaterThan(0);
    expect(spanish).toBeGreaterThan(0);
    expect(first === 'es' ? spanish < english : english < spanish).toBe(true);
    expect(page).toContain('This link does not work');
    expect(page).toContain('Este enlace no funciona');
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    // Self-contained: nothing to fetch, and no identifier of the link.
    expect(page).not.toMatch(/\b(src|href)=|url\(|@import/);
    expect(page).not.toContain('A'.repeat(33));
  });

  it('keeps the token of a real link out of the 404 page', async () => {
    const altered = `${clickTokens[0]!.slice(0, -1)}${clickTokens[0]!.endsWith('A') ? 'B' : 'A'}`;
    const response = await app.request(`/t/c/${altered}`, { headers: { accept: BROWSER_ACCEPT } });
    expect(response.status).toBe(404);
    const page = await response.text();
    expect(page).not.toContain(altered);
    expect(page).not.toContain(altered.slice(0, 16));
  });

  it.each([
    ['no Accept', undefined],
    ['Accept: application/json', 'application/json'],
    ['Accept: */*', '*/*'],
    ['text/html with q=0', 'text/html;q=0, application/json'],
  ])('keeps the JSON 404 for %s', async (_case, accept) => {
    const response = await app.request(forgedLink(), { headers: accept ? { accept, 'accept-language': 'es' } : {} });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('vary')).toBe('Accept, Accept-Language');
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('link_not_found');
  });

  it.each([
    ['a valid token', () => pixelToken],
    ['a forged token', () => 'nonsense'],
  ])('answers the pixel for %s', async (_case, token) => {
    const response = await app.request(`/t/o/${token()}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/gif');
    expect(response.headers.get('cache-control')).toBe('no-store, no-cache, private, max-age=0');
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.length).toBe(43);
    expect(body.equals(OPEN_PIXEL_GIF)).toBe(true);
  });

  it('keeps tokens out of the log', () => {
    const text = logs.text();
    expect(text).toContain('/t/c/:token');
    for (const token of [...clickTokens, pixelToken]) expect(text).not.toContain(token);
  });
});
