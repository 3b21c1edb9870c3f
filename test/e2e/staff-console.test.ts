import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../collector/staff/totp';
import { encryptSubmission } from '../../sdk/encrypt-answers';
import type { PublishedForm, SubmissionReceipt } from '../../sdk/form-definition';
import { formatReceipt, newIdempotencyKey } from '../../sdk/ids';
import { chromiumMissing, launchChromium } from '../support/browser';
import { ROOT, freePort, runCli, startScript, type Child } from '../support/processes';

const ARTIFACTS = path.join(ROOT, 'test/artifacts');
const REVIEWER = { email: 'rhea.okafor@clinic.example', password: 'reviewer initial password 42' };
const answers = {
  'full-name': 'Bartholomew Q. Nakashima-Ferreira',
  'date-of-birth': '1968-02-29',
  email: 'bart.nf@example.org',
  reason: 'Follow-up on blood pressure medication',
  'preferred-contact': 'phone',
  'has-insurance': 'yes',
};

// CI installs Chromium; elsewhere the suite says how to install it and skips.
if (chromiumMissing && process.env.CI) throw new Error(chromiumMissing);

describe.skipIf(chromiumMissing !== undefined)('staff console in Chromium', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let collector: Child;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let baseUrl: string;
  let receipt: SubmissionReceipt;
  let secret: string;

  beforeAll(async () => {
    await buildConsoleBundle();
    await mkdir(ARTIFACTS, { recursive: true });

    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sealpost-console-e2e-'));
    const port = await freePort();
    baseUrl = `http://localhost:${port}`;
    env = { SEALPOST_DATA_DIR: dataDir, DATABASE_URL: '', SEALPOST_MASTER_KEY: '', PORT: String(port), SEALPOST_ACTOR: 'e2e-setup' };

    collector = await startScript('collector/main.ts', env, 'collector started');
    expect((await runCli(['forms', 'publish', path.join(ROOT, 'demo/forms/new-patient-intake.json')], env)).code).toBe(0);
    receipt = await submit(baseUrl);

    const added = await runCli(['users', 'add', REVIEWER.email, '--role', 'reviewer'], { ...env, SEALPOST_INITIAL_PASSWORD: REVIEWER.password });
    expect(added.stdout).toContain(`Added reviewer ${REVIEWER.email}`);

    browser = await launchChromium();
    context = await browser.newContext();
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await collector?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves the console with a strict policy', async () => {
    const response = await fetch(`${baseUrl}/console`);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain('unsafe-inline');
  });

  it('signs in with TOTP setup', async () => {
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });

    await page.goto(`${baseUrl}/console`);
    await page.getByLabel('Email address').fill(REVIEWER.email);
    await page.getByLabel('Password').fill(REVIEWER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('heading', { name: 'Set up your authenticator app' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await expect(page.getByRole('img', { name: /QR code for your authenticator app/ }).isVisible()).resolves.toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-totp-setup.png') });

    secret = (await page.locator('code').first().textContent())!.trim();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await page.getByLabel('Authenticator code').fill(totpCode(secret, new Date()));
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.getByRole('heading', { name: 'Submissions' }).waitFor();
    expect(violations).toEqual([]);
  });

  it('lists the submission without decrypting it', async () => {
    const row = page.getByRole('row', { name: new RegExp(formatReceipt(receipt.id)) });
    await row.waitFor();
    await expect(row.getByRole('cell', { name: 'new-patient-intake' }).count()).resolves.toBe(1);
    expect(await page.content()).not.toContain(answers['full-name']);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-inbox.png') });
  });

  it('opens the submission by keyboard with labels', async () => {
    const open = page.getByRole('button', { name: `Open submission ${formatReceipt(receipt.id)}` });
    await open.focus();
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { name: `Submission ${formatReceipt(receipt.id)}` }).waitFor();
    const text = (await page.locator('sealpost-submission dl').innerText()).replace(/\s+/g, ' ');
    expect(text).toContain(`Full name ${answers['full-name']}`);
    expect(text).toContain(`Date of birth ${answers['date-of-birth']}`);
    expect(text).toContain('Phone No answer');
    expect(text).toContain('Preferred way to contact you Phone');
    await expectPage(page, `Submission ${formatReceipt(receipt.id)}`);
    expect(page.url()).toBe(`${baseUrl}/console#/submissions/${receipt.id}`);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-submission.png') });
  });

  it('finds the read in the audit log', async () => {
    await page.getByRole('button', { name: 'Audit log' }).click();
    await page.getByText(/Hash chain intact/).waitFor();

    // The console writes a submission id as the patient's receipt shows it, in groups of four.
    const row = page.getByRole('row', { name: new RegExp(`submission\\.decrypt.*${receipt.id.match(/.{4}/g)!.join('-')}`) });
    await expect(row.count()).resolves.toBe(1);
    // The actor cell names the account by address, with its stable id below.
    await expect(row.getByRole('cell', { name: new RegExp(`^${REVIEWER.email.replace(/\./g, '\\.')}\\s*staff:[0-9a-f-]{36}$`) }).count()).resolves.toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-audit.png') });
    expect(await accessibilityViolations(page)).toEqual([]);

    const cli = await runCli(['audit', 'list', '--limit', '3'], env);
    expect(cli.stdout).toMatch(new RegExp(`${REVIEWER.email.replace(/\./g, '\\.')}\\s+submission\\.decrypt\\s+submission ${receipt.id.match(/.{4}/g)!.join('-')}`));
  });

  it('moves back and forward between pages', async () => {
    const submission = `Submission ${formatReceipt(receipt.id)}`;
    await expectPage(page, 'Audit log');

    await page.goBack();
    await expectPage(page, submission);
    await page.goBack();
    await expectPage(page, 'Submissions');
    expect(page.url()).toBe(`${baseUrl}/console#/submissions`);

    await page.goForward();
    await expectPage(page, submission);
    await page.goForward();
    await expectPage(page, 'Audit log');
  });

  it('reloads on the same page', async () => {
    const submission = `Submission ${formatReceipt(receipt.id)}`;
    await page.goBack();
    await expectPage(page, submission);

    await page.reload();
    await expectPage(page, submission);
    const text = (await page.locator('sealpost-submission dl').innerText()).replace(/\s+/g, ' ');
    expect(text).toContain(`Full name ${answers['full-name']}`);
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('opens pages from direct URLs', async () => {
    await page.goto('about:blank');
    await page.goto(`${baseUrl}/console#/consents`);
    await expectPage(page, 'Consent ledger');

    // The receipt number as the patient reads it, in groups of four, opens the same submission.
    await page.goto(`${baseUrl}/console#/submissions/${formatReceipt(receipt.id)}`);
    await expectPage(page, `Submission ${formatReceipt(receipt.id)}`);
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('shows the first page for other URLs', async () => {
    await page.goto(`${baseUrl}/console#/users`);
    await expectPage(page, 'Submissions');
    await page.getByRole('status').getByText('The Users page is not available to the reviewer role, so the console shows Submissions.').waitFor();
    expect(page.url()).toBe(`${baseUrl}/console#/submissions`);
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.goto(`${baseUrl}/console#/submissions/not-a-receipt`);
    await expectPage(page, 'Submissions');
    await page.getByRole('status').getByText('The console has no page at this address, so it shows Submissions.').waitFor();
    expect(page.url()).toBe(`${baseUrl}/console#/submissions`);

    // The notice belongs to the page it explains and goes with the next move.
    await page.getByRole('button', { name: 'Audit log' }).click();
    await expectPage(page, 'Audit log');
    await expect(page.getByText('The console has no page at this address').count()).resolves.toBe(0);
  });

  it('reports a missing submission', async () => {
    await page.goto(`${baseUrl}/console#/submissions/0000000000000000`);
    await expectPage(page, 'Submission 0000-0000-0000-0000');
    await expect(page.getByRole('alert').innerText()).resolves.toContain('No submission has the id "0000000000000000"');
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Back to submissions' }).click();
    await expectPage(page, 'Submissions');
  });

  it('signs out, clears the page and revokes the cookie', async () => {
    const [cookie] = await context.cookies(baseUrl);
    expect(cookie).toMatchObject({ name: 'sealpost_session', httpOnly: true, sameSite: 'Strict' });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You are signed out.').waitFor();
    expect(page.url()).toBe(`${baseUrl}/console`);
    expect(await page.locator('body').innerText()).not.toContain(answers['full-name']);
    expect(await page.evaluate(() => document.cookie)).toBe('');

    const replay = await fetch(`${baseUrl}/v1/staff/session`, { headers: { cookie: `${cookie!.name}=${cookie!.value}` } });
    expect(replay.status).toBe(401);
  });

  it('warns before the idle timeout and then signs out', async () => {
    const idlePage = await context.newPage();
    await idlePage.clock.install();
    await idlePage.goto(`${baseUrl}/console`);

    await idlePage.getByLabel('Email address').fill(REVIEWER.email);
    await idlePage.getByLabel('Password').fill(REVIEWER.password);
    await idlePage.getByRole('button', { name: 'Sign in' }).click();
    await idlePage.getByLabel('Authenticator code').waitFor();
    // The first sign-in may have used the current 30-second step; the next step's code is accepted (one step of drift) and unused.
    await idlePage.getByLabel('Authenticator code').fill(totpCode(secret, new Date(Date.now() + 30_000)));
    await idlePage.getByRole('button', { name: 'Continue' }).click();
    await idlePage.getByRole('heading', { name: 'Submissions' }).waitFor();

    await idlePage.clock.fastForward('14:05');
    const dialog = idlePage.getByRole('dialog', { name: 'Are you still there?' });
    await dialog.waitFor();
    await idlePage.screenshot({ path: path.join(ARTIFACTS, 'console-idle-warning.png') });

    await idlePage.clock.fastForward('01:00');
    await idlePage.getByText('Your session ended after a period without activity.').waitFor();
    expect(await dialog.isVisible()).toBe(false);
    await idlePage.close();
  });
});

/**
 * Checks that the console shows the page with this heading, that focus is
 * on the heading, that the document title names it, and that the URL
 * contains none of the test patient's free-text answers.
 */
async function expectPage(page: Page, heading: string): Promise<void> {
  await page.getByRole('heading', { name: heading, exact: true }).waitFor();
  await expect.poll(() => focusedText(page)).toBe(heading);
  await expect.poll(() => page.title()).toBe(`${heading} – Sealpost console`);

  // Choice answers such as "yes" are left out: a random receipt id may contain them by chance.
  const url = decodeURIComponent(page.url()).toLowerCase();
  for (const value of [answers['full-name'], answers['date-of-birth'], answers.email, answers.reason]) expect(url).not.toContain(value.toLowerCase());
}

/** Returns the tag and text of the focused element, looking into shadow roots. */
async function focusedText(page: Page): Promise<string> {
  return page.evaluate(() => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active?.tagName === 'H2' ? (active.textContent ?? '').replace(/\s+/g, ' ').trim() : `${active?.tagName ?? 'nothing'} is focused, not a heading`;
  });
}

/**
 * Runs axe-core in the page and returns the serious and critical violations
 * as `rule: selectors`. The source is evaluated in the page because the
 * console's CSP rejects injected script tags.
 */
async function accessibilityViolations(page: Page): Promise<string[]> {
  const source = await readFile(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run();
    return result.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical').map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  });
}

async function submit(baseUrl: string): Promise<SubmissionReceipt> {
  const published = (await (await fetch(`${baseUrl}/v1/forms/new-patient-intake`)).json()) as PublishedForm;
  const jwe = await encryptSubmission({ formId: 'new-patient-intake', formVersion: 1, locale: 'en', answers }, published.key.jwk);
  const response = await fetch(`${baseUrl}/v1/forms/new-patient-intake/submissions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: baseUrl },
    body: JSON.stringify({ formVersion: 1, kid: published.key.kid, jwe, idempotencyKey: newIdempotencyKey() }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as SubmissionReceipt;
}

/** Builds dist/console/console.js, so the test runs against the current source. */
async function buildConsoleBundle(): Promise<void> {
  const child = spawn(process.execPath, ['scripts/build-console.mjs'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`The console bundle did not build:\n${stderr}`);
}
