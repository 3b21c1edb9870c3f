import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptField } from '../../collector/keys/field-encryption';
import { emailTemplates, messages, trackingEvents, workflowJobs } from '../../collector/db/schema';
import { fieldContext } from '../../collector/email/prepare-message';
import { publishTemplate } from '../../collector/templates/template-store';
import { ENGAGE_CLICK_DELAY_MS, writeTrackingEvents } from '../../collector/tracking/write-events';
import { receiveApiEvent } from '../../collector/workflows/receive-event';
import { databaseFingerprint } from '../support/table-counts';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';
import { DAY, createHarness } from '../support/workflow-harness';

const demoTemplate = (name: string) => JSON.parse(readFileSync(fileURLToPath(new URL(`../../demo/templates/${name}.json`, import.meta.url)), 'utf8'));

const GREETING = {
  id: 'greeting',
  from: 'care@clinic.test',
  subject: { en: 'Hello from {{clinicName}}', es: 'Saludos de {{clinicName}}' },
  text: { en: 'See you at {{contact.clinic}}.', es: 'Nos vemos en {{contact.clinic}}.' },
  html: { en: '<p>See you at {{contact.clinic}}. <a href="https://clinic.test/map?x=1&amp;y=2">Map</a></p>', es: '<p>Nos vemos en {{contact.clinic}}. <a href="https://clinic.test/es/mapa">Mapa</a></p>' },
};

const WORKFLOW = {
  id: 'greet-and-wait',
  version: 1,
  trigger: { type: 'api_event', name: 'greet' },
  steps: [
    { id: 'greet', type: 'send_email', template: 'greeting', variables: { clinicName: 'North <Clinic>' }, next: 'wait-open' },
    { id: 'wait-open', type: 'wait_for_event', event: { type: 'email_opened', stepId: 'greet' }, timeout: 'P3D', onEvent: 'opened', onTimeout: null },
    { id: 'opened', type: 'add_to_segment', segment: 'opened-greeting', next: null },
  ],
};

