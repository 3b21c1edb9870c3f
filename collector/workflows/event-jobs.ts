import { sql } from 'drizzle-orm';
import { completeJob, scheduleJob, type Job } from './job-queue';
import { receiveEmailEngagement, receiveFormSubmission } from './receive-event';
import type { Transaction } from './transaction';
import type { WorkflowEngine } from './workflow-engine';

/**
 * Queues a form submission's form_submitted triggers in the transaction that
 * stores the submission, so an acknowledged submission always reaches the
 * workflows, even when the process stops right after answering.
 */
export async function queueFormTrigger(tx: Transaction, event: { formId: string; submissionId: string; contactId: string; now: Date }): Promise<void> {
  const payload = { formId: event.formId, submissionId: event.submissionId, contactId: event.contactId };
  await scheduleJob(tx, { runId: `submission:${event.submissionId}`, stepId: event.formId, kind: 'trigger', dueAt: event.now, payload });
}

/**
 * Queues an engage job for each human open or click in a batch of tracking
 * events whose message a workflow sent and whose engagement is not yet
 * recorded. One statement, whatever the batch size, because it runs inside
 * the tracking write. Machine events queue nothing.
 */
export async function queueEngagements(tx: Transaction, events: { messageId: string; kind: 'open' | 'click'; machine: boolean }[], now: Date): Promise<void> {
  const human = events.filter((event) => !event.machine).map((event) => ({ message_id: event.messageId, kind: event.kind }));
  if (human.length === 0) return;

  await tx.execute(sql`
    INSERT INTO workflow_jobs (run_id, step_id, kind, due_at)
    SELECT DISTINCT x.message_id, x.kind, 'engage', ${now.toISOString()}::timestamptz
    FROM jsonb_to_recordset(${JSON.stringify(human)}::jsonb) AS x(message_id text, kind text)
    JOIN workflow_emails w ON w.message_id = x.message_id
    WHERE (x.kind = 'open' AND w.opened_at IS NULL) OR (x.kind = 'click' AND w.clicked_at IS NULL)
    ON CONFLICT DO NOTHING`);
}

/**
 * Runs an engage or trigger job. Both effects are idempotent (waits resume
 * once, runs start once per trigger key), so a job that a dead worker left
 * half done is simply run again by the next one.
 */
export async function runEventJob(engine: WorkflowEngine, job: Job): Promise<void> {
  if (job.kind === 'engage') {
    await receiveEmailEngagement(engine, { messageId: job.runId, kind: job.stepId === 'click' ? 'clicked' : 'opened', repeat: true });
  } else {
    const payload = job.payload ?? {};
    if (!payload.formId || !payload.submissionId || !payload.contactId) throw new Error(`Trigger job ${job.id} lacks formId, submissionId or contactId in its payload.`);
    await receiveFormSubmission(engine, { formId: payload.formId, submissionId: payload.submissionId, contactId: payload.contactId });
  }

  await engine.db.transaction((tx) => completeJob(tx, engine, job));
}
