import { count, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertContacts, publishSampleTemplates } from '../../support/workflow-contacts';
import { contacts, workflowEmails, workflowJobs, workflowRuns, workflowStepRuns } from '../../../collector/db/schema';
import { openDatabase, type OpenDatabase } from '../../../collector/db/open-database';
import { publishWorkflow } from '../../../collector/workflows/publish-workflow';
import { privatePostgresMissing, startPrivatePostgres, type PrivatePostgres } from '../../support/private-postgres';
import { freePort, runCli, startScript, type Child } from '../../support/processes';

// FAULT_OUTAGE_SECONDS sets how long the server stays down; FAULT_CONTACTS how many contacts enter the workflow.
const OUTAGE_MS = Number(process.env.FAULT_OUTAGE_SECONDS ?? 30) * 1000;
const CONTACTS = Number(process.env.FAULT_CONTACTS ?? 300);
const CLIENTS = 10;
const MASTER_KEY = 'nT5m4Gx1yGJHnPjY1kQ0q0o9yCwq7cG3zW2oVtWl8aE';
const EVENT = 'outage.start';
const WORKFLOW = {
  id: 'outage',
  version: 1,
  trigger: { type: 'api_event', name: EVENT },
  steps: [
    { id: 'welcome', type: 'send_email', template: 'welcome', next: 'pause' },
    { id: 'pause', type: 'wait', duration: 'PT1S', next: 'mark' },
    { id: 'mark', type: 'update_contact', set: { welcomed: true }, next: 'reminder' },
    { id: 'reminder', type: 'send_email', template: 'reminder', next: null },
  ],
};
const PATH = ['welcome:completed:sent', 'pause:completed:elapsed', 'mark:completed:updated', 'reminder:completed:sent'];

/** One contact's event, posted until a collector acknowledged it. */
interface EventRecord {
  contactId: string;
  /** Run id of every 202 response. All must be equal. */
  runIds: string[];
  attempts: { status: number; retryAfter: string | null; code?: string }[];
}

