import { count, eq, inArray, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contacts, messages, workflowEmails, workflowRuns, workflowStepRuns } from '../../../collector/db/schema';
import { publishWorkflow } from '../../../collector/workflows/publish-workflow';
import { apiHeaders } from '../../support/email-fixtures';
import { freePort, startScript, type Child } from '../../support/processes';
import { createTestDatabase, drivers, type TestDatabase } from '../../support/test-databases';
import { contactAddress, insertContacts, publishSampleTemplates } from '../../support/workflow-contacts';

// EXACTLY_ONCE_CONTACTS changes how many contacts enter at once.
const CONTACTS = Number(process.env.EXACTLY_ONCE_CONTACTS ?? 1000);
const PROCESSES = 4;
const DEADLINE_MS = 180_000;
const MASTER_KEY = 'nT5m4Gx1yGJHnPjY1kQ0q0o9yCwq7cG3zW2oVtWl8aE';
const EVENT = 'exactly-once.start';
const WORKFLOW = {
  id: 'exactly-once-mail',
  version: 1,
  trigger: { type: 'api_event', name: EVENT },
  steps: [
    { id: 'welcome', type: 'send_email', template: 'welcome', next: 'pause' },
    { id: 'pause', type: 'wait', duration: 'PT1S', next: 'reminder' },
    { id: 'reminder', type: 'send_email', template: 'reminder', next: 'mark' },
    { id: 'mark', type: 'update_contact', set: { reminded: true }, next: null },
  ],
};
const PATH = ['welcome:completed:sent', 'pause:completed:elapsed', 'reminder:completed:sent', 'mark:completed:updated'];
// Subjects of the sample templates in English, the language of contacts without one.
const SUBJECTS = { welcome: 'Message welcome', reminder: 'Message reminder' };
// Every tenth contact's event is posted a second time, at the same moment, to another process.
const DUPLICATE_EVERY = 10;

/** One line the SMTP test server printed for an accepted message. */
interface Received {
  secure: boolean;
  size: number;
  to: string[];
  subject?: string;
  messageId?: string;
}

/** The responses to one contact's event: the first copy, and the second where one was posted. */
interface EventResponses {
  contactId: string;
  responses: { status: number; outcome?: { status: string; runId?: string } }[];
}

