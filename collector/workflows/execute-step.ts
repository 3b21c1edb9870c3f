import { and, eq, sql } from 'drizzle-orm';
import { contacts, workflowEmails, workflowStepRuns } from '../db/schema';
import { findContact } from '../contacts/contact-store';
import { evaluateCondition } from './evaluate-condition';
import { parseDuration } from './iso-duration';
import { scheduleJob } from './job-queue';
import { nextLocalTime } from './local-time';
import type { Run } from './run-state';
import type { Transaction } from './transaction';
import type { WorkflowStep } from './workflow-definition';
import type { WorkflowEngine } from './workflow-engine';

/** Result of entering a step: a branch to follow now, or a later job that carries the run on. */
export type StepResult = { kind: 'done'; outcome: string; next: string | null | undefined } | { kind: 'later' };

/**
 * Performs one step inside the transaction that recorded its entry, so the
 * step's database effects (an email queued, an attribute set) commit
 * exactly when the entry does.
 */
export async function executeStep(engine: WorkflowEngine, tx: Transaction, run: Run, step: WorkflowStep): Promise<StepResult> {
  const now = engine.clock.now();

  switch (step.type) {
    case 'wait': {
      const contact = await findContact(tx, run.contactId);
      const dueAt = step.duration ? new Date(now.getTime() + parseDuration(step.duration)!) : nextLocalTime(now, step.untilLocalTime!, contact?.timeZone ?? 'UTC');
      await markWaiting(tx, run.id, step.id, null);
      await scheduleJob(tx, { runId: run.id, stepId: step.id, kind: 'resume', dueAt });
      return { kind: 'later' };
    }

    case 'wait_for_event':
      return waitForEvent(tx, run, step, now);

    case 'condition': {
      const contact = await findContact(tx, run.contactId);
      const passed = contact !== undefined && evaluateCondition(step.if, contact);
      return { kind: 'done', outcome: passed ? 'then' : 'else', next: passed ? step.then : step.else };
    }

    case 'send_email': {
      const request = { workflowId: run.workflowId, version: run.version, runId: run.id, stepId: step.id, contactId: run.contactId, template: step.template, variables: step.variables ?? {} };
      const { messageId } = await engine.sender.send(tx, request);
      await tx.insert(workflowEmails).values({ messageId, runId: run.id, workflowId: run.workflowId, version: run.version, stepId: step.id, contactId: run.contactId, template: step.template, variables: request.variables, queuedAt: now });
      return { kind: 'done', outcome: 'sent', next: step.next };
    }

    case 'update_contact':
      await tx
        .update(contacts)
        .set({ attributes: sql`${contacts.attributes} || ${JSON.stringify(step.set)}::jsonb`, updatedAt: now })
        .where(eq(contacts.id, run.contactId));
      return { kind: 'done', outcome: 'updated', next: step.next };

    case 'add_to_segment':
      await tx
        .update(contacts)
        .set({ segments: sql`array_append(array_remove(${contacts.segments}, ${step.segment}::text), ${step.segment}::text)`, updatedAt: now })
        .where(eq(contacts.id, run.contactId));
      return { kind: 'done', outcome: 'added', next: step.next };

    case 'remove_from_segment':
      await tx
        .update(contacts)
        .set({ segments: sql`array_remove(${contacts.segments}, ${step.segment}::text)`, updatedAt: now })
        .where(eq(contacts.id, run.contactId));
      return { kind: 'done', outcome: 'removed', next: step.next };

    case 'webhook':
      // The request goes out after this transaction commits, from a deliver job, because HTTP cannot roll back.
      await scheduleJob(tx, { runId: run.id, stepId: step.id, kind: 'deliver', dueAt: now });
      return { kind: 'later' };
  }
}

async function waitForEvent(tx: Transaction, run: Run, step: Extract<WorkflowStep, { type: 'wait_for_event' }>, now: Date): Promise<StepResult> {
  if (step.event.type === 'api_event') {
    // Only events that arrive after this step is entered count, because API events are not stored.
    await markWaiting(tx, run.id, step.id, `api_event:${step.event.name}`);
  } else {
    // FOR SHARE orders this read against the update that records an open or a click: either the
    // engagement is seen here, or it commits after this wait and then finds the step waiting.
    const [email] = await tx
      .select()
      .from(workflowEmails)
      .where(and(eq(workflowEmails.runId, run.id), eq(workflowEmails.stepId, step.event.stepId)))
      .for('share');
    // The email may have been opened or clicked before this step was entered.
    const happened = step.event.type === 'email_opened' ? email?.openedAt : email?.clickedAt;
    if (happened) return { kind: 'done', outcome: 'event', next: step.onEvent };
    await markWaiting(tx, run.id, step.id, email ? `${step.event.type}:${email.messageId}` : null);
  }

  await scheduleJob(tx, { runId: run.id, stepId: step.id, kind: 'timeout', dueAt: new Date(now.getTime() + parseDuration(step.timeout)!) });
  return { kind: 'later' };
}

async function markWaiting(tx: Transaction, runId: string, stepId: string, awaiting: string | null): Promise<void> {
  await tx.update(workflowStepRuns).set({ status: 'waiting', awaiting }).where(and(eq(workflowStepRuns.runId, runId), eq(workflowStepRuns.stepId, stepId)));
}
