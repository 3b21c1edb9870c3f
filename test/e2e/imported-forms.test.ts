import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from '../support/axe';
import { chromiumMissing, launchChromium } from '../support/browser';
import { FHIR_FIXTURES, fhirFixturesMissing, questionnaireFiles } from '../support/fhir-fixtures';
import { ROOT, freePort, runCli, startScript, type Child } from '../support/processes';

/** A Questionnaire of our own with a repeating group, which none of HL7's examples has. */
const MEDICATIONS = path.join(ROOT, 'test/fixtures/medications-questionnaire.json');
/** A form definition of our own with a signature field, which FHIR has no item type for. */
const CONSENT = path.join(ROOT, 'test/fixtures/consent-form.json');

// CI installs Chromium; elsewhere the suite says how to install it and skips.
if (chromiumMissing && process.env.CI) throw new Error(chromiumMissing);
const skipReason = chromiumMissing ?? fhirFixturesMissing;

/** Form id for a fixture file: its name without `questionnaire-sdc-`, `-questionnaire` and `.json`, which fits the 63-character limit. */
const formIdOf = (file: string) => file.replace(/^questionnaire-(sdc-)?/, '').replace(/(-questionnaire)?\.json$/, '').toLowerCase();

// When skipped, the suite's title is the reason.
describe.skipIf(skipReason !== undefined)(skipReason ?? 'imported FHIR forms in Chromium', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let collector: Child;
  let browser: Browser;
  let collectorUrl: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sealpost-e2e-fhir-'));
    const port = await freePort();
    collectorUrl = `http://localhost:${port}`;
    env = { SEALPOST_DATA_DIR: dataDir, DATABASE_URL: '', SEALPOST_MASTER_KEY: '', PORT: String(port), SEALPOST_ACTOR: 'e2e-admin' };
    collector = await startScript('collector/main.ts', env, 'collector started');

    const files = [...questionnaireFiles().map((file) => path.join(FHIR_FIXTURES, file)), MEDICATIONS];
    for (const file of files) {
      const args = ['forms', 'import', file, '--id', formIdOf(path.basename(file)), '--allow-origin', 'http://localhost:8788', '--publish'];
      const result = await runCli(args, env);
      if (result.code !== 0) throw new Error(`Importing ${file} failed: ${result.stderr}`);
    }
    const consent = await runCli(['forms', 'publish', CONSENT], env);
    if (consent.code !== 0) throw new Error(`Publishing the consent form failed: ${consent.stderr}`);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await collector?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Opens a form's embed page directly and waits until the form app shows its fields. */
  async function openForm(formId: string): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      // Chromium asks for /favicon.ico, which the collector does not serve.
      if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) errors.push(message.text());
    });
    await page.goto(`${collectorUrl}/embed/forms/${formId}`);
    await page.locator('sealpost-form-app form').waitFor();
    return { page, errors };
  }

  it.each(questionnaireFiles())('renders %s', async (file) => {
    const { page, errors } = await openForm(formIdOf(file));

    expect(await page.locator('sealpost-form-app [data-field]').count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a question when its condition holds', async () => {
    const { page } = await openForm('test-enablewhen');
    const dependent = page.locator('sealpost-form-app [data-field="e5da17a7-7546-45c5-9bcd-d0b09a74cc14"]');
    expect(await dependent.count()).toBe(0);

    await page.locator('sealpost-form-app [data-field="83d5c1a6-5dc3-44d0-9d9e-d687c72e143e"] input[value="true"]').check();
    await dependent.waitFor();
    await dependent.locator('input').fill('shown after yes');

    await page.locator('sealpost-form-app [data-field="83d5c1a6-5dc3-44d0-9d9e-d687c72e143e"] input[value="false"]').check();
    await dependent.waitFor({ state: 'detached' });
    await page.close();
  });

  it('adds and removes repeat instances', async () => {
    const { page } = await openForm('medications');
    await page.getByRole('radio', { name: 'Yes' }).check();
    // The repeating group is the form's second step.
    await page.getByRole('button', { name: 'Next' }).click();
    const instances = page.locator('sealpost-form-app [data-instance-of="medication"]');
    await instances.first().waitFor();

    await instances.nth(0).getByLabel('Name').fill('Metformin');
    await page.getByRole('button', { name: 'Add another “Medication”' }).click();
    await instances.nth(1).getByLabel('Name').fill('Lisinopril');
    await instances.nth(1).getByRole('radio', { name: 'No' }).check();
    await instances.nth(1).getByLabel('When do you take it?').waitFor();
    expect(await instances.nth(0).getByLabel('When do you take it?').count()).toBe(0);

    await page.getByRole('button', { name: 'Remove entry 1 of “Medication”' }).click();
    expect(await instances.count()).toBe(1);
    expect(await instances.nth(0).getByLabel('Name').inputValue()).toBe('Lisinopril');
    expect(await instances.nth(0).getByLabel('When do you take it?').count()).toBe(1);

    await instances.nth(0).getByLabel('When do you take it?').fill('08:30');
    await page.getByRole('button', { name: 'Review your answers' }).click();
    await page.getByRole('heading', { name: 'Check your answers before you submit' }).waitFor();
    // The time reads as English writes it; ICU 72 and later put a narrow no-break space before AM and PM.
    const reviewed = (await page.locator('sealpost-form-app .review dd').allTextContents()).map((text) => text.replace(/\s/g, ' '));
    expect(reviewed).toEqual(['Yes', '', 'Lisinopril', 'Not answered', 'No', '8:30 AM']);
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Submit' }).click();
    await page.locator('sealpost-form-app .confirmation').waitFor();
    await page.close();
  });

  it('submits the PHQ-9', async () => {
    const { page } = await openForm('profile-example-phq9');
    const questions = page.locator('sealpost-form-app fieldset[data-field]');
    expect(await questions.count()).toBe(9);
    for (let index = 0; index < 9; index++) await questions.nth(index).getByLabel('Several days').check();

    await reviewAndSubmit(page);
    await page.locator('sealpost-form-app .confirmation').waitFor();
    await page.close();

    const list = await runCli(['submissions', 'list', '--form', 'profile-example-phq9', '--json'], env);
    const { id } = JSON.parse(list.stdout.trim().split('\n')[0]!) as { id: string };
    const shown = JSON.parse((await runCli(['submissions', 'show', id, '--json'], env)).stdout) as { answers: Record<string, string> };
    expect(Object.keys(shown.answers)).toHaveLength(9);
    expect(Object.values(shown.answers).every((answer) => answer === 'Several-days')).toBe(true);
  });

  it('sends an attachment inside the JWE', async () => {
    const { page } = await openForm('test-all-data-types');
    const input = page.locator('sealpost-form-app [data-field="id-attachment"] input[type="file"]');
    await page.getByText('Files up to 1 MB.').waitFor();

    await input.setInputFiles({ name: 'too-big.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(1_048_577, 1) });
    await page.getByText('Choose a file of at most 1 MB for “attachment to be included”.').waitFor();
    expect(await input.getAttribute('aria-invalid')).toBe('true');

    const content = Buffer.from('%PDF-1.4 referral letter');
    await input.setInputFiles({ name: 'referral.pdf', mimeType: 'application/pdf', buffer: content });
    await page.getByText('Choose a file of at most 1 MB for “attachment to be included”.').waitFor({ state: 'detached' });
    await reviewAndSubmit(page);
    await page.locator('sealpost-form-app .confirmation').waitFor();
    await page.close();

    const list = await runCli(['submissions', 'list', '--form', 'test-all-data-types', '--json'], env);
    const { id } = JSON.parse(list.stdout.trim().split('\n')[0]!) as { id: string };
    const shown = JSON.parse((await runCli(['submissions', 'show', id, '--json'], env)).stdout) as { answers: Record<string, unknown> };
    expect(shown.answers['id-attachment']).toEqual({ name: 'referral.pdf', type: 'application/pdf', size: content.length, data: content.toString('base64') });
  });

  /** Goes to the review page, which every form has, and submits from there. */
  async function reviewAndSubmit(page: Page): Promise<void> {
    await page.getByRole('button', { name: 'Review your answers' }).click();
    await page.getByRole('heading', { name: 'Check your answers before you submit' }).waitFor();
    await page.getByRole('button', { name: 'Submit' }).click();
  }

  /** Reads the newest submission of a form through the CLI, which decrypts it. */
  async function newestAnswers(formId: string): Promise<Record<string, unknown>> {
    const list = await runCli(['submissions', 'list', '--form', formId, '--json'], env);
    const { id } = JSON.parse(list.stdout.trim().split('\n')[0]!) as { id: string };
    return (JSON.parse((await runCli(['submissions', 'show', id, '--json'], env)).stdout) as { answers: Record<string, unknown> }).answers;
  }

  it('sends a drawn signature', async () => {
    const { page } = await openForm('consent');
    const canvas = page.getByRole('img', { name: /^Signature drawing area/ });
    expect(await axeViolations(page)).toEqual([]);

    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + 20, box.y + 40);
    await page.mouse.down();
    await page.mouse.move(box.x + 120, box.y + 90, { steps: 8 });
    await page.mouse.move(box.x + 220, box.y + 30, { steps: 8 });
    await page.mouse.up();
    await reviewAndSubmit(page);
    await page.locator('sealpost-form-app .confirmation').waitFor();
    await page.close();

    const answers = await newestAnswers('consent');
    expect(answers.signature).toMatchObject({ method: 'drawn' });
    expect((answers.signature as { image: string }).image).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
  });

  it('signs by typing with the keyboard', async () => {
    const { page } = await openForm('consent');
    await page.getByRole('button', { name: 'Review your answers' }).click();
    await page.getByText('Sign “Your signature” by drawing or by typing your name.').first().waitFor();

    await page.getByLabel('Or type your full name to sign').focus();
    await page.keyboard.type('Ana Ruiz');
    // Enter moves on to the review page, and the keyboard alone reaches Submit.
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Check your answers before you submit' }).waitFor();
    for (let tab = 0; tab < 6 && (await page.evaluate(() => document.querySelector('sealpost-form-app')?.shadowRoot?.activeElement?.textContent?.trim())) !== 'Submit'; tab++) {
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    await page.locator('sealpost-form-app .confirmation').waitFor();
    await page.close();

    expect((await newestAnswers('consent')).signature).toEqual({ method: 'typed', name: 'Ana Ruiz' });
  });

  it.each(['test-all-data-types', 'test-enablewhen', 'profile-example-weight-height', 'medications'])('%s has no axe violations', async (formId) => {
    const { page } = await openForm(formId);

    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });
});
