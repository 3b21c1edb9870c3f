// Measures how many submissions per second the collector accepts (decrypt,
// validate, insert, commit) against a bare node:http server that reads the
// same body and answers 201, both in child processes, in the same run.
//   npm run build && npx tsx test/bench/submission-accept.ts
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PublishedForm } from '../../sdk/form-definition';
import { ROOT, freePort, runCli, startScript } from '../support/processes';
import { submissionFactory } from '../support/submission-load';
import { createTestDatabase, findPostgres } from '../support/test-databases';
import { runHttpLoad } from './support/http-load';
import { reportResult } from './support/report';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 8) * 1000;
const MASTER_KEY = 'nT5m4Gx1yGJHnPjY1kQ0q0o9yCwq7cG3zW2oVtWl8aE';
const FORM_FILE = path.join(ROOT, 'demo/forms/new-patient-intake.json');

const BARE_SERVER = `
const http = require('node:http');
http.createServer((req, res) => {
  let size = 0;
  req.on('data', (chunk) => { size += chunk.length; });
  req.on('end', () => {
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: 'BASELINE', receivedAt: new Date().toISOString(), size }));
  });
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('bare server started'));
`;

async function measureCollector(label: string, env: NodeJS.ProcessEnv) {
  expectOk(await runCli(['forms', 'publish', FORM_FILE], env));
  const collector = await startScript('collector/main.ts', { ...env, LOG_LEVEL: 'info' }, 'collector started');
  await waitForHttp(`http://127.0.0.1:${env.PORT}/healthz`);

  try {
    const published = (await (await fetch(`http://127.0.0.1:${env.PORT}/v1/forms/new-patient-intake`)).json()) as PublishedForm;
    const next = submissionFactory(published);
    const bodies: string[] = [];
    // Enough distinct submissions that none is replayed within the run.
    for (let i = 0; i < 12_000; i++) bodies.push(JSON.stringify(await next()));

    const origin = `http://localhost:${env.PORT}`;
    const figures = await runHttpLoad({
      url: `http://127.0.0.1:${env.PORT}/v1/forms/new-patient-intake/submissions`,
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      makeBody: (i) => bodies[i % bodies.length],
      connections: CONNECTIONS,
      durationMs: DURATION_MS,
      expectStatus: 201,
    });
    return { label, figures, bodies };
  } finally {
    await collector.stop();
  }
}

async function measureBare(body: string) {
  const port = await freePort();
  const child = spawn(process.execPath, ['-e', BARE_SERVER], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
  await waitForHttp(`http://127.0.0.1:${port}/`, 'POST');
  try {
    return await runHttpLoad({ url: `http://127.0.0.1:${port}/`, method: 'POST', headers: { 'content-type': 'application/json' }, makeBody: () => body, connections: CONNECTIONS, durationMs: DURATION_MS, expectStatus: 201 });
  } finally {
    child.kill();
  }
}

async function waitForHttp(url: string, method = 'GET'): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(url, { method });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`${url} did not answer within 20 s.`);
}

function expectOk(result: { code: number; stderr: string }): void {
  if (result.code !== 0) throw new Error(`sealpost CLI failed: ${result.stderr}`);
}

const runs: NodeJS.ProcessEnv[] = [];
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sealpost-bench-'));
runs.push({ SEALPOST_DATA_DIR: dataDir, DATABASE_URL: '', SEALPOST_MASTER_KEY: MASTER_KEY, PORT: String(await freePort()) });

const server = await findPostgres();
const database = server ? await createTestDatabase('postgres') : undefined;
if (database) runs.push({ DATABASE_URL: database.url, SEALPOST_MASTER_KEY: MASTER_KEY, PORT: String(await freePort()) });

try {
  for (const env of runs) {
    const driver = env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
    const measured = await measureCollector(driver, env);
    const bare = await measureBare(measured.bodies[0]!);

    reportResult({
      benchmark: `submission-accept (${driver}, ${CONNECTIONS} connections)`,
      metric: 'accepted submissions per second',
      unit: 'req/s',
      value: measured.figures.requestsPerSecond,
      baselineName: 'bare node:http 201',
      baseline: bare.requestsPerSecond,
      ratio: measured.figures.requestsPerSecond / bare.requestsPerSecond,
      notes: `collector p50 ${measured.figures.p50} ms, p99 ${measured.figures.p99} ms, ${measured.figures.errors} non-201; bare p99 ${bare.p99} ms`,
    });
  }
} finally {
  await database?.dispose();
  await rm(dataDir, { recursive: true, force: true });
}
