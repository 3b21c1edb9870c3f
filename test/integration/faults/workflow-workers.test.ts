import { randomBytes } from 'node:crypto';
import { count, eq, inArray, like, ne } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveContactKeys } from '../../../collector/contacts/contact-crypto';
import { contacts, workflowEmails, workflowJobs, workflowRuns, workflowStepRuns } from '../../../collector/db/schema';
import { publishWorkflow } from '../../../collector/workflows/publish-workflow';
import { startRun } from '../../../collector/workflows/start-run';
import { createWorkflowEngine } from '../../../collector/workflows/workflow-engine';
import { deriveEmailKeys } from '../../../collector/keys/email-keys';
import { insertContacts, publishSampleTemplates } from '../../support/workflow-contacts';
import { freePort, startScript, type Child } from '../../support/processes';
import { createTestDatabase, drivers, type TestDatabase } from '../../support/test-databases';

// WORKFLOW_CONTACTS changes how many contacts enter each phase at once.
const CONTACTS = Number(process.env.WORKFLOW_CONTACTS ?? 300);
const MASTER_KEY = 'nT5m4Gx1yGJHnPjY1kQ0q0o9yCwq7cG3zW2oVtWl8aE';
const WORKFLOW = {
  id: 'exactly-once',
  version: 1,
  trigger: { type: 'api_event', name: 'exactly-once.start' },
  steps: [
    { id: 'first', type: 'send_email', template: 'first', next: 'pause' },
    { id: 'pause', type: 'wait', duration: 'PT1S', next: 'second' },
    { id: 'second', type: 'send_email', template: 'second', next: 'tag' },
    { id: 'tag', type: 'add_to_segment', segment: 'done', next: null },
  ],
};

