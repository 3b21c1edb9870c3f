// Benchmark, not a test: requests per second and latency of the open-pixel
// and click routes with durable recording, next to a bare node:http server
// that returns the same GIF, measured in the same run.
//
//   npx tsx test/bench/pixel-bench.ts [seconds per run, default 10] [connections, default 50] [postgres|pglite, default postgres]
//
// The collector (collector/main.ts) and the bare server each run in a child
// process; this process is only the load generator. The collector runs at
// LOG_LEVEL=warn, without its per-request log line, unless BENCH_LOG_LEVEL
// sets another level. On PostgreSQL the
// collector uses a fresh database on the integration tests' server, which is
// dropped at the end. 500 messages with two links each are registered. Hits
// rotate over their pixel tokens, then over their first links' click tokens,
// so each valid-token request writes one open or click event, and the
// response waits until that event has committed. A batch of clicks, like a
// batch of opens, is one prepared statement that also applies the every-link
// rule.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { freePort, runCli, startScript } from '../support/processes';
import { createTestDatabase, findPostgres } from '../support/test-databases';
import { runHttpLoad, type LoadFigures } from './support/http-load';
import { reportResult } from './support/report';

const seconds = Number(process.argv[2] ?? 10);
const connections = Number(process.argv[3] ?? 50);
const driver = process.argv[4] === 'pglite' ? 'pglite' : 'postgres';
const MESSAGES = 500;
const MASTER_KEY = 'nT5m4Gx1yGJHnPjY1kQ0q0o9yCwq7cG3zW2oVtWl8aE';
const USER_AGENT = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)';

const BARE_SERVER = `
const http = require('node:http');
const gif = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');
const headers = { 'Content-Type': 'image/gif', 'Content-Length': String(gif.length), 'Cache-Control': 'no-store, no-cache, private, max-age=0' };
http.createServer((req, res) => res.writeHead(200, headers).end(gif)).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('bare server started'));
`;

