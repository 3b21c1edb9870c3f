import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../collector/staff/totp';
import { chromiumMissing, launchChromium } from '../support/browser';
import { ROOT, freePort, runCli, startScript, type Child } from '../support/processes';
import { sampleTemplate } from '../support/workflow-harness';

const ARTIFACTS = path.join(ROOT, 'test/artifacts');
const ADMIN = { email: 'ines.moreau@clinic.example', password: 'admin initial password 2026' };
const ADMIN_NEW_PASSWORD = 'a brand new admin passphrase';
/** Columns of the report's split table: the split value, four counts and four rates. */
const COLUMN_COUNT = 9;
const BROWSER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

// CI installs Chromium; elsewhere the suite says how to install it and skips.
if (chromiumMissing && process.env.CI) throw new Error(chromiumMissing);

describe.skipIf(chromiumMissing !== undefined)('console pages in Chromium', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let collector: Child;
  let browser: Browser;
  let page: Page;
  let baseUrl: string;
  let apiHeaders: Record<string, string>;
  /** The admin's TOTP secret, set up at the first sign-in. */
  let secret: string;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    await buildConsoleBundle();
    await mkdir(ARTIFACTS, { recursive: true });

    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sealpost-console-pages-'));
    const port = await freePort();
    baseUrl = `http://localhost:${port}`;
    env = { SEALPOST_DATA_DIR: dataDir, DATABASE_URL: '', SEALPOST_MASTER_KEY: '', PORT: String(port), SEALPOST_ACTOR: 'e2e-setup', SEALPOST_WORKFLOW_POLL_MS: '100' };

    collector = await startScript('collector/main.ts', env, 'collector started');
    expect((await runCli(['forms', 'publish', path.join(ROOT, 'demo/forms/new-patient-intake.json')], env)).code).toBe(0);
    expect((await runCli(['users', 'add', ADMIN.email, '--role', 'admin'], { ...env, SEALPOST_INITIAL_PASSWORD: ADMIN.password })).code).toBe(0);
    const created = await runCli(['apikeys', 'create', '--name', 'e2e-sender'], env);
    const key = /sealpost_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/.exec(created.stdout)?.[0];
    if (!key) throw new Error(`apikeys create printed no key: ${created.stdout} ${created.stderr}`);
    apiHeaders = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };

    const sentAt = Date.now();
    const messages = await sendMessages(baseUrl, apiHeaders);
    await runWorkflow(baseUrl, apiHeaders);
    // Opens and clicks within 5 seconds of sending count as machine events; these stand for people.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, sentAt + 5_500 - Date.now())));
    await openAndClick(baseUrl, messages);

    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await collector?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('signs an admin in with a computed TOTP code', async () => {
    await page.goto(`${baseUrl}/console`);
    await page.getByLabel('Email address').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Set up your authenticator app' }).waitFor();

    secret = (await page.locator('code').first().textContent())!.trim();
    await page.getByLabel('Authenticator code').fill(totpCode(secret, new Date()));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Submissions' }).waitFor();
  });

  it('shows the deliverability report with data', async () => {
    const chunks: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/console/assets/chunk-')) chunks.push(request.url());
    });
    await page.getByRole('button', { name: 'Reports' }).click();
    await page.getByRole('heading', { name: 'Totals' }).waitFor();

    expect(chunks.length).toBeGreaterThan(0);
    const totals = await page.locator('sealpost-reports dl.figures').first().innerText();
    expect(totals.replace(/\s+/g, ' ')).toContain('Sent 12');
    expect(totals.replace(/\s+/g, ' ')).toContain('Delivered 10');
    const rates = (await page.locator('sealpost-reports dl.figures').nth(1).innerText()).replace(/\s+/g, ' ');
    expect(rates).toContain('Delivery rate 83.3% 10 delivered of 12 sent');
    expect(rates).toContain('Open rate 50.0% 5 delivered and opened of 10 delivered');
    await expect(page.locator('sealpost-reports sealpost-chart canvas').count()).resolves.toBe(5);

    const table = page.getByRole('table');
    // A header row and one row per campaign: three sent through the API and the workflow's own.
    await expect(table.getByRole('row').count()).resolves.toBe(5);
    await expect(table.getByRole('rowheader').first().innerText()).resolves.toBe('intake-reminder');
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-reports.png'), fullPage: true });
  });

  it('sorts the split table by keyboard', async () => {
    const header = page.getByRole('columnheader', { name: /Campaign/ });
    await header.getByRole('button').focus();
    await page.keyboard.press('Enter');
    await expect(header.getAttribute('aria-sort')).resolves.toBe('ascending');
    await expect(page.getByRole('table').getByRole('rowheader').first().innerText()).resolves.toBe('follow-up');

    const delivery = page.getByRole('columnheader', { name: /Delivery rate/ });
    await delivery.getByRole('button').focus();
    await page.keyboard.press('Enter');
    await expect(delivery.getAttribute('aria-sort')).resolves.toBe('descending');
    await expect(header.getAttribute('aria-sort')).resolves.toBe('none');
  });

  it('shows rate counts without hover', async () => {
    const table = page.getByRole('table');
    await expect(table.locator('caption').innerText()).resolves.toContain('Under each rate are the counts it divides, numerator / denominator.');
    await expect(page.locator('sealpost-reports [title]').count()).resolves.toBe(0);

    // intake-reminder: six sent, five delivered, three of them opened, one clicked.
    const row = table.getByRole('row', { name: /^intake-reminder/ });
    const cells = row.getByRole('cell');
    const expected = [['83.3%', '5 / 6'], ['60.0%', '3 / 5'], ['20.0%', '1 / 5'], ['33.3%', '1 / 3']];
    for (const [index, [rate, counts]] of expected.entries()) {
      const cell = cells.nth(4 + index);
      await expect(cell.innerText()).resolves.toMatch(new RegExp(`^${rate}\\n`));
      await expect(cell.locator('small').innerText()).resolves.toBe(counts);
      await expect(cell.locator('small').isVisible()).resolves.toBe(true);
    }

    // Screen readers get the counts in words, in place of the "5 / 6" shorthand.
    const snapshot = await row.ariaSnapshot();
    expect(snapshot).toContain('cell "83.3% (5 delivered of 6 sent)"');
    expect(snapshot).toContain('cell "60.0% (3 delivered and opened of 5 delivered)"');
    expect(snapshot).toContain('cell "20.0% (1 delivered and clicked of 5 delivered)"');
    expect(snapshot).toContain('cell "33.3% (1 opened and clicked of 3 delivered and opened)"');
    expect(snapshot).not.toContain('5 / 6');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('reaches the split table by keyboard only', async () => {
    await page.getByRole('link', { name: 'Download CSV' }).focus();
    const region = page.getByRole('region', { name: 'Split table' });

    // Tab moves from the last control into the table: its scroll region, then each sort button.
    await page.keyboard.press('Tab');
    await expect(region.evaluate((element) => element.matches(':focus'))).resolves.toBe(true);
    await expect(region.innerText()).resolves.toContain('5 / 6');

    const names: string[] = [];
    for (let i = 0; i < COLUMN_COUNT; i += 1) {
      await page.keyboard.press('Tab');
      names.push(await page.evaluate(() => {
        let active = document.activeElement;
        while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
        return active?.textContent?.trim() ?? '';
      }));
    }
    expect(names).toEqual(['Campaign', 'Queued', 'Sent', 'Delivered', 'Failed', expect.stringMatching(/^Delivery rate/), 'Open rate', 'Click-through rate', 'Click-to-open rate']);

    await page.keyboard.press('Enter');
    await expect(page.getByRole('columnheader', { name: /Click-to-open rate/ }).getAttribute('aria-sort')).resolves.toBe('descending');
  });

  it('splits by recipient domain and offers the CSV', async () => {
    await page.getByLabel('Split by').selectOption('recipient_domain');
    await page.getByRole('button', { name: 'Show report' }).click();
    await page.getByRole('heading', { name: 'By recipient domain' }).waitFor();
    await expect(page.getByRole('table').getByRole('rowheader').allInnerTexts()).resolves.toEqual(expect.arrayContaining(['mail.example', 'post.example']));

    const href = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
    const csv = await page.evaluate(async (url) => (await fetch(url!)).text(), href);
    expect(csv.split('\r\n')[0]).toMatch(/^row,bucket,split,split_missing,queued,sent,delivered/);
    expect(csv).toContain('mail.example');
  });

  it('explains an empty range in words', async () => {
    await page.getByLabel('From', { exact: true }).fill('2020-01-01');
    await page.getByLabel('To (inclusive)').fill('2020-01-31');
    await page.getByRole('button', { name: 'Show report' }).click();
    await page.getByText('No messages were queued between 2020-01-01 and 2020-01-31').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-reports-empty.png') });
  });

  it('shows a workflow funnel as a chart and a table', async () => {
    await page.getByRole('button', { name: 'Workflows' }).click();
    await page.getByRole('heading', { name: 'Funnel of Welcome series, version 1' }).waitFor();
    await page.locator('sealpost-workflows sealpost-chart canvas').waitFor();

    const row = page.getByRole('row', { name: /Welcome series/ });
    await expect(row.getByRole('cell').first().innerText()).resolves.toBe('Active');
    const welcome = page.getByRole('row', { name: /^send-welcome/ });
    await expect(welcome.getByRole('cell').allInnerTexts()).resolves.toEqual(['send email', '3', '3', '0', '0', '0', '0', '3', '0', '0', '0', '0']);
    const wait = page.getByRole('row', { name: /^wait-a-day/ });
    await expect(wait.getByRole('cell').nth(3).innerText()).resolves.toBe('3');
    await expect(page.getByRole('row', { name: /^tips 1 / }).count()).resolves.toBe(1);
    await expect(page.getByRole('row', { name: /^welcome 1 / }).count()).resolves.toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-workflows.png'), fullPage: true });
  });

  it('publishes a form, rotates its key and sets retention', async () => {
    await page.getByRole('button', { name: 'Forms' }).click();
    await page.getByRole('heading', { name: /new-patient-intake/ }).waitFor();
    expect(await axeViolations(page)).toEqual([]);

    const definition = JSON.parse(await readFile(path.join(ROOT, 'demo/forms/new-patient-intake.json'), 'utf8')) as { version: number };
    const file = path.join(dataDir, 'intake-v2.json');
    await writeFile(file, JSON.stringify({ ...definition, version: 2 }));
    await page.getByLabel('Definition file (JSON)').setInputFiles(file);
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByText('Published new-patient-intake version 2.').waitFor();

    const before = await fetchPublicKid(baseUrl);
    await page.getByRole('button', { name: 'Rotate key of new-patient-intake…' }).click();
    await page.getByRole('button', { name: 'Rotate key', exact: true }).click();
    await page.getByText(/now encrypts new submissions to key/).waitFor();
    expect(await fetchPublicKid(baseUrl)).not.toBe(before);
    await page.getByText(/retired .*, still decrypts/).waitFor();

    await page.getByLabel('Delete submissions older than (days)').fill('90');
    await page.getByRole('button', { name: 'Save retention' }).click();
    await page.getByText('Submissions of new-patient-intake older than 90 days are deleted by the daily retention job.').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-forms.png'), fullPage: true });
  });

  it('adds a user, changes a role and resets an authenticator', async () => {
    await page.getByRole('button', { name: 'Users' }).click();
    await page.getByRole('row', { name: new RegExp(ADMIN.email) }).waitFor();
    expect(await axeViolations(page)).toEqual([]);

    await page.getByLabel('Email address').fill('noor.haddad@clinic.example');
    await page.getByLabel('Role', { exact: true }).selectOption('analyst');
    await page.getByRole('button', { name: 'Add account' }).click();
    await page.getByText('Initial password for noor.haddad@clinic.example, shown only now').waitFor();

    await page.getByRole('combobox', { name: 'Role of noor.haddad@clinic.example' }).selectOption('reviewer');
    await page.getByRole('button', { name: 'Save role of noor.haddad@clinic.example' }).click();
    await page.getByText('noor.haddad@clinic.example is now reviewer.').waitFor();

    await page.getByRole('button', { name: 'Reset authenticator of noor.haddad@clinic.example…' }).click();
    await page.getByRole('button', { name: 'Reset and sign out' }).click();
    await page.getByText('noor.haddad@clinic.example sets up an authenticator app again at the next sign-in').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-users.png'), fullPage: true });
  });

  it('changes the own password with the current one', async () => {
    await page.getByRole('button', { name: 'Your account' }).click();
    await page.getByLabel('Current password').fill('not the password at all');
    await page.getByLabel('New password', { exact: true }).fill(ADMIN_NEW_PASSWORD);
    await page.getByLabel('New password again').fill(ADMIN_NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('The current password is wrong').waitFor();

    await page.getByLabel('Current password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your password is changed.').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-account.png') });
  });

  it('filters the audit log', async () => {
    await page.getByRole('button', { name: 'Audit log' }).click();
    await page.getByText(/Hash chain intact/).waitFor();
    await page.getByLabel('Action').fill('form.key_rotate');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByRole('row', { name: /form\.key_rotate/ }).waitFor();
    await expect(page.getByRole('row').count()).resolves.toBe(2);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-audit-filtered.png') });
    expect(cspViolations).toEqual([]);
  });

  it('returns to the page after the session expired', async () => {
    expect(page.url()).toBe(`${baseUrl}/console#/audit`);
    // Dropping the cookie stands for an expired session, because either way the request carries no valid session.
    await page.context().clearCookies();
    await page.reload();

    await page.getByLabel('Email address').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN_NEW_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The first sign-in used an earlier 30-second step; the next step's code is accepted (one step of drift) and unused.
    await page.getByLabel('Authenticator code').fill(totpCode(secret, new Date(Date.now() + 30_000)));
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.getByText(/Hash chain intact/).waitFor();
    await expect.poll(() => focusedHeading(page)).toBe('Audit log');
    await expect(page.title()).resolves.toBe('Audit log – Sealpost console');
    expect(page.url()).toBe(`${baseUrl}/console#/audit`);
  });

  it('shows an analyst only statistics pages', async () => {
    await page.getByRole('button', { name: 'Users' }).click();
    await page.getByLabel('Email address').fill('lena.fischer@clinic.example');
    await page.getByLabel('Role', { exact: true }).selectOption('analyst');
    await page.getByRole('button', { name: 'Add account' }).click();
    const password = (await page.locator('code.secret').textContent())!.trim();

    // A link to a reviewer's page: the analyst lands on Reports, and the URL names the page shown.
    const analystPage = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await analystPage.goto(`${baseUrl}/console#/submissions/7K3M9QXD2BNP4R6T`);
    await analystPage.getByLabel('Email address').fill('lena.fischer@clinic.example');
    await analystPage.getByLabel('Password').fill(password);
    await analystPage.getByRole('button', { name: 'Sign in' }).click();
    const secret = (await analystPage.locator('code').first().textContent())!.trim();
    await analystPage.getByLabel('Authenticator code').fill(totpCode(secret, new Date()));
    await analystPage.getByRole('button', { name: 'Continue' }).click();

    await analystPage.getByRole('heading', { name: 'Totals' }).waitFor();
    await analystPage.getByRole('status').getByText('The Submissions page is not available to the analyst role, so the console shows Reports.').waitFor();
    expect(analystPage.url()).toBe(`${baseUrl}/console#/reports`);
    await expect.poll(() => focusedHeading(analystPage)).toBe('Deliverability');
    await expect(analystPage.title()).resolves.toBe('Reports – Sealpost console');
    expect(await axeViolations(analystPage)).toEqual([]);
    const sections = await analystPage.getByRole('navigation', { name: 'Console sections' }).getByRole('button').allInnerTexts();
    expect(sections).toEqual(['Reports', 'Workflows', 'Statistics', 'Your account']);
    await analystPage.close();
  });
});

/** Returns the text of the focused heading, looking into shadow roots, or what is focused instead. */
async function focusedHeading(page: Page): Promise<string> {
  return page.evaluate(() => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active?.tagName === 'H2' ? (active.textContent ?? '').trim() : `${active?.tagName ?? 'nothing'} is focused, not a heading`;
  });
}

