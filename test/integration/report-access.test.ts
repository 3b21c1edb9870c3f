import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffOptions } from '../../collector/staff/staff-options';
import { apiHeaders } from '../support/email-fixtures';
import { TEST_PASSWORD_COST, addStaff, sessionCookieFor } from '../support/staff-session';
import { createTestCollector } from '../support/test-collector';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';

const REPORT = '/v1/reports/deliverability?from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z';

describe.each(drivers)('report access on %s', (driver) => {
  let database: TestDatabase;
  let collector: Awaited<ReturnType<typeof createTestCollector>>;
  let staff: StaffOptions;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    collector = await createTestCollector(database, { passwordCost: TEST_PASSWORD_COST });
    staff = collector.staff;
  });

  afterAll(async () => {
    await database?.dispose();
  });

  async function cookieFor(role: 'admin' | 'reviewer' | 'analyst'): Promise<string> {
    const user = await addStaff(database.db, staff, role);
    return sessionCookieFor(database.db, staff, user.id);
  }

  async function errorCode(response: Response): Promise<string> {
    return ((await response.json()) as { error: { code: string } }).error.code;
  }

  it('admits an analyst session', async () => {
    const response = await collector.app.request(REPORT, { headers: { cookie: await cookieFor('analyst') } });
    expect(response.status).toBe(200);
  });

  it('admits an admin session', async () => {
    const response = await collector.app.request(REPORT, { headers: { cookie: await cookieFor('admin') } });
    expect(response.status).toBe(200);
  });

  it('rejects a reviewer session', async () => {
    const response = await collector.app.request(REPORT, { headers: { cookie: await cookieFor('reviewer') } });
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe('role_forbidden');
  });

  it.each([REPORT, '/v1/reports/workflows/never-published'])('names both credentials on %s', async (path) => {
    const response = await collector.app.request(path);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="sealpost"');
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('credentials_required');
    expect(error.message).toContain('needs a staff session with the admin or analyst role, or an API key');
    expect(error.message).toContain('send `Authorization: Bearer <key>`');
  });

  it('keeps session_required on staff routes', async () => {
    const response = await collector.app.request('/v1/staff/workflows');
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe('session_required');
  });

  it('admits an API key', async () => {
    const response = await collector.app.request(REPORT, { headers: await apiHeaders(database.db) });
    expect(response.status).toBe(200);
  });

  it('rejects a bad key despite a cookie', async () => {
    const response = await collector.app.request(REPORT, { headers: { authorization: 'Bearer sealpost_0000000000000000_wrong', cookie: await cookieFor('analyst') } });
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe('invalid_api_key');
  });
});
