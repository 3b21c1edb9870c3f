import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/open-database';
import { messages, workflowEmails, workflowStepRuns } from '../db/schema';

/** Counts for one step on one local day. Contacts whose runs ended since still count. */
export interface StepDayRow {
  stepId: string;
  day: string;
  entered: number;
  completed: number;
  waiting: number;
  timedOut: number;
  exited: number;
  failed: number;
  /** Emails the step queued; sent and failed count those the send worker has delivered or given up on. */
  emailsQueued: number;
  emailsSent: number;
  emailsFailed: number;
  emailsOpened: number;
  emailsClicked: number;
}

/**
 * Counts step entries by step and by day in `timeZone`: a step entered at
 * 23:30 UTC falls on the next day in Berlin. Email counts come from
 * workflow_emails and the messages they queued, bucketed by the day the
 * email was queued. Opens and clicks are human ones only.
 */
// GROUP BY names output columns by position: the time zone is a bound parameter, and PostgreSQL
// does not treat the same expression with a second parameter as the one selected.
export async function workflowReport(db: Database, workflowId: string, timeZone: string): Promise<StepDayRow[]> {
  const stepDay = sql<string>`to_char(${workflowStepRuns.enteredAt} AT TIME ZONE ${timeZone}, 'YYYY-MM-DD')`;
  const count = (status: string) => sql<number>`count(*) FILTER (WHERE ${workflowStepRuns.status} = ${status})`.mapWith(Number);
  const steps = await db
    .select({ stepId: workflowStepRuns.stepId, day: stepDay, entered: sql<number>`count(*)`.mapWith(Number), completed: count('completed'), waiting: count('waiting'), timedOut: count('timed_out'), exited: count('exited'), failed: count('failed') })
    .from(workflowStepRuns)
    .where(eq(workflowStepRuns.workflowId, workflowId))
    .groupBy(sql`1`, sql`2`);

  const emailDay = sql<string>`to_char(${workflowEmails.queuedAt} AT TIME ZONE ${timeZone}, 'YYYY-MM-DD')`;
  const emails = await db
    .select({
      stepId: workflowEmails.stepId,
      day: emailDay,
      queued: sql<number>`count(*)`.mapWith(Number),
      sent: sql<number>`count(*) FILTER (WHERE ${messages.status} = 'sent')`.mapWith(Number),
      failed: sql<number>`count(*) FILTER (WHERE ${messages.status} = 'failed')`.mapWith(Number),
      opened: sql<number>`count(${workflowEmails.openedAt})`.mapWith(Number),
      clicked: sql<number>`count(${workflowEmails.clickedAt})`.mapWith(Number),
    })
    .from(workflowEmails)
    .leftJoin(messages, eq(messages.id, workflowEmails.messageId))
    .where(eq(workflowEmails.workflowId, workflowId))
    .groupBy(sql`1`, sql`2`);

  const rows = new Map<string, StepDayRow>();
  const row = (stepId: string, day: string) => {
    const key = `${stepId}\u0000${day}`;
    if (!rows.has(key)) rows.set(key, { stepId, day, entered: 0, completed: 0, waiting: 0, timedOut: 0, exited: 0, failed: 0, emailsQueued: 0, emailsSent: 0, emailsFailed: 0, emailsOpened: 0, emailsClicked: 0 });
    return rows.get(key)!;
  };
  for (const step of steps) Object.assign(row(step.stepId, step.day), { entered: step.entered, completed: step.completed, waiting: step.waiting, timedOut: step.timedOut, exited: step.exited, failed: step.failed });
  for (const email of emails) Object.assign(row(email.stepId, email.day), { emailsQueued: email.queued, emailsSent: email.sent, emailsFailed: email.failed, emailsOpened: email.opened, emailsClicked: email.clicked });

  return [...rows.values()].sort((a, b) => (a.day === b.day ? a.stepId.localeCompare(b.stepId) : a.day.localeCompare(b.day)));
}
