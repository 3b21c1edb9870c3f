import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../collector/staff/totp';
import type { FormDefinition } from '../../sdk/form-definition';
import { formatReceipt } from '../../sdk/ids';
import { axeViolations } from '../support/axe';
import { chromiumMissing, launchChromium } from '../support/browser';
import { ROOT, freePort, runCli, startScript, type Child } from '../support/processes';

const REVIEWER = { email: 'consent.reviewer@clinic.example', password: 'consent reviewer password 7' };
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

// CI installs Chromium; elsewhere the suite says how to install it and skips.
if (chromiumMissing && process.env.CI) throw new Error(chromiumMissing);

// When skipped, the suite's title is the reason.
describe.skipIf(chromiumMissing !== undefined)(chromiumMissing ?? 'consent form in Chromium', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let demo: Child;
  let browser: Browser;
  let siteUrl: string;
  let collectorUrl: string;
  let consent: FormDefinition['consent'] & object;
  const receipts: Record<'en' | 'es', string> = { en: '', es: '' };

  beforeAll(async () => {
    consent = (JSON.parse(await readFile(path.join(ROOT, 'demo/forms/consent-to-treatment.json'), 'utf8')) as FormDefinition).consent!;
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sealpost-e2e-consent-'));
    const [port, demoPort] = [await freePort(), await freePort()];
    collectorUrl = `http://localhost:${port}`;
    siteUrl = `http://localhost:${demoPort}`;
    env = { SEALPOST_DATA_DIR: dataDir, DATABASE_URL: '', SEALPOST_MASTER_KEY: '', PORT: String(port), DEMO_PORT: String(demoPort), SEALPOST_ACTOR: 'e2e-consent' };
    demo = await startScript('demo/start.ts', env, 'demo clinic site started');
    const added = await runCli(['users', 'add', REVIEWER.email, '--role', 'reviewer'], { ...env, SEALPOST_INITIAL_PASSWORD: REVIEWER.password });
    if (added.code !== 0) throw new Error(`Adding the reviewer failed: ${added.stderr}`);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Opens the consent page from the intake page's link, and returns the form's frame once it is ready. */
  async function openConsentPage(lang: 'en' | 'es'): Promise<{ page: Page; frame: Frame; warnings: string[] }> {
    const page = await browser.newPage();
    const warnings: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'warning') warnings.push(message.text());
    });
    await page.addInitScript(() => {
      const seen: { type: string; detail: unknown }[] = [];
      (window as unknown as { seen: typeof seen }).seen = seen;
      for (const type of ['sealpost-ready', 'sealpost-submitted', 'sealpost-error']) document.addEventListener(type, (event) => seen.push({ type, detail: (event as CustomEvent).detail }));
    });
    await page.goto(`${siteUrl}/intake.html?lang=${lang}`);
    await page.locator('#consent-link').click();
    await page.waitForURL(`${siteUrl}/consent.html?lang=${lang}`);
    await page.waitForFunction(() => (window as unknown as { seen: { type: string }[] }).seen.some((event) => event.type === 'sealpost-ready'));

    const frame = page.frames().find((candidate) => candidate.url().includes('/embed/forms/consent-to-treatment'));
    if (!frame) throw new Error('The consent form frame did not load.');
    return { page, frame, warnings };
  }

  async function receiptOf(page: Page): Promise<string> {
    await page.waitForFunction(() => (window as unknown as { seen: { type: string }[] }).seen.some((event) => event.type === 'sealpost-submitted'));
    return page.evaluate(() => ((window as unknown as { seen: { type: string; detail: { receiptId: string } }[] }).seen.find((event) => event.type === 'sealpost-submitted')!.detail.receiptId));
  }

  async function decrypted(id: string): Promise<{ answers: Record<string, unknown>; consent: unknown; locale: string }> {
    const shown = await runCli(['submissions', 'show', id, '--json'], env);
    if (shown.code !== 0) throw new Error(shown.stderr);
    return JSON.parse(shown.stdout) as { answers: Record<string, unknown>; consent: unknown; locale: string };
  }

  it('signs with a drawn signature and records the hash of the English text', async () => {
    const { page, frame, warnings } = await openConsentPage('en');

    // The page prefills the clinic location, which the form marks prefillable.
    await expect(frame.getByLabel('Clinic location').inputValue()).resolves.toBe('riverside');
    expect(warnings).toEqual([]);
    await frame.getByRole('button', { name: 'Next' }).click();

    await frame.getByText('I consent to examination and treatment by the doctors').waitFor();
    const box = frame.getByLabel('I have read this authorization and I agree to it');
    expect(await box.isChecked()).toBe(false);
    expect(await axeViolations(frame)).toEqual([]);

    await box.check();
    await frame.getByRole('textbox', { name: 'Your full name', exact: true }).fill('Theodora Nwachukwu-Lindqvist');
    const canvas = frame.getByRole('img', { name: /^Signature drawing area/ });
    const area = (await canvas.boundingBox())!;
    await page.mouse.move(area.x + 20, area.y + 40);
    await page.mouse.down();
    await page.mouse.move(area.x + 140, area.y + 100, { steps: 8 });
    await page.mouse.move(area.x + 260, area.y + 30, { steps: 8 });
    await page.mouse.up();

    await frame.getByRole('button', { name: 'Review your answers' }).click();
    await frame.getByRole('heading', { name: 'Check your answers before you submit' }).waitFor();
    expect(await frame.locator('.review dd').allTextContents()).toEqual(['Riverside, Main Street', 'Yes', 'Theodora Nwachukwu-Lindqvist', 'Signed by drawing']);
    expect(await axeViolations(frame)).toEqual([]);
    await frame.getByRole('button', { name: 'Submit' }).click();

    receipts.en = await receiptOf(page);
    const submission = await decrypted(receipts.en);
    expect(submission.consent).toEqual({ formVersion: 1, locale: 'en', textSha256: sha256(consent.text.en) });
    expect(submission.answers.location).toBe('riverside');
    expect(submission.answers['_consent-signature']).toMatchObject({ method: 'drawn' });
    await page.close();
  });

  it('signs in Spanish by typing and records the Spanish text', async () => {
    const { page, frame } = await openConsentPage('es');
    await frame.getByRole('button', { name: 'Siguiente' }).click();
    await frame.getByText('Doy mi consentimiento para que los médicos').waitFor();

    await frame.getByLabel('He leído esta autorización y la acepto').check();
    await frame.getByRole('textbox', { name: 'Su nombre completo', exact: true }).fill('Teodora Nwachukwu');
    await frame.getByLabel('O escriba su nombre completo para firmar').fill('Teodora Nwachukwu');
    await frame.getByRole('button', { name: 'Revisar sus respuestas' }).click();
    await frame.getByRole('button', { name: 'Enviar' }).click();

    receipts.es = await receiptOf(page);
    const submission = await decrypted(receipts.es);
    expect(submission.locale).toBe('es');
    expect(submission.consent).toEqual({ formVersion: 1, locale: 'es', textSha256: sha256(consent.text.es) });
    await page.close();
  });

  it('shows a reviewer the text signed, the ledger row, and exports FHIR', async () => {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${collectorUrl}/console`);
    await page.getByLabel('Email address').fill(REVIEWER.email);
    await page.getByLabel('Password').fill(REVIEWER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Set up your authenticator app' }).waitFor();
    const secret = (await page.locator('code').first().textContent())!.trim();
    await page.getByLabel('Authenticator code').fill(totpCode(secret, new Date()));
    await page.getByRole('button', { name: 'Continue' }).click();

    // The ledger contains one PHI-free row per signed consent.
    await page.getByRole('heading', { name: 'Submissions' }).waitFor();
    const ledger = (await page.evaluate(async () => (await fetch('/v1/staff/consents')).json())) as { items: { submissionId: string; locale: string; textSha256: string; formVersion: number }[] };
    expect(ledger.items.map(({ submissionId, locale, textSha256, formVersion }) => ({ submissionId, locale, textSha256, formVersion }))).toEqual([
      { submissionId: receipts.es, locale: 'es', textSha256: sha256(consent.text.es), formVersion: 1 },
      { submissionId: receipts.en, locale: 'en', textSha256: sha256(consent.text.en), formVersion: 1 },
    ]);
    expect(JSON.stringify(ledger)).not.toContain('Nwachukwu');

    await page.getByRole('button', { name: `Open submission ${formatReceipt(receipts.es)}` }).click();
    await page.getByRole('heading', { name: 'Signed authorization' }).waitFor();
    expect(await page.locator('sealpost-submission blockquote').textContent()).toBe(consent.text.es);
    await expect(page.locator('sealpost-submission blockquote').getAttribute('lang')).resolves.toBe('es');
    await page.getByText('The stored text matches the SHA-256').waitFor();
    await page.getByText(sha256(consent.text.es)).waitFor();

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export as FHIR QuestionnaireResponse' }).click();
    const file = await (await download).path();
    const resource = JSON.parse(await readFile(file, 'utf8')) as { resourceType: string; item: { linkId: string }[]; language: string };
    expect(resource.resourceType).toBe('QuestionnaireResponse');
    expect(resource.language).toBe('es');
    expect(resource.item.map((item) => item.linkId)).toEqual(['location', '_consent']);

    const audit = await runCli(['audit', 'list', '--limit', '2'], env);
    expect(audit.stdout).toMatch(new RegExp(`submission\\.export\\s+submission ${formatReceipt(receipts.es)}`));

    // The console's ledger page lists the same rows, passes axe, and opens a submission from a row.
    await page.getByRole('button', { name: 'Consent ledger' }).click();
    await page.locator('sealpost-consents table').waitFor();
    expect(await page.locator('sealpost-consents tbody tr').count()).toBe(2);
    expect(await axeViolations(page)).toEqual([]);
    await page.locator('sealpost-consents').getByRole('button', { name: `Open submission ${formatReceipt(receipts.en)}` }).click();
    await page.getByRole('heading', { name: 'Signed authorization' }).waitFor();
    expect(await page.locator('sealpost-submission blockquote').textContent()).toBe(consent.text.en);
    await context.close();
  });

  it('exports from the CLI as FHIR and as JSON', async () => {
    const fhir = await runCli(['submissions', 'export', receipts.en, '--format', 'fhir'], env);
    expect(fhir.code, fhir.stderr).toBe(0);
    expect(JSON.parse(fhir.stdout)).toMatchObject({ resourceType: 'QuestionnaireResponse', id: receipts.en, questionnaire: 'urn:sealpost:form:consent-to-treatment|1' });

    const out = path.join(dataDir, 'export.json');
    const json = await runCli(['submissions', 'export', receipts.en, '--format', 'json', '--out', out], env);
    expect(json.stdout).toBe(`Wrote ${out}.\n`);
    expect(JSON.parse(await readFile(out, 'utf8'))).toMatchObject({ id: receipts.en, consent: { locale: 'en' } });

    const wrong = await runCli(['submissions', 'export', receipts.en, '--format', 'xml'], env);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--format xml is not supported');
  });
});
