import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, signInThrottle } from '../../collector/db/schema';
import { throttleKeys } from '../../collector/staff/sign-in-throttle';
import { emailIndexOf } from '../../collector/staff/staff-users';
import { totpCode } from '../../collector/staff/totp';
import { TEST_PASSWORD_COST, addStaff, postSignIn, secretOf, signInWithTotp, testClock } from '../support/staff-session';
import { createTestCollector } from '../support/test-collector';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';

type ErrorBody = { error: { code: string; message: string } };

describe.each(drivers)('staff sign-in on %s', (driver) => {
  const clock = testClock();
  let database: TestDatabase;
  let collector: Awaited<ReturnType<typeof createTestCollector>>;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    collector = await createTestCollector(database, { now: clock.now, passwordCost: TEST_PASSWORD_COST });
  });

  afterAll(async () => {
    await database?.dispose();
  });

  beforeEach(async () => {
    await database.db.delete(signInThrottle);
  });

  async function lastAudit(action: string) {
    const [row] = await database.db.select().from(auditLog).where(eq(auditLog.action, action)).orderBy(desc(auditLog.seq)).limit(1);
    return row;
  }

  it('offers TOTP setup at first sign-in', async () => {
    const user = await addStaff(database.db, collector.staff, 'reviewer');
    const response = await postSignIn(collector.app, { email: user.email, password: user.password });
    const body = (await response.json()) as { status: string; otpauthUri: string };

    expect(response.status).toBe(200);
    expect(body.status).toBe('totp_setup_required');
    expect(body.otpauthUri).toMatch(/^otpauth:\/\/totp\/Sealpost:staff-[0-9a-f]{8}\?/);
    expect(body.otpauthUri).toContain('digits=6');
    expect(body.otpauthUri).toContain('period=30');
    expect(body.otpauthUri).not.toContain(encodeURIComponent(user.email));
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('offers the same secret until it is confirmed', async () => {
    const user = await addStaff(database.db, collector.staff, 'reviewer');
    const first = (await (await postSignIn(collector.app, { email: user.email, password: user.password })).json()) as { otpauthUri: string };
    const second = (await (await postSignIn(collector.app, { email: user.email, password: user.password })).json()) as { otpauthUri: string };
    expect(secretOf(second.otpauthUri)).toBe(secretOf(first.otpauthUri));
  });

  it('signs in once the setup code matches', async () => {
    const user = await addStaff(database.db, collector.staff, 'reviewer');
    const { otpauthUri } = (await (await postSignIn(collector.app, { email: user.email, password: user.password })).json()) as { otpauthUri: string };

    const response = await postSignIn(collector.app, { email: user.email, password: user.password, code: totpCode(secretOf(otpauthUri), clock.now()) });
    const body = (await response.json()) as { status: string; user: { id: string; role: string } };

    expect(response.status).toBe(200);
    expect(body.status).toBe('signed_in');
    expect(body.user).toEqual({ id: user.id, role: 'reviewer' });

    const cookie = response.headers.getSetCookie()[0]!;
    expect(cookie).toMatch(/^sealpost_session=[\w-]+\.[\w-]+\.[\w-]+;/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/');
    // The test collector's public origin is http://localhost, where Secure would drop the cookie.
    expect(cookie).not.toContain('Secure');

    expect((await lastAudit('staff.totp_enabled'))?.subjectId).toBe(user.id);
    expect((await lastAudit('staff.sign_in'))?.subjectId).toBe(user.id);
  });

  it('rejects a wrong setup code', async () => {
    const user = await addStaff(database.db, collector.staff, 'reviewer');
    await postSignIn(collector.app, { email: user.email, password: user.password });
    const response = await postSignIn(collector.app, { email: user.email, password: user.password, code: '000000' });
    const body = (await response.json()) as ErrorBody;

    expect(response.status).toBe(401);
    expect(body.error.code).toBe('invalid_totp_code');
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('requires the code after setup', async () => {
    const user = await addStaff(database.db, collector.staff, 'analyst');
    await signInWithTotp(collector.app, user, clock.now);

    const response = await postSignIn(collector.app, { email: user.email, password: user.password });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'totp_required' });
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('accepts the next code and rejects a reused one', async () => {
    const user = await addStaff(database.db, collector.staff, 'analyst');
    const { secret } = await signInWithTotp(collector.app, user, clock.now);

    // The setup code used this 30-second step, so the same code must not open a second session.
    const reused = await postSignIn(collector.app, { email: user.email, password: user.password, code: totpCode(secret, clock.now()) });
    expect(reused.status).toBe(401);
    expect(((await reused.json()) as ErrorBody).error.code).toBe('invalid_totp_code');

    clock.advance(30_000);
    const next = await postSignIn(collector.app, { email: user.email, password: user.password, code: totpCode(secret, clock.now()) });
    expect(next.status).toBe(200);
  });

  it('rejects a wrong password the same way as an unknown address', async () => {
    const user = await addStaff(database.db, collector.staff, 'reviewer');
    const wrong = await postSignIn(collector.app, { email: user.email, password: 'not the password' });
    const unknown = await postSignIn(collector.app, { email: 'nobody@clinic.example', password: 'not the password' });

    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await wrong.json()).toEqual(await unknown.json());
  });

  it('audits failures without secrets', async () => {
    const user = await addStaff(database.db, collector.staff, 'reviewer');
    await postSignIn(collector.app, { email: user.email, password: 'guess-1234567' }, '198.51.100.7');

    const entry = await lastAudit('staff.sign_in_failed');
    expect(entry?.subjectId).toBe(user.id);
    expect(entry?.details).toEqual({ reason: 'invalid_credentials', address: '198.51.100.7' });

    const everything = JSON.stringify(await database.db.select().from(auditLog));
    expect(everything).not.toContain('guess-1234567');
    expect(everything).not.toContain(user.password);
    expect(everything).not.toContain(user.email);
  });

  it('blocks an account after five failures', async () => {
    const user = await addStaff(database.db, collector.staff, 'reviewer');
    for (let attempt = 1; attempt <= 5; attempt++) {
      // Different addresses, so only the account limit can apply.
      expect((await postSignIn(collector.app, { email: user.email, password: `wrong ${attempt}` }, `203.0.113.${attempt}`)).status).toBe(401);
    }

    const blocked = await postSignIn(collector.app, { email: user.email, password: user.password }, '203.0.113.99');
    const body = (await blocked.json()) as ErrorBody & { error: { retryAfterSeconds: number } };
    expect(blocked.status).toBe(429);
    expect(body.error.code).toBe('too_many_attempts');
    expect(body.error.message).toBe('Too many failed sign-ins for this account; wait 15 minutes and try again.');
    expect(blocked.headers.get('retry-after')).toBe('900');
  });

  it('unblocks an account when the window passes', async () => {
    const user = await addStaff(database.db, collector.staff, 'reviewer');
    for (let attempt = 1; attempt <= 5; attempt++) await postSignIn(collector.app, { email: user.email, password: `wrong ${attempt}` });
    expect((await postSignIn(collector.app, { email: user.email, password: user.password })).status).toBe(429);

    clock.advance(15 * 60_000);
    const after = await postSignIn(collector.app, { email: user.email, password: user.password });
    expect(after.status).toBe(200);
  });

  it('blocks a client address after twenty failures', async () => {
    for (let attempt = 1; attempt <= 20; attempt++) {
      await postSignIn(collector.app, { email: `guess-${attempt}@clinic.example`, password: 'wrong password' }, '192.0.2.200');
    }
    const user = await addStaff(database.db, collector.staff, 'reviewer');

    const sameAddress = await postSignIn(collector.app, { email: user.email, password: user.password }, '192.0.2.200');
    expect(sameAddress.status).toBe(429);
    expect(((await sameAddress.json()) as ErrorBody).error.message).toContain('this client address');

    const otherAddress = await postSignIn(collector.app, { email: user.email, password: user.password }, '192.0.2.201');
    expect(otherAddress.status).toBe(200);
  });

  it('shares counters through the database', async () => {
    // A second app on the same database stands for a second collector process.
    const other = await createTestCollector(database, { now: clock.now, keys: collector.staff.keys, passwordCost: TEST_PASSWORD_COST });
    const user = await addStaff(database.db, collector.staff, 'reviewer');
    for (let attempt = 1; attempt <= 3; attempt++) await postSignIn(collector.app, { email: user.email, password: `wrong ${attempt}` });
    for (let attempt = 4; attempt <= 5; attempt++) await postSignIn(other.app, { email: user.email, password: `wrong ${attempt}` });

    const { account } = throttleKeys(emailIndexOf(collector.staff.keys, user.email), 'unused');
    const [row] = await database.db.select().from(signInThrottle).where(eq(signInThrottle.key, account));
    expect(row?.failures).toBe(5);
    expect((await postSignIn(collector.app, { email: user.email, password: user.password })).status).toBe(429);
  });

  it('clears the account count after a success', async () => {
    const user = await addStaff(database.db, collector.staff, 'reviewer');
    const { secret } = await signInWithTotp(collector.app, user, clock.now);
    for (let attempt = 1; attempt <= 4; attempt++) await postSignIn(collector.app, { email: user.email, password: `wrong ${attempt}` });

    clock.advance(30_000);
    expect((await postSignIn(collector.app, { email: user.email, password: user.password, code: totpCode(secret, clock.now()) })).status).toBe(200);
    for (let attempt = 1; attempt <= 4; attempt++) await postSignIn(collector.app, { email: user.email, password: `wrong ${attempt}` });

    clock.advance(30_000);
    expect((await postSignIn(collector.app, { email: user.email, password: user.password, code: totpCode(secret, clock.now()) })).status).toBe(200);
  });

  it('rejects sign-in from another origin', async () => {
    const user = await addStaff(database.db, collector.staff, 'reviewer');
    const response = await collector.app.request('/v1/staff/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ email: user.email, password: user.password }),
    });
    const body = (await response.json()) as ErrorBody;
    expect(response.status).toBe(403);
    expect(body.error.code).toBe('origin_not_allowed');
    expect(body.error.message).toContain('https://evil.example');
  });

  it('rejects a body without a password', async () => {
    const response = await postSignIn(collector.app, { email: 'someone@clinic.example' });
    const body = (await response.json()) as ErrorBody;
    expect(response.status).toBe(400);
    expect(body.error.code).toBe('invalid_field');
    expect(body.error.message).toContain('"password"');
  });
});