/** Runs axe-core in the page and returns every violation as `rule: selectors`. */
async function axeViolations(page: Page): Promise<string[]> {
  const source = await readFile(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run();
    return result.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  });
}

/** Registers twelve sent messages in three campaigns and two recipient domains, with ten deliveries and two bounces. */
async function sendMessages(baseUrl: string, headers: Record<string, string>): Promise<{ id: string; html: string }[]> {
  const campaigns = ['intake-reminder', 'intake-reminder', 'intake-reminder', 'intake-reminder', 'intake-reminder', 'intake-reminder', 'follow-up', 'follow-up', 'follow-up', 'survey', 'survey', 'survey'];
  const batch = campaigns.map((campaign, index) => ({
    to: `patient-${index}@${index % 3 === 0 ? 'post.example' : 'mail.example'}`,
    from: 'reminders@clinic.example',
    subject: `About your ${campaign.replace('-', ' ')}`,
    html: '<p>Please <a href="https://clinic.example/forms">fill in the form</a>.</p>',
    campaign,
  }));
  const response = await fetch(`${baseUrl}/v1/messages/external`, { method: 'POST', headers, body: JSON.stringify(batch) });
  expect(response.status).toBe(201);
  const { messages } = (await response.json()) as { messages: { id: string; html: string }[] };

  const events = messages.map((message, index) =>
    index === 2 || index === 7
      ? { id: `bounce-${index}`, messageId: message.id, type: 'bounced', bounceType: 'hard', smtpCode: 550, occurredAt: new Date().toISOString() }
      : { id: `delivered-${index}`, messageId: message.id, type: 'delivered', occurredAt: new Date().toISOString() },
  );
  expect((await fetch(`${baseUrl}/v1/messages/events`, { method: 'POST', headers, body: JSON.stringify(events) })).status).toBe(200);
  return messages;
}

