import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/processes';
import { sampleTemplate } from '../support/workflow-harness';

const MASTER_KEY = 'nT5m4Gx1yGJHnPjY1kQ0q0o9yCwq7cG3zW2oVtWl8aE';
const WORKFLOW = {
  id: 'cli-flow',
  version: 1,
  trigger: { type: 'form_submitted', formId: 'new-patient-intake' },
  steps: [{ id: 'welcome', type: 'send_email', template: 'welcome', next: null }],
};

// The CLI opens the embedded database itself here, because no collector runs on the folder.
describe('workflow CLI commands', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sealpost-workflow-cli-'));
    env = { SEALPOST_DATA_DIR: dataDir, SEALPOST_MASTER_KEY: MASTER_KEY, DATABASE_URL: '', SEALPOST_ACTOR: 'cli:test' };
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  async function file(name: string, content: unknown): Promise<string> {
    const target = path.join(dataDir, name);
    await writeFile(target, JSON.stringify(content));
    return target;
  }

  it('rejects a workflow whose form and template are not published', async () => {
    const target = await file('flow.json', WORKFLOW);
    const result = await runCli(['workflows', 'publish', target], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('trigger.formId: trigger.formId names form "new-patient-intake", which is not published');
    expect(result.stderr).toContain('steps[0] "welcome": send_email.template names template "welcome", which is not published');
  });

  it('publishes, republishes and lists', async () => {
    expect((await runCli(['forms', 'publish', fileURLToPath(new URL('../../demo/forms/new-patient-intake.json', import.meta.url))], env)).code).toBe(0);
    expect((await runCli(['templates', 'publish', await file('welcome.json', sampleTemplate('welcome'))], env)).code).toBe(0);
    const target = await file('flow.json', WORKFLOW);
    const first = await runCli(['workflows', 'publish', target], env);
    const again = await runCli(['workflows', 'publish', target], env);
    const list = await runCli(['workflows', 'list'], env);

    expect(first).toMatchObject({ code: 0, stdout: 'Published new workflow cli-flow version 1.\n' });
    expect(again).toMatchObject({ code: 0, stdout: 'Already published, unchanged: cli-flow version 1.\n' });
    expect(list.stdout).toMatch(/^WORKFLOW\s+VERSION\s+UPDATED\ncli-flow\s+1\s+/);
  });

  it('names the step of an invalid definition', async () => {
    const target = await file('broken.json', { ...WORKFLOW, version: 2, steps: [{ id: 'welcome', type: 'wait', duration: '3 days' }] });
    const result = await runCli(['workflows', 'publish', target], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('The workflow definition is invalid:\n  steps[0] "welcome": wait.duration must be an ISO 8601 duration such as P3D\n');
  });

  it('prints the webhook secret with an audit entry', async () => {
    const { webhookSecret } = await import('../../collector/workflows/webhooks/webhook-signature');
    const result = await runCli(['workflows', 'webhook-secret', 'cli-flow'], env);
    const audit = await runCli(['audit', 'list', '--limit', '1'], env);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${webhookSecret(Buffer.from(MASTER_KEY, 'base64url'), 'cli-flow').toString('hex')}\n`);
    expect(audit.stdout).toContain('workflow.webhook_secret.read');
  });

  it('publishes the demo email templates and lists them', async () => {
    const demo = (name: string) => fileURLToPath(new URL(`../../demo/templates/${name}.json`, import.meta.url));
    const welcome = await runCli(['templates', 'publish', demo('intake-welcome')], env);
    const again = await runCli(['templates', 'publish', demo('intake-welcome')], env);
    await runCli(['templates', 'publish', demo('intake-reminder')], env);
    const list = await runCli(['templates', 'list'], env);

    expect(welcome).toMatchObject({ code: 0, stdout: 'Published new template intake-welcome version 1.\n' });
    expect(again).toMatchObject({ code: 0, stdout: 'Already published, unchanged: intake-welcome version 1.\n' });
    expect(list.stdout).toMatch(/^TEMPLATE\s+VERSION\s+PUBLISHED\nintake-reminder\s+1\s+\S+\nintake-welcome\s+1\s+/);
  });

  it('names each problem of an invalid email template', async () => {
    const target = await file('template.json', { id: 'reminder', from: 'care@clinic.test', subject: { en: 'Reminder' }, text: { en: 'Hello', es: 'Hola' } });
    const result = await runCli(['templates', 'publish', target], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('The email template is invalid:\n  subject.es: is missing or empty; give the text in this language\n');
  });

  it('rejects the webhook secret of an unknown workflow', async () => {
    const result = await runCli(['workflows', 'webhook-secret', 'no-such-flow'], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('No workflow "no-such-flow" is published; list them with `npm run sealpost -- workflows list`.\n');
  });
});
