import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { desc, eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../collector/api-keys/api-key-store';
import { createApp } from '../../collector/app';
import { decryptEmail, emailBlindIndex } from '../../collector/contacts/contact-crypto';
import { auditLog, contacts, messages, workflowEmails, workflowStepRuns } from '../../collector/db/schema';
import { systemClock } from '../../collector/clock';
import { deriveEmailKeys } from '../../collector/keys/email-keys';
import { KeyCustody } from '../../collector/keys/key-custody';
import { deriveStaffKeys } from '../../collector/keys/derive-key';
import { staffOptions } from '../../collector/staff/staff-options';
import { COLLECTOR_ORIGIN, MAX_SUBMISSION_BYTES } from '../support/test-collector';
import { DAY, createHarness, sampleTemplate } from '../support/workflow-harness';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';

const WORKFLOW = {
  id: 'api-flow',
  version: 1,
  trigger: { type: 'api_event', name: 'appointment.booked' },
  steps: [
    { id: 'confirm', type: 'send_email', template: 'confirm', next: 'wait-visit' },
    { id: 'wait-visit', type: 'wait_for_event', event: { type: 'api_event', name: 'appointment.attended' }, timeout: 'P1D', onEvent: 'thanks', onTimeout: null },
    { id: 'thanks', type: 'send_email', template: 'thanks', next: null },
  ],
};

describe.each(drivers)('workflow API on %s', (driver) => {
  let database: TestDatabase;
  let harness: ReturnType<typeof createHarness>;
  let app: ReturnType<typeof createApp>;
  let key: string;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    harness = createHarness(database);
    const masterKey = randomBytes(32);
    app = createApp({
      db: database.db,
      custody: new KeyCustody(database.db, masterKey),
      staff: staffOptions(deriveStaffKeys(masterKey)),
      emailKeys: deriveEmailKeys(masterKey),
      clock: systemClock,
      config: { publicOrigins: [COLLECTOR_ORIGIN], maxSubmissionBytes: MAX_SUBMISSION_BYTES },
      logger: pino({ level: 'silent' }),
      assetsDir: fileURLToPath(new URL('../../dist', import.meta.url)),
      workflowEngine: harness.engine,
    });
    key = (await createApiKey(database.db, 'test', 'test:setup')).key;
    for (const id of ['confirm', 'thanks', 'plan-changed']) expect((await call('POST', '/v1/templates', sampleTemplate(id))).status).toBe(201);
  });

  afterAll(async () => {
    await database?.dispose();
  });

  function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    return app.request(path, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  }

  it('rejects a missing API key', async () => {
    const response = await app.request('/v1/workflows');
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('missing_api_key');
  });

  it('rejects an unknown API key', async () => {
    const response = await call('GET', '/v1/workflows', undefined, { authorization: 'Bearer sp_live_unknown' });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
  });

  it('publishes and lists a workflow', async () => {
    const published = await call('POST', '/v1/workflows', WORKFLOW);
    expect(published.status).toBe(201);
    const list = (await (await call('GET', '/v1/workflows')).json()) as { workflows: { id: string; currentVersion: number }[] };
    expect(list.workflows.map(({ id, currentVersion }) => ({ id, currentVersion }))).toEqual([{ id: 'api-flow', currentVersion: 1 }]);

    const [audit] = await database.db.select().from(auditLog).where(eq(auditLog.action, 'workflow.publish'));
    expect(audit?.actor).toMatch(/^api-key:/);
  });

  it('lists and reads email templates', async () => {
    const list = (await (await call('GET', '/v1/templates')).json()) as { templates: { id: string; version: number }[] };
    expect(list.templates.map(({ id, version }) => ({ id, version }))).toEqual([
      { id: 'confirm', version: 1 },
      { id: 'plan-changed', version: 1 },
      { id: 'thanks', version: 1 },
    ]);

    const read = (await (await call('GET', '/v1/templates/confirm')).json()) as { version: number; template: { subject: { es: string } } };
    expect(read.version).toBe(1);
    expect(read.template.subject.es).toBe('Mensaje confirm');
  });

  it('answers 404 for an unknown template', async () => {
    const response = await call('GET', '/v1/templates/missing');
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('template_not_found');
  });

  it('answers 422 naming the template field', async () => {
    const response = await call('POST', '/v1/templates', { ...sampleTemplate('broken'), text: { en: 'Hello' } });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: { code: string; message: string; errors: { path: string }[] } };
    expect(body.error.code).toBe('invalid_template');
    expect(body.error.errors.map((error) => error.path)).toEqual(['text.es']);
    expect((await call('GET', '/v1/templates/broken')).status).toBe(404);
  });

  it('answers 422 naming the step', async () => {
    const response = await call('POST', '/v1/workflows', { ...WORKFLOW, version: 2, steps: [{ ...WORKFLOW.steps[0], next: 'missing' }] });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_workflow');
    expect(body.error.message).toContain('steps[0] "confirm": send_email.next names step "missing"');
  });

  it('stores the contact email encrypted', async () => {
    const response = await call('POST', '/v1/contacts', { email: ' Ana.Garcia@Example.org ', attributes: { plan: 'basic' }, timeZone: 'America/Chicago' });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };

    const [row] = await database.db.select().from(contacts).where(eq(contacts.id, id));
    expect(row!.emailCiphertext).not.toContain('ana');
    expect(decryptEmail(harness.engine.contactKeys, id, row!.emailCiphertext)).toBe('ana.garcia@example.org');
    expect(row!.emailIndex).toBe(emailBlindIndex(harness.engine.contactKeys, 'ANA.GARCIA@example.org'));
    expect(() => decryptEmail(harness.engine.contactKeys, 'another-id', row!.emailCiphertext)).toThrow();
  });

  it('finds the contact again by email', async () => {
    const again = await call('POST', '/v1/contacts', { email: 'ana.garcia@example.org', attributes: { visits: 2 } });
    expect(again.status).toBe(200);
    const { id } = (await again.json()) as { id: string };
    const contact = (await (await call('GET', `/v1/contacts/${id}`)).json()) as { attributes: Record<string, unknown>; timeZone: string };
    expect(contact.attributes).toEqual({ plan: 'basic', visits: 2 });
    expect(contact.timeZone).toBe('America/Chicago');
    expect(JSON.stringify(contact)).not.toContain('ana');
  });

  it('rejects an invalid time zone', async () => {
    const response = await call('POST', '/v1/contacts', { email: 'tz@example.org', timeZone: 'Mars/Olympus' });
    expect(response.status).toBe(422);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe('timeZone "Mars/Olympus" is not an IANA time zone; send one such as America/Chicago.');
  });

  it('events start and resume runs once', async () => {
    const { id: contactId } = (await (await call('POST', '/v1/contacts', { email: 'events@example.org' })).json()) as { id: string };
    const booked = { id: 'evt-booked-0001', name: 'appointment.booked', contactId, data: { room: 4 } };

    const first = await call('POST', '/v1/events', booked);
    const retry = await call('POST', '/v1/events', booked);
    expect(first.status).toBe(202);
    expect(((await first.json()) as { started: Record<string, { status: string }> }).started['api-flow']?.status).toBe('started');
    expect(((await retry.json()) as { started: Record<string, { status: string }> }).started['api-flow']?.status).toBe('duplicate');

    await harness.drain();
    const attended = await call('POST', '/v1/events', { id: 'evt-attended-01', name: 'appointment.attended', contactId });
    expect(((await attended.json()) as { resumedWaits: number }).resumedWaits).toBe(1);
    await harness.drain();

    const steps = await database.db.select({ stepId: workflowStepRuns.stepId, status: workflowStepRuns.status }).from(workflowStepRuns).where(eq(workflowStepRuns.contactId, contactId));
    expect(steps.sort((a, b) => a.stepId.localeCompare(b.stepId))).toEqual([
      { stepId: 'confirm', status: 'completed' },
      { stepId: 'thanks', status: 'completed' },
      { stepId: 'wait-visit', status: 'completed' },
    ]);
  });

  it('rejects an event without an id', async () => {
    const response = await call('POST', '/v1/events', { name: 'appointment.booked', contactId: 'x' });
    expect(response.status).toBe(422);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_event');
  });

  it('reports steps per local day', async () => {
    // Two contacts enter at 23:30 UTC: that is the same day in UTC and the next day in Berlin.
    await harness.advance(DAY - (harness.clock.now().getTime() % DAY) + DAY - 30 * 60_000);
    const day = harness.clock.now().toISOString().slice(0, 10);
    for (const n of [1, 2]) {
      const { id: contactId } = (await (await call('POST', '/v1/contacts', { email: `report-${n}@example.org` })).json()) as { id: string };
      expect((await call('POST', '/v1/events', { id: `evt-report-${n}`, name: 'appointment.booked', contactId })).status).toBe(202);
    }
    await harness.drain();
    await harness.advance(2 * DAY);
    // One of the two confirmations is delivered, as the send worker would mark it.
    const [delivered] = await database.db.select({ id: workflowEmails.messageId }).from(workflowEmails).where(eq(workflowEmails.stepId, 'confirm')).orderBy(desc(workflowEmails.queuedAt)).limit(1);
    await database.db.update(messages).set({ status: 'sent' }).where(eq(messages.id, delivered!.id));

    const utc = (await (await call('GET', '/v1/reports/workflows/api-flow?tz=UTC')).json()) as { rows: Record<string, unknown>[] };
    const berlin = (await (await call('GET', '/v1/reports/workflows/api-flow?tz=Europe/Berlin')).json()) as { rows: Record<string, unknown>[] };
    expect(utc.rows.find((row) => row.day === day && row.stepId === 'confirm')).toMatchObject({ entered: 2, completed: 2, emailsQueued: 2, emailsSent: 1, emailsFailed: 0 });
    expect(utc.rows.find((row) => row.day === day && row.stepId === 'wait-visit')).toMatchObject({ entered: 2, timedOut: 2, waiting: 0 });
    expect(berlin.rows.find((row) => row.day === day && row.stepId === 'confirm')).toBeUndefined();
    expect(berlin.rows.find((row) => String(row.day) > day && row.stepId === 'confirm')).toMatchObject({ entered: 2, emailsQueued: 2, emailsSent: 1 });
  });

  it('answers 404 for the report of an unknown workflow', async () => {
    const response = await call('GET', '/v1/reports/workflows/never-published');
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('workflow_not_found');
  });

  it('rejects an unknown report time zone', async () => {
    const response = await call('GET', '/v1/reports/workflows/api-flow?tz=Nowhere/City');
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('invalid_tz');
    expect(error.message).toContain('tz "Nowhere/City" is not an IANA time zone');
  });

  it('rejects a Java zone id as report time zone', async () => {
    const response = await call('GET', '/v1/reports/workflows/api-flow?tz=JST');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_tz');
  });

  it('echoes the report time zone as IANA spells it', async () => {
    for (const [sent, echoed] of [['america/chicago', 'America/Chicago'], ['ASIA/KOLKATA', 'Asia/Kolkata'], ['utc', 'UTC']] as const) {
      const response = await call('GET', `/v1/reports/workflows/api-flow?tz=${sent}`);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { timeZone: string }).timeZone).toBe(echoed);
    }
  });

  it('rejects a repeated report time zone', async () => {
    const response = await call('GET', '/v1/reports/workflows/api-flow?tz=UTC&tz=Europe/Berlin');
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('repeated_tz');
    expect(error.message).toContain('The parameter "tz" appears 2 times; send it once.');
  });

  it('contact update fires its trigger once', async () => {
    await call('POST', '/v1/workflows', { id: 'plan-changed', version: 1, trigger: { type: 'contact_updated', attribute: 'plan' }, steps: [{ id: 'notice', type: 'send_email', template: 'plan-changed', next: null }] });
    const { id } = (await (await call('POST', '/v1/contacts', { email: 'plan@example.org' })).json()) as { id: string };

    await call('PATCH', `/v1/contacts/${id}`, { attributes: { visits: 1 } }, { 'idempotency-key': 'change-0001' });
    await call('PATCH', `/v1/contacts/${id}`, { attributes: { plan: 'gold' } }, { 'idempotency-key': 'change-0002' });
    await call('PATCH', `/v1/contacts/${id}`, { attributes: { plan: 'gold' } }, { 'idempotency-key': 'change-0002' });
    await harness.drain();

    const runs = await database.db.query.workflowRuns.findMany({ where: (run, { eq }) => eq(run.workflowId, 'plan-changed') });
    expect(runs.map((run) => run.triggerKey)).toEqual([`contact:${id}:change-0002`]);
    expect(await harness.emails(runs[0]!.id)).toHaveLength(1);
  });

  it('deletes a workflow over the API', async () => {
    const response = await call('DELETE', '/v1/workflows/api-flow');
    expect(response.status).toBe(200);
    expect((await call('GET', '/v1/workflows/api-flow')).status).toBe(404);
  });
});
