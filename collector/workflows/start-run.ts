import { randomUUID } from 'node:crypto';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { workflowRuns, workflowVersions, workflows } from '../db/schema';
import { parseDuration } from './iso-duration';
import { scheduleJob } from './job-queue';
import type { WorkflowDefinition, WorkflowTrigger } from './workflow-definition';
import type { WorkflowEngine } from './workflow-engine';

/** Result of a trigger: the run started, or the reason none was. */
export type StartOutcome =
  | { status: 'started'; runId: string; entryNumber: number }
  | { status: 'duplicate'; runId: string }
  | { status: 'not_found' | 'reentry_disallowed' | 'already_running' | 'reentry_too_soon' };

/** A trigger firing for one contact. `triggerKey` identifies the event, so a repeat starts nothing. */
export interface TriggerInput {
  workflowId: string;
  contactId: string;
  triggerKey: string;
}

/**
 * Starts a run of the workflow's current version for a contact, unless the
 * same trigger key started one already or the re-entry rules forbid it. By
 * default a contact enters once. With re-entry on, a contact enters again
 * only after the previous run ended and the minimum interval passed.
 */
export async function startRun(engine: WorkflowEngine, input: TriggerInput): Promise<StartOutcome> {
  const now = engine.clock.now();

  return engine.db.transaction(async (tx) => {
    // One contact's entries into one workflow are decided one at a time.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`workflow-run:${input.workflowId}:${input.contactId}`}))`);

    const [current] = await tx
      .select({ version: workflows.currentVersion, definition: workflowVersions.definition })
      .from(workflows)
      .innerJoin(workflowVersions, and(eq(workflowVersions.workflowId, workflows.id), eq(workflowVersions.version, workflows.currentVersion)))
      .where(and(eq(workflows.id, input.workflowId), isNull(workflows.deletedAt)));
    if (!current) return { status: 'not_found' as const };

    const [duplicate] = await tx.select({ id: workflowRuns.id }).from(workflowRuns).where(and(eq(workflowRuns.workflowId, input.workflowId), eq(workflowRuns.triggerKey, input.triggerKey)));
    if (duplicate) return { status: 'duplicate' as const, runId: duplicate.id };

    const [last] = await tx
      .select()
      .from(workflowRuns)
      .where(and(eq(workflowRuns.workflowId, input.workflowId), eq(workflowRuns.contactId, input.contactId)))
      .orderBy(desc(workflowRuns.entryNumber))
      .limit(1);
    const refusal = last && reentryRefusal(current.definition, last, now);
    if (refusal) return { status: refusal };

    const run = { id: randomUUID(), workflowId: input.workflowId, version: current.version, contactId: input.contactId, entryNumber: (last?.entryNumber ?? 0) + 1, triggerKey: input.triggerKey, status: 'active', startedAt: now };
    await tx.insert(workflowRuns).values(run);
    await scheduleJob(tx, { runId: run.id, stepId: current.definition.steps[0]!.id, kind: 'enter', dueAt: now });
    return { status: 'started' as const, runId: run.id, entryNumber: run.entryNumber };
  });
}

function reentryRefusal(definition: WorkflowDefinition, last: typeof workflowRuns.$inferSelect, now: Date) {
  if (!definition.reentry?.allowed) return 'reentry_disallowed' as const;
  if (last.status === 'active' || !last.endedAt) return 'already_running' as const;

  const interval = parseDuration(definition.reentry.minimumInterval) ?? 0;
  return last.endedAt.getTime() + interval > now.getTime() ? ('reentry_too_soon' as const) : undefined;
}

/** Lists live workflows whose current version's trigger matches. */
export async function workflowsTriggeredBy(engine: WorkflowEngine, matches: (trigger: WorkflowTrigger) => boolean): Promise<string[]> {
  // NOTE: reads every live workflow's current definition; fine for tens of workflows, index trigger types before thousands.
  const rows = await engine.db
    .select({ id: workflows.id, definition: workflowVersions.definition })
    .from(workflows)
    .innerJoin(workflowVersions, and(eq(workflowVersions.workflowId, workflows.id), eq(workflowVersions.version, workflows.currentVersion)))
    .where(isNull(workflows.deletedAt));
  return rows.filter((row) => matches(row.definition.trigger)).map((row) => row.id);
}