describe.each(drivers)('workflow emails on %s', (driver) => {
  let database: TestDatabase;
  let harness: ReturnType<typeof createHarness>;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    harness = createHarness(database);
    await publishTemplate(database.db, GREETING, { actor: 'test' });
    await harness.publish(WORKFLOW);
  });

  afterAll(async () => {
    await database?.dispose();
  });

  async function greet(attributes: Record<string, string>) {
    const contactId = await harness.contact({ attributes });
    const outcome = await receiveApiEvent(harness.engine, { name: 'greet', contactId, eventId: `greet-${contactId}` });
    const runId = (outcome.started[WORKFLOW.id] as { runId: string }).runId;
    await harness.drain();
    const [queued] = await harness.messages(runId);
    return { contactId, runId, message: queued!.message };
  }

  function body(message: typeof messages.$inferSelect) {
    return JSON.parse(decryptField(harness.emailKeys.messageEncryption, fieldContext('body', message.id), message.bodyEncrypted)) as { html?: string; text?: string };
  }

  it('publishes the demo templates, each language checked', async () => {
    for (const name of ['intake-welcome', 'intake-reminder']) {
      const result = await publishTemplate(database.db, demoTemplate(name), { actor: 'test' });
      expect(['created', 'new_version']).toContain(result.status);
    }
  });

  it('queues a real message in the contact language, with the recipient encrypted and links tracked', async () => {
    const { contactId, message } = await greet({ language: 'es-MX', clinic: 'Sala 4' });

    expect(message.status).toBe('queued');
    expect(message.apiKeyId).toBeNull();
    expect(message.subject).toBe('Saludos de North <Clinic>');
    expect(message.campaign).toBe('greet-and-wait');
    expect(message.customFields).toEqual({ workflow: 'greet-and-wait', step: 'greet', template: 'greeting', language: 'es' });
    expect(message.recipientDomain).toBe('example.org');
    expect(message.recipientEncrypted).not.toContain('patient-');
    expect(decryptField(harness.emailKeys.messageEncryption, fieldContext('recipient', message.id), message.recipientEncrypted)).toMatch(/^patient-.+@example\.org$/);

    const { html, text } = body(message);
    expect(text).toBe('Nos vemos en Sala 4.');
    expect(html).toContain('Nos vemos en Sala 4.');
    expect(html).toMatch(/href="https:\/\/collector\.test\/t\/c\/[A-Za-z0-9_-]+"/);
    expect(html).toMatch(/src="https:\/\/collector\.test\/t\/o\/[A-Za-z0-9_-]+"/);
    expect(html).not.toContain('clinic.test/es/mapa');
    expect(await harness.segments(contactId)).toEqual([]);
  });

  it('escapes variable values in the HTML only', async () => {
    const { message } = await greet({ clinic: '<b>North</b>' });
    expect(message.subject).toBe('Hello from North <Clinic>');
    const { html, text } = body(message);
    expect(html).toContain('See you at &#60;b&#62;North&#60;/b&#62;.');
    expect(text).toBe('See you at <b>North</b>.');
  });

  it('a human open advances the run through an engage job; a machine open does not', async () => {
    const human = await greet({ clinic: 'North' });
    const machine = await greet({ clinic: 'North' });
    const now = harness.clock.now();

    await writeTrackingEvents(database.db, [
      { messageId: human.message.id, kind: 'open', linkNumber: 0, occurredAt: now, machineReason: undefined },
      { messageId: machine.message.id, kind: 'open', linkNumber: 0, occurredAt: now, machineReason: 'scanner_user_agent' },
    ]);
    const jobs = await database.db.select().from(workflowJobs).where(eq(workflowJobs.kind, 'engage'));
    expect(jobs.map((job) => job.runId)).toEqual([human.message.id]);

    await harness.drain();
    expect((await harness.steps(human.runId))['wait-open']).toBe('completed');
    expect(await harness.segments(human.contactId)).toEqual(['opened-greeting']);
    expect((await harness.steps(machine.runId))['wait-open']).toBe('waiting');

    // A second open of the same email queues nothing: the first is recorded.
    await writeTrackingEvents(database.db, [{ messageId: human.message.id, kind: 'open', linkNumber: 0, occurredAt: now, machineReason: undefined }]);
    expect(await database.db.select().from(workflowJobs).where(eq(workflowJobs.kind, 'engage'))).toEqual([]);

    await harness.advance(3 * DAY + 1000);
    expect((await harness.steps(machine.runId))['wait-open']).toBe('timed_out');
  });

  it('delays and checks click engagement', async () => {
    const human = await greet({ clinic: 'North' });
    const scanned = await greet({ clinic: 'North' });
    const now = harness.clock.now();
    await writeTrackingEvents(database.db, [
      { messageId: human.message.id, kind: 'click', linkNumber: 1, occurredAt: now, machineReason: undefined },
      { messageId: scanned.message.id, kind: 'click', linkNumber: 1, occurredAt: now, machineReason: undefined },
    ]);

    // Before the window ends a later click may still make either a scanner's, so nothing runs yet.
    await harness.drain();
    expect(await database.db.select().from(workflowJobs).where(eq(workflowJobs.kind, 'engage'))).toHaveLength(2);

    // The every-link rule reclassifies one of them, as a burst on a message with more links would.
    await database.db.update(trackingEvents).set({ machineReason: 'all_links_at_once', isUnique: false }).where(eq(trackingEvents.messageId, scanned.message.id));
    await harness.advance(ENGAGE_CLICK_DELAY_MS);

    expect(await database.db.select().from(workflowJobs).where(eq(workflowJobs.kind, 'engage'))).toEqual([]);
    expect((await harness.emails(human.runId))[0]!.clickedAt).not.toBeNull();
    expect((await harness.emails(scanned.runId))[0]!.clickedAt).toBeNull();
  });

  it('a template value the contact lacks fails the step and queues nothing', async () => {
    const contactId = await harness.contact({ attributes: {} });
    const outcome = await receiveApiEvent(harness.engine, { name: 'greet', contactId, eventId: `greet-${contactId}` });
    const runId = (outcome.started[WORKFLOW.id] as { runId: string }).runId;
    for (let attempt = 0; attempt < 6; attempt++) await harness.advance(DAY);

    expect((await harness.run(runId)).status).toBe('failed');
    expect(await harness.messages(runId)).toEqual([]);
  });

  it('a contact attribute cannot add a mail header through the subject', async () => {
    await publishTemplate(database.db, { ...GREETING, id: 'greeting', subject: { en: 'Visit at {{contact.clinic}}', es: 'Visita en {{contact.clinic}}' } }, { actor: 'test' });
    const contactId = await harness.contact({ attributes: { clinic: 'North\r\nBcc: list@attacker.test' } });
    const outcome = await receiveApiEvent(harness.engine, { name: 'greet', contactId, eventId: `greet-${contactId}` });
    const runId = (outcome.started[WORKFLOW.id] as { runId: string }).runId;
    for (let attempt = 0; attempt < 6; attempt++) await harness.advance(DAY);

    expect((await harness.run(runId)).status).toBe('failed');
    expect(await harness.messages(runId)).toEqual([]);
    await publishTemplate(database.db, GREETING, { actor: 'test' });
  });

  it('rejects an invalid template, naming each problem, and stores nothing', async () => {
    const before = await databaseFingerprint(database.db);
    const invalid = {
      ...GREETING,
      id: 'Bad Id',
      subject: { en: 'Line\nbreak', es: '' },
      html: { en: '<a href="javascript:alert(1)">x</a>', es: '{{ broken }' },
      extra: true,
    };
    await expect(publishTemplate(database.db, invalid, { actor: 'test' })).rejects.toMatchObject({ status: 422, code: 'invalid_template' });
    const error = await publishTemplate(database.db, invalid, { actor: 'test' }).catch((caught: Error) => caught.message);
    for (const path of ['extra:', 'id:', 'subject.es:', 'html.es:']) expect(error).toContain(path);

    const unsafe = { ...GREETING, id: 'unsafe', html: { en: '<a href="javascript:alert(1)">x</a>', es: '<a href="//evil.test/">x</a>' }, subject: { en: 'A\r\nBcc: x@evil.test', es: 'B' } };
    const second = await publishTemplate(database.db, unsafe, { actor: 'test' }).catch((caught: Error) => caught.message);
    expect(second).toContain('html.en: link 1 has a javascript: destination');
    expect(second).toContain('html.es: link 1 is protocol-relative');
    expect(second).toContain('subject.en: contains a line break');
    expect(await databaseFingerprint(database.db)).toEqual(before);
  });

  it('names an invalid sender once, beside the other problems', async () => {
    const rejected = publishTemplate(database.db, { ...GREETING, id: 'bad sender', from: 'not-an-email', subject: 'Plain' }, { actor: 'test' });
    const errors = await rejected.then(() => [], (caught: { extra: { errors: { path: string }[] } }) => caught.extra.errors);
    expect(errors.map((problem) => problem.path)).toEqual(['id', 'from', 'subject']);
  });

  it('stores a new version only when the content changes', async () => {
    const again = await publishTemplate(database.db, GREETING, { actor: 'test' });
    expect(again.status).toBe('unchanged');
    const changed = await publishTemplate(database.db, { ...GREETING, subject: { en: 'Hi from {{clinicName}}', es: 'Hola de {{clinicName}}' } }, { actor: 'test' });
    expect(changed).toMatchObject({ status: 'new_version', version: again.version + 1 });
    const versions = await database.db.select().from(emailTemplates).where(eq(emailTemplates.id, 'greeting'));
    expect(versions).toHaveLength(again.version + 1);
  });
});
