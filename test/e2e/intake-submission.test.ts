import http from 'node:http';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../collector/db/open-database';
import { axeViolations } from '../support/axe';
import { launchChromium, chromiumMissing } from '../support/browser';
import { ROOT, freePort, runCli, startScript, type Child } from '../support/processes';

const typed = {
  fullName: 'Zoraida Villaseñor-Tkachenko',
  dateOfBirth: '1983-07-21',
  email: 'zoraida.vt@example.org',
  phone: '+1 555 014 7788',
  reason: 'Persistent wheezing after exercise',
};

// CI installs Chromium. Elsewhere the suite is skipped with install instructions.
if (chromiumMissing && process.env.CI) throw new Error(chromiumMissing);

describe.skipIf(chromiumMissing !== undefined)('intake form in Chromium', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let demo: Child;
  let browser: Browser;
  let collectorUrl: string;
  let siteUrl: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sealpost-e2e-'));
    const [port, demoPort] = [await freePort(), await freePort()];
    collectorUrl = `http://localhost:${port}`;
    siteUrl = `http://localhost:${demoPort}`;
    env = { SEALPOST_DATA_DIR: dataDir, DATABASE_URL: '', SEALPOST_MASTER_KEY: '', PORT: String(port), DEMO_PORT: String(demoPort), SEALPOST_ACTOR: 'e2e-reviewer' };

    demo = await startScript('demo/start.ts', env, 'demo clinic site started');
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Opens a page with a hostile script that records keystrokes and page text, as an analytics tag could. */
  async function openHostPage(url: string): Promise<Page> {
    const page = await browser.newPage();
    await page.addInitScript(() => {
      if (window.top !== window) return;
      const spy = { keys: [] as string[], text: [] as string[], frameReads: [] as string[], events: [] as { type: string; detail: unknown }[] };
      (window as unknown as { __spy: typeof spy }).__spy = spy;

      for (const type of ['keydown', 'keypress', 'input', 'change']) {
        document.addEventListener(type, (event) => spy.keys.push((event as KeyboardEvent).key ?? String((event.target as HTMLInputElement)?.value)), true);
      }
      for (const type of ['sealpost-ready', 'sealpost-submitted', 'sealpost-error']) {
        document.addEventListener(type, (event) => spy.events.push({ type, detail: (event as CustomEvent).detail }));
      }
      setInterval(() => {
        spy.text.push(document.documentElement.outerHTML);
        for (const host of document.querySelectorAll('sealpost-form')) {
          const frame = host.shadowRoot?.querySelector('iframe');
          try {
            spy.frameReads.push(frame?.contentDocument?.body?.innerHTML ?? 'blocked');
          } catch {
            spy.frameReads.push('blocked');
          }
        }
      }, 100);
    });
    await page.goto(url);
    return page;
  }

  async function formFrame(page: Page): Promise<Frame> {
    await page.waitForFunction(() => (window as unknown as { __spy: { events: { type: string }[] } }).__spy.events.some((event) => event.type === 'sealpost-ready'));
    const frame = page.frames().find((candidate) => candidate.url().includes('/embed/forms/new-patient-intake'));
    if (!frame) throw new Error('The form iframe did not load.');
    return frame;
  }

  it('submits typed answers and stores only ciphertext', async () => {
    const page = await openHostPage(`${siteUrl}/intake.html`);
    const frame = await formFrame(page);

    await frame.getByLabel('Full name').fill(typed.fullName);
    await frame.getByLabel('Date of birth').fill(typed.dateOfBirth);
    await frame.getByLabel('Email', { exact: false }).first().fill(typed.email);
    await frame.getByLabel('Phone').fill(typed.phone);
    await frame.getByLabel('Reason for visit').fill(typed.reason);
    await frame.getByLabel('Preferred way to contact you').selectOption('text');
    await frame.getByLabel('Asthma').check();
    await frame.getByLabel('High blood pressure').check();
    await frame.getByRole('radio', { name: 'Yes' }).check();

    // Every form shows a review page before Submit, a form of one section too.
    await frame.getByRole('button', { name: 'Review your answers' }).click();
    await frame.getByRole('heading', { name: 'Check your answers before you submit' }).waitFor();
    expect(await frame.locator('.review dd').first().textContent()).toBe(typed.fullName);
    expect(await axeViolations(frame)).toEqual([]);

    // A double click must still submit once.
    await frame.getByRole('button', { name: 'Submit' }).dblclick();

    await page.waitForFunction(() => (window as unknown as { __spy: { events: { type: string }[] } }).__spy.events.some((event) => event.type === 'sealpost-submitted'));
    const spy = await page.evaluate(() => (window as unknown as { __spy: { keys: string[]; text: string[]; frameReads: string[]; events: { type: string; detail: { receiptId?: string } }[] } }).__spy);
    const receiptId = spy.events.find((event) => event.type === 'sealpost-submitted')!.detail.receiptId!;
    expect(receiptId).toMatch(/^[0-9A-Z]{16}$/);

    const formatted = receiptId.match(/.{4}/g)!.join('-');
    await frame.getByText(formatted).waitFor();

    // The host page's script saw neither keys, nor answers, nor the frame's DOM.
    const seenByHost = JSON.stringify(spy);
    for (const value of Object.values(typed)) expect(seenByHost).not.toContain(value);
    expect(spy.keys).toEqual([]);
    // Until the collector's page arrives, the iframe holds an empty document of the host's origin.
    expect(new Set(spy.frameReads.filter((read) => read !== ''))).toEqual(new Set(['blocked']));

    // Nothing was written to the host's storage or URL.
    const hostState = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie, url: location.href }));
    expect(hostState).toEqual({ local: 0, session: 0, cookie: '', url: `${siteUrl}/intake.html` });

    // The collector's CLI decrypts exactly what was typed.
    const list = await runCli(['submissions', 'list', '--json'], env);
    expect(list.stdout.trim().split('\n')).toHaveLength(1);

    const show = await runCli(['submissions', 'show', receiptId, '--json'], env);
    expect(show.code).toBe(0);
    const shown = JSON.parse(show.stdout) as { answers: Record<string, unknown>; locale: string };
    expect(shown.locale).toBe('en');
    expect(shown.answers).toEqual({
      'full-name': typed.fullName,
      'date-of-birth': typed.dateOfBirth,
      email: typed.email,
      phone: typed.phone,
      reason: typed.reason,
      'preferred-contact': 'text',
      conditions: ['asthma', 'hypertension'],
      'has-insurance': 'yes',
    });

    const audit = await runCli(['audit', 'list', '--limit', '1'], env);
    expect(audit.stdout).toMatch(new RegExp(`e2e-reviewer\\s+submission\\.decrypt\\s+submission ${formatted}`));
    await page.close();
  });

  it('submits on the first click after fixing errors', async () => {
    const page = await openHostPage(`${siteUrl}/intake.html`);
    const frame = await formFrame(page);
    const review = frame.getByRole('button', { name: 'Review your answers' });

    // A failed attempt shows an error under every required field and a summary above them.
    await review.click();
    await frame.locator('#error-summary').waitFor();

    await frame.getByLabel('Full name').fill('Corrected Patient');
    await frame.getByLabel('Date of birth').fill('1990-02-03');
    await frame.getByLabel('Reason for visit').fill('Follow-up');
    await frame.getByLabel('Preferred way to contact you').selectOption('phone');
    await frame.getByRole('radio', { name: 'No' }).check();
    await frame.getByLabel('Email', { exact: false }).first().fill('corrected@example.org');

    // Focus leaves the email field as the button is pressed, which clears its error.
    // The layout must not move under the pointer before the click completes.
    await review.click();
    await frame.getByRole('heading', { name: 'Check your answers before you submit' }).waitFor();
    await frame.getByRole('button', { name: 'Submit' }).click();
    await page.waitForFunction(() => (window as unknown as { __spy: { events: { type: string }[] } }).__spy.events.some((event) => event.type === 'sealpost-submitted'));
    await page.close();
  });

  it('mails the workflow welcome to the sample contact', async () => {
    // The demo page carries the sample patient's contact token, so the submissions above started the intake follow-up.
    const folder = path.join(dataDir, 'demo-mail');
    const deadline = Date.now() + 30_000;
    let mail = '';
    while (!mail.includes('Subject: Welcome to Riverside Family Clinic')) {
      if (Date.now() > deadline) throw new Error(`No welcome email reached ${folder} within 30 s:\n${demo.output().slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
      const names = await readdir(folder).catch(() => [] as string[]);
      mail = (await Promise.all(names.map((name) => readFile(path.join(folder, name), 'utf8')))).join('\n');
    }

    expect(mail).toContain('To: demo.patient@example.org');
    expect(mail).toMatch(/\/t\/c\/[A-Za-z0-9_-]+/);
    expect(mail.match(/Subject: Welcome to Riverside Family Clinic/g)).toHaveLength(1);
  });

  it('keeps answers out of every stored row and file', async () => {
    await demo.stop();
    for (const value of Object.values(typed)) expect(demo.output()).not.toContain(value);

    const { db, close } = await openDatabase({ pgliteDir: path.join(dataDir, 'pgdata') });
    try {
      const dump = JSON.stringify(await Promise.all(['forms', 'form_versions', 'form_keys', 'submissions', 'audit_log'].map((table) => db.execute(`SELECT * FROM ${table}`))));
      expect(dump).toContain('new-patient-intake');
      for (const value of Object.values(typed)) expect(dump).not.toContain(value);
    } finally {
      await close();
    }

    // Raw database files too, write-ahead log included.
    for (const file of await listFiles(dataDir)) {
      const bytes = await readFile(file);
      for (const value of Object.values(typed)) expect(bytes.includes(Buffer.from(value)), `${value} found in ${file}`).toBe(false);
    }
    demo = await startScript('demo/start.ts', env, 'demo clinic site started');
  });

  it('renders in Spanish', async () => {
    const page = await openHostPage(`${siteUrl}/intake.html?lang=es`);
    const frame = await formFrame(page);
    await expect(frame.getByLabel('Nombre completo').count()).resolves.toBe(1);
    await expect(frame.locator('html').getAttribute('lang')).resolves.toBe('es');
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('es');
    await expect(page.locator('h1').textContent()).resolves.toBe('Antes de su primera visita');
    await expect(page.locator('.developer summary').textContent()).resolves.toBe('Para desarrolladores: eventos que recibió esta página');
    await expect(page.locator('.developer p').textContent()).resolves.toMatch(/^El formulario se ejecuta en un iframe/);

    // The review page writes the date of birth as Spanish does.
    await frame.getByLabel('Nombre completo').fill('Paciente de Prueba');
    await frame.getByLabel('Fecha de nacimiento').fill('1980-02-03');
    await frame.getByLabel('Correo electrónico', { exact: false }).first().fill('prueba@example.org');
    await frame.getByLabel('Motivo de la consulta').fill('Revisión anual');
    await frame.getByLabel('Forma preferida de contacto').selectOption('phone');
    await frame.getByRole('radio', { name: 'No' }).check();
    await frame.getByRole('button', { name: 'Revisar sus respuestas' }).click();
    const dateOfBirth = frame.locator('.review dt', { hasText: 'Fecha de nacimiento' }).locator('xpath=following-sibling::dd[1]');
    await expect(dateOfBirth.textContent()).resolves.toBe('3 de febrero de 1980');
    await page.close();
  });

  it('blocks framing from an origin the form does not list', async () => {
    // 127.0.0.1 is another origin than localhost, and the form lists only localhost.
    const page = await openHostPage(siteUrl.replace('localhost', '127.0.0.1') + '/intake.html');
    await page.waitForTimeout(3000);
    const events = await page.evaluate(() => (window as unknown as { __spy: { events: { type: string }[] } }).__spy.events.map((event) => event.type));
    expect(events).not.toContain('sealpost-ready');
    const frame = page.frames().find((candidate) => candidate !== page.mainFrame());
    expect(await frame?.locator('input').count()).toBe(0);
    await page.close();
  });

  it('serves the embed page with frame-ancestors', async () => {
    const response = await fetch(`${collectorUrl}/embed/forms/new-patient-intake`);
    expect(response.headers.get('content-security-policy')).toContain(`frame-ancestors ${siteUrl}`);
  });

  it('works with the script loaded twice and two forms', async () => {
    // A page of its own origin, served by the test, and a form published to allow it.
    const page = await browser.newPage();
    const server = http.createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(`<!doctype html><html lang="en"><body>
        <script src="${collectorUrl}/sdk/sealpost.js"></script>
        <script src="${collectorUrl}/sdk/sealpost.js"></script>
        <sealpost-form id="a" form="e2e-two-forms" collector="${collectorUrl}"></sealpost-form>
        <sealpost-form id="b" form="e2e-two-forms" collector="${collectorUrl}" lang="es"></sealpost-form>
        <script>window.ready = []; document.addEventListener('sealpost-ready', (e) => window.ready.push(e.target.id));</script>
      </body></html>`);
    });
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

    try {
      const formFile = path.join(dataDir, 'two-forms.json');
      const definition = JSON.parse(await readFile(path.join(ROOT, 'demo/forms/new-patient-intake.json'), 'utf8')) as Record<string, unknown>;
      await writeFile(formFile, JSON.stringify({ ...definition, id: 'e2e-two-forms', allowedOrigins: [`http://localhost:${port}`] }));
      expect((await runCli(['forms', 'publish', formFile], env)).code).toBe(0);

      await page.goto(`http://localhost:${port}/`);
      await page.waitForFunction(() => (window as unknown as { ready: string[] }).ready.length === 2);
      expect((await page.evaluate(() => (window as unknown as { ready: string[] }).ready)).sort()).toEqual(['a', 'b']);
      expect(await page.evaluate(() => customElements.get('sealpost-form') !== undefined)).toBe(true);
    } finally {
      await page.close();
      server.close();
    }
  });
});

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}
