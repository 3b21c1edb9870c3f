import { and, eq, isNull } from 'drizzle-orm';
import { workflowEmails } from '../db/schema';
import { resumeWaits } from './resume-waits';
import { startRun, workflowsTriggeredBy, type StartOutcome } from './start-run';
import type { WorkflowEngine } from './workflow-engine';

/** Effect of an incoming event: runs started per workflow and waits it ended. */
export interface EventOutcome {
  ignored?: 'machine';
  started: Record<string, StartOutcome>;
  resumedWaits: number;
}

/**
 * Handles an API event: resumes this contact's waits for the event name, then fires
 * api_event triggers. `eventId` is the idempotency key: the same id again
 * starts no second run. A `machine` event (from a scanner or a proxy) does
 * nothing.
 */
export async function receiveApiEvent(engine: WorkflowEngine, event: { name: string; contactId: string; eventId: string; machine?: boolean }): Promise<EventOutcome> {
  if (event.machine) return { ignored: 'machine', started: {}, resumedWaits: 0 };

  const resumedWaits = await resumeWaits(engine, event.contactId, `api_event:${event.name}`);
  const ids = await workflowsTriggeredBy(engine, (trigger) => trigger.type === 'api_event' && trigger.name === event.name);
  return { started: await startEach(engine, ids, event.contactId, `api:${event.eventId}`), resumedWaits };
}

/**
 * Records an open or a click of an email that a send step queued. Machine opens (privacy
 * proxies) and machine clicks (link scanners) are ignored: they never
 * advance a run or start one. Only the first open and the first click of an
 * email count. With `repeat`, a recorded one is acted on again, so a job that
 * stopped half way can run again. That is safe because waits resume once and
 * runs start once per trigger key.
 */
export async function receiveEmailEngagement(engine: WorkflowEngine, event: { messageId: string; kind: 'opened' | 'clicked'; machine?: boolean; repeat?: boolean }): Promise<EventOutcome> {
  if (event.machine) return { ignored: 'machine', started: {}, resumedWaits: 0 };

  const now = engine.clock.now();
  const column = event.kind === 'opened' ? workflowEmails.openedAt : workflowEmails.clickedAt;
  const [first] = await engine.db
    .update(workflowEmails)
    .set(event.kind === 'opened' ? { openedAt: now } : { clickedAt: now })
    .where(and(eq(workflowEmails.messageId, event.messageId), isNull(column)))
    .returning();
  const email = first ?? (event.repeat ? (await engine.db.select().from(workflowEmails).where(eq(workflowEmails.messageId, event.messageId)))[0] : undefined);
  if (!email) return { started: {}, resumedWaits: 0 };

  const type = event.kind === 'opened' ? 'email_opened' : 'email_clicked';
  const resumedWaits = await resumeWaits(engine, email.contactId, `${type}:${email.messageId}`);
  const ids = await workflowsTriggeredBy(
    engine,
    (trigger) => trigger.type === type && (trigger.messageId === email.messageId || (trigger.workflowId === email.workflowId && trigger.stepId === email.stepId)),
  );
  return { started: await startEach(engine, ids, email.contactId, `${type}:${email.messageId}`), resumedWaits };
}

/** Fires form_submitted triggers; the submission id is the idempotency key. */
export async function receiveFormSubmission(engine: WorkflowEngine, event: { formId: string; submissionId: string; contactId: string }): Promise<EventOutcome> {
  const ids = await workflowsTriggeredBy(engine, (trigger) => trigger.type === 'form_submitted' && trigger.formId === event.formId);
  return { started: await startEach(engine, ids, event.contactId, `submission:${event.submissionId}`), resumedWaits: 0 };
}

/** Fires contact_updated triggers; `changeId` identifies the update, so a retried request starts nothing new. */
export async function receiveContactUpdate(engine: WorkflowEngine, event: { contactId: string; changeId: string; attributes: string[] }): Promise<EventOutcome> {
  const ids = await workflowsTriggeredBy(engine, (trigger) => trigger.type === 'contact_updated' && (!trigger.attribute || event.attributes.includes(trigger.attribute)));
  return { started: await startEach(engine, ids, event.contactId, `contact:${event.contactId}:${event.changeId}`), resumedWaits: 0 };
}

async function startEach(engine: WorkflowEngine, workflowIds: string[], contactId: string, triggerKey: string): Promise<Record<string, StartOutcome>> {
  const started: Record<string, StartOutcome> = {};
  for (const workflowId of workflowIds) started[workflowId] = await startRun(engine, { workflowId, contactId, triggerKey });
  return started;
}
