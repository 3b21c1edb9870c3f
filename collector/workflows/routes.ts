import { and, eq, isNull } from 'drizzle-orm';
import { Hono } from 'hono';
import { requireApiKey, type ApiKeyEnv } from '../api-keys/require-api-key';
import type { Database } from '../db/open-database';
import { workflowVersions, workflows } from '../db/schema';
import { HttpError } from '../http/http-error';
import { readJsonObject } from '../http/read-json';
import { deleteWorkflow, listWorkflows, publishWorkflow } from './publish-workflow';
import type { WorkflowEngine } from './workflow-engine';

/**
 * Workflow administration over the server API. An API key is an admin
 * credential (only the CLI creates one), and the audit log names the key's
 * id as the actor. The console reads workflows through its own staff routes.
 */
export function workflowRoutes(db: Database, engine: WorkflowEngine) {
  return new Hono<ApiKeyEnv>()
    .use(requireApiKey(db))
    .get('/', async (c) => c.json({ workflows: await listWorkflows(db) }))
    .post('/', async (c) => {
      const body = await readJsonObject(c.req.raw, 'a workflow definition');
      const result = await publishWorkflow(db, body, { actor: `api-key:${c.get('apiKey').id}`, resolve: engine.resolve, now: engine.clock.now() });
      engine.logger.info({ requestId: c.get('requestId'), workflowId: result.workflowId, version: result.version, status: result.status }, 'workflow published');
      return c.json(result, result.status === 'unchanged' ? 200 : 201);
    })
    .get('/:id', async (c) => {
      const [row] = await db
        .select({ definition: workflowVersions.definition })
        .from(workflows)
        .innerJoin(workflowVersions, and(eq(workflowVersions.workflowId, workflows.id), eq(workflowVersions.version, workflows.currentVersion)))
        .where(and(eq(workflows.id, c.req.param('id')), isNull(workflows.deletedAt)));
      if (!row) throw new HttpError(404, 'workflow_not_found', `No workflow "${c.req.param('id')}" exists; list them with GET /v1/workflows.`);
      return c.json(row.definition);
    })
    .delete('/:id', async (c) => {
      const result = await deleteWorkflow(db, c.req.param('id'), { actor: `api-key:${c.get('apiKey').id}`, now: engine.clock.now() });
      engine.logger.info({ requestId: c.get('requestId'), workflowId: c.req.param('id'), endedRuns: result.endedRuns }, 'workflow deleted');
      return c.json(result);
    });
}