/** Opens five delivered messages and clicks a link in two, with a browser's user agent. */
async function openAndClick(baseUrl: string, messages: { id: string; html: string }[]): Promise<void> {
  for (const index of [0, 1, 3, 6, 9]) {
    const pixel = /\/t\/o\/([A-Za-z0-9_-]+)/.exec(messages[index]!.html)![1];
    expect((await fetch(`${baseUrl}/t/o/${pixel}`, { headers: { 'user-agent': BROWSER_AGENT } })).status).toBe(200);
  }
  for (const index of [0, 6]) {
    const link = /\/t\/c\/([A-Za-z0-9_-]+)/.exec(messages[index]!.html)![1];
    expect((await fetch(`${baseUrl}/t/c/${link}`, { headers: { 'user-agent': BROWSER_AGENT }, redirect: 'manual' })).status).toBe(302);
  }
}

/** Publishes a two-step workflow and starts three runs that send an email and then wait a day. */
async function runWorkflow(baseUrl: string, headers: Record<string, string>): Promise<void> {
  const definition = {
    id: 'welcome',
    version: 1,
    name: 'Welcome series',
    trigger: { type: 'api_event', name: 'patient.registered' },
    steps: [
      { id: 'send-welcome', type: 'send_email', template: 'welcome', next: 'wait-a-day' },
      { id: 'wait-a-day', type: 'wait', duration: 'P1D', next: 'send-tips' },
      { id: 'send-tips', type: 'send_email', template: 'tips', next: null },
    ],
  };
  for (const template of ['welcome', 'tips']) {
    expect((await fetch(`${baseUrl}/v1/templates`, { method: 'POST', headers, body: JSON.stringify(sampleTemplate(template)) })).status).toBe(201);
  }
  expect((await fetch(`${baseUrl}/v1/workflows`, { method: 'POST', headers, body: JSON.stringify(definition) })).status).toBe(201);

  for (const n of [1, 2, 3]) {
    const contact = (await (await fetch(`${baseUrl}/v1/contacts`, { method: 'POST', headers, body: JSON.stringify({ email: `welcome-${n}@mail.example` }) })).json()) as { id: string };
    expect((await fetch(`${baseUrl}/v1/events`, { method: 'POST', headers, body: JSON.stringify({ id: `registered-${n}`, name: 'patient.registered', contactId: contact.id }) })).status).toBe(202);
  }

  // The worker polls every 100 ms; wait until all three runs wait at the second step.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const report = (await (await fetch(`${baseUrl}/v1/reports/workflows/welcome`, { headers })).json()) as { funnel: { stepId: string; waiting: number }[] };
    if (report.funnel.find((step) => step.stepId === 'wait-a-day')?.waiting === 3) return;
    if (Date.now() > deadline) throw new Error(`The workflow runs did not reach the wait step: ${JSON.stringify(report.funnel)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function fetchPublicKid(baseUrl: string): Promise<string> {
  return ((await (await fetch(`${baseUrl}/v1/forms/new-patient-intake`)).json()) as { key: { kid: string } }).key.kid;
}

/** Builds dist/console/, so the test runs against the current source. */
async function buildConsoleBundle(): Promise<void> {
  const child = spawn(process.execPath, ['scripts/build-console.mjs'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`The console bundle did not build:\n${stderr}`);
}
