import fc from 'fast-check';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../../collector/db/schema';
import { OPEN_PIXEL_GIF } from '../../collector/tracking/open-pixel';
import { createTrackingToken } from '../../collector/tracking/tracking-token';
import { apiHeaders, queueTrackedMessage } from '../support/email-fixtures';
import { FUZZ_TIMEOUT_MS, fuzzRuns } from '../support/fuzz-runs';
import { databaseFingerprint } from '../support/table-counts';
import { createTestCollector } from '../support/test-collector';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';

const BASE64URL = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'];

describe('tracking tokens under fuzzing', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof createTestCollector>>['app'];
  let valid: { clickTokens: string[]; pixelToken: string };
  let signedUnknown: string;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    const collector = await createTestCollector(database);
    app = collector.app;
    const message = await queueTrackedMessage(app, database.db, collector.emailKeys, await apiHeaders(database.db));
    await database.db.update(messages).set({ status: 'sent', sentAt: new Date(Date.now() - 3_600_000) }).where(eq(messages.id, message.id));
    valid = message;
    signedUnknown = createTrackingToken(collector.emailKeys.trackingTokens).token;
  });

  afterAll(async () => {
    await database?.dispose();
  });

  /** Forged tokens: any text, text of the token's shape, and valid tokens with one character changed, removed or added. */
  const forged = () =>
    fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({ unit: fc.constantFrom(...BASE64URL), minLength: 33, maxLength: 33 }),
      fc.constant(signedUnknown),
      fc.tuple(fc.constantFrom(...valid.clickTokens, valid.pixelToken), fc.nat(32), fc.constantFrom(...BASE64URL, '%', '.', '=', '/')).map(([token, at, character]) => {
        const changed = `${token.slice(0, at)}${character}${token.slice(at + 1)}`;
        return changed === token ? `${token}${character}` : changed;
      }),
      fc.tuple(fc.constantFrom(...valid.clickTokens), fc.nat(32)).map(([token, at]) => `${token.slice(0, at)}${token.slice(at + 1)}`),
      fc.tuple(fc.constantFrom(...valid.clickTokens), fc.string({ minLength: 1, maxLength: 20 })).map(([token, suffix]) => `${token}${suffix}`),
      fc.constantFrom(...valid.clickTokens).map((token) => token.toUpperCase()),
      // "", "." and ".." never reach a tracking route: URL normalization removes them as path segments.
    ).filter((token) => !['', '.', '..'].includes(token));

  it('never redirects or fails for a forged click token', async () => {
    const before = await databaseFingerprint(database.db);
    await fc.assert(
      fc.asyncProperty(forged(), async (token) => {
        const response = await app.request(`/t/c/${encodeURIComponent(token)}`);
        expect(response.status, JSON.stringify(token)).toBeLessThan(500);
        expect(response.headers.get('location')).toBeNull();
        if (response.status === 404) expect(((await response.json()) as { error: { code: string } }).error.code).toBe('link_not_found');
        else expect(response.status).toBe(404);
      }),
      { numRuns: fuzzRuns(300) },
    );
    expect(await databaseFingerprint(database.db)).toEqual(before);
  }, FUZZ_TIMEOUT_MS);

  it('answers the image for any pixel token', async () => {
    const before = await databaseFingerprint(database.db);
    await fc.assert(
      fc.asyncProperty(forged(), async (token) => {
        const response = await app.request(`/t/o/${encodeURIComponent(token)}`);
        expect(response.status, JSON.stringify(token)).toBe(200);
        expect(response.headers.get('content-type')).toBe('image/gif');
        expect(Buffer.from(await response.arrayBuffer()).equals(OPEN_PIXEL_GIF)).toBe(true);
      }),
      { numRuns: fuzzRuns(300) },
    );
    expect(await databaseFingerprint(database.db)).toEqual(before);
  }, FUZZ_TIMEOUT_MS);

  it('never fails for raw paths under /t/', async () => {
    const segment = fc.string({ unit: fc.constantFrom(...BASE64URL, '%', '%2F', '%00', '..', '/', '?', '#', '\\', '%E2%80%AE', ';'), maxLength: 50 });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('o', 'c', 'x', ''), segment, async (kind, rest) => {
        const response = await app.request(`http://localhost:8787/t/${kind}/${rest}`);
        expect(response.status, `/t/${kind}/${rest}`).toBeLessThan(500);
        expect(response.status === 302 ? response.headers.get('location') : null).toBeNull();
      }),
      { numRuns: fuzzRuns(300) },
    );
  }, FUZZ_TIMEOUT_MS);

  it('still redirects the valid token', async () => {
    const response = await app.request(`/t/c/${valid.clickTokens[0]}`);
    expect(response.status).toBe(302);
  });
});
