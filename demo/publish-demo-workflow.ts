import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deriveContactKeys } from '../collector/contacts/contact-crypto';
import { deriveContactTokenKey, issueContactToken } from '../collector/contacts/contact-form-token';
import { upsertContact } from '../collector/contacts/contact-store';
import type { Runtime } from '../collector/runtime';
import { publishTemplate } from '../collector/templates/template-store';
import { publishWorkflow } from '../collector/workflows/publish-workflow';
import { systemResolver } from '../collector/workflows/webhooks/url-guard';
import type { WorkflowDefinition } from '../collector/workflows/workflow-definition';

const TEMPLATES = fileURLToPath(new URL('./templates', import.meta.url));
const WORKFLOW = fileURLToPath(new URL('./workflows/intake-follow-up.json', import.meta.url));
const ACTOR = 'system:demo-start';
const INTAKE_FORM = 'new-patient-intake';

/** The demo's sample patient: a contact whose email domain cannot receive mail. */
export const DEMO_CONTACT_EMAIL = 'demo.patient@example.org';

/**
 * Publishes the demo templates and the intake follow-up workflow, creates
 * the sample contact, and returns a contact token for the intake form, so a
 * submission on the demo page starts the workflow for that contact. The
 * workflow's webhook step is left out here, because its example host does
 * not resolve and the URL guard rejects it. The file stays as the example
 * a clinic edits.
 */
export async function publishDemoWorkflow(runtime: Runtime): Promise<{ workflowVersion: number; contactId: string; intakeToken: string }> {
  for (const name of (await readdir(TEMPLATES)).filter((file) => file.endsWith('.json')).sort()) {
    await publishTemplate(runtime.db, JSON.parse(await readFile(path.join(TEMPLATES, name), 'utf8')), { actor: ACTOR });
  }

  const workflow = withoutWebhooks(JSON.parse(await readFile(WORKFLOW, 'utf8')) as WorkflowDefinition);
  const published = await publishWorkflow(runtime.db, workflow, { actor: ACTOR, resolve: systemResolver });

  const contact = await upsertContact(runtime.db, deriveContactKeys(runtime.masterKey), { email: DEMO_CONTACT_EMAIL, attributes: { language: 'en' } });
  const expiresAt = new Date(Date.now() + 30 * 86_400_000);
  const intakeToken = issueContactToken(deriveContactTokenKey(runtime.masterKey), { contactId: contact.id, formId: INTAKE_FORM, expiresAt });
  return { workflowVersion: published.version, contactId: contact.id, intakeToken };
}

/** Removes webhook steps; a step that led to one ends the run there instead. */
function withoutWebhooks(workflow: WorkflowDefinition): WorkflowDefinition {
  const removed = new Set(workflow.steps.filter((step) => step.type === 'webhook').map((step) => step.id));
  const relink = (next: string | null | undefined) => (next && removed.has(next) ? null : next);
  const steps = workflow.steps
    .filter((step) => !removed.has(step.id))
    .map((step) => {
      const copy = { ...step } as Record<string, unknown>;
      for (const key of ['next', 'then', 'else', 'onEvent', 'onTimeout']) if (key in copy) copy[key] = relink(copy[key] as string | null | undefined);
      return copy as unknown as WorkflowDefinition['steps'][number];
    });
  return { ...workflow, steps };
}
