import { and, asc, count, eq } from 'drizzle-orm';
import type { Database } from '../db/open-database';
import { workflowRuns, workflowVersions, workflows } from '../db/schema';
import type { StepDayRow } from './workflow-report';
import type { WorkflowStep } from './workflow-definition';

/** A workflow as the console lists it: no contact data, only its shape and run counts. */
export interface WorkflowSummary {
  id: string;
  name: string;
  /** `active` starts runs; `deleted` starts none and its runs have ended. */
  status: 'active' | 'deleted';
  version: number;
  updatedAt: Date;
  trigger: string;
  steps: { id: string; type: WorkflowStep['type'] }[];
  runs: { active: number; completed: number; exited: number; failed: number };
}

/** Lists every workflow, deleted ones included, with its current version's steps and its runs by status. */
export async function listWorkflowSummaries(db: Database): Promise<WorkflowSummary[]> {
  const [rows, runCounts] = await Promise.all([
    db
      .select({ id: workflows.id, version: workflows.currentVersion, updatedAt: workflows.updatedAt, deletedAt: workflows.deletedAt, definition: workflowVersions.definition })
      .from(workflows)
      .innerJoin(workflowVersions, and(eq(workflowVersions.workflowId, workflows.id), eq(workflowVersions.version, workflows.currentVersion)))
      .orderBy(asc(workflows.id)),
    db.select({ workflowId: workflowRuns.workflowId, status: workflowRuns.status, n: count() }).from(workflowRuns).groupBy(workflowRuns.workflowId, workflowRuns.status),
  ]);

  return rows.map((row) => {
    const runs = { active: 0, completed: 0, exited: 0, failed: 0 };
    for (const entry of runCounts.filter((item) => item.workflowId === row.id)) {
      if (entry.status in runs) runs[entry.status as keyof typeof runs] = Number(entry.n);
    }
    return {
      id: row.id,
      name: row.definition.name ?? row.id,
      status: row.deletedAt ? 'deleted' : 'active',
      version: row.version,
      updatedAt: row.updatedAt,
      trigger: row.definition.trigger.type,
      steps: row.definition.steps.map((step) => ({ id: step.id, type: step.type })),
      runs,
    };
  });
}

/** One step's totals over every day of a workflow report. */
export type FunnelStep = Omit<StepDayRow, 'day'> & { type: WorkflowStep['type'] | null };

/**
 * Adds up a workflow report's daily rows per step, in the order of the
 * current version's steps. Steps that only older versions had follow, with
 * type null, so no counted entry disappears from the funnel.
 */
export async function workflowFunnel(db: Database, workflowId: string, rows: StepDayRow[]): Promise<FunnelStep[]> {
  const [current] = await db
    .select({ definition: workflowVersions.definition })
    .from(workflows)
    .innerJoin(workflowVersions, and(eq(workflowVersions.workflowId, workflows.id), eq(workflowVersions.version, workflows.currentVersion)))
    .where(eq(workflows.id, workflowId));

  const funnel = new Map<string, FunnelStep>();
  const step = (stepId: string, type: FunnelStep['type']) => {
    if (!funnel.has(stepId)) funnel.set(stepId, { stepId, type, entered: 0, completed: 0, waiting: 0, timedOut: 0, exited: 0, failed: 0, emailsQueued: 0, emailsSent: 0, emailsFailed: 0, emailsOpened: 0, emailsClicked: 0 });
    return funnel.get(stepId)!;
  };
  for (const definitionStep of current?.definition.steps ?? []) step(definitionStep.id, definitionStep.type);

  const extra = [...new Set(rows.map((row) => row.stepId))].filter((id) => !funnel.has(id)).sort();
  for (const id of extra) step(id, null);

  for (const row of rows) {
    const total = funnel.get(row.stepId)!;
    for (const key of ['entered', 'completed', 'waiting', 'timedOut', 'exited', 'failed', 'emailsQueued', 'emailsSent', 'emailsFailed', 'emailsOpened', 'emailsClicked'] as const) total[key] += row[key];
  }
  return [...funnel.values()];
}
