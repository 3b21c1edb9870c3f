import { and, eq, isNull } from 'drizzle-orm';
import { trackingEvents } from '../db/schema';
import { completeJob, scheduleJob, type Job } from './job-queue';
import { receiveEmailEngagement, receiveFormSubmission } from './receive-event';
import type { Transaction } from './transaction';
import type { WorkflowEngine } from './workflow-engine';

// Engage jobs are queued by the tracking write itself (tracking/write-events.ts), in the statement
// that stores the hits: for the first human open or click of each workflow email.

/**
 * Queues a form submission's form_submitted triggers in the transaction that
 * stores the submission, so an acknowledged submission always reaches the
 * workflows, even when the process stops right after its response.
 */
export async function queueFormTrigger(tx: Transaction, event: { formId: string; submissionId: string; contactId: string; now: Date }): Promise<void> {
  const payload = { formId: event.formId, submissionId: event.submissionId, contactId: event.contactId };
  await scheduleJob(tx, { runId: `submission:${event.submissionId}`, stepId: event.formId, kind: 'trigger', dueAt: event.now, payload });
}

/**
 * Runs an engage or trigger job. Both effects are idempotent (waits resume
 * once, runs start once per trigger key), so a job that a dead worker left
 * half done is simply run again by the next one. Returns false when another
 * worker deleted the job first.
 */
export async function runEventJob(engine: WorkflowEngine, job: Job): Promise<boolean> {
  if (job.kind === 'engage') {
    // A click that a later click of the same burst turned into a scanner's no longer engages anyone.
    if (job.stepId !== 'click' || (await hasHumanClick(engine, job.runId))) {
      await receiveEmailEngagement(engine, { messageId: job.runId, kind: job.stepId === 'click' ? 'clicked' : 'opened', repeat: true });
    }
  } else {
    const payload = job.payload ?? {};
    if (!payload.formId || !payload.submissionId || !payload.contactId) throw new Error(`Trigger job ${job.id} lacks formId, submissionId or contactId in its payload.`);
    await receiveFormSubmission(engine, { formId: payload.formId, submissionId: payload.submissionId, contactId: payload.contactId });
  }

  return engine.db.transaction((tx) => completeJob(tx, engine, job));
}

async function hasHumanClick(engine: WorkflowEngine, messageId: string): Promise<boolean> {
  const rows = await engine.db
    .select({ id: trackingEvents.id })
    .from(trackingEvents)
    .where(and(eq(trackingEvents.messageId, messageId), eq(trackingEvents.kind, 'click'), isNull(trackingEvents.machineReason)))
    .limit(1);
  return rows.length > 0;
}