if (driver === 'postgres' && !(await findPostgres())) throw new Error('No PostgreSQL server answers; set TEST_DATABASE_URL or start one on 127.0.0.1:5432, or pass pglite.');
const database = driver === 'postgres' ? await createTestDatabase('postgres') : undefined;
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sealpost-pixel-bench-'));
const port = await freePort();
const env = { SEALPOST_DATA_DIR: dataDir, DATABASE_URL: database?.url ?? '', SEALPOST_MASTER_KEY: MASTER_KEY, PORT: String(port), LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn', SEALPOST_WORKFLOW_WORKER: 'off' };

// The database is closed before the collector opens it, because PGlite allows one process at a time.
await database?.close();
const keyOutput = await runCli(['apikeys', 'create', '--name', 'pixel-bench'], env);
const apiKey = /sealpost_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/.exec(keyOutput.stdout)?.[0];
if (!apiKey) throw new Error(`apikeys create failed: ${keyOutput.stderr}`);

// Ready once /healthz answers: at LOG_LEVEL=warn the start-up line is not printed.
const collector = await startScript('collector/main.ts', env, 'SMTP_URL is not set');
await waitForHttp(`http://127.0.0.1:${port}/healthz`);
const barePort = await freePort();
const bare = spawn(process.execPath, ['-e', BARE_SERVER], { env: { ...process.env, PORT: String(barePort) }, stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise<void>((resolve) => bare.stdout.once('data', () => resolve()));

try {
  const { tokens, clickTokens } = await registerMessages();
  const load = (url: string | ((i: number) => string)) =>
    runHttpLoad({ url: typeof url === 'string' ? url : '', makeUrl: typeof url === 'string' ? undefined : url, headers: { 'user-agent': USER_AGENT }, connections, durationMs: seconds * 1000, expectStatus: 200 });
  const load302 = (makeUrl: (i: number) => string) => runHttpLoad({ url: '', makeUrl, headers: { 'user-agent': USER_AGENT }, connections, durationMs: seconds * 1000, expectStatus: 302 });

  console.log(`Node ${process.version}, ${driver}, ${connections} keep-alive connections, ${seconds} s per run; collector and bare server in child processes, ${os.cpus().length} CPUs`);
  // Both servers get one unmeasured second of load first: the first bare run otherwise met cold code and
  // the collector's start-up writes, and measured at a quarter to a half of the run after it.
  await runHttpLoad({ url: `http://127.0.0.1:${barePort}/t/o/x`, connections, durationMs: 1000, expectStatus: 200 });
  await runHttpLoad({ url: `http://127.0.0.1:${port}/t/o/not-a-token`, connections, durationMs: 1000, expectStatus: 200 });
  const bareBefore = await load(`http://127.0.0.1:${barePort}/t/o/x`);
  print('bare node:http GIF', bareBefore);
  const invalid = await load(`http://127.0.0.1:${port}/t/o/not-a-token`);
  print('collector /t/o, invalid token', invalid);
  // One hit per token first, so the measured run reads every link from the collector's cache and the
  // commit counter counts event batches only. Real opens spread over far more tokens, each a cache miss
  // that costs one indexed read.
  for (const token of tokens) await (await fetch(`http://127.0.0.1:${port}/t/o/${token}`, { headers: { 'user-agent': USER_AGENT } })).arrayBuffer();
  const before = await countEvents();
  const commitsBefore = await countCommits();
  const valid = await load((i) => `http://127.0.0.1:${port}/t/o/${tokens[i % MESSAGES]}`);
  print('collector /t/o, valid token', valid);
  const commits = await countCommits(1000);
  const after = await countEvents();

  for (const token of clickTokens) await (await fetch(`http://127.0.0.1:${port}/t/c/${token}`, { headers: { 'user-agent': USER_AGENT }, redirect: 'manual' })).arrayBuffer();
  const clicks = await load302((i) => `http://127.0.0.1:${port}/t/c/${clickTokens[i % MESSAGES]}`);
  print('collector /t/c, valid token', clicks);

  // The baseline runs before and after the collector's runs, so load from other processes that comes
  // and goes during the run weighs on both sides; its figures are the mean of the two runs.
  const bareAfter = await load(`http://127.0.0.1:${barePort}/t/o/x`);
  print('bare node:http GIF, again', bareAfter);
  const baseline = { requestsPerSecond: (bareBefore.requestsPerSecond + bareAfter.requestsPerSecond) / 2, p99: Math.max(bareBefore.p99, bareAfter.p99) };
  const stored = before === undefined || after === undefined ? 'not counted on PGlite' : String(after - before);
  const perCommit = before === undefined || after === undefined || commits === undefined || commitsBefore === undefined ? undefined : (after - before) / Math.max(1, commits - commitsBefore);
  if (perCommit !== undefined) console.log(`events per committed transaction: ${perCommit.toFixed(1)} (the benchmark's own two counting queries and the rollup worker's transactions included)`);
  console.log(`open events stored during the valid-token run: ${stored} (requests answered 200: ${valid.requests}, failed: ${valid.errors})`);

  const settings = `${driver}, ${connections} keep-alive connections, ${seconds} s per run, LOG_LEVEL=${env.LOG_LEVEL}, collector, bare server and load generator in separate processes on ${os.cpus().length} CPUs`;
  reportResult({ benchmark: `pixel (${driver})`, metric: 'pixel requests per second, invalid token (no write)', unit: 'req/s', value: invalid.requestsPerSecond, baselineName: 'bare node:http GIF', baseline: baseline.requestsPerSecond, ratio: invalid.requestsPerSecond / baseline.requestsPerSecond, notes: `${settings}; p99 ${invalid.p99} ms, bare p99 ${baseline.p99} ms (the worse of two runs)` });
  reportResult({
    benchmark: `pixel (${driver})`,
    metric: 'pixel requests per second, valid token (one durable open event each)',
    unit: 'req/s',
    value: valid.requestsPerSecond,
    baselineName: 'bare node:http GIF',
    baseline: baseline.requestsPerSecond,
    ratio: valid.requestsPerSecond / baseline.requestsPerSecond,
    target: 'ratio ≥ 0.40 on PostgreSQL, p99 < 50 ms',
    notes: `${settings}; p50 ${valid.p50} ms, p99 ${valid.p99} ms, ${valid.errors} failed, ${perCommit?.toFixed(1) ?? 'unknown'} events per commit; bare p99 ${baseline.p99} ms (the worse of two runs), load average ${os.loadavg()[0]!.toFixed(1)}`,
  });
  reportResult({
    benchmark: `pixel (${driver})`,
    metric: 'click requests per second, valid token (one durable click event each, 302)',
    unit: 'req/s',
    value: clicks.requestsPerSecond,
    baselineName: 'bare node:http GIF',
    baseline: baseline.requestsPerSecond,
    ratio: clicks.requestsPerSecond / baseline.requestsPerSecond,
    target: 'ratio ≥ 0.40 on PostgreSQL, p99 < 50 ms',
    notes: `${settings}; p50 ${clicks.p50} ms, p99 ${clicks.p99} ms, ${clicks.errors} failed; bare p99 ${baseline.p99} ms (the worse of two runs)`,
  });
} finally {
  await collector.stop();
  bare.kill();
  await database?.dispose();
  await rm(dataDir, { recursive: true, force: true });
}

async function registerMessages(): Promise<{ tokens: string[]; clickTokens: string[] }> {
  const html = '<p>Hello. <a href="https://clinic.example/book">Book a visit</a> or <a href="https://clinic.example/forms">fill in your forms</a>.</p>';
  const drafts = Array.from({ length: MESSAGES }, (_, i) => ({ to: `reader${i}@bench.example`, from: 'clinic@bench.example', subject: 'Bench', html }));
  const response = await fetch(`http://127.0.0.1:${port}/v1/messages/external`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(drafts) });
  if (response.status !== 201) throw new Error(`registering messages failed with ${response.status}: ${await response.text()}`);
  const { messages } = (await response.json()) as { messages: { html: string }[] };
  return {
    tokens: messages.map((message) => /\/t\/o\/([A-Za-z0-9_-]+)/.exec(message.html)![1]!),
    clickTokens: messages.map((message) => /\/t\/c\/([A-Za-z0-9_-]+)/.exec(message.html)![1]!),
  };
}

async function waitForHttp(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`${url} did not answer within 30 s.`);
}

// Counted on PostgreSQL only: PGlite's folder belongs to the running collector.
async function countEvents(): Promise<number | undefined> {
  if (!database?.url) return undefined;
  const sql = postgres(database.url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ count: number }[]>`select count(*)::int as count from tracking_events`;
    return row!.count;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

// PostgreSQL's commit counter of the database; it is flushed to the view within about half a second.
async function countCommits(waitMs = 0): Promise<number | undefined> {
  if (!database?.url) return undefined;
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  const sql = postgres(database.url, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_stat_clear_snapshot()`;
    const [row] = await sql<{ commits: number }[]>`select xact_commit::int as commits from pg_stat_database where datname = current_database()`;
    return row!.commits;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

function print(label: string, figures: LoadFigures): void {
  console.log(`${label.padEnd(34)} ${String(figures.requestsPerSecond).padStart(9)} requests/s  p50 ${figures.p50} ms  p99 ${figures.p99} ms  failed ${figures.errors}`);
}