describe.skipIf(privatePostgresMissing !== undefined)('PostgreSQL stopped while workflow jobs run', () => {
  let server: PrivatePostgres;
  let database: OpenDatabase;
  const workers: Child[] = [];
  let records: EventRecord[];
  let stoppedAt: Date;
  let restartedAt: Date;

  beforeAll(async () => {
    server = await startPrivatePostgres();
    database = await openDatabase({ databaseUrl: server.url });
    await publishSampleTemplates(database.db, ['welcome', 'reminder']);
    await publishWorkflow(database.db, WORKFLOW, { actor: 'test', resolve: async () => [] });
    const contactIds = await insertContacts(database.db, MASTER_KEY, CONTACTS);

    const env = { DATABASE_URL: server.url, SEALPOST_MASTER_KEY: MASTER_KEY, LOG_LEVEL: 'warn' };
    const created = await runCli(['apikeys', 'create', '--name', 'workflow-fault-test'], env);
    if (created.code !== 0) throw new Error(`apikeys create failed: ${created.stderr}`);
    const apiKey = created.stdout.trim().split('\n').at(-1)!.trim();

    // A short lease, so jobs a worker held when its connection dropped are taken again soon after recovery.
    const baseUrls: string[] = [];
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      baseUrls.push(`http://localhost:${port}`);
      workers.push(await startScript('collector/main.ts', { ...env, PORT: String(port), LOG_LEVEL: 'debug', SEALPOST_WORKFLOW_POLL_MS: '20', SEALPOST_WORKFLOW_LEASE_MS: '3000' }, 'collector started'));
    }

    const load = postEvents(baseUrls, apiKey, contactIds, Date.now() + OUTAGE_MS + 120_000);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    stoppedAt = new Date();
    await server.stop();
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    await server.start();
    restartedAt = new Date();
    records = await load;
    await waitForRunsToEnd(90_000);
    await waitForOutput('"msg":"workflow worker recovered"', 30_000);
  }, OUTAGE_MS + 270_000);

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await database?.close();
    await server?.dispose();
  });

  /**
   * Posts one api_event per contact from CLIENTS concurrent clients, a few
   * a second, retrying each with the same event id until a collector returns
   * 202, so events are posted before, during and after the outage.
   */
  async function postEvents(baseUrls: string[], apiKey: string, contactIds: string[], deadline: number): Promise<EventRecord[]> {
    const queue = [...contactIds];
    const posted: EventRecord[] = [];
    const client = async (n: number) => {
      for (let contactId = queue.shift(); contactId; contactId = queue.shift()) {
        const record: EventRecord = { contactId, runIds: [], attempts: [] };
        posted.push(record);
        const body = JSON.stringify({ id: `outage-${contactId}`, name: EVENT, contactId });
        for (let i = 0; record.runIds.length === 0 && Date.now() < deadline; i++) {
          const response = await fetch(`${baseUrls[(n + i) % baseUrls.length]}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body }).catch(() => undefined);
          const answer = (await response?.json().catch(() => undefined)) as { started?: Record<string, { runId?: string }>; error?: { code: string } } | undefined;
          record.attempts.push({ status: response?.status ?? 0, retryAfter: response?.headers.get('retry-after') ?? null, code: answer?.error?.code });
          if (response?.status === 202) record.runIds.push(answer!.started![WORKFLOW.id]!.runId!);
          else if (response && response.status < 500) break;
          // Sooner than Retry-After requests, to keep the test short.
          else await new Promise((resolve) => setTimeout(resolve, 250));
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(n)));
    return posted;
  }

  /**
   * Waits until every worker has logged `text`. The other process may finish
   * the last runs before this one's next pass, so recovery can come after.
   */
  async function waitForOutput(text: string, deadlineMs: number) {
    const started = Date.now();
    while (!workers.every((worker) => worker.output().includes(text))) {
      if (Date.now() - started > deadlineMs) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** Polls until no run of the workflow is active; the deadline only bounds a hang. */
  async function waitForRunsToEnd(deadlineMs: number) {
    const started = Date.now();
    for (;;) {
      const [active] = await database.db.select({ n: count() }).from(workflowRuns).where(eq(workflowRuns.status, 'active'));
      if (Number(active!.n) === 0) return;
      if (Date.now() - started > deadlineMs) throw new Error(`${active!.n} runs still active after waiting ${deadlineMs} ms:\n${workers.map((worker) => worker.output().slice(-3000)).join('\n---\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  it('answered events 503 with Retry-After while down, never 500', () => {
    const attempts = records.flatMap((record) => record.attempts);
    expect(attempts.filter((attempt) => attempt.status !== 202 && attempt.status !== 503)).toEqual([]);
    const unavailable = attempts.filter((attempt) => attempt.status === 503);
    expect(unavailable.length).toBeGreaterThan(0);
    for (const attempt of unavailable) expect(attempt).toMatchObject({ retryAfter: '5', code: 'database_unavailable' });
  });

  it('acknowledged every event after recovery, each with one run', async () => {
    expect(records.length).toBe(CONTACTS);
    expect(records.filter((record) => record.runIds.length !== 1)).toEqual([]);
    const runs = await database.db.select({ id: workflowRuns.id, contactId: workflowRuns.contactId }).from(workflowRuns);
    expect(runs.length).toBe(CONTACTS);
    const runOf = new Map(runs.map((run) => [run.contactId, run.id]));
    for (const record of records) expect(runOf.get(record.contactId), `run of contact ${record.contactId}`).toBe(record.runIds[0]);
  });

  it('ran every run to its end, entering each step once', async () => {
    const runs = await database.db.select().from(workflowRuns);
    expect(runs.filter((run) => run.status !== 'completed' || run.endReason !== 'finished').map((run) => [run.id, run.status, run.endReason])).toEqual([]);
    // Some runs were in flight when the server stopped and finished only after it came back.
    expect(runs.filter((run) => run.startedAt < stoppedAt && run.endedAt! > restartedAt).length).toBeGreaterThan(0);

    const stepRuns = await database.db.select().from(workflowStepRuns).orderBy(workflowStepRuns.enteredAt);
    const pathOf = new Map<string, string[]>();
    for (const stepRun of stepRuns) pathOf.set(stepRun.runId, [...(pathOf.get(stepRun.runId) ?? []), `${stepRun.stepId}:${stepRun.status}:${stepRun.outcome}`]);
    for (const run of runs) expect(pathOf.get(run.id), `steps of run ${run.id}`).toEqual(PATH);

    const [jobs] = await database.db.select({ n: count() }).from(workflowJobs);
    expect(Number(jobs!.n)).toBe(0);
  });

  it('queued one email per send step and updated every contact', async () => {
    const emails = await database.db.select({ runId: workflowEmails.runId, stepId: workflowEmails.stepId }).from(workflowEmails);
    const perRun = new Map<string, string[]>();
    for (const email of emails) perRun.set(email.runId, [...(perRun.get(email.runId) ?? []), email.stepId]);
    expect(perRun.size).toBe(CONTACTS);
    for (const [runId, steps] of perRun) expect(steps.sort(), `emails of run ${runId}`).toEqual(['reminder', 'welcome']);

    const updated = await database.db.select({ id: contacts.id, attributes: contacts.attributes }).from(contacts).where(inArray(contacts.id, records.map((record) => record.contactId)));
    expect(updated.filter((contact) => (contact.attributes as Record<string, unknown>).welcomed !== true).map((contact) => contact.id)).toEqual([]);
  });

  it('kept both worker processes up, and they logged the outage and their recovery', () => {
    for (const worker of workers) {
      expect(worker.process.exitCode).toBeNull();
      expect(worker.process.signalCode).toBeNull();
      const output = worker.output();
      expect(output).toContain('"msg":"workflow worker pass failed"');
      expect(output).toContain('"msg":"workflow worker recovered"');
      expect(output).not.toContain('workflow job failed too often');
      expect(output).not.toContain('"msg":"request failed"');
    }
  });
});
