import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from '../support/axe';
import { chromiumMissing, launchChromium } from '../support/browser';
import { freePort, startScript, type Child } from '../support/processes';

// CI installs Chromium. Elsewhere the suite is skipped, and its title explains how to install it.
if (chromiumMissing && process.env.CI) throw new Error(chromiumMissing);

const FORGED_TOKEN = 'A'.repeat(33);

// When skipped, the suite's title is the reason.
describe.skipIf(chromiumMissing !== undefined)(chromiumMissing ?? 'broken tracking link in Chromium', () => {
  let dataDir: string;
  let collector: Child;
  let browser: Browser;
  let collectorUrl: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sealpost-e2e-link-'));
    const port = await freePort();
    collectorUrl = `http://localhost:${port}`;
    collector = await startScript('collector/main.ts', { SEALPOST_DATA_DIR: dataDir, DATABASE_URL: '', SEALPOST_MASTER_KEY: '', PORT: String(port) }, 'collector started');
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await collector?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it.each([
    ['es-ES', 'es', 'Este enlace no funciona', 'This link does not work'],
    ['en-US', 'en', 'This link does not work', 'Este enlace no funciona'],
  ])('shows a phone in %s both languages', async (locale, lang, first, second) => {
    const context = await browser.newContext({ locale, viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));

    const response = await page.goto(`${collectorUrl}/t/c/${FORGED_TOKEN}`);
    expect(response?.status()).toBe(404);

    await expect(page.locator('html').getAttribute('lang')).resolves.toBe(lang);
    await expect(page.locator('h1').textContent()).resolves.toBe(first);
    await expect(page.locator('h2').textContent()).resolves.toBe(second);
    await expect(page.locator('section').first().getAttribute('lang')).resolves.toBe(lang);

    // Readable on a phone: no sideways scrolling, and body text of at least 16 CSS pixels.
    const layout = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      viewportWidth: window.innerWidth,
      fontSize: parseFloat(getComputedStyle(document.querySelector('p')!).fontSize),
    }));
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.viewportWidth);
    expect(layout.fontSize).toBeGreaterThanOrEqual(16);
    expect(await axeViolations(page)).toEqual([]);

    // The page loaded nothing beyond itself, and shows no part of the link.
    expect(requested).toEqual([`${collectorUrl}/t/c/${FORGED_TOKEN}`]);
    await expect(page.locator('body').textContent()).resolves.not.toContain(FORGED_TOKEN.slice(0, 8));
    await context.close();
  });
});
