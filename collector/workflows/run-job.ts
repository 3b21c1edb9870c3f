import { and, eq } from 'drizzle-orm';
import { workflowStepRuns } from '../db/schema';
import { deliverWebhook } from './webhooks/deliver-webhook';
import { runEventJob } from './event-jobs';
import { executeStep } from './execute-step';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '../http/database-unavailable';
import { completeJob, giveJobBack, retryJobLater, type Job } from './job-queue';
import { advanceRun, endRun, finishStep, loadRun } from './run-state';
import type { Transaction } from './transaction';
import type { WorkflowEngine } from './workflow-engine';

/** Attempts before a job whose processing keeps throwing fails its run. */
export const MAX_JOB_ATTEMPTS = 5;

/**
 * Processes one claimed job. Errors are logged with ids and the job is
 * retried with backoff; after MAX_JOB_ATTEMPTS the run fails.
 */
export async function runJob(engine: WorkflowEngine, job: Job): Promise<void> {
  try {
    let completed = true;
    if (job.kind === 'deliver') await deliverWebhook(engine, job);
    else if (job.kind === 'engage' || job.kind === 'trigger') completed = await runEventJob(engine, job);
    else completed = await engine.db.transaction((tx) => runJobInTransaction(engine, tx, job));

    // A job whose lease expired may have been completed by another worker first; then this run changed nothing.
    const ids = { workerId: engine.workerId, jobId: job.id, runId: job.runId, stepId: job.stepId, kind: job.kind };
    engine.logger.debug(ids, completed ? 'workflow job ran' : 'workflow job skipped: another worker completed it after its lease expired');
  } catch (error) {
    await handleJobError(engine, job, error);
  }
}

/** Does a step job's work and deletes the job in one transaction; false when the lease was lost and nothing changed. */
async function runJobInTransaction(engine: WorkflowEngine, tx: Transaction, job: Job): Promise<boolean> {
  // Transactions that lock both a run and its jobs lock the run first, so they cannot deadlock on each other.
  const loaded = await loadRun(tx, job.runId);
  if (!(await completeJob(tx, engine, job))) return false;

  await applyJob(engine, tx, job, loaded);
  return true;
}

async function applyJob(engine: WorkflowEngine, tx: Transaction, job: Job, loaded: Awaited<ReturnType<typeof loadRun>>): Promise<void> {
  if (!loaded || loaded.run.status !== 'active') return;
  const { run, definition } = loaded;
  const now = engine.clock.now();
  const step = definition.steps.find((candidate) => candidate.id === job.stepId);
  if (!step) return endRun(tx, run.id, 'exited', 'step_deleted', now);

  if (job.kind === 'resume' || job.kind === 'timeout') {
    // The row's status is the arbiter between a time-out and an event that arrived at the same moment.
    const ended = await tx
      .update(workflowStepRuns)
      .set(job.kind === 'resume' ? { status: 'completed', outcome: 'elapsed', endedAt: now } : { status: 'timed_out', outcome: 'timeout', endedAt: now })
      .where(and(eq(workflowStepRuns.runId, run.id), eq(workflowStepRuns.stepId, step.id), eq(workflowStepRuns.status, 'waiting')))
      .returning({ stepId: workflowStepRuns.stepId });
    if (ended.length === 0) return;
    if (step.type === 'wait_for_event') return advanceRun(tx, run, step.onTimeout, now);
    if (step.type === 'wait') return advanceRun(tx, run, step.next, now);
    return endRun(tx, run.id, 'failed', 'not_a_wait_step', now, 'failed');
  }

  const entered = await tx
    .insert(workflowStepRuns)
    .values({ runId: run.id, workflowId: run.workflowId, version: run.version, stepId: step.id, contactId: run.contactId, entryNumber: run.entryNumber, status: 'entered', enteredAt: now })
    .onConflictDoNothing()
    .returning({ stepId: workflowStepRuns.stepId });
  if (entered.length === 0) return endRun(tx, run.id, 'completed', 'loop_stopped', now);

  const result = await executeStep(engine, tx, run, step);
  if (result.kind === 'later') return;
  await finishStep(tx, run.id, step.id, 'completed', result.outcome, now);
  await advanceRun(tx, run, result.next, now);
}

async function handleJobError(engine: WorkflowEngine, job: Job, error: unknown): Promise<void> {
  const ids = { jobId: job.id, runId: job.runId, stepId: job.stepId, kind: job.kind, attempt: job.attempts + 1 };
  // A database outage is not the job's fault, so it is not counted as an attempt. When the
  // database is still down, this update fails too, and the expiring lease gives the job back.
  if (isDatabaseUnavailable(error)) {
    engine.logger.warn({ ...ids, err: error }, 'workflow job stopped by a database outage; it runs again once its lease expires');
    await giveJobBack(engine, job, new Date(engine.clock.now().getTime() + DATABASE_RETRY_AFTER_SECONDS * 1000)).catch(() => undefined);
    return;
  }

  // An event job has no run to fail, and dropping it would lose an acknowledged event, so it is retried until it succeeds.
  const eventJob = job.kind === 'engage' || job.kind === 'trigger';
  if (eventJob || job.attempts + 1 < MAX_JOB_ATTEMPTS) {
    const level = job.attempts + 1 < MAX_JOB_ATTEMPTS ? 'warn' : 'error';
    engine.logger[level]({ ...ids, err: error }, 'workflow job failed; retrying');
    await retryJobLater(engine, job, new Date(engine.clock.now().getTime() + backoffMs(job.attempts)));
    return;
  }

  engine.logger.error({ ...ids, err: error }, 'workflow job failed too often; failing the run');
  await engine.db.transaction(async (tx) => {
    await loadRun(tx, job.runId);
    if (!(await completeJob(tx, engine, job))) return;
    await endRun(tx, job.runId, 'failed', 'step_error', engine.clock.now(), 'failed');
  });
}

/** 30 s, 1 min, 2 min, … doubling per attempt, at most one hour. */
export function backoffMs(attempt: number): number {
  return Math.min(30_000 * 2 ** attempt, 3_600_000);
}
