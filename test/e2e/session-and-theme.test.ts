import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from '../support/axe';
import { chromiumMissing, launchChromium } from '../support/browser';
import { freePort, startScript, type Child } from '../support/processes';

// CI installs Chromium; elsewhere the suite says how to install it and skips.
if (chromiumMissing && process.env.CI) throw new Error(chromiumMissing);

// When skipped, the suite's title is the reason.
describe.skipIf(chromiumMissing !== undefined)(chromiumMissing ?? 'idle timeout and theme in Chromium', () => {
  let dataDir: string;
  let demo: Child;
  let browser: Browser;
  let siteUrl: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sealpost-e2e-session-'));
    const [port, demoPort] = [await freePort(), await freePort()];
    siteUrl = `http://localhost:${demoPort}`;
    const env = { SEALPOST_DATA_DIR: dataDir, DATABASE_URL: '', SEALPOST_MASTER_KEY: '', PORT: String(port), DEMO_PORT: String(demoPort) };
    demo = await startScript('demo/start.ts', env, 'demo clinic site started');
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Opens the PHQ-9 page with Playwright's fake clock, so the test moves time instead of waiting. */
  async function openPhq9(): Promise<{ page: Page; frame: Frame }> {
    const page = await browser.newPage();
    await page.clock.install();
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      for (const type of ['sealpost-ready', 'sealpost-timeout']) document.addEventListener(type, () => seen.push(type));
    });
    await page.goto(`${siteUrl}/phq-9.html`);
    await page.waitForFunction(() => (window as unknown as { seen: string[] }).seen.includes('sealpost-ready'));

    const frame = page.frames().find((candidate) => candidate.url().includes('/embed/forms/phq-9'));
    if (!frame) throw new Error('The form iframe did not load.');
    return { page, frame };
  }

  it('applies the host theme inside the frame', async () => {
    const { page, frame } = await openPhq9();
    const submit = frame.getByRole('button', { name: 'Review your answers' });

    await expect.poll(() => submit.evaluate((button) => getComputedStyle(button).backgroundColor)).toBe('rgb(47, 93, 80)');
    expect(await submit.evaluate((button) => getComputedStyle(button).borderTopLeftRadius)).toBe('8px');
    await page.close();
  });

  it('warns, then clears the answers', async () => {
    const { page, frame } = await openPhq9();
    await expect(frame.locator('.idle-notice').textContent()).resolves.toBe('For your privacy, this form clears your answers after 10 minutes without activity.');
    await frame.getByRole('radio', { name: 'Nearly every day' }).first().check();

    await page.clock.fastForward('08:01');
    const dialog = frame.getByRole('alertdialog', { name: 'Are you still there?' });
    await dialog.waitFor();
    expect(await frame.evaluate(() => document.querySelector('sealpost-form-app')?.shadowRoot?.activeElement?.id)).toBe('keep-working');
    expect(await axeViolations(frame)).toEqual([]);

    await page.clock.fastForward('02:00');
    await dialog.waitFor({ state: 'detached' });
    expect(await frame.getByRole('radio', { name: 'Nearly every day' }).first().isChecked()).toBe(false);
    await frame.getByText('For your privacy, your answers were cleared after 10 minutes without activity. You can start again.').waitFor();
    expect(await page.evaluate(() => (window as unknown as { seen: string[] }).seen)).toContain('sealpost-timeout');
    await page.close();
  });

  it('keep working keeps the answers', async () => {
    const { page, frame } = await openPhq9();
    await frame.getByRole('radio', { name: 'Several days' }).first().check();

    await page.clock.fastForward('08:01');
    await frame.getByRole('button', { name: 'Keep working' }).waitFor();
    // The button has focus, so a keyboard user only presses Enter.
    await page.keyboard.press('Enter');
    await frame.getByRole('alertdialog').waitFor({ state: 'detached' });

    expect(await frame.getByRole('radio', { name: 'Several days' }).first().isChecked()).toBe(true);
    await page.close();
  });
});
