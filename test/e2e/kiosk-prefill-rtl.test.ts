import http from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FormDefinition } from '../../sdk/form-definition';
import { axeViolations } from '../support/axe';
import { chromiumMissing, launchChromium } from '../support/browser';
import { ROOT, freePort, runCli, startScript, type Child } from '../support/processes';

// CI installs Chromium; elsewhere the suite says how to install it and skips.
if (chromiumMissing && process.env.CI) throw new Error(chromiumMissing);

type Seen = { type: string; detail: unknown }[];

// When skipped, the suite's title is the reason.
describe.skipIf(chromiumMissing !== undefined)(chromiumMissing ?? 'kiosk, prefill and right-to-left forms in Chromium', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let collector: Child;
  let server: http.Server;
  let browser: Browser;
  let hostUrl: string;
  let collectorUrl: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sealpost-e2e-kiosk-'));
    const [port, hostPort] = [await freePort(), await freePort()];
    collectorUrl = `http://localhost:${port}`;
    hostUrl = `http://localhost:${hostPort}`;
    env = { SEALPOST_DATA_DIR: dataDir, DATABASE_URL: '', SEALPOST_MASTER_KEY: '', PORT: String(port), SEALPOST_ACTOR: 'e2e-kiosk' };
    collector = await startScript('collector/main.ts', env, 'collector started');

    // The intake form with a prefillable clinic location, and the Arabic test form, both allowing this test's host page.
    const intake = JSON.parse(await readFile(path.join(ROOT, 'demo/forms/new-patient-intake.json'), 'utf8')) as FormDefinition;
    intake.id = 'e2e-kiosk';
    intake.allowedOrigins = [hostUrl];
    intake.fields.unshift({
      id: 'location',
      type: 'select',
      label: { en: 'Clinic location', es: 'Centro de la clínica' },
      required: true,
      prefillable: true,
      options: [
        { value: 'riverside', label: 'Riverside' },
        { value: 'hillcrest', label: 'Hillcrest' },
      ],
    });
    const rtl = JSON.parse(await readFile(path.join(ROOT, 'test/fixtures/rtl-form.json'), 'utf8')) as FormDefinition;
    rtl.allowedOrigins = [hostUrl];
    for (const [name, definition] of [['kiosk.json', intake], ['rtl.json', rtl]] as const) {
      const file = path.join(dataDir, name);
      await writeFile(file, JSON.stringify(definition));
      const published = await runCli(['forms', 'publish', file], env);
      if (published.code !== 0) throw new Error(`Publishing ${name} failed: ${published.stderr}`);
    }

    server = http.createServer((request, response) => {
      const page = new URL(request.url ?? '/', hostUrl).pathname;
      const element =
        page === '/rtl.html'
          ? `<sealpost-form form="rtl-intake" collector="${collectorUrl}" lang="ar"></sealpost-form>`
          : `<sealpost-form form="e2e-kiosk" collector="${collectorUrl}" lang="en" kiosk prefill-location="hillcrest"></sealpost-form>
             <script>document.querySelector('sealpost-form').prefill({ 'full-name': 'Not for the page to set' });</script>`;
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(`<!doctype html><html lang="en"><head><title>Front desk</title></head><body><main>
        <script src="${collectorUrl}/sdk/sealpost.js"></script>${element}</main></body></html>`);
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

  /** Opens a host page with Playwright's fake clock, records the element's events and console warnings, and returns the form's frame. */
  async function openHost(pathname: string, formId: string): Promise<{ page: Page; frame: Frame; warnings: string[] }> {
    const page = await browser.newPage();
    const warnings: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'warning') warnings.push(message.text());
    });
    await page.clock.install();
    await page.addInitScript(() => {
      const seen: Seen = [];
      (window as unknown as { seen: Seen }).seen = seen;
      for (const type of ['sealpost-ready', 'sealpost-submitted', 'sealpost-timeout']) document.addEventListener(type, (event) => seen.push({ type, detail: (event as CustomEvent).detail }));
    });
    await page.goto(`${hostUrl}${pathname}`);
    await waitForEvent(page, 'sealpost-ready');
    const frame = page.frames().find((candidate) => candidate.url().includes(`/embed/forms/${formId}`));
    if (!frame) throw new Error(`The frame of ${formId} did not load.`);
    return { page, frame, warnings };
  }

  const waitForEvent = (page: Page, type: string) => page.waitForFunction((wanted) => (window as unknown as { seen: Seen }).seen.some((event) => event.type === wanted), type);

  async function fillIntake(frame: Frame, name: string): Promise<void> {
    await frame.getByLabel('Full name').fill(name);
    await frame.getByLabel('Date of birth').fill('1975-10-30');
    await frame.getByLabel('Email', { exact: false }).first().fill('front.desk@example.org');
    await frame.getByLabel('Reason for visit').fill('Flu shot');
    await frame.getByLabel('Preferred way to contact you').selectOption('email');
    await frame.getByRole('radio', { name: 'No' }).check();
  }

  it('prefills the location from the attribute and refuses the name with a warning', async () => {
    const { page, frame, warnings } = await openHost('/kiosk.html', 'e2e-kiosk');

    await expect.poll(() => frame.getByLabel('Clinic location').inputValue()).toBe('hillcrest');
    await expect.poll(() => warnings.join('\n')).toContain('the prefill of "full-name" was refused');
    expect(await frame.getByLabel('Full name').inputValue()).toBe('');
    expect(warnings.join('\n')).not.toContain('"location"');
    await page.close();
  });

  it('kiosk: autofill is off, and the form starts again after a submit', async () => {
    const { page, frame } = await openHost('/kiosk.html', 'e2e-kiosk');
    const autocomplete = await frame.evaluate(() => {
      const root = document.querySelector('sealpost-form-app')!.shadowRoot!;
      return { form: root.querySelector('form')?.getAttribute('autocomplete'), controls: Array.from(root.querySelectorAll('input, select, textarea'), (control) => control.getAttribute('autocomplete')) };
    });
    expect(autocomplete.form).toBe('off');
    expect(autocomplete.controls.length).toBeGreaterThan(10);
    expect(new Set(autocomplete.controls)).toEqual(new Set(['off']));

    await fillIntake(frame, 'Bartholomew Kiosk-Patient');
    await frame.getByRole('button', { name: 'Review your answers' }).click();
    await frame.getByRole('button', { name: 'Submit' }).click();
    await waitForEvent(page, 'sealpost-submitted');
    await frame.getByText('This form clears itself for the next patient in 30 seconds.').waitFor();

    await page.clock.fastForward('00:31');
    await frame.getByLabel('Full name').waitFor();
    expect(await frame.getByLabel('Full name').inputValue()).toBe('');
    expect(await frame.getByLabel('Clinic location').inputValue()).toBe('hillcrest');
    expect(await frame.locator('body').innerText()).not.toContain('Bartholomew');
    expect(await frame.evaluate(() => document.querySelector('sealpost-form-app')?.shadowRoot?.activeElement?.id)).toBe('form-title');

    const list = await runCli(['submissions', 'list', '--form', 'e2e-kiosk', '--json'], env);
    const { id } = JSON.parse(list.stdout.trim().split('\n')[0]!) as { id: string };
    const shown = JSON.parse((await runCli(['submissions', 'show', id, '--json'], env)).stdout) as { answers: Record<string, unknown> };
    expect(shown.answers).toMatchObject({ location: 'hillcrest', 'full-name': 'Bartholomew Kiosk-Patient' });
    await page.close();
  });

  it('kiosk: a timeout starts again for the next patient', async () => {
    const { page, frame } = await openHost('/kiosk.html', 'e2e-kiosk');
    await frame.getByLabel('Full name').fill('Walked Away');

    await page.clock.fastForward('10:01');
    await waitForEvent(page, 'sealpost-timeout');
    await expect.poll(() => frame.getByLabel('Full name').inputValue()).toBe('');
    expect(await frame.locator('#timeout-notice').count()).toBe(0);
    expect(await frame.getByLabel('Clinic location').inputValue()).toBe('hillcrest');
    await page.close();
  });

  it('lays out an Arabic form right to left, without axe violations', async () => {
    const { page, frame } = await openHost('/rtl.html', 'rtl-intake');
    expect(frame.url()).toContain('lang=ar');
    await frame.getByRole('heading', { name: 'تسجيل مريض جديد' }).waitFor();

    const layout = await frame.evaluate(() => {
      const root = document.querySelector('sealpost-form-app')!.shadowRoot!;
      const main = root.querySelector('main')!;
      // The label's text, not its box, which spans the whole width either way.
      const range = document.createRange();
      range.selectNodeContents(root.querySelector('label[for="field-full-name"]')!);
      const text = range.getBoundingClientRect();
      const input = root.getElementById('field-full-name')!.getBoundingClientRect();
      return {
        html: [document.documentElement.lang, document.documentElement.dir],
        main: [main.lang, main.dir],
        direction: getComputedStyle(root.getElementById('field-full-name')!).direction,
        text: { left: text.left, right: text.right },
        input: { left: input.left, right: input.right },
      };
    });
    expect(layout.html).toEqual(['ar', 'rtl']);
    expect(layout.main).toEqual(['ar', 'rtl']);
    expect(layout.direction).toBe('rtl');
    // The label's text starts at the right edge, where the field starts.
    expect(Math.abs(layout.text.right - layout.input.right)).toBeLessThan(2);
    expect(layout.text.left - layout.input.left).toBeGreaterThan(100);
    expect(await axeViolations(frame)).toEqual([]);

    await frame.getByLabel('الاسم الكامل').fill('ليلى حداد');
    await frame.getByRole('radio', { name: 'مكالمة هاتفية' }).check();
    await frame.getByRole('button', { name: 'Review your answers' }).click();
    await frame.getByRole('heading', { name: 'Check your answers before you submit' }).waitFor();
    expect(await axeViolations(frame)).toEqual([]);
    await frame.getByRole('button', { name: 'Submit' }).click();
    await waitForEvent(page, 'sealpost-submitted');

    const list = await runCli(['submissions', 'list', '--form', 'rtl-intake', '--json'], env);
    const { id } = JSON.parse(list.stdout.trim().split('\n')[0]!) as { id: string };
    const shown = JSON.parse((await runCli(['submissions', 'show', id, '--json'], env)).stdout) as { locale: string; answers: Record<string, unknown> };
    expect(shown).toMatchObject({ locale: 'ar', answers: { 'full-name': 'ليلى حداد', contact: 'phone' } });
    await page.close();
  });
});
