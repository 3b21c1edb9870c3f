// Measures render-to-interactive of a 140-item questionnaire in headless
// Chromium, next to the 9-field demo intake form measured in the same run.
// A script, not a test: run it with `npx tsx test/bench/render-140-items.ts`
// after `npm run build`. It prints the median of several page loads.
import { reportResult } from './support/report';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import type { Field, FormDefinition } from '../../sdk/form-definition';
import { launchChromium } from '../support/browser';
import { ROOT, freePort, runCli, startScript } from '../support/processes';

const RUNS = 7;
const ORIGIN = 'http://localhost:8788';

/** Builds a 140-item form that mixes the field types, with groups of 10 and one condition per group. */
function largeForm(): FormDefinition {
  const scale = ['0', '1', '2', '3'].map((value) => ({ value, label: `Option ${value}`, score: Number(value) }));
  const groups: Field[] = [];
  for (let group = 0; group < 14; group++) {
    const fields: Field[] = [];
    for (let item = 0; item < 10; item++) {
      const id = `q${group}-${item}`;
      const kind = item % 5;
      if (kind === 0) fields.push({ id, type: 'radio', label: `Question ${id}`, options: scale });
      else if (kind === 1) fields.push({ id, type: 'text', label: `Question ${id}`, maxLength: 200 });
      else if (kind === 2) fields.push({ id, type: 'number', label: `Question ${id}`, unit: 'mg' });
      else if (kind === 3) fields.push({ id, type: 'boolean', label: `Question ${id}` });
      else fields.push({ id, type: 'select', label: `Question ${id}`, options: scale, enableWhen: [{ field: `q${group}-3`, operator: '=', value: true }] });
    }
    groups.push({ id: `section-${group}`, type: 'group', label: `Section ${group + 1}`, fields });
  }
  return { id: 'bench-140', version: 1, title: '140 items', allowedOrigins: [ORIGIN], fields: groups };
}

/** Loads a form's embed page once; returns the milliseconds from navigation start until its first control is rendered. */
async function loadOnce(browser: Browser, url: string): Promise<number> {
  const page = await browser.newPage();
  await page.goto(url);
  await page.locator('sealpost-form-app form input').first().waitFor();
  const elapsed = await page.evaluate(() => performance.now());
  await page.close();
  return elapsed;
}

/**
 * Measures both forms in alternation after one discarded warm-up load each,
 * so that caches and CPU contention affect them alike. Returns the medians.
 */
async function measure(browser: Browser, urls: string[]): Promise<number[]> {
  for (const url of urls) await loadOnce(browser, url);

  const times = urls.map(() => [] as number[]);
  for (let run = 0; run < RUNS; run++) {
    for (const [index, url] of urls.entries()) times[index]!.push(await loadOnce(browser, url));
  }
  return times.map((list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)]!);
}

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sealpost-bench-'));
const port = await freePort();
const env = { SEALPOST_DATA_DIR: dataDir, DATABASE_URL: '', SEALPOST_MASTER_KEY: '', PORT: String(port), LOG_LEVEL: 'warn' };
const collector = await startScript('collector/main.ts', { ...env, LOG_LEVEL: 'info' }, 'collector started');
let browser: Browser | undefined;

try {
  const file = path.join(dataDir, 'bench-140.json');
  await writeFile(file, JSON.stringify(largeForm()));
  for (const form of [file, path.join(ROOT, 'demo/forms/new-patient-intake.json')]) {
    const result = await runCli(['forms', 'publish', form], env);
    if (result.code !== 0) throw new Error(`Publishing ${form} failed: ${result.stderr}`);
  }

  browser = await launchChromium();
  const base = `http://localhost:${port}/embed/forms`;
  const [baseline = NaN, large = NaN] = await measure(browser, [`${base}/new-patient-intake`, `${base}/bench-140`]);

  console.log(`render-to-interactive, median of ${RUNS} loads in headless Chromium (${os.cpus().length} CPUs: ${os.cpus()[0]?.model ?? 'unknown'})`);
  console.log(`  baseline, demo intake form (9 fields): ${baseline.toFixed(0)} ms`);
  console.log(`  140-item questionnaire (14 steps):     ${large.toFixed(0)} ms`);
  reportResult({
    benchmark: 'render to interactive (headless Chromium)',
    metric: `140-item questionnaire, median of ${RUNS} loads from navigation start`,
    unit: 'ms',
    value: Math.round(large),
    baselineName: 'demo intake form (9 fields)',
    baseline: Math.round(baseline),
    ratio: large / baseline,
    target: '≤ 150 ms after the definition arrives',
    notes: 'measured from navigation start, so it includes loading the page, the bundle and the definition',
  });
} finally {
  await browser?.close();
  await collector.stop();
  await rm(dataDir, { recursive: true, force: true });
}
