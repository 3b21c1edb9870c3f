import { and, eq, inArray } from 'drizzle-orm';
import { workflowJobs, workflowRuns, workflowStepRuns, workflowVersions } from '../db/schema';
import { scheduleJob } from './job-queue';
import type { Transaction } from './transaction';
import type { WorkflowDefinition } from './workflow-definition';

/** A run row. */
export type Run = typeof workflowRuns.$inferSelect;

/** Locks a run and loads the definition of the version it is pinned to. */
export async function loadRun(tx: Transaction, runId: string): Promise<{ run: Run; definition: WorkflowDefinition } | undefined> {
  const [run] = await tx.select().from(workflowRuns).where(eq(workflowRuns.id, runId)).for('update');
  if (!run) return undefined;

  const [version] = await tx
    .select({ definition: workflowVersions.definition })
    .from(workflowVersions)
    .where(and(eq(workflowVersions.workflowId, run.workflowId), eq(workflowVersions.version, run.version)));
  return version && { run, definition: version.definition };
}

/**
 * Ends a run: no step of it runs afterwards. Steps still waiting or entered
 * are marked with `stepStatus` and the run's queued jobs are deleted.
 */
export async function endRun(tx: Transaction, runId: string, status: 'completed' | 'exited' | 'failed', reason: string, now: Date, stepStatus: 'exited' | 'failed' = 'exited'): Promise<void> {
  await tx.update(workflowRuns).set({ status, endReason: reason, endedAt: now }).where(and(eq(workflowRuns.id, runId), eq(workflowRuns.status, 'active')));
  await tx
    .update(workflowStepRuns)
    .set({ status: stepStatus, outcome: reason, endedAt: now })
    .where(and(eq(workflowStepRuns.runId, runId), inArray(workflowStepRuns.status, ['entered', 'waiting'])));
  await tx.delete(workflowJobs).where(eq(workflowJobs.runId, runId));
}

/** Marks a step finished with the branch it took. */
export async function finishStep(tx: Transaction, runId: string, stepId: string, status: 'completed' | 'timed_out' | 'failed', outcome: string, now: Date): Promise<void> {
  await tx.update(workflowStepRuns).set({ status, outcome, endedAt: now }).where(and(eq(workflowStepRuns.runId, runId), eq(workflowStepRuns.stepId, stepId)));
}

/**
 * Moves a run on to `next`, or ends it when the branch ends. A branch that
 * leads back to a step this entry already ran ends the run instead, so a
 * loop in a definition runs each step at most once per entry.
 */
export async function advanceRun(tx: Transaction, run: Run, next: string | null | undefined, now: Date): Promise<void> {
  if (next === null || next === undefined) return endRun(tx, run.id, 'completed', 'finished', now);

  const [visited] = await tx
    .select({ stepId: workflowStepRuns.stepId })
    .from(workflowStepRuns)
    .where(and(eq(workflowStepRuns.runId, run.id), eq(workflowStepRuns.stepId, next)));
  if (visited) return endRun(tx, run.id, 'completed', 'loop_stopped', now);

  await scheduleJob(tx, { runId: run.id, stepId: next, kind: 'enter', dueAt: now });
}
