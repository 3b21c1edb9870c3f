import { and, asc, eq, inArray, isNull, lte, lt, or } from 'drizzle-orm';
import { workflowJobs } from '../db/schema';
import type { Transaction } from './transaction';
import type { WorkflowEngine } from './workflow-engine';

/** A claimed row of workflow_jobs. */
export type Job = typeof workflowJobs.$inferSelect;

/**
 * Job kinds: enter a step, end a wait, time out a wait for an event, attempt
 * a webhook delivery, or carry an email engagement or a form submission into
 * the engine (see event-jobs.ts).
 */
export type JobKind = 'enter' | 'resume' | 'timeout' | 'deliver' | 'engage' | 'trigger';

/** Adds a job unless the same (run, step, kind) is already queued. */
export async function scheduleJob(tx: Transaction, job: { runId: string; stepId: string; kind: JobKind; dueAt: Date; payload?: Record<string, string> }): Promise<void> {
  await tx.insert(workflowJobs).values(job).onConflictDoNothing();
}

/**
 * Leases up to `limit` due jobs to this worker. SKIP LOCKED lets workers
 * claim side by side without waiting on each other's rows. A job whose lease
 * expired belongs to a worker that died or stalled, so it is claimed again.
 */
export async function claimJobs(engine: WorkflowEngine, limit: number): Promise<Job[]> {
  const now = engine.clock.now();
  return engine.db.transaction(async (tx) => {
    const due = await tx
      .select({ id: workflowJobs.id })
      .from(workflowJobs)
      .where(and(lte(workflowJobs.dueAt, now), or(isNull(workflowJobs.leaseExpiresAt), lt(workflowJobs.leaseExpiresAt, now))))
      .orderBy(asc(workflowJobs.dueAt))
      .limit(limit)
      .for('update', { skipLocked: true });
    if (due.length === 0) return [];

    const leaseExpiresAt = new Date(now.getTime() + engine.leaseMs);
    return tx
      .update(workflowJobs)
      .set({ leaseOwner: engine.workerId, leaseExpiresAt })
      .where(inArray(workflowJobs.id, due.map((row) => row.id)))
      .returning();
  });
}

/**
 * Deletes a job inside the transaction that does its work. It returns false
 * when the lease was lost to another worker, and the caller must then change
 * nothing. The row lock taken here is held until commit, so the two workers
 * cannot both succeed.
 */
export async function completeJob(tx: Transaction, engine: WorkflowEngine, job: Job): Promise<boolean> {
  const deleted = await tx
    .delete(workflowJobs)
    .where(and(eq(workflowJobs.id, job.id), eq(workflowJobs.leaseOwner, engine.workerId)))
    .returning({ id: workflowJobs.id });
  return deleted.length === 1;
}

/** Gives a job back for a later attempt, counting the failed one. */
export async function retryJobLater(engine: WorkflowEngine, job: Job, dueAt: Date): Promise<void> {
  await engine.db
    .update(workflowJobs)
    .set({ leaseOwner: null, leaseExpiresAt: null, dueAt, attempts: job.attempts + 1 })
    .where(and(eq(workflowJobs.id, job.id), eq(workflowJobs.leaseOwner, engine.workerId)));
}

/** Gives a job back without counting an attempt, for failures that were not the job's own. */
export async function giveJobBack(engine: WorkflowEngine, job: Job, dueAt: Date): Promise<void> {
  await engine.db
    .update(workflowJobs)
    .set({ leaseOwner: null, leaseExpiresAt: null, dueAt })
    .where(and(eq(workflowJobs.id, job.id), eq(workflowJobs.leaseOwner, engine.workerId)));
}
