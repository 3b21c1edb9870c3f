import { desc } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../collector/app';
import { auditLog, staffSessions } from '../../collector/db/schema';
import { CONSOLE_CSP } from '../../collector/staff/console-routes';
import { SESSION_COOKIE, needsSecureCookie } from '../../collector/staff/session-cookie';
import { COLLECTOR_ORIGIN, createTestCollector } from '../support/test-collector';
import { TEST_PASSWORD_COST, addStaff, sessionCookieFor, signInWithTotp, testClock } from '../support/staff-session';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';
import { databaseFingerprint } from '../support/table-counts';

type ErrorBody = { error: { code: string; message: string } };

const MINUTE = 60_000;

describe.each(drivers)('staff sessions on %s', (driver) => {
  const clock = testClock();
  let database: TestDatabase;
  let collector: Awaited<ReturnType<typeof createTestCollector>>;
  let reviewer: Awaited<ReturnType<typeof addStaff>>;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    collector = await createTestCollector(database, { now: clock.now, passwordCost: TEST_PASSWORD_COST });
    reviewer = await addStaff(database.db, collector.staff, 'reviewer');
  });

  afterAll(async () => {
    await database?.dispose();
  });

  function whoAmI(cookie: string) {
    return collector.app.request('/v1/staff/session', { headers: { cookie } });
  }

  function signOut(cookie: string) {
    return collector.app.request('/v1/staff/session', { method: 'DELETE', headers: { cookie, origin: COLLECTOR_ORIGIN } });
  }

  async function expectRejected(response: Response, code: string, messagePart: string) {
    const body = (await response.json()) as ErrorBody;
    expect(response.status).toBe(401);
    expect(body.error.code).toBe(code);
    expect(body.error.message).toContain(messagePart);
  }

  it('answers with the session and its deadlines', async () => {
    const cookie = await sessionCookieFor(database.db, collector.staff, reviewer.id);
    const response = await whoAmI(cookie);
    const body = (await response.json()) as { user: { id: string; role: string }; idleExpiresAt: string; expiresAt: string; idleTimeoutSeconds: number };

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(body.user).toEqual({ id: reviewer.id, role: 'reviewer' });
    expect(body.idleTimeoutSeconds).toBe(15 * 60);
    expect(Date.parse(body.idleExpiresAt) - clock.now().getTime()).toBe(15 * MINUTE);
    expect(Date.parse(body.expiresAt) - clock.now().getTime()).toBe(12 * 60 * MINUTE);
  });

  it('ends after 15 idle minutes', async () => {
    const cookie = await sessionCookieFor(database.db, collector.staff, reviewer.id);
    clock.advance(15 * MINUTE - 1);
    expect((await whoAmI(cookie)).status).toBe(200);

    // The request above was activity; a full idle period after it ends the session.
    clock.advance(15 * MINUTE);
    await expectRejected(await whoAmI(cookie), 'session_expired', 'without activity');
  });

  it('keeps an active session open past 15 minutes', async () => {
    const cookie = await sessionCookieFor(database.db, collector.staff, reviewer.id);
    for (let step = 0; step < 8; step++) {
      clock.advance(10 * MINUTE);
      expect((await whoAmI(cookie)).status).toBe(200);
    }
  });

  it('ends after 12 hours despite activity', async () => {
    const cookie = await sessionCookieFor(database.db, collector.staff, reviewer.id);
    for (let step = 0; step < 12 * 6 - 1; step++) {
      clock.advance(10 * MINUTE);
      expect((await whoAmI(cookie)).status).toBe(200);
    }

    clock.advance(10 * MINUTE);
    await expectRejected(await whoAmI(cookie), 'session_expired', 'maximum length');
  });

  it('ends when the row says so', async () => {
    // The server's row decides, even while the signed cookie is still within its own expiry.
    const cookie = await sessionCookieFor(database.db, collector.staff, reviewer.id);
    await database.db.update(staffSessions).set({ expiresAt: clock.now() });
    await expectRejected(await whoAmI(cookie), 'session_expired', 'maximum length');
  });

  it('rejects a replayed cookie after sign-out', async () => {
    const cookie = await sessionCookieFor(database.db, collector.staff, reviewer.id);
    const out = await signOut(cookie);
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie()[0]).toMatch(new RegExp(`^${SESSION_COOKIE}=;.*Max-Age=0`));

    const before = await databaseFingerprint(database.db);
    await expectRejected(await whoAmI(cookie), 'session_expired', 'signed out');
    await expectRejected(await whoAmI(cookie), 'session_expired', 'signed out');
    expect(await databaseFingerprint(database.db)).toEqual(before);
  });

  it('audits sign-out', async () => {
    const analyst = await addStaff(database.db, collector.staff, 'analyst');
    const { cookie } = await signInWithTotp(collector.app, analyst, clock.now);
    expect((await signOut(cookie)).status).toBe(200);

    const [entry] = await database.db.select().from(auditLog).orderBy(desc(auditLog.seq)).limit(1);
    expect(entry).toMatchObject({ action: 'staff.sign_out', actor: `staff:${analyst.id}`, subjectId: analyst.id, details: {} });
  });

  it('clears a rejected cookie', async () => {
    const cookie = await sessionCookieFor(database.db, collector.staff, reviewer.id);
    await signOut(cookie);
    const response = await whoAmI(cookie);
    expect(response.headers.getSetCookie()[0]).toMatch(new RegExp(`^${SESSION_COOKIE}=;.*Max-Age=0`));
  });

  it('rejects a request without a cookie', async () => {
    await expectRejected(await collector.app.request('/v1/staff/session'), 'session_required', 'sign in at /console');
  });

  it('rejects a cookie signed with another key', async () => {
    const forged = await new SignJWT({ sid: 'made-up' }).setProtectedHeader({ alg: 'HS256' }).setAudience('sealpost-console').setExpirationTime('1h').sign(new Uint8Array(32));
    await expectRejected(await whoAmI(`${SESSION_COOKIE}=${forged}`), 'session_invalid', 'invalid');
  });

  it('rejects a cookie with an altered payload', async () => {
    const cookie = await sessionCookieFor(database.db, collector.staff, reviewer.id);
    const [name, token] = cookie.split('=') as [string, string];
    const [header, , signature] = token.split('.');
    const payload = Buffer.from(JSON.stringify({ sid: 'another-session', aud: 'sealpost-console' })).toString('base64url');
    await expectRejected(await whoAmI(`${name}=${header}.${payload}.${signature}`), 'session_invalid', 'invalid');
  });

  it('rejects sign-out from another origin', async () => {
    const cookie = await sessionCookieFor(database.db, collector.staff, reviewer.id);
    const response = await collector.app.request('/v1/staff/session', { method: 'DELETE', headers: { cookie, origin: 'https://evil.example' } });
    expect(response.status).toBe(403);
    expect(((await response.json()) as ErrorBody).error.code).toBe('origin_not_allowed');
    expect((await whoAmI(cookie)).status).toBe(200);
  });

  it('sets the session cookie from sign-in', async () => {
    const { cookie } = await signInWithTotp(collector.app, await addStaff(database.db, collector.staff, 'reviewer'), clock.now);
    expect((await whoAmI(cookie)).status).toBe(200);
    expect(cookie.startsWith(`${SESSION_COOKIE}=`)).toBe(true);
  });
});

