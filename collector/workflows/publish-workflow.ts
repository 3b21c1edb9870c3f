import { createHash } from 'node:crypto';
import { and, eq, notInArray, sql } from 'drizzle-orm';
import { appendAudit } from '../audit/audit-log';
import type { Database } from '../db/open-database';
import { workflowRuns, workflowStepRuns, workflowVersions, workflows } from '../db/schema';
import { findFormVersion } from '../forms/form-store';
import { HttpError } from '../http/http-error';
import { findTemplate } from '../templates/template-store';
import { parseWorkflowDefinition, type WorkflowProblem } from './parse-workflow';
import { endRun } from './run-state';
import { checkWebhookUrl, type Resolver } from './webhooks/url-guard';
import type { WorkflowDefinition } from './workflow-definition';

/** Outcome of a publication. `endedRuns` counts runs stopped because the step they waited at was removed. */
export interface PublishWorkflowResult {
  workflowId: string;
  version: number;
  status: 'created' | 'new_version' | 'unchanged';
  endedRuns: number;
}

/**
 * Validates and publishes a workflow version, with its audit entry in the
 * same transaction. Runs keep the version they started on. A run waiting at
 * a step that the new version no longer has ends without sending anything,
 * because the author removed what it was waiting for.
 */
export async function publishWorkflow(db: Database, input: unknown, options: { actor: string; resolve: Resolver; now?: Date }): Promise<PublishWorkflowResult> {
  const parsed = parseWorkflowDefinition(input);
  if (!parsed.ok) throw invalidDefinition(parsed.errors);
  const workflow = parsed.workflow;
  const problems = [...(await checkReferences(db, workflow)), ...(await checkWebhookUrls(workflow, options.resolve))];
  if (problems.length > 0) throw invalidDefinition(problems);

  const digest = createHash('sha256').update(JSON.stringify(workflow)).digest('hex');
  const now = options.now ?? new Date();

  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`workflow:${workflow.id}`}))`);
    const [existing] = await tx.select().from(workflows).where(eq(workflows.id, workflow.id));
    const [sameVersion] = await tx
      .select({ digest: workflowVersions.definitionSha256 })
      .from(workflowVersions)
      .where(and(eq(workflowVersions.workflowId, workflow.id), eq(workflowVersions.version, workflow.version)));

    if (sameVersion && sameVersion.digest === digest && !existing?.deletedAt) return { workflowId: workflow.id, version: workflow.version, status: 'unchanged' as const, endedRuns: 0 };
    if (sameVersion || (existing && workflow.version < existing.currentVersion)) {
      const next = (existing?.currentVersion ?? workflow.version) + 1;
      throw new HttpError(409, 'version_exists', `Workflow "${workflow.id}" already has version ${workflow.version}; publish an edit as version ${next}.`);
    }

    if (existing) await tx.update(workflows).set({ currentVersion: workflow.version, updatedAt: now, deletedAt: null }).where(eq(workflows.id, workflow.id));
    else await tx.insert(workflows).values({ id: workflow.id, currentVersion: workflow.version, createdAt: now, updatedAt: now });
    await tx.insert(workflowVersions).values({ workflowId: workflow.id, version: workflow.version, definition: workflow, definitionSha256: digest, publishedAt: now });

    const stepIds = workflow.steps.map((step) => step.id);
    const orphaned = await tx
      .selectDistinct({ runId: workflowStepRuns.runId })
      .from(workflowStepRuns)
      .innerJoin(workflowRuns, eq(workflowRuns.id, workflowStepRuns.runId))
      .where(and(eq(workflowRuns.workflowId, workflow.id), eq(workflowRuns.status, 'active'), eq(workflowStepRuns.status, 'waiting'), notInArray(workflowStepRuns.stepId, stepIds)));
    for (const { runId } of orphaned) await endRun(tx, runId, 'exited', 'step_deleted', now);

    await appendAudit(tx, { actor: options.actor, action: 'workflow.publish', subjectType: 'workflow', subjectId: workflow.id, details: { version: workflow.version, sha256: digest, endedRuns: orphaned.length } }, now);
    return { workflowId: workflow.id, version: workflow.version, status: existing ? ('new_version' as const) : ('created' as const), endedRuns: orphaned.length };
  });
}

/**
 * Deletes a workflow: it starts no more runs, and every active run ends at
 * once with its queued jobs, so nothing more is sent. Versions and history
 * stay for reports and the audit trail.
 */
export async function deleteWorkflow(db: Database, workflowId: string, options: { actor: string; now?: Date }): Promise<{ endedRuns: number }> {
  const now = options.now ?? new Date();
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`workflow:${workflowId}`}))`);
    const [existing] = await tx.select().from(workflows).where(eq(workflows.id, workflowId));
    if (!existing || existing.deletedAt) throw new HttpError(404, 'workflow_not_found', `No workflow "${workflowId}" exists; list them with GET /v1/workflows.`);

    await tx.update(workflows).set({ deletedAt: now, updatedAt: now }).where(eq(workflows.id, workflowId));
    const active = await tx.select({ id: workflowRuns.id }).from(workflowRuns).where(and(eq(workflowRuns.workflowId, workflowId), eq(workflowRuns.status, 'active'))).for('update');
    for (const run of active) await endRun(tx, run.id, 'exited', 'workflow_deleted', now);

    await appendAudit(tx, { actor: options.actor, action: 'workflow.delete', subjectType: 'workflow', subjectId: workflowId, details: { endedRuns: active.length } }, now);
    return { endedRuns: active.length };
  });
}

/** Lists live workflows with their current version. */
export async function listWorkflows(db: Database) {
  return db
    .select({ id: workflows.id, currentVersion: workflows.currentVersion, updatedAt: workflows.updatedAt })
    .from(workflows)
    .where(sql`${workflows.deletedAt} IS NULL`)
    .orderBy(workflows.id);
}

// A definition that names a missing form or template would otherwise fail only at run time, where just
// the collector's log shows it. Checking here tells the author at publication.
async function checkReferences(db: Database, workflow: WorkflowDefinition): Promise<WorkflowProblem[]> {
  const problems: WorkflowProblem[] = [];
  if (workflow.trigger.type === 'form_submitted' && !(await findFormVersion(db, workflow.trigger.formId))) {
    problems.push({ path: 'trigger.formId', message: `trigger.formId names form "${workflow.trigger.formId}", which is not published; publish the form first or correct the id (npm run sealpost -- forms list)` });
  }
  for (const [index, step] of workflow.steps.entries()) {
    if (step.type !== 'send_email' || (await findTemplate(db, step.template))) continue;
    problems.push({ path: `steps[${index}] ${JSON.stringify(step.id)}`, message: `send_email.template names template "${step.template}", which is not published; publish it first with npm run sealpost -- templates publish FILE` });
  }
  return problems;
}

async function checkWebhookUrls(workflow: WorkflowDefinition, resolve: Resolver): Promise<WorkflowProblem[]> {
  const problems: WorkflowProblem[] = [];
  for (const [index, step] of workflow.steps.entries()) {
    if (step.type !== 'webhook') continue;
    const verdict = await checkWebhookUrl(step.url, resolve);
    if (!verdict.ok) problems.push({ path: `steps[${index}] ${JSON.stringify(step.id)}`, message: `webhook.url is not allowed: ${verdict.reason}; use a public https endpoint` });
  }
  return problems;
}

function invalidDefinition(errors: WorkflowProblem[]): HttpError {
  const list = errors.map((error) => `${error.path}: ${error.message}`).join('; ');
  return new HttpError(422, 'invalid_workflow', `The workflow definition is invalid. ${list}.`, { errors });
}
