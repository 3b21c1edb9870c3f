import { randomBytes, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { deriveContactKeys } from '../../collector/contacts/contact-crypto';
import { upsertContact } from '../../collector/contacts/contact-store';
import { contacts, messages, workflowEmails, workflowRuns, workflowStepRuns } from '../../collector/db/schema';
import { deriveEmailKeys } from '../../collector/keys/email-keys';
import { KeyCustody } from '../../collector/keys/key-custody';
import { findFormVersion } from '../../collector/forms/form-store';
import { publishForm } from '../../collector/forms/publish-form';
import type { FormDefinition } from '../../sdk/form-definition';
import { readFileSync } from 'node:fs';
import type { EmailTemplate } from '../../collector/templates/email-template';
import { findTemplate, publishTemplate } from '../../collector/templates/template-store';
import { ManualClock } from '../../collector/workflows/clock';
import { publishWorkflow } from '../../collector/workflows/publish-workflow';
import type { WebhookHttpClient } from '../../collector/workflows/webhooks/https-client';
import type { Resolver } from '../../collector/workflows/webhooks/url-guard';
import { createWorkflowEngine, type WorkflowEngine } from '../../collector/workflows/workflow-engine';
import { runDueJobs } from '../../collector/workflows/worker';
import type { TestDatabase } from './test-databases';

/** One webhook request the fake HTTPS client received. */
export interface RecordedRequest {
  url: string;
  address: string;
  headers: Record<string, string>;
  body: string;
}

/** Fake DNS: names map to addresses; an unknown name fails like getaddrinfo's ENOTFOUND. */
export function fakeResolver(table: Record<string, string[]>): Resolver {
  return async (hostname) => {
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses;
  };
}

/** A workflow engine on a test database with a manual clock, fake DNS and a recording HTTPS client. */
export function createHarness(database: TestDatabase) {
  const clock = new ManualClock();
  const masterKey = randomBytes(32);
  const requests: RecordedRequest[] = [];
  const dns: Record<string, string[]> = { 'hooks.riverside-clinic.example': ['203.0.113.10'], 'hooks.clinic.test': ['203.0.113.20'] };
  let respond: (request: RecordedRequest) => { status: number; location?: string } = () => ({ status: 204 });

  const httpClient: WebhookHttpClient = async (url, address, headers, body) => {
    const request = { url: url.toString(), address, headers, body };
    requests.push(request);
    return respond(request);
  };
  const emailKeys = deriveEmailKeys(masterKey);
  const engine: WorkflowEngine = createWorkflowEngine({
    db: database.db,
    masterKey,
    contactKeys: deriveContactKeys(masterKey),
    emailKeys,
    publicOrigin: 'https://collector.test',
    logger: pino({ level: 'silent' }),
    clock,
    resolve: fakeResolver(dns),
    httpClient,
    workerId: 'test-worker',
  });

  // Publication checks that the forms and templates a workflow names exist, so those that no test
  // published are published first: the demo intake form under the trigger's form id, and a sample template.
  const custody = new KeyCustody(database.db, masterKey);
  const publishReferences = async (definition: unknown) => {
    const trigger = (definition as { trigger?: { type?: string; formId?: unknown } }).trigger;
    const formId = trigger?.type === 'form_submitted' && typeof trigger.formId === 'string' && /^[a-z0-9][a-z0-9-]*$/.test(trigger.formId) ? trigger.formId : undefined;
    if (formId && !(await findFormVersion(database.db, formId))) {
      await publishForm(database.db, custody, { ...demoIntakeForm(), id: formId }, 'test:setup');
    }

    const steps = (definition as { steps?: { type?: string; template?: unknown }[] }).steps ?? [];
    for (const step of steps) {
      const template = step.type === 'send_email' && typeof step.template === 'string' && /^[a-z0-9][a-z0-9-]*$/.test(step.template) ? step.template : undefined;
      if (template && !(await findTemplate(database.db, template))) {
        await publishTemplate(database.db, sampleTemplate(template), { actor: 'test', now: clock.now() });
      }
    }
  };

  return {
    engine,
    emailKeys,
    clock,
    dns,
    requests,
    /** Sets how the fake HTTPS server answers. */
    respondWith(handler: typeof respond) {
      respond = handler;
    },
    async publish(definition: unknown) {
      await publishReferences(definition);
      return publishWorkflow(database.db, definition, { actor: 'test', resolve: engine.resolve, now: clock.now() });
    },
    /** Creates a contact with a fresh email and returns its id. */
    async contact(fields: { attributes?: Record<string, string | number | boolean | null>; segments?: string[]; timeZone?: string } = {}) {
      return (await upsertContact(database.db, engine.contactKeys, { email: `patient-${randomUUID()}@example.org`, ...fields }, clock.now())).id;
    },
    /** Runs every due job, as a worker would. */
    drain: () => runDueJobs(engine),
    /** Moves time forward, then runs what became due. */
    async advance(ms: number) {
      clock.advance(ms);
      return runDueJobs(engine);
    },
    async steps(runId: string) {
      const rows = await database.db.select().from(workflowStepRuns).where(eq(workflowStepRuns.runId, runId));
      return Object.fromEntries(rows.map((row) => [row.stepId, row.status]));
    },
    async run(runId: string) {
      const [row] = await database.db.select().from(workflowRuns).where(eq(workflowRuns.id, runId));
      return row!;
    },
    async emails(runId: string) {
      return database.db.select().from(workflowEmails).where(eq(workflowEmails.runId, runId));
    },
    /** The queued messages of a run's send steps, from the email engine's own table. */
    async messages(runId: string) {
      return database.db.select({ message: messages, stepId: workflowEmails.stepId }).from(workflowEmails).innerJoin(messages, eq(messages.id, workflowEmails.messageId)).where(eq(workflowEmails.runId, runId));
    },
    async segments(contactId: string) {
      const [row] = await database.db.select({ segments: contacts.segments }).from(contacts).where(eq(contacts.id, contactId));
      return row!.segments;
    },
  };
}

/** Milliseconds in a day. */
export const DAY = 86_400_000;

/** A bilingual template with no placeholders, for workflows whose tests look at steps rather than wording. */
export function sampleTemplate(id: string): EmailTemplate {
  return {
    id,
    from: 'care@clinic.test',
    subject: { en: `Message ${id}`, es: `Mensaje ${id}` },
    text: { en: 'Please see https://clinic.test/next', es: 'Consulte https://clinic.test/next' },
    html: { en: '<p>Please see <a href="https://clinic.test/next">the next step</a>.</p>', es: '<p>Consulte <a href="https://clinic.test/next">el siguiente paso</a>.</p>' },
  };
}

/** The demo's intake form, which test workflows with a form trigger are published against. */
export function demoIntakeForm(): FormDefinition {
  return JSON.parse(readFileSync(new URL('../../demo/forms/new-patient-intake.json', import.meta.url), 'utf8')) as FormDefinition;
}
