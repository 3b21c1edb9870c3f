import { eq } from 'drizzle-orm';
import { Hono, type Handler } from 'hono';
import type { AppContext } from '../app-context';
import { recordAudit, verifyAuditLog } from '../audit/audit-log';
import { staffUsers } from '../db/schema';
import { toQuestionnaireResponse } from '../forms/fhir/export-response';
import { describeForms, rotateFormKey, setFormRetention } from '../forms/form-admin';
import { publishForm } from '../forms/publish-form';
import { HttpError } from '../http/http-error';
import { listConsentLedger, signedConsent } from '../submissions/consent-ledger';
import { exportFormat, exportedJson } from '../submissions/export-submission';
import { readSubmission } from '../submissions/read-submissions';
import { listTemplates } from '../templates/template-store';
import { listWorkflowSummaries } from '../workflows/workflow-summary';
import { nameActors } from './actor-names';
import { listAuditPage } from './audit-page';
import { generateInitialPassword } from './password-hash';
import { clientAddress, readJsonObject, readQueryInstant, readQueryInteger, stringField } from './request-input';
import { REVIEWER_AUDIT_ACTIONS, STAFF_ROUTES, type StaffRoute } from './route-table';
import { clearSessionCookie, needsSecureCookie, writeSessionCookie } from './session-cookie';
import { signIn } from './sign-in';
import { assertNotThrottled, recordSignInFailure, throttleKeys } from './sign-in-throttle';
import { noStore, requireRole, sameOriginChanges, type StaffEnv } from './staff-guards';
import { revokeSession } from './staff-sessions';
import { changeOwnPassword, changeStaffRole, createStaffUser, listStaffUsers, parseRole, resetStaffTotp } from './staff-users';
import { countSubmissions, listSubmissionPage } from './submission-page';

/**
 * Staff routes under /v1/staff. Each is registered from STAFF_ROUTES with
 * the role guard that the table names, so no route can skip the check.
 */