describe.each(drivers)('console page on %s', (driver) => {
  let database: TestDatabase;
  let collector: Awaited<ReturnType<typeof createTestCollector>>;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    collector = await createTestCollector(database);
  });

  afterAll(async () => {
    await database?.dispose();
  });

  it('serves the page under a strict policy', async () => {
    const response = await collector.app.request('/console');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(await response.text()).toContain('<script type="module" src="/console/assets/console.js"></script>');
  });

  it('names the build command when the bundle is missing', async () => {
    const app = createApp({ ...collector.context, assetsDir: '/nonexistent' });
    const response = await app.request('/console/assets/console.js');
    const body = (await response.json()) as ErrorBody;
    expect(response.status).toBe(503);
    expect(body.error.code).toBe('assets_not_built');
    expect(body.error.message).toContain('npm run build');
  });
});

describe('session cookie flags', () => {
  it('drops Secure on loopback http only', () => {
    expect(needsSecureCookie('http://localhost:8787')).toBe(false);
    expect(needsSecureCookie('http://127.0.0.1:8787')).toBe(false);
    expect(needsSecureCookie('http://[::1]:8787')).toBe(false);
    expect(needsSecureCookie('https://localhost:8787')).toBe(true);
    expect(needsSecureCookie('https://forms.clinic.example')).toBe(true);
    expect(needsSecureCookie('http://forms.clinic.example')).toBe(true);
  });
});
