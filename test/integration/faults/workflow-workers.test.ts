import { randomBytes, randomUUID } from 'node:crypto';
import { and, count, eq, like, ne } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveContactKeys } from '../../../collector/contacts/contact-crypto';
import { contacts, workflowEmails, workflowJobs, workflowRuns, workflowStepRuns } from '../../../collector/db/schema';
import { publishWorkflow } from '../../../collector/workflows/publish-workflow';
import { startRun } from '../../../collector/workflows/start-run';
import { createWorkflowEngine } from '../../../collector/workflows/workflow-engine';
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
  const engine = () => createWorkflowEngine({ db: database.db, masterKey: randomBytes(32), contactKeys: deriveContactKeys(randomBytes(32)), logger: pino({ level: 'silent' }) });

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
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
    const ids = Array.from({ length: CONTACTS }, () => randomUUID());
    await database.db.insert(contacts).values(ids.map((id) => ({ id, emailCiphertext: 'v1.unused', emailIndex: `${phase}-${id}` })));
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

  async function expectEachStepOnce(runIds: string[]) {
    const runs = await database.db.select().from(workflowRuns);
    const phase = runs.filter((run) => runIds.includes(run.id));
    expect(phase.filter((run) => run.status !== 'completed')).toEqual([]);

    const emails = await database.db.select({ runId: workflowEmails.runId, stepId: workflowEmails.stepId }).from(workflowEmails);
    const perRun = new Map<string, string[]>();
    for (const email of emails) perRun.set(email.runId, [...(perRun.get(email.runId) ?? []), email.stepId]);
    for (const runId of runIds) expect(perRun.get(runId)?.sort(), `emails of run ${runId}`).toEqual(['first', 'second']);

    const [stepRuns] = await database.db.select({ n: count() }).from(workflowStepRuns).where(ne(workflowStepRuns.status, 'completed'));
    expect(Number(stepRuns!.n)).toBe(0);
    const [jobs] = await database.db.select({ n: count() }).from(workflowJobs);
    expect(Number(jobs!.n)).toBe(0);
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
    let leased = 0;
    for (let tries = 0; tries < 400 && leased === 0; tries++) {
      const [row] = await database.db.select({ n: count() }).from(workflowJobs).where(and(like(workflowJobs.leaseOwner, `worker-${pid}-%`)));
      leased = Number(row!.n);
      if (leased === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    victim.process.kill('SIGKILL');
    await new Promise((resolve) => victim.process.once('exit', resolve));
    workers = workers.slice(1);
    expect(leased).toBeGreaterThan(0);

    await waitForRunsToEnd();
    await expectEachStepOnce(runIds);
    for (const worker of workers) expect(worker.output()).not.toContain('workflow job failed');
  });
});