export function staffRoutes(ctx: AppContext) {
  const { db, staff: options } = ctx;
  const secure = needsSecureCookie(ctx.config.publicOrigins[0]!);
  const app = new Hono<StaffEnv>();
  app.use(noStore(), sameOriginChanges(ctx.config.publicOrigins));

  const on = (route: StaffRoute, handler: Handler<StaffEnv>) => {
    if (route.roles === 'public') app.on(route.method, route.path, handler);
    else app.on(route.method, route.path, requireRole(db, options, route.roles, secure), handler);
  };
  const actor = (c: Parameters<Handler<StaffEnv>>[0]) => `staff:${c.get('staff').userId}`;

  on(STAFF_ROUTES.signIn, async (c) => {
    const body = await readJsonObject(c, '{ email, password, code? }');
    const input = { email: stringField(body, 'email'), password: stringField(body, 'password'), code: stringField(body, 'code', true) };
    const result = await signIn(db, options, input, clientAddress(c, options.trustedProxies));
    if (result.status !== 'signed_in') return c.json(result);

    writeSessionCookie(c, result.token, secure);
    ctx.logger.info({ requestId: c.get('requestId'), userId: result.userId }, 'staff signed in');
    return c.json({ status: result.status, user: { id: result.userId, role: result.role }, expiresAt: result.expiresAt, idleTimeoutSeconds: options.idleTimeoutMs / 1000 });
  });

  on(STAFF_ROUTES.currentSession, (c) => {
    const staff = c.get('staff');
    return c.json({ user: { id: staff.userId, role: staff.role }, idleExpiresAt: staff.idleExpiresAt, expiresAt: staff.expiresAt, idleTimeoutSeconds: options.idleTimeoutMs / 1000 });
  });

  on(STAFF_ROUTES.signOut, async (c) => {
    const staff = c.get('staff');
    await revokeSession(db, staff.sessionId, options.now());
    await recordAudit(db, { actor: actor(c), action: 'staff.sign_out', subjectType: 'staff_user', subjectId: staff.userId });
    clearSessionCookie(c, secure);
    ctx.logger.info({ requestId: c.get('requestId'), userId: staff.userId }, 'staff signed out');
    return c.json({ status: 'signed_out' });
  });

  on(STAFF_ROUTES.changePassword, async (c) => {
    const staff = c.get('staff');
    const body = await readJsonObject(c, '{ currentPassword, newPassword }');
    const input = { currentPassword: stringField(body, 'currentPassword'), newPassword: stringField(body, 'newPassword') };
    const now = options.now();
    const address = clientAddress(c, options.trustedProxies);

    // A wrong current password counts as a failed sign-in, so a stolen session cannot guess it without limit.
    const [user] = await db.select({ emailIndex: staffUsers.emailIndex }).from(staffUsers).where(eq(staffUsers.id, staff.userId));
    const keys = throttleKeys(user?.emailIndex ?? `missing:${staff.userId}`, address);
    await assertNotThrottled(db, keys, options.throttle, now);

    const result = await changeOwnPassword(db, { userId: staff.userId, sessionId: staff.sessionId, ...input, passwordCost: options.passwordCost }, now);
    if (result.status === 'wrong_password') {
      await recordSignInFailure(db, keys, options.throttle, now);
      await recordAudit(db, { actor: actor(c), action: 'staff_user.password_change_failed', subjectType: 'staff_user', subjectId: staff.userId, details: { address } });
      throw new HttpError(403, 'wrong_password', 'The current password is wrong; enter the password you signed in with.');
    }
    ctx.logger.info({ requestId: c.get('requestId'), userId: staff.userId }, 'staff password changed');
    return c.json(result);
  });

  on(STAFF_ROUTES.listSubmissions, async (c) => {
    const page = await listSubmissionPage(db, { formId: c.req.query('form'), cursor: c.req.query('cursor'), limit: readQueryInteger('limit', c.req.query('limit'), 25, 200) });
    return c.json(page);
  });

  on(STAFF_ROUTES.showSubmission, async (c) => {
    const { metadata, form, payload } = await readSubmission(db, ctx.custody, c.req.param('id')!, { actor: actor(c), via: 'console' });
    const consent = await signedConsent(db, metadata.id, metadata.formId, payload);
    return c.json({ submission: metadata, form, locale: payload.locale, answers: payload.answers, ...(consent ? { consent } : {}) });
  });

  on(STAFF_ROUTES.exportSubmission, async (c) => {
    const format = exportFormat(c.req.query('format'));
    const { metadata, form, payload } = await readSubmission(db, ctx.custody, c.req.param('id')!, { actor: actor(c), via: 'console', export: { format } });
    if (format === 'json') {
      c.header('Content-Disposition', `attachment; filename="submission-${metadata.id}.json"`);
      return c.json(exportedJson(metadata, payload));
    }
    c.header('Content-Disposition', `attachment; filename="questionnaire-response-${metadata.id}.json"`);
    c.header('Content-Type', 'application/fhir+json; charset=utf-8');
    return c.body(JSON.stringify(toQuestionnaireResponse(metadata, form, payload), null, 2));
  });

  on(STAFF_ROUTES.listConsents, async (c) => {
    const before = readQueryInteger('before', c.req.query('before'), undefined, Number.MAX_SAFE_INTEGER);
    const limit = readQueryInteger('limit', c.req.query('limit'), 50, 500);
    return c.json(await listConsentLedger(db, { formId: c.req.query('form'), before, limit }));
  });

  on(STAFF_ROUTES.submissionStatistics, async (c) => c.json({ items: await countSubmissions(db) }));

  on(STAFF_ROUTES.listAudit, async (c) => {
    const before = readQueryInteger('before', c.req.query('before'), undefined, Number.MAX_SAFE_INTEGER);
    const limit = readQueryInteger('limit', c.req.query('limit'), 50, 500);
    const actions = c.get('staff').role === 'admin' ? undefined : REVIEWER_AUDIT_ACTIONS;
    const filter = { action: c.req.query('action') || undefined, actor: c.req.query('actor') || undefined, from: readQueryInstant('from', c.req.query('from')), to: readQueryInstant('to', c.req.query('to')) };
    const page = await listAuditPage(db, { limit, before, actions, ...filter });
    const names = await nameActors(db, options.keys, page.items.map((item) => item.actor));
    return c.json({ ...page, items: page.items.map((item) => ({ ...item, actorName: names.get(item.actor) ?? item.actor })) });
  });

  on(STAFF_ROUTES.verifyAudit, async (c) => c.json(await verifyAuditLog(db)));

  on(STAFF_ROUTES.listUsers, async (c) => c.json({ items: await listStaffUsers(db, options.keys) }));

  on(STAFF_ROUTES.addUser, async (c) => {
    const body = await readJsonObject(c, '{ email, role }');
    const initialPassword = generateInitialPassword();
    const user = await createStaffUser(db, options.keys, { email: stringField(body, 'email'), role: parseRole(body.role), password: initialPassword, passwordCost: options.passwordCost }, actor(c));
    return c.json({ user, initialPassword }, 201);
  });

  on(STAFF_ROUTES.changeRole, async (c) => {
    const body = await readJsonObject(c, '{ role }');
    return c.json(await changeStaffRole(db, c.req.param('id')!, parseRole(body.role), actor(c)));
  });

  on(STAFF_ROUTES.resetTotp, async (c) => c.json(await resetStaffTotp(db, c.req.param('id')!, actor(c), options.now())));

  on(STAFF_ROUTES.listForms, async (c) => c.json({ items: await describeForms(db, { withKeys: c.get('staff').role === 'admin' }) }));

  on(STAFF_ROUTES.publishForm, async (c) => {
    const body = await readJsonObject(c, 'a form definition');
    const result = await publishForm(db, ctx.custody, body, actor(c));
    ctx.logger.info({ requestId: c.get('requestId'), formId: result.formId, version: result.version, status: result.status }, 'form published from the console');
    return c.json(result, result.status === 'unchanged' ? 200 : 201);
  });

  on(STAFF_ROUTES.rotateFormKey, async (c) => {
    const result = await rotateFormKey(db, ctx.custody, c.req.param('id')!, actor(c), options.now());
    ctx.logger.info({ requestId: c.get('requestId'), formId: result.formId, kid: result.kid }, 'form key rotated');
    return c.json(result, 201);
  });

  on(STAFF_ROUTES.setFormRetention, async (c) => {
    const body = await readJsonObject(c, '{ days } (a whole number of days, or null to keep submissions)');
    const days = body.days;
    if (days !== null && typeof days !== 'number') throw new HttpError(400, 'invalid_retention', 'The field "days" is missing; send a whole number of days, or null to keep submissions.');
    return c.json(await setFormRetention(db, c.req.param('id')!, days, actor(c), options.now()));
  });

  on(STAFF_ROUTES.listWorkflows, async (c) => c.json({ items: await listWorkflowSummaries(db) }));
  on(STAFF_ROUTES.listTemplates, async (c) => c.json({ items: await listTemplates(db) }));

  return app;
}