describe.runIf(drivers.includes('postgres'))('workflow workers in several processes on PostgreSQL', () => {
  let database: TestDatabase;
  let workers: Child[] = [];
  const engine = () => createWorkflowEngine({ db: database.db, masterKey: randomBytes(32), contactKeys: deriveContactKeys(randomBytes(32)), emailKeys: deriveEmailKeys(randomBytes(32)), publicOrigin: 'http://localhost', logger: pino({ level: 'silent' }) });

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    await publishSampleTemplates(database.db, ['first', 'second']);
    await publishWorkflow(database.db, WORKFLOW, { actor: 'test', resolve: async () => [] });
  });

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await database?.dispose();
  });

  async function startWorker(): Promise<Child> {
    const env = { DATABASE_URL: database.url, SEALPOST_MASTER_KEY: MASTER_KEY, PORT: String(await freePort()), LOG_LEVEL: 'debug', SEALPOST_WORKFLOW_POLL_MS: '20', SEALPOST_WORKFLOW_LEASE_MS: '3000' };
    const worker = await startScript('collector/main.ts', env, 'collector started');
    workers.push(worker);
    return worker;
  }

  /** Creates contacts and starts a run for each, all at once. */
  async function enter(phase: string): Promise<string[]> {
    const ids = await insertContacts(database.db, MASTER_KEY, CONTACTS);
    const starter = engine();
    const outcomes = await Promise.all(ids.map((contactId) => startRun(starter, { workflowId: WORKFLOW.id, contactId, triggerKey: `${phase}-${contactId}` })));
    expect(outcomes.every((outcome) => outcome.status === 'started')).toBe(true);
    return outcomes.map((outcome) => (outcome as { runId: string }).runId);
  }

  /** Polls until no run of the workflow is active; the deadline only bounds a hang. */
  async function waitForRunsToEnd(deadlineMs = 240_000) {
    const started = Date.now();
    for (;;) {
      const [active] = await database.db.select({ n: count() }).from(workflowRuns).where(eq(workflowRuns.status, 'active'));
      if (Number(active!.n) === 0) return;
      if (Date.now() - started > deadlineMs) throw new Error(`${active!.n} runs still active after ${deadlineMs} ms:\n${workers.map((worker) => worker.output().slice(-2000)).join('\n---\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /**
   * Checks that every run of the phase took the one path through the steps:
   * each step entered once and completed with its own outcome, and the run
   * finished normally. A step entered twice would end its run as
   * loop_stopped, so the end reason is checked too, not only the status.
   */
  async function expectEachStepOnce(runIds: string[]) {
    const phase = await database.db.select().from(workflowRuns).where(inArray(workflowRuns.id, runIds));
    expect(phase.length).toBe(runIds.length);
    expect(phase.filter((run) => run.status !== 'completed' || run.endReason !== 'finished').map((run) => [run.id, run.status, run.endReason])).toEqual([]);

    const stepRuns = await database.db.select().from(workflowStepRuns).where(inArray(workflowStepRuns.runId, runIds)).orderBy(workflowStepRuns.enteredAt);
    const pathOf = new Map<string, string[]>();
    for (const stepRun of stepRuns) pathOf.set(stepRun.runId, [...(pathOf.get(stepRun.runId) ?? []), `${stepRun.stepId}:${stepRun.status}:${stepRun.outcome}`]);
    for (const runId of runIds) expect(pathOf.get(runId), `steps of run ${runId}`).toEqual(['first:completed:sent', 'pause:completed:elapsed', 'second:completed:sent', 'tag:completed:added']);

    const emails = await database.db.select({ runId: workflowEmails.runId, stepId: workflowEmails.stepId }).from(workflowEmails).where(inArray(workflowEmails.runId, runIds));
    const perRun = new Map<string, string[]>();
    for (const email of emails) perRun.set(email.runId, [...(perRun.get(email.runId) ?? []), email.stepId]);
    for (const runId of runIds) expect(perRun.get(runId)?.sort(), `emails of run ${runId}`).toEqual(['first', 'second']);

    const tagged = await database.db.select({ segments: contacts.segments }).from(contacts).where(inArray(contacts.id, phase.map((run) => run.contactId)));
    expect(tagged.filter((contact) => contact.segments.join(',') !== 'done')).toEqual([]);

    const [unfinished] = await database.db.select({ n: count() }).from(workflowStepRuns).where(ne(workflowStepRuns.status, 'completed'));
    expect(Number(unfinished!.n)).toBe(0);
    const [jobs] = await database.db.select({ n: count() }).from(workflowJobs);
    expect(Number(jobs!.n)).toBe(0);
  }

  /** Job ids of every "workflow job ran" line a worker printed. */
  function jobsRanBy(worker: Child): Set<number> {
    const ran = worker.output().split('\n').filter((line) => line.includes('"msg":"workflow job ran"') && line.endsWith('}'));
    return new Set(ran.map((line) => (JSON.parse(line) as { jobId: number }).jobId));
  }

  it('three workers run each step once', async () => {
    await startWorker();
    await startWorker();
    await startWorker();
    const runIds = await enter('shared');
    await waitForRunsToEnd();

    await expectEachStepOnce(runIds);
    const ran = workers.map((worker) => (worker.output().match(/"msg":"workflow job ran"/g) ?? []).length);
    expect(ran.every((jobs) => jobs > 0), `jobs per worker: ${ran.join(', ')}`).toBe(true);
    // Five jobs per contact: four step entries and the end of the wait.
    expect(ran.reduce((sum, jobs) => sum + jobs, 0)).toBe(CONTACTS * 5);
    for (const worker of workers) expect(worker.output()).not.toContain('workflow job failed');
  });

  it('takes over leases of a killed worker', async () => {
    const runIds = await enter('killed');
    const victim = workers[0]!;
    const pid = victim.process.pid!;

    // Kill the victim while it holds leases: wait until it has leased jobs, then SIGKILL it.
    let leased: number[] = [];
    for (let tries = 0; tries < 400 && leased.length === 0; tries++) {
      const rows = await database.db.select({ id: workflowJobs.id }).from(workflowJobs).where(like(workflowJobs.leaseOwner, `worker-${pid}-%`));
      leased = rows.map((row) => row.id);
      if (leased.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    victim.process.kill('SIGKILL');
    await new Promise((resolve) => victim.process.once('exit', resolve));
    workers = workers.slice(1);
    expect(leased.length).toBeGreaterThan(0);

    // Jobs the victim still leased when it died and that were not completed before are taken over by the others.
    const orphaned = (await database.db.select({ id: workflowJobs.id }).from(workflowJobs).where(inArray(workflowJobs.id, leased))).map((row) => row.id);
    expect(orphaned.length).toBeGreaterThan(0);

    await waitForRunsToEnd();
    await expectEachStepOnce(runIds);
    const takenOver = new Set(workers.flatMap((worker) => [...jobsRanBy(worker)]));
    expect(orphaned.filter((id) => !takenOver.has(id))).toEqual([]);
    for (const worker of workers) expect(worker.output()).not.toContain('workflow job failed');
  });
});