describe.runIf(drivers.includes('postgres'))('send steps run exactly once with four collector processes on PostgreSQL', () => {
  let database: TestDatabase;
  let smtp: Child;
  let collectors: (Child & { url: string })[] = [];
  let contactIds: string[];
  let events: EventResponses[];

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    await publishSampleTemplates(database.db, ['welcome', 'reminder']);
    await publishWorkflow(database.db, WORKFLOW, { actor: 'test', resolve: async () => [] });
    contactIds = await insertContacts(database.db, MASTER_KEY, CONTACTS);
    const headers = await apiHeaders(database.db);

    const smtpPort = await freePort();
    smtp = await startScript('test/support/smtp-test-server.ts', { SMTP_PORT: String(smtpPort) }, 'smtp test server ready');
    collectors = await Promise.all(Array.from({ length: PROCESSES }, () => startCollector(`smtp://127.0.0.1:${smtpPort}`)));
    const baseUrls = collectors.map((collector) => collector.url);

    const started = Date.now();
    events = await postEvents(baseUrls, headers);
    const posted = Date.now();
    await waitForAllMail();
    const finished = Date.now();

    // Mail accepted after every row reads 'sent' would be extra, so the checks wait two send-worker poll intervals (1 s each) first.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    report({ postMs: posted - started, totalMs: finished - started });
  }, DEADLINE_MS + 120_000);

  afterAll(async () => {
    await Promise.all(collectors.map((collector) => collector.stop()));
    await smtp?.stop();
    await database?.dispose();
  });

  async function startCollector(smtpUrl: string): Promise<Child & { url: string }> {
    const port = await freePort();
    // A short lease, so that a job whose lease ran out while its worker was busy is claimed by another and the guard against running it twice is exercised.
    const env = { DATABASE_URL: database.url, SEALPOST_MASTER_KEY: MASTER_KEY, PORT: String(port), LOG_LEVEL: 'debug', SMTP_URL: smtpUrl, SEALPOST_WORKFLOW_POLL_MS: '20', SEALPOST_WORKFLOW_LEASE_MS: '3000' };
    const child = await startScript('collector/main.ts', env, 'collector started', 90_000);
    return { ...child, url: `http://127.0.0.1:${port}` };
  }

  /** Posts every contact's event at once, spread over the processes, plus a second copy of some to the next process. */
  async function postEvents(baseUrls: string[], headers: Record<string, string>): Promise<EventResponses[]> {
    const post = async (baseUrl: string, contactId: string) => {
      const response = await fetch(`${baseUrl}/v1/events`, { method: 'POST', headers, body: JSON.stringify({ id: `exactly-once-${contactId}`, name: EVENT, contactId }) });
      const answer = (await response.json().catch(() => undefined)) as { started?: Record<string, { status: string; runId?: string }> } | undefined;
      return { status: response.status, outcome: answer?.started?.[WORKFLOW.id] };
    };

    return Promise.all(
      contactIds.map(async (contactId, n) => {
        const copies = [baseUrls[n % baseUrls.length]!];
        if (n % DUPLICATE_EVERY === 0) copies.push(baseUrls[(n + 1) % baseUrls.length]!);
        return { contactId, responses: await Promise.all(copies.map((baseUrl) => post(baseUrl, contactId))) };
      }),
    );
  }

  function received(): Received[] {
    return smtp
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{"received"'))
      .map((line) => (JSON.parse(line) as { received: Received }).received);
  }

  function linesOf(collector: Child, msg: string): string[] {
    return collector
      .output()
      .split('\n')
      .filter((line) => line.includes(`"msg":"${msg}"`) && line.endsWith('}'));
  }

  /**
   * Polls until no run is active, every message is sent and the SMTP server accepted two per contact.
   * The deadline only bounds a hang.
   */
  async function waitForAllMail() {
    const started = Date.now();
    for (;;) {
      const [active] = await database.db.select({ n: count() }).from(workflowRuns).where(eq(workflowRuns.status, 'active'));
      const [unsent] = await database.db.select({ n: count() }).from(messages).where(ne(messages.status, 'sent'));
      const [queued] = await database.db.select({ n: count() }).from(messages);
      const accepted = received().length;
      if (Number(active!.n) === 0 && Number(unsent!.n) === 0 && accepted >= CONTACTS * 2) return;

      if (Date.now() - started > DEADLINE_MS) {
        const state = `${active!.n} runs active, ${queued!.n} messages queued of which ${unsent!.n} not sent, ${accepted} accepted by the SMTP server`;
        const output = collectors.map((collector, i) => `collector ${i}:\n${collector.output().slice(-3000)}`).join('\n---\n');
        throw new Error(`Not all mail was delivered after ${DEADLINE_MS} ms: ${state}.\n${output}\n---\nsmtp server:\n${smtp.output().slice(-1000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  // The team reports these figures, so the suite prints them.
  function report(times: { postMs: number; totalMs: number }) {
    const perProcess = collectors.map((collector, i) => `collector ${i}: ${linesOf(collector, 'workflow job ran').length} jobs, ${linesOf(collector, 'message sent').length} messages sent`);
    console.log(`${CONTACTS} contacts, ${PROCESSES} processes: events posted in ${times.postMs} ms; all runs ended and ${received().length} messages received after ${times.totalMs} ms\n${perProcess.join('\n')}`);
  }

  it('events start one run per contact', () => {
    expect(events.flatMap((event) => event.responses).filter((response) => response.status !== 202)).toEqual([]);

    for (const event of events) {
      const started = event.responses.filter((response) => response.outcome?.status === 'started');
      const duplicates = event.responses.filter((response) => response.outcome?.status === 'duplicate');
      expect(started.length, `runs started for contact ${event.contactId}`).toBe(1);
      expect(duplicates.length).toBe(event.responses.length - 1);
      expect(new Set(event.responses.map((response) => response.outcome?.runId)).size).toBe(1);
    }
    expect(events.filter((event) => event.responses.length === 2).length).toBe(Math.ceil(CONTACTS / DUPLICATE_EVERY));
  });

  it('runs enter each step once', async () => {
    const runs = await database.db.select().from(workflowRuns);
    expect(runs.length).toBe(CONTACTS);
    expect(new Set(runs.map((run) => run.contactId)).size).toBe(CONTACTS);
    expect(runs.filter((run) => run.status !== 'completed' || run.endReason !== 'finished').map((run) => [run.id, run.status, run.endReason])).toEqual([]);

    const stepRuns = await database.db.select().from(workflowStepRuns).orderBy(workflowStepRuns.enteredAt);
    expect(stepRuns.length).toBe(CONTACTS * PATH.length);
    const pathOf = new Map<string, string[]>();
    for (const stepRun of stepRuns) pathOf.set(stepRun.runId, [...(pathOf.get(stepRun.runId) ?? []), `${stepRun.stepId}:${stepRun.status}:${stepRun.outcome}`]);
    for (const run of runs) expect(pathOf.get(run.id), `steps of run ${run.id}`).toEqual(PATH);

    const unmarked = await database.db.select({ id: contacts.id, attributes: contacts.attributes }).from(contacts).where(inArray(contacts.id, contactIds));
    expect(unmarked.filter((contact) => (contact.attributes as Record<string, unknown>).reminded !== true).map((contact) => contact.id)).toEqual([]);
  });

  it('messages sent once per send step', async () => {
    const rows = await database.db.select({ id: messages.id, status: messages.status, attempts: messages.attempts, stepId: workflowEmails.stepId }).from(messages).leftJoin(workflowEmails, eq(workflowEmails.messageId, messages.id));
    expect(rows.length).toBe(CONTACTS * 2);
    expect(rows.filter((row) => row.status !== 'sent' || row.attempts !== 1 || row.stepId === null)).toEqual([]);
    expect(rows.filter((row) => row.stepId === 'welcome').length).toBe(CONTACTS);
    expect(rows.filter((row) => row.stepId === 'reminder').length).toBe(CONTACTS);
  });

  it('SMTP server receives each email once', async () => {
    const mail = received();
    expect(mail.length).toBe(CONTACTS * 2);

    const perAddress = new Map<string, string[]>();
    for (const message of mail) {
      expect(message.to.length).toBe(1);
      perAddress.set(message.to[0]!, [...(perAddress.get(message.to[0]!) ?? []), message.subject ?? '(no subject)']);
    }
    expect(perAddress.size).toBe(CONTACTS);
    for (const contactId of contactIds) expect(perAddress.get(contactAddress(contactId))?.sort(), `mail of contact ${contactId}`).toEqual([SUBJECTS.reminder, SUBJECTS.welcome]);

    // Each accepted message is a distinct row, sent by the step that queued it, to that run's contact.
    expect(new Set(mail.map((message) => message.messageId)).size).toBe(mail.length);
    const emails = await database.db.select({ messageId: workflowEmails.messageId, stepId: workflowEmails.stepId, contactId: workflowEmails.contactId }).from(workflowEmails);
    const emailOf = new Map(emails.map((email) => [email.messageId, email]));
    for (const message of mail) {
      const email = emailOf.get(message.messageId ?? '');
      expect(email, `row of received message ${message.messageId}`).toBeDefined();
      expect([message.to[0], message.subject]).toEqual([contactAddress(email!.contactId), SUBJECTS[email!.stepId as keyof typeof SUBJECTS]]);
    }
  });

  it('work shared by all processes', () => {
    const jobIds = collectors.map((collector) => linesOf(collector, 'workflow job ran').map((line) => (JSON.parse(line) as { jobId: number }).jobId));
    const sent = collectors.map((collector) => linesOf(collector, 'message sent').length);
    expect(jobIds.every((ids) => ids.length > 0), `jobs per process: ${jobIds.map((ids) => ids.length).join(', ')}`).toBe(true);
    expect(sent.every((n) => n > 0), `messages sent per process: ${sent.join(', ')}`).toBe(true);
    expect(sent.reduce((sum, n) => sum + n, 0)).toBe(CONTACTS * 2);

    // Five jobs per contact: four step entries and the end of the wait. A job whose lease ran out may be
    // claimed by a second process, which then finds it done, so the check is on distinct ids.
    expect(new Set(jobIds.flat()).size).toBe(CONTACTS * 5);

    for (const collector of collectors) {
      expect(collector.output()).not.toContain('workflow job failed');
      expect(collector.output()).not.toContain('send attempt failed');
      expect(collector.output()).not.toContain('"msg":"request failed"');
    }
  });
});
