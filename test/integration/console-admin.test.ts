import { desc, eq } from 'drizzle-orm';
import { runCommand } from '../../collector/cli/run-command';
import { publishTemplate } from '../../collector/templates/template-store';
import { sampleTemplate } from '../support/workflow-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, staffSessions } from '../../collector/db/schema';
import { encryptSubmission } from '../../sdk/encrypt-answers';
import type { PublishedForm } from '../../sdk/form-definition';
import { newIdempotencyKey } from '../../sdk/ids';
import { TEST_PASSWORD_COST, addStaff, postSignIn, sessionCookieFor, signInWithTotp, testClock } from '../support/staff-session';
import { COLLECTOR_ORIGIN, createTestCollector, intakeForm } from '../support/test-collector';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';

type ErrorBody = { error: { code: string; message: string } };

const answers = { 'full-name': 'Amara Okonkwo', 'date-of-birth': '1985-11-02', email: 'amara.o@example.org', reason: 'Annual check-up', 'preferred-contact': 'email', 'has-insurance': 'yes' };

describe.each(drivers)('console administration on %s', (driver) => {
  const clock = testClock();
  let database: TestDatabase;
  let collector: Awaited<ReturnType<typeof createTestCollector>>;
  let adminCookie: string;
  let admin: Awaited<ReturnType<typeof addStaff>>;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    collector = await createTestCollector(database, { now: clock.now, passwordCost: TEST_PASSWORD_COST });
    admin = await addStaff(database.db, collector.staff, 'admin');
    adminCookie = await sessionCookieFor(database.db, collector.staff, admin.id);
  });

  afterAll(async () => {
    await database?.dispose();
  });

  function call(method: string, path: string, body?: unknown, cookie = adminCookie): Promise<Response> {
    const headers: Record<string, string> = { cookie, origin: COLLECTOR_ORIGIN };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return Promise.resolve(collector.app.request(`/v1/staff${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }));
  }

  /** Submits a filled form encrypted to the form's current key, or to `key` as fetched earlier. */
  async function submit(key?: PublishedForm['key']): Promise<string> {
    const published = key ? { key } : ((await (await collector.app.request('/v1/forms/new-patient-intake')).json()) as PublishedForm);
    const jwe = await encryptSubmission({ formId: 'new-patient-intake', formVersion: 1, locale: 'en', answers }, published.key.jwk);
    const response = await collector.app.request('/v1/forms/new-patient-intake/submissions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: COLLECTOR_ORIGIN },
      body: JSON.stringify({ formVersion: 1, kid: published.key.kid, jwe, idempotencyKey: newIdempotencyKey() }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { id: string }).id;
  }

  async function lastAudit(action: string) {
    const [row] = await database.db.select().from(auditLog).where(eq(auditLog.action, action)).orderBy(desc(auditLog.seq)).limit(1);
    return row;
  }

  it('rotates a key and keeps old submissions readable', async () => {
    const before = await submit();
    const oldKey = ((await (await collector.app.request('/v1/forms/new-patient-intake')).json()) as PublishedForm).key;
    const oldKid = collector.kid;

    const response = await call('POST', '/forms/new-patient-intake/keys');
    const rotated = (await response.json()) as { kid: string; retired: string[] };
    expect(response.status).toBe(201);
    expect(rotated.retired).toEqual([oldKid]);
    expect(rotated.kid).not.toBe(oldKid);

    const published = (await (await collector.app.request('/v1/forms/new-patient-intake')).json()) as PublishedForm;
    expect(published.key.kid).toBe(rotated.kid);
    const after = await submit();
    // A page that loaded the form before the rotation still submits to the retired key.
    const inFlight = await submit(oldKey);

    for (const id of [before, after, inFlight]) {
      const opened = (await (await call('GET', `/submissions/${id}`)).json()) as { answers: unknown };
      expect(opened.answers).toEqual(answers);
    }
    expect(await lastAudit('form.key_rotate')).toMatchObject({ actor: `staff:${admin.id}`, subjectId: 'new-patient-intake', details: { kid: rotated.kid, retired: [oldKid] } });
  });

  it('lists keys to admins only', async () => {
    const forms = (await (await call('GET', '/forms')).json()) as { items: { id: string; keys: { current: boolean; retiredAt: string | null }[]; submissions: number }[] };
    const intake = forms.items.find((form) => form.id === 'new-patient-intake')!;
    expect(intake.keys.map((key) => key.current)).toEqual([true, false]);
    expect(intake.keys[1]!.retiredAt).not.toBeNull();
    expect(intake.submissions).toBe(3);

    const analyst = await addStaff(database.db, collector.staff, 'analyst');
    const analystView = (await (await call('GET', '/forms', undefined, await sessionCookieFor(database.db, collector.staff, analyst.id))).json()) as { items: Record<string, unknown>[] };
    expect(analystView.items[0]).not.toHaveProperty('keys');
  });

  it('publishes a new version from the console', async () => {
    const response = await call('POST', '/forms', { ...intakeForm(), version: 2 });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ formId: 'new-patient-intake', version: 2, status: 'new_version' });
    expect(await lastAudit('form.publish')).toMatchObject({ actor: `staff:${admin.id}`, details: { version: 2 } });
  });

  it('rejects an invalid definition with its errors', async () => {
    const response = await call('POST', '/forms', { id: 'broken' });
    const body = (await response.json()) as ErrorBody;
    expect(response.status).toBe(422);
    expect(body.error.code).toBe('invalid_definition');
  });

  it('rejects a rotation for an unknown form', async () => {
    const response = await call('POST', '/forms/no-such-form/keys');
    expect(response.status).toBe(404);
    expect(((await response.json()) as ErrorBody).error.code).toBe('form_not_found');
  });

  it('resets a TOTP so the next sign-in sets it up again', async () => {
    const reviewer = await addStaff(database.db, collector.staff, 'reviewer');
    const { cookie } = await signInWithTotp(collector.app, reviewer, clock.now);

    const response = await call('DELETE', `/users/${reviewer.id}/totp`);
    expect(await response.json()).toEqual({ id: reviewer.id, totpEnabled: false, endedSessions: 1 });
    expect((await call('GET', '/session', undefined, cookie)).status).toBe(401);

    const next = (await (await postSignIn(collector.app, { email: reviewer.email, password: reviewer.password })).json()) as { status: string };
    expect(next.status).toBe('totp_setup_required');
    expect(await lastAudit('staff_user.totp_reset')).toMatchObject({ actor: `staff:${admin.id}`, subjectId: reviewer.id });
  });

  it('changes the own password with the current one', async () => {
    const analyst = await addStaff(database.db, collector.staff, 'analyst');
    const first = await sessionCookieFor(database.db, collector.staff, analyst.id);
    const other = await sessionCookieFor(database.db, collector.staff, analyst.id);

    const wrong = await call('POST', '/session/password', { currentPassword: 'not it at all', newPassword: 'a new analyst passphrase' }, first);
    expect(wrong.status).toBe(403);
    expect(((await wrong.json()) as ErrorBody).error.code).toBe('wrong_password');
    expect(await lastAudit('staff_user.password_change_failed')).toMatchObject({ subjectId: analyst.id });

    const short = await call('POST', '/session/password', { currentPassword: analyst.password, newPassword: 'short' }, first);
    expect(((await short.json()) as ErrorBody).error.code).toBe('password_too_short');

    const changed = await call('POST', '/session/password', { currentPassword: analyst.password, newPassword: 'a new analyst passphrase' }, first);
    expect(await changed.json()).toEqual({ status: 'changed', endedSessions: 1 });
    expect((await call('GET', '/session', undefined, first)).status).toBe(200);
    expect((await call('GET', '/session', undefined, other)).status).toBe(401);

    expect((await postSignIn(collector.app, { email: analyst.email, password: analyst.password })).status).toBe(401);
    const offer = (await (await postSignIn(collector.app, { email: analyst.email, password: 'a new analyst passphrase' })).json()) as { status: string };
    expect(offer.status).toBe('totp_setup_required');
    expect(await lastAudit('staff_user.password_change')).toMatchObject({ actor: `staff:${analyst.id}`, details: { endedSessions: 1 } });
  });

  it('counts wrong current passwords toward the sign-in limit', async () => {
    const reviewer = await addStaff(database.db, collector.staff, 'reviewer');
    const cookie = await sessionCookieFor(database.db, collector.staff, reviewer.id);
    for (let i = 0; i < 5; i++) expect((await call('POST', '/session/password', { currentPassword: `guess number ${i}`, newPassword: 'whatever passphrase' }, cookie)).status).toBe(403);

    const blocked = await call('POST', '/session/password', { currentPassword: reviewer.password, newPassword: 'whatever passphrase' }, cookie);
    expect(blocked.status).toBe(429);
  });

  it('filters the audit log by action, actor and time', async () => {
    const byAction = (await (await call('GET', '/audit?action=form.key_rotate')).json()) as { items: { action: string }[] };
    expect(byAction.items.map((item) => item.action)).toEqual(['form.key_rotate']);

    const byActor = (await (await call('GET', `/audit?actor=${encodeURIComponent(`staff:${admin.id}`)}&limit=500`)).json()) as { items: { actor: string; actorName: string }[] };
    expect(byActor.items.length).toBeGreaterThan(2);
    expect(new Set(byActor.items.map((item) => item.actor))).toEqual(new Set([`staff:${admin.id}`]));
    expect(new Set(byActor.items.map((item) => item.actorName))).toEqual(new Set([admin.email]));

    const future = (await (await call('GET', '/audit?from=2099-01-01T00:00:00Z')).json()) as { items: unknown[] };
    expect(future.items).toEqual([]);
    const past = (await (await call('GET', '/audit?to=2000-01-01T00:00:00Z')).json()) as { items: unknown[] };
    expect(past.items).toEqual([]);

    const invalid = await call('GET', '/audit?from=yesterday');
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as ErrorBody).error.message).toBe('from="yesterday" is invalid; use an ISO 8601 time with a zone, such as 2026-03-01T00:00:00Z.');
  });

  it('names staff actors in the CLI audit list', async () => {
    const runtime = { db: database.db, staffKeys: collector.staff.keys } as Parameters<typeof runCommand>[0];
    const result = await runCommand(runtime, { name: 'audit.list', limit: 500 }, 'test:cli');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(admin.email);
    expect(result.stdout).not.toContain(`staff:${admin.id}`);
  });

  it('sets retention with an audit entry', async () => {
    const response = await call('PATCH', '/forms/new-patient-intake/retention', { days: 365 });
    expect(await response.json()).toEqual({ formId: 'new-patient-intake', retentionDays: 365 });
    const cleared = await call('PATCH', '/forms/new-patient-intake/retention', { days: null });
    expect(await cleared.json()).toEqual({ formId: 'new-patient-intake', retentionDays: null });
    expect(await lastAudit('form.retention_change')).toMatchObject({ details: { from: 365, to: null } });

    const invalid = await call('PATCH', '/forms/new-patient-intake/retention', { days: '30' });
    expect(((await invalid.json()) as ErrorBody).error.code).toBe('invalid_retention');
  });

  it('lists workflows to analysts', async () => {
    const analyst = await addStaff(database.db, collector.staff, 'analyst');
    const response = await call('GET', '/workflows', undefined, await sessionCookieFor(database.db, collector.staff, analyst.id));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ items: [] });
  });

  it('lists email templates to analysts', async () => {
    const analyst = await addStaff(database.db, collector.staff, 'analyst');
    await publishTemplate(database.db, sampleTemplate('welcome'), { actor: 'test:setup' });
    const response = await call('GET', '/templates', undefined, await sessionCookieFor(database.db, collector.staff, analyst.id));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { items: { id: string; version: number }[] };
    expect(body.items.map(({ id, version }) => ({ id, version }))).toEqual([{ id: 'welcome', version: 1 }]);
  });

  it('leaves the admin signed in throughout', async () => {
    const sessions = await database.db.select().from(staffSessions).where(eq(staffSessions.userId, admin.id));
    expect(sessions.every((session) => session.revokedAt === null)).toBe(true);
  });
});
