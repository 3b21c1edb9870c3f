import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, submissions } from '../../collector/db/schema';
import type { StaffRole } from '../../collector/db/schema';
import { STAFF_ROUTES, type StaffRoute } from '../../collector/staff/route-table';
import { encryptSubmission } from '../../sdk/encrypt-answers';
import type { PublishedForm } from '../../sdk/form-definition';
import { newIdempotencyKey } from '../../sdk/ids';
import { TEST_PASSWORD_COST, addStaff, sessionCookieFor, testClock } from '../support/staff-session';
import { COLLECTOR_ORIGIN, createTestCollector, intakeForm } from '../support/test-collector';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';

type ErrorBody = { error: { code: string; message: string } };

const ROLES: StaffRole[] = ['admin', 'reviewer', 'analyst'];
const answers = { 'full-name': 'Tomasz Wierzbicki', 'date-of-birth': '1990-05-06', email: 'tomasz.w@example.org', reason: 'Knee pain when climbing stairs', 'preferred-contact': 'email', 'has-insurance': 'no' };

describe.each(drivers)('staff roles on %s', (driver) => {
  const clock = testClock();
  let database: TestDatabase;
  let collector: Awaited<ReturnType<typeof createTestCollector>>;
  let submissionId: string;
  let users: Record<StaffRole, Awaited<ReturnType<typeof addStaff>>>;
  let roleTarget: Awaited<ReturnType<typeof addStaff>>;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    collector = await createTestCollector(database, { now: clock.now, passwordCost: TEST_PASSWORD_COST });
    users = { admin: await addStaff(database.db, collector.staff, 'admin'), reviewer: await addStaff(database.db, collector.staff, 'reviewer'), analyst: await addStaff(database.db, collector.staff, 'analyst') };
    roleTarget = await addStaff(database.db, collector.staff, 'analyst');

    const published = (await (await collector.app.request('/v1/forms/new-patient-intake')).json()) as PublishedForm;
    const jwe = await encryptSubmission({ formId: 'new-patient-intake', formVersion: 1, locale: 'en', answers }, published.key.jwk);
    const response = await collector.app.request('/v1/forms/new-patient-intake/submissions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: COLLECTOR_ORIGIN },
      body: JSON.stringify({ formVersion: 1, kid: published.key.kid, jwe, idempotencyKey: newIdempotencyKey() }),
    });
    submissionId = ((await response.json()) as { id: string }).id;
  });

  afterAll(async () => {
    await database?.dispose();
  });

  let emails = 0;

  /** Builds a valid request for a route, so that an allowed role gets a 2xx. */
  async function requestFor(route: StaffRoute, cookie?: string, role?: StaffRole): Promise<Response> {
    const path = `/v1/staff${route.path}`
      .replace('/submissions/:id', `/submissions/${submissionId}`)
      .replace('/users/:id', `/users/${roleTarget.id}`)
      .replace('/forms/:id', '/forms/new-patient-intake');
    const user = role ? users[role] : undefined;
    const bodies: Record<string, () => unknown> = {
      'POST /users': () => ({ email: `walk-${++emails}@clinic.example`, role: 'analyst' }),
      'PATCH /users/:id/role': () => ({ role: 'analyst' }),
      'POST /session/password': () => user && { currentPassword: user.password, newPassword: (user.password = `${user.password} renewed`) },
      'POST /forms': () => intakeForm(),
      'PATCH /forms/:id/retention': () => ({ days: 3650 }),
    };
    const body = bodies[`${route.method} ${route.path}`]?.();
    const headers: Record<string, string> = { origin: COLLECTOR_ORIGIN };
    if (cookie) headers.cookie = cookie;
    if (body) headers['content-type'] = 'application/json';
    return collector.app.request(path, { method: route.method, headers, body: body ? JSON.stringify(body) : undefined });
  }

  const protectedRoutes = Object.entries(STAFF_ROUTES).filter(([, route]) => route.roles !== 'public') as [string, StaffRoute & { roles: readonly StaffRole[] }][];

  it.each(protectedRoutes)('%s needs a session', async (_name, route) => {
    const response = await requestFor(route);
    expect(response.status).toBe(401);
    expect(((await response.json()) as ErrorBody).error.code).toBe('session_required');
  });

  for (const role of ROLES) {
    it.each(protectedRoutes)(`%s answers the ${role} role as the table says`, async (_name, route) => {
      // A fresh session per request, because the sign-out route revokes the one it is called with.
      const cookie = await sessionCookieFor(database.db, collector.staff, users[role].id);
      const response = await requestFor(route, cookie, role);

      if (route.roles.includes(role)) {
        expect(response.status, await response.clone().text()).toBeGreaterThanOrEqual(200);
        expect(response.status).toBeLessThan(300);
      } else {
        const body = (await response.json()) as ErrorBody;
        expect(response.status).toBe(403);
        expect(body.error.code).toBe('role_forbidden');
        expect(body.error.message).toContain(`The ${role} role cannot use this route`);
      }
    });
  }

  it('registers no staff route outside the table', () => {
    const registered = collector.app.routes
      .filter((route) => route.path.startsWith('/v1/staff/') && route.method !== 'ALL')
      .map((route) => `${route.method} ${route.path}`);
    const declared = Object.values(STAFF_ROUTES).map((route) => `${route.method} /v1/staff${route.path}`);
    expect(new Set(registered)).toEqual(new Set(declared));
  });

  it('writes one audit entry per opened submission', async () => {
    const cookie = await sessionCookieFor(database.db, collector.staff, users.reviewer.id);
    const response = await collector.app.request(`/v1/staff/submissions/${submissionId}`, { headers: { cookie } });
    const body = (await response.json()) as { answers: Record<string, unknown>; form: { id: string } };

    expect(body.answers).toEqual(answers);
    expect(body.form.id).toBe('new-patient-intake');
    const [entry] = await database.db.select().from(auditLog).orderBy(desc(auditLog.seq)).limit(1);
    expect(entry).toMatchObject({ action: 'submission.decrypt', actor: `staff:${users.reviewer.id}`, subjectId: submissionId, details: { via: 'console' } });
  });

  it('exports a submission as an attachment with an audit entry', async () => {
    const cookie = await sessionCookieFor(database.db, collector.staff, users.reviewer.id);
    const response = await collector.app.request(`/v1/staff/submissions/${submissionId}/export`, { headers: { cookie } });

    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="submission-${submissionId}.json"`);
    expect(((await response.json()) as { answers: unknown }).answers).toEqual(answers);
    const [entry] = await database.db.select().from(auditLog).orderBy(desc(auditLog.seq)).limit(1);
    expect(entry).toMatchObject({ action: 'submission.export', subjectId: submissionId, details: { via: 'console', format: 'json' } });
  });

  it('exports a submission as a FHIR QuestionnaireResponse with an audit entry', async () => {
    const cookie = await sessionCookieFor(database.db, collector.staff, users.reviewer.id);
    const response = await collector.app.request(`/v1/staff/submissions/${submissionId}/export?format=fhir`, { headers: { cookie } });
    const resource = (await response.json()) as { resourceType: string; id: string; item: { linkId: string; answer: Record<string, unknown>[] }[] };

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/fhir+json; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="questionnaire-response-${submissionId}.json"`);
    expect(resource.resourceType).toBe('QuestionnaireResponse');
    expect(resource.id).toBe(submissionId);
    expect(resource.item.find((item) => item.linkId === 'full-name')?.answer).toEqual([{ valueString: answers['full-name'] }]);
    const [entry] = await database.db.select().from(auditLog).orderBy(desc(auditLog.seq)).limit(1);
    expect(entry).toMatchObject({ action: 'submission.export', actor: `staff:${users.reviewer.id}`, subjectId: submissionId, details: { via: 'console', format: 'fhir' } });
  });

  it('rejects an unknown export format before decrypting', async () => {
    const cookie = await sessionCookieFor(database.db, collector.staff, users.reviewer.id);
    const before = await database.db.select().from(auditLog);
    const response = await collector.app.request(`/v1/staff/submissions/${submissionId}/export?format=xml`, { headers: { cookie } });

    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.code).toBe('invalid_format');
    expect(await database.db.select().from(auditLog)).toHaveLength(before.length);
  });

  it('decrypts nothing for a forbidden role', async () => {
    const before = await database.db.select().from(auditLog).where(eq(auditLog.action, 'submission.decrypt'));
    const cookie = await sessionCookieFor(database.db, collector.staff, users.analyst.id);
    const response = await collector.app.request(`/v1/staff/submissions/${submissionId}`, { headers: { cookie } });

    expect(response.status).toBe(403);
    expect(await response.text()).not.toContain('Tomasz');
    expect(await database.db.select().from(auditLog).where(eq(auditLog.action, 'submission.decrypt'))).toHaveLength(before.length);
  });

  it('shows reviewers only the audit of reads', async () => {
    const cookie = await sessionCookieFor(database.db, collector.staff, users.reviewer.id);
    const body = (await (await collector.app.request('/v1/staff/audit?limit=500', { headers: { cookie } })).json()) as { items: { action: string }[] };
    expect(body.items.length).toBeGreaterThan(0);
    expect(new Set(body.items.map((item) => item.action))).toEqual(new Set(['submission.decrypt', 'submission.export']));
  });

  it('shows admins every audit entry', async () => {
    const cookie = await sessionCookieFor(database.db, collector.staff, users.admin.id);
    const body = (await (await collector.app.request('/v1/staff/audit?limit=500', { headers: { cookie } })).json()) as { items: { action: string }[] };
    expect(body.items.map((item) => item.action)).toEqual(expect.arrayContaining(['form.publish', 'staff_user.create', 'submission.decrypt']));
  });

  it('reports the audit chain as intact', async () => {
    const cookie = await sessionCookieFor(database.db, collector.staff, users.reviewer.id);
    const body = (await (await collector.app.request('/v1/staff/audit/verification', { headers: { cookie } })).json()) as { ok: boolean; entries: number };
    expect(body.ok).toBe(true);
    expect(body.entries).toBeGreaterThan(3);
  });

  it('gives analysts counts without PHI', async () => {
    const cookie = await sessionCookieFor(database.db, collector.staff, users.analyst.id);
    const body = (await (await collector.app.request('/v1/staff/statistics/submissions', { headers: { cookie } })).json()) as { items: unknown[] };
    expect(body.items).toEqual([{ formId: 'new-patient-intake', formVersion: 1, submissions: 1 }]);
  });

  it('adds a user over HTTP with a one-time password', async () => {
    const cookie = await sessionCookieFor(database.db, collector.staff, users.admin.id);
    const response = await collector.app.request('/v1/staff/users', {
      method: 'POST',
      headers: { cookie, origin: COLLECTOR_ORIGIN, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'new.reviewer@clinic.example', role: 'reviewer' }),
    });
    const body = (await response.json()) as { user: { id: string; email: string; role: string }; initialPassword: string };

    expect(response.status).toBe(201);
    expect(body.user).toMatchObject({ email: 'new.reviewer@clinic.example', role: 'reviewer' });
    expect(body.initialPassword).toMatch(/^[\w-]{24}$/);
    const [entry] = await database.db.select().from(auditLog).orderBy(desc(auditLog.seq)).limit(1);
    expect(entry).toMatchObject({ action: 'staff_user.create', actor: `staff:${users.admin.id}`, subjectId: body.user.id });
  });

  it('changes a role over HTTP with an audit entry', async () => {
    const cookie = await sessionCookieFor(database.db, collector.staff, users.admin.id);
    const response = await collector.app.request(`/v1/staff/users/${roleTarget.id}/role`, {
      method: 'PATCH',
      headers: { cookie, origin: COLLECTOR_ORIGIN, 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'reviewer' }),
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: roleTarget.id, role: 'reviewer' });
    const [entry] = await database.db.select().from(auditLog).orderBy(desc(auditLog.seq)).limit(1);
    expect(entry).toMatchObject({ action: 'staff_user.role_change', actor: `staff:${users.admin.id}`, details: { from: 'analyst', to: 'reviewer' } });
  });

  it('applies a role change to open sessions', async () => {
    const demoted = await addStaff(database.db, collector.staff, 'reviewer');
    const cookie = await sessionCookieFor(database.db, collector.staff, demoted.id);
    const adminCookie = await sessionCookieFor(database.db, collector.staff, users.admin.id);
    await collector.app.request(`/v1/staff/users/${demoted.id}/role`, {
      method: 'PATCH',
      headers: { cookie: adminCookie, origin: COLLECTOR_ORIGIN, 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'analyst' }),
    });

    expect((await collector.app.request('/v1/staff/submissions', { headers: { cookie } })).status).toBe(403);
  });

  it('rejects a role change without the Origin header', async () => {
    const cookie = await sessionCookieFor(database.db, collector.staff, users.admin.id);
    const response = await collector.app.request(`/v1/staff/users/${roleTarget.id}/role`, {
      method: 'PATCH',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'admin' }),
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as ErrorBody).error.code).toBe('origin_not_allowed');
  });

  it('pages the inbox without skipping equal timestamps', async () => {
    // Rows received in the same millisecond must each appear once across pages.
    const receivedAt = new Date('2026-12-01T10:00:00.000Z');
    const ids = ['AAAA000000000001', 'AAAA000000000002', 'AAAA000000000003', 'AAAA000000000004', 'AAAA000000000005'];
    await database.db.insert(submissions).values(
      ids.map((id) => ({ id, formId: 'new-patient-intake', formVersion: 1, kid: collector.kid, jwe: 'x', jweSha256: 'x', idempotencyKey: id, byteSize: 1, receivedAt })),
    );

    const cookie = await sessionCookieFor(database.db, collector.staff, users.reviewer.id);
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const page = (await (await collector.app.request(`/v1/staff/submissions?limit=2${query}`, { headers: { cookie } })).json()) as { items: { id: string }[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    }

    expect(seen).toEqual([submissionId, ...[...ids].reverse()]);
  });

  it('rejects an invalid limit', async () => {
    const cookie = await sessionCookieFor(database.db, collector.staff, users.admin.id);
    const response = await collector.app.request('/v1/staff/audit?before=0', { headers: { cookie } });
    const body = (await response.json()) as ErrorBody;
    expect(response.status).toBe(400);
    expect(body.error.code).toBe('invalid_query');
    expect(body.error.message).toBe('before="0" is invalid; use a whole number from 1 to 9007199254740991.');
  });

  it('rejects an invalid cursor', async () => {
    const cookie = await sessionCookieFor(database.db, collector.staff, users.reviewer.id);
    const invalid = await collector.app.request('/v1/staff/submissions?cursor=bm9wZQ', { headers: { cookie } });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as ErrorBody).error.code).toBe('invalid_cursor');
  });
});
