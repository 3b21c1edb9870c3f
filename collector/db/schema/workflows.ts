import { bigserial, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { WorkflowDefinition } from '../../workflows/workflow-definition';

const at = () => timestamp({ withTimezone: true });

/** One row per workflow id; the definitions live in workflow_versions. */
export const workflows = pgTable('workflows', {
  id: text().primaryKey(),
  currentVersion: integer().notNull(),
  createdAt: at().notNull().defaultNow(),
  updatedAt: at().notNull().defaultNow(),
  /** Set when the workflow is deleted: it starts no runs and its runs have ended. */
  deletedAt: at(),
});

/** Every published version; a run stays on the version it started on. */
export const workflowVersions = pgTable(
  'workflow_versions',
  {
    workflowId: text()
      .notNull()
      .references(() => workflows.id),
    version: integer().notNull(),
    definition: jsonb().$type<WorkflowDefinition>().notNull(),
    definitionSha256: text().notNull(),
    publishedAt: at().notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.workflowId, table.version] })],
);

/**
 * One contact's pass through one workflow version. `triggerKey` (submission
 * id, API event id) is unique per workflow, so a repeated event starts no
 * second run; `entryNumber` counts the contact's entries into the workflow.
 */
export const workflowRuns = pgTable(
  'workflow_runs',
  {
    id: text().primaryKey(),
    workflowId: text().notNull(),
    version: integer().notNull(),
    contactId: text().notNull(),
    entryNumber: integer().notNull(),
    triggerKey: text().notNull(),
    /** active, completed, exited (deleted workflow or step), failed. */
    status: text().notNull(),
    endReason: text(),
    startedAt: at().notNull(),
    endedAt: at(),
  },
  (table) => [
    uniqueIndex().on(table.workflowId, table.triggerKey),
    uniqueIndex().on(table.workflowId, table.contactId, table.entryNumber),
    index().on(table.workflowId, table.status),
  ],
);

/**
 * Each step a run entered. The unique key on (workflow, version, step,
 * contact, entry) is what guarantees that a step executes at most once per
 * entry, whatever the number of workers.
 */
export const workflowStepRuns = pgTable(
  'workflow_step_runs',
  {
    runId: text().notNull(),
    workflowId: text().notNull(),
    version: integer().notNull(),
    stepId: text().notNull(),
    contactId: text().notNull(),
    entryNumber: integer().notNull(),
    /** entered, waiting, completed, timed_out, exited, failed. */
    status: text().notNull(),
    /** For a wait_for_event step: the event it waits for, as `kind:key`. */
    awaiting: text(),
    /** The branch or result the step produced, such as `event`, `timeout`, `then`, `else`. */
    outcome: text(),
    enteredAt: at().notNull(),
    endedAt: at(),
  },
  (table) => [
    uniqueIndex('workflow_step_runs_once').on(table.workflowId, table.version, table.stepId, table.contactId, table.entryNumber),
    uniqueIndex().on(table.runId, table.stepId),
    index().on(table.contactId, table.awaiting),
    index().on(table.workflowId, table.enteredAt),
  ],
);

/**
 * Due work. Workers claim rows with FOR UPDATE SKIP LOCKED and hold them
 * under a lease; a row whose lease expired (its worker died) is claimed
 * again. kind: enter (run a step), resume (a wait ended), timeout (a wait
 * for an event ran out), deliver (a webhook delivery attempt). Two kinds
 * carry an event into the engine rather than a run's step: engage (a human
 * open or click of a workflow email, where run_id is the message id and step_id
 * the kind) and trigger (a form submission, where run_id is the trigger key and
 * payload the form and contact). Queuing them in the transaction that stores
 * the event makes the event's effect on workflows as durable as the event.
 */
export const workflowJobs = pgTable(
  'workflow_jobs',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    runId: text().notNull(),
    stepId: text().notNull(),
    kind: text().notNull(),
    dueAt: at().notNull(),
    attempts: integer().notNull().default(0),
    leaseOwner: text(),
    leaseExpiresAt: at(),
    payload: jsonb().$type<Record<string, string>>(),
  },
  (table) => [uniqueIndex().on(table.runId, table.stepId, table.kind), index().on(table.dueAt)],
);

/** Emails that send steps handed to the EmailSender, with engagement for reports. */
export const workflowEmails = pgTable(
  'workflow_emails',
  {
    messageId: text().primaryKey(),
    runId: text().notNull(),
    workflowId: text().notNull(),
    version: integer().notNull(),
    stepId: text().notNull(),
    contactId: text().notNull(),
    template: text().notNull(),
    variables: jsonb().$type<Record<string, string>>().notNull(),
    queuedAt: at().notNull(),
    openedAt: at(),
    clickedAt: at(),
  },
  (table) => [uniqueIndex().on(table.runId, table.stepId), index().on(table.workflowId, table.queuedAt)],
);
