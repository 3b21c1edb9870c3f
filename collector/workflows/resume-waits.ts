import { and, eq } from 'drizzle-orm';
import { workflowStepRuns } from '../db/schema';
import { advanceRun, finishStep, loadRun } from './run-state';
import type { WorkflowEngine } from './workflow-engine';

/**
 * Ends a contact's waits for one event (`kind:key`) and moves each run on
 * to its onEvent branch. The time-out job stays queued and later finds the
 * step no longer waiting. Deleting it here would lock a job before its run,
 * the reverse of the workers' order.
 */
export async function resumeWaits(engine: WorkflowEngine, contactId: string, awaiting: string): Promise<number> {
  const waiting = await engine.db
    .select({ runId: workflowStepRuns.runId, stepId: workflowStepRuns.stepId })
    .from(workflowStepRuns)
    .where(and(eq(workflowStepRuns.contactId, contactId), eq(workflowStepRuns.awaiting, awaiting), eq(workflowStepRuns.status, 'waiting')));

  let resumed = 0;
  for (const wait of waiting) {
    const moved = await engine.db.transaction(async (tx) => {
      const loaded = await loadRun(tx, wait.runId);
      if (!loaded || loaded.run.status !== 'active') return false;

      // Re-read under the run lock: a time-out may have ended the wait since the select above.
      const [still] = await tx
        .select({ status: workflowStepRuns.status })
        .from(workflowStepRuns)
        .where(and(eq(workflowStepRuns.runId, wait.runId), eq(workflowStepRuns.stepId, wait.stepId)));
      if (still?.status !== 'waiting') return false;

      const step = loaded.definition.steps.find((candidate) => candidate.id === wait.stepId);
      const now = engine.clock.now();
      await finishStep(tx, wait.runId, wait.stepId, 'completed', 'event', now);
      await advanceRun(tx, loaded.run, step?.type === 'wait_for_event' ? step.onEvent : null, now);
      return true;
    });
    if (moved) resumed++;
  }
  return resumed;
}
