import { and, eq } from 'drizzle-orm';
import { decryptEmail } from '../../contacts/contact-crypto';
import { contacts, workflowRuns, workflowVersions } from '../../db/schema';
import { completeJob, retryJobLater, type Job } from '../job-queue';
import { backoffMs } from '../run-job';
import { advanceRun, endRun, finishStep, loadRun } from '../run-state';
import type { WorkflowEngine } from '../workflow-engine';
import { checkWebhookUrl } from './url-guard';
import { SIGNATURE_HEADER, signWebhook } from './webhook-signature';

/** Delivery attempts of one webhook step before the run fails. */
export const MAX_WEBHOOK_ATTEMPTS = 6;
const MAX_REDIRECTS = 3;

type Outcome = { kind: 'delivered'; status: number } | { kind: 'blocked'; reason: string } | { kind: 'rejected'; status: number } | { kind: 'failed'; reason: string };

/**
 * Runs one delivery attempt of a webhook step. The request is made outside
 * any transaction. If this worker dies before recording the result, the
 * lease expires and another worker repeats the request with the same
 * `sealpost-delivery` id: delivery is at least once, and receivers
 * deduplicate by that id.
 */
export async function deliverWebhook(engine: WorkflowEngine, job: Job): Promise<void> {
  const payload = await buildPayload(engine, job);
  if (!payload) {
    await engine.db.transaction(async (tx) => void (await completeJob(tx, engine, job)));
    return;
  }

  const timestamp = Math.floor(engine.clock.now().getTime() / 1000);
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'Sealpost-Webhook/1',
    'sealpost-delivery': `${job.runId}.${job.stepId}`,
    [SIGNATURE_HEADER]: signWebhook(engine.webhookSecret(payload.workflowId), timestamp, payload.body),
  };
  const outcome = await postFollowingRedirects(engine, payload.url, headers, payload.body);
  const ids = { runId: job.runId, stepId: job.stepId, attempt: job.attempts + 1 };

  if (outcome.kind === 'failed' && job.attempts + 1 < MAX_WEBHOOK_ATTEMPTS) {
    engine.logger.warn({ ...ids, reason: outcome.reason }, 'webhook delivery failed; retrying');
    await retryJobLater(engine, job, new Date(engine.clock.now().getTime() + backoffMs(job.attempts)));
    return;
  }
  if (outcome.kind !== 'delivered') engine.logger.warn({ ...ids, outcome }, 'webhook not delivered; failing the run');

  await engine.db.transaction(async (tx) => {
    const loaded = await loadRun(tx, job.runId);
    if (!(await completeJob(tx, engine, job))) return;
    if (!loaded || loaded.run.status !== 'active') return;

    const now = engine.clock.now();
    if (outcome.kind !== 'delivered') return endRun(tx, job.runId, 'failed', `webhook_${outcome.kind}`, now, 'failed');
    await finishStep(tx, job.runId, job.stepId, 'completed', 'delivered', now);
    await advanceRun(tx, loaded.run, payload.next, now);
  });
}

async function buildPayload(engine: WorkflowEngine, job: Job) {
  const [run] = await engine.db.select().from(workflowRuns).where(eq(workflowRuns.id, job.runId));
  if (!run || run.status !== 'active') return undefined;
  const [version] = await engine.db.select().from(workflowVersions).where(and(eq(workflowVersions.workflowId, run.workflowId), eq(workflowVersions.version, run.version)));
  const step = version?.definition.steps.find((candidate) => candidate.id === job.stepId);
  if (!version || step?.type !== 'webhook') return undefined;

  const body: Record<string, unknown> = { deliveryId: `${run.id}.${step.id}`, workflowId: run.workflowId, version: run.version, stepId: step.id, runId: run.id, contactId: run.contactId, entryNumber: run.entryNumber };
  // PHI leaves only when the workflow sets includePhiInWebhooks. By default a receiver gets ids and looks the contact up itself.
  if (version.definition.includePhiInWebhooks) {
    const [contact] = await engine.db.select().from(contacts).where(eq(contacts.id, run.contactId));
    if (contact) body.contact = { email: decryptEmail(engine.contactKeys, contact.id, contact.emailCiphertext), attributes: contact.attributes, segments: contact.segments };
  }
  return { url: step.url, next: step.next, workflowId: run.workflowId, body: JSON.stringify(body) };
}

/** Checks every URL, the first and each redirect target, against DNS before connecting to it. */
async function postFollowingRedirects(engine: WorkflowEngine, first: string, headers: Record<string, string>, body: string): Promise<Outcome> {
  let target = first;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const verdict = await checkWebhookUrl(target, engine.resolve);
    if (!verdict.ok) return { kind: 'blocked', reason: verdict.reason };

    let response;
    try {
      response = await engine.httpClient(verdict.url, verdict.address, headers, body);
    } catch (error) {
      return { kind: 'failed', reason: (error as NodeJS.ErrnoException).code ?? (error as Error).message };
    }

    if (response.status >= 200 && response.status < 300) return { kind: 'delivered', status: response.status };
    if (response.status >= 300 && response.status < 400 && response.location) {
      target = new URL(response.location, verdict.url).toString();
      continue;
    }
    if (response.status === 408 || response.status === 429 || response.status >= 500) return { kind: 'failed', reason: `status ${response.status}` };
    return { kind: 'rejected', status: response.status };
  }
  return { kind: 'blocked', reason: `more than ${MAX_REDIRECTS} redirects` };
}
