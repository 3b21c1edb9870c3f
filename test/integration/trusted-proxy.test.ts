import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, signInThrottle } from '../../collector/db/schema';
import { parseTrustedProxies } from '../../collector/staff/request-input';
import { TEST_PASSWORD_COST, testClock } from '../support/staff-session';
import { COLLECTOR_ORIGIN, createTestCollector } from '../support/test-collector';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';

const PROXY = '10.0.0.5';
const THROTTLE = { windowMs: 15 * 60_000, maxFailuresPerAccount: 5, maxFailuresPerAddress: 3 };

describe.each(drivers)('sign-in limits behind a proxy on %s', (driver) => {
  const clock = testClock();
  let database: TestDatabase;
  let direct: Awaited<ReturnType<typeof createTestCollector>>;
  let proxied: Awaited<ReturnType<typeof createTestCollector>>;
  let attempts = 0;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    direct = await createTestCollector(database, { now: clock.now, passwordCost: TEST_PASSWORD_COST, throttle: THROTTLE });
    proxied = await createTestCollector(database, { now: clock.now, passwordCost: TEST_PASSWORD_COST, throttle: THROTTLE, trustedProxies: parseTrustedProxies(`${PROXY},192.168.0.0/16`) });
  });

  afterAll(async () => {
    await database?.dispose();
  });

  beforeEach(async () => {
    await database.db.delete(signInThrottle);
  });

  /** Posts a wrong password for a new address each time, so only the client address limit can block. */
  async function failSignIn(collector: typeof direct, peer: string, forwardedFor?: string): Promise<Response> {
    const headers: Record<string, string> = { 'content-type': 'application/json', origin: COLLECTOR_ORIGIN };
    if (forwardedFor) headers['x-forwarded-for'] = forwardedFor;
    const body = JSON.stringify({ email: `nobody-${++attempts}@clinic.example`, password: 'wrong password' });
    return collector.app.request('/v1/staff/session', { method: 'POST', headers, body }, { incoming: { socket: { remoteAddress: peer, remotePort: 40000, remoteFamily: 'IPv4' } } });
  }

  it('counts the proxy as one client by default', async () => {
    for (const client of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) expect((await failSignIn(direct, PROXY, client)).status).toBe(401);
    expect((await failSignIn(direct, PROXY, '203.0.113.4')).status).toBe(429);
  });

  it('counts each client behind a trusted proxy', async () => {
    for (const client of ['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4']) expect((await failSignIn(proxied, PROXY, client)).status).toBe(401);
  });

  it('blocks one client behind a trusted proxy', async () => {
    for (let i = 0; i < 3; i++) expect((await failSignIn(proxied, PROXY, '203.0.113.9')).status).toBe(401);
    const blocked = await failSignIn(proxied, PROXY, '203.0.113.9');
    expect(blocked.status).toBe(429);
    expect(((await blocked.json()) as { error: { message: string } }).error.message).toContain('this client address');
    expect((await failSignIn(proxied, PROXY, '203.0.113.10')).status).toBe(401);
  });

  it('ignores entries the client wrote itself', async () => {
    // The client sent "X-Forwarded-For: 198.51.100.<n>"; the trusted proxies appended the real address after it.
    for (let n = 1; n <= 3; n++) expect((await failSignIn(proxied, PROXY, `198.51.100.${n}, 203.0.113.20, 192.168.1.1`)).status).toBe(401);
    expect((await failSignIn(proxied, PROXY, '198.51.100.99, 203.0.113.20, 192.168.1.1')).status).toBe(429);
  });

  it('ignores the header from an untrusted peer', async () => {
    for (let n = 1; n <= 3; n++) expect((await failSignIn(proxied, '198.51.100.50', `203.0.113.${30 + n}`)).status).toBe(401);
    expect((await failSignIn(proxied, '198.51.100.50', '203.0.113.99')).status).toBe(429);
  });

  it('records the client address in the audit log', async () => {
    await failSignIn(proxied, `::ffff:${PROXY}`, '203.0.113.77');
    const [entry] = await database.db.select().from(auditLog).where(eq(auditLog.action, 'staff.sign_in_failed')).orderBy(desc(auditLog.seq)).limit(1);
    expect(entry?.details).toMatchObject({ address: '203.0.113.77' });
  });
});
