import http from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FormDefinition } from '../../sdk/form-definition';
import { chromiumMissing, launchChromium } from '../support/browser';
import { ROOT, freePort, runCli, startScript, type Child } from '../support/processes';

// CI installs Chromium; elsewhere the suite says how to install it and skips.
if (chromiumMissing && process.env.CI) throw new Error(chromiumMissing);

type Seen = { type: string; detail: { receiptId?: string } | null }[];

const FORM = 'e2e-contact';
const WORKFLOW = {
  id: 'e2e-intake-received',
  version: 1,
  trigger: { type: 'form_submitted', formId: FORM },
  steps: [{ id: 'mark', type: 'add_to_segment', segment: 'intake-received', next: null }],
};

// When skipped, the suite's title is the reason.
describe.skipIf(chromiumMissing !== undefined)(chromiumMissing ?? 'contact token in Chromium', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let collector: Child;
  let server: http.Server;
  let browser: Browser;
  let hostUrl: string;
  let collectorUrl: string;
  let apiKey: string;
  /** The token the host page's server writes into the page, as a clinic's server would. */
  let pageToken = '';

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sealpost-e2e-contact-'));
    const [port, hostPort] = [await freePort(), await freePort()];
    collectorUrl = `http://localhost:${port}`;
    hostUrl = `http://localhost:${hostPort}`;
    env = { SEALPOST_DATA_DIR: dataDir, DATABASE_URL: '', SEALPOST_MASTER_KEY: '', PORT: String(port), SEALPOST_ACTOR: 'e2e-contact', SEALPOST_WORKFLOW_POLL_MS: '100' };
    collector = await startScript('collector/main.ts', env, 'collector started');

    const intake = JSON.parse(await readFile(path.join(ROOT, 'demo/forms/new-patient-intake.json'), 'utf8')) as FormDefinition;
    intake.id = FORM;
    intake.allowedOrigins = [hostUrl];
    const file = path.join(dataDir, 'form.json');
    await writeFile(file, JSON.stringify(intake));
    const published = await runCli(['forms', 'publish', file], env);
    if (published.code !== 0) throw new Error(`Publishing the form failed: ${published.stderr}`);

    const created = await runCli(['apikeys', 'create', '--name', 'e2e-clinic-server'], env);
    apiKey = /^sealpost_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/m.exec(created.stdout)?.[0] ?? '';
    if (!apiKey) throw new Error(`Creating an API key failed: ${created.stderr}`);
    expect((await api('POST', '/v1/workflows', WORKFLOW)).status).toBe(201);

    // The clinic's own page: its server writes the token into a script that sets the attribute.
    server = http.createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(`<!doctype html><html lang="en"><head><title>Intake</title></head><body><main>
        <script src="${collectorUrl}/sdk/sealpost.js"></script>
        <sealpost-form form="${FORM}" collector="${collectorUrl}" lang="en"></sealpost-form>
        <script>document.querySelector('sealpost-form').setAttribute('contact-token', ${JSON.stringify(pageToken)});</script>
        </main></body></html>`);
    });
    await new Promise<void>((resolve) => server.listen(hostPort, '127.0.0.1', resolve));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    await collector?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Calls the collector's server API with the API key, as the clinic's server would. */
  function api(method: string, pathname: string, body?: unknown): Promise<Response> {
    return fetch(`${collectorUrl}${pathname}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  async function newContact(): Promise<string> {
    const response = await api('POST', '/v1/contacts', { email: `patient-${Math.random().toString(36).slice(2)}@example.org` });
    expect(response.status).toBe(201);
    return ((await response.json()) as { id: string }).id;
  }

  async function tokenFor(contactId: string): Promise<string> {
    const response = await api('POST', `/v1/contacts/${contactId}/form-token`, { formId: FORM });
    expect(response.status).toBe(200);
    return ((await response.json()) as { token: string }).token;
  }

  const segmentsOf = async (contactId: string) => ((await (await api('GET', `/v1/contacts/${contactId}`)).json()) as { segments: string[] }).segments;

  async function openHost(): Promise<{ page: Page; frame: Frame; urls: string[]; submissions: Record<string, unknown>[] }> {
    const page = await browser.newPage();
    const urls: string[] = [];
    const submissions: Record<string, unknown>[] = [];
    // Every request of the page and of its frames, the form's own included.
    page.on('request', (request) => {
      urls.push(request.url());
      if (request.method() === 'POST' && request.url().endsWith(`/v1/forms/${FORM}/submissions`)) submissions.push(request.postDataJSON() as Record<string, unknown>);
    });
    await page.addInitScript(() => {
      const seen: Seen = [];
      (window as unknown as { seen: Seen }).seen = seen;
      for (const type of ['sealpost-ready', 'sealpost-submitted', 'sealpost-error']) document.addEventListener(type, (event) => seen.push({ type, detail: (event as CustomEvent).detail }));
    });
    await page.goto(`${hostUrl}/intake.html`);
    await waitForEvent(page, 'sealpost-ready');
    const frame = page.frames().find((candidate) => candidate.url().includes(`/embed/forms/${FORM}`));
    if (!frame) throw new Error('The form frame did not load.');
    return { page, frame, urls, submissions };
  }

  const waitForEvent = (page: Page, type: string) => page.waitForFunction((wanted) => (window as unknown as { seen: Seen }).seen.some((event) => event.type === wanted), type);

  async function fillAndClickSubmit(frame: Frame): Promise<void> {
    await frame.getByLabel('Full name').fill('Octavia Nwachukwu-Lindqvist');
    await frame.getByLabel('Date of birth').fill('1979-02-11');
    await frame.getByLabel('Email', { exact: false }).first().fill('octavia.nl@example.org');
    await frame.getByLabel('Reason for visit').fill('Annual check-up');
    await frame.getByLabel('Preferred way to contact you').selectOption('email');
    await frame.getByRole('radio', { name: 'No' }).check();
    await frame.getByRole('button', { name: 'Review your answers' }).click();
    await frame.getByRole('button', { name: 'Submit' }).click();
  }

  async function fillAndSubmit(page: Page, frame: Frame): Promise<string> {
    await fillAndClickSubmit(frame);
    await waitForEvent(page, 'sealpost-submitted');
    const seen = await page.evaluate(() => (window as unknown as { seen: Seen }).seen);
    return seen.find((event) => event.type === 'sealpost-submitted')!.detail!.receiptId!;
  }

  it('starts the workflow for the contact of the latest token, which no URL ever carried', async () => {
    const [earlier, patient] = [await newContact(), await newContact()];
    const [earlierToken, patientToken] = [await tokenFor(earlier), await tokenFor(patient)];
    pageToken = earlierToken;

    const { page, frame, urls, submissions } = await openHost();
    // The page learns who is at the desk after loading, and updates the attribute before the patient submits.
    await page.evaluate((token) => document.querySelector('sealpost-form')!.setAttribute('contact-token', token), patientToken);
    const receiptId = await fillAndSubmit(page, frame);
    expect(receiptId).toMatch(/^[0-9A-Z]{16}$/);

    // The token went beside the JWE, in the body of the one submission request.
    expect(submissions).toHaveLength(1);
    expect(submissions[0]!.contactToken).toBe(patientToken);

    // The worker takes the trigger job and runs the workflow for that contact only.
    await expect.poll(() => segmentsOf(patient), { timeout: 15_000, interval: 200 }).toEqual(['intake-received']);
    expect(await segmentsOf(earlier)).toEqual([]);
    const report = (await (await api('GET', `/v1/reports/workflows/${WORKFLOW.id}`)).json()) as { funnel: { stepId: string; entered: number }[] };
    expect(report.funnel.find((step) => step.stepId === 'mark')?.entered).toBe(1);

    // Neither token was in any URL the page or its frame requested, nor in the host's storage or address.
    expect(urls.length).toBeGreaterThan(3);
    for (const url of urls) {
      expect(url).not.toContain(patientToken);
      expect(url).not.toContain(earlierToken);
      expect(url).not.toContain(patientToken.split('.')[2]!);
    }
    const hostState = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie, url: location.href }));
    expect(hostState).toEqual({ local: 0, session: 0, cookie: '', url: `${hostUrl}/intake.html` });
    const frameState = await frame.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, url: location.href }));
    expect(frameState.local + frameState.session).toBe(0);
    expect(frameState.url).not.toContain(patientToken);
    await page.close();
  });

  it('reports invalid_contact_token to the page for a tampered token, and starts nothing', async () => {
    const [patient, victim] = [await newContact(), await newContact()];
    // A genuine token with its body changed to name another contact: the signature no longer matches.
    const [version, keyId, body, tag] = (await tokenFor(patient)).split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString('utf8')) as Record<string, unknown>;
    pageToken = [version, keyId, Buffer.from(JSON.stringify({ ...claims, c: victim })).toString('base64url'), tag].join('.');

    const { page, frame, submissions } = await openHost();
    await fillAndClickSubmit(frame);
    await waitForEvent(page, 'sealpost-error');

    const seen = await page.evaluate(() => (window as unknown as { seen: Seen }).seen);
    expect(seen.filter((event) => event.type === 'sealpost-error').map((event) => event.detail)).toEqual([{ code: 'invalid_contact_token' }]);
    expect(submissions).toHaveLength(1);
    expect(seen.some((event) => event.type === 'sealpost-submitted')).toBe(false);
    expect(await segmentsOf(patient)).toEqual([]);
    expect(await segmentsOf(victim)).toEqual([]);

    // Retrying cannot help, so the patient is told what to do instead.
    const notice = frame.locator('#send-error');
    await expect(notice.textContent()).resolves.toBe(
      'Your answers were not sent because the link to this form is no longer valid. Open the form again from the clinic’s latest message, or contact the clinic.',
    );
    await expect(notice.evaluate((element) => element === (element.getRootNode() as ShadowRoot).activeElement)).resolves.toBe(true);
    await page.close();
  });
});
