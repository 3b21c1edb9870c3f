// Benchmark, not a test: requests per second of the open-pixel route against
// a bare node:http server that returns the same GIF.
//
//   npx tsx test/bench/pixel-bench.ts [seconds per run, default 5] [concurrency, default 32] [pglite|postgres, default pglite]
//
// The collector runs on in-memory PGlite, or on a fresh database on the
// PostgreSQL server of the integration tests, with 500 registered messages,
// so each valid-token hit writes one open event through the group commit.
// The load generator runs in the same process as the servers and competes
// with them for CPU. Absolute numbers are therefore lower and noisier than a
// separate client would measure; compare the ratios of one run.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import pino from 'pino';
import { createApiKey } from '../../collector/api-keys/api-key-store';
import { createApp } from '../../collector/app';
import { systemClock } from '../../collector/clock';
import { createTestDatabase } from '../support/test-databases';
import { reportResult } from './support/report';
import { deriveEmailKeys } from '../../collector/keys/email-keys';
import { deriveStaffKeys } from '../../collector/keys/derive-key';
import { KeyCustody } from '../../collector/keys/key-custody';
import { staffOptions } from '../../collector/staff/staff-options';
import { OPEN_PIXEL_GIF, OPEN_PIXEL_HEADERS } from '../../collector/tracking/open-pixel';

const seconds = Number(process.argv[2] ?? 5);
const concurrency = Number(process.argv[3] ?? 32);
const driver = process.argv[4] === 'postgres' ? 'postgres' : 'pglite';

// Hits rotate over this many messages, as opens of a real campaign spread over its messages.
const MESSAGES = 500;

const database = await createTestDatabase(driver);
const masterKey = randomBytes(32);
const emailKeys = deriveEmailKeys(masterKey);
const app = createApp({
  db: database.db,
  custody: new KeyCustody(database.db, masterKey),
  emailKeys,
  clock: systemClock,
  config: { publicOrigins: ['http://127.0.0.1'], maxSubmissionBytes: 65536 },
  logger: pino({ level: 'silent' }),
  staff: staffOptions(deriveStaffKeys(masterKey)),
  assetsDir: '/nonexistent',
});

const { key } = await createApiKey(database.db, 'bench', 'bench');
const stored = await app.request(`/v1/messages/external`, {
  method: 'POST',
  headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
  body: JSON.stringify(Array.from({ length: MESSAGES }, (_, i) => ({ to: `reader${i}@bench.example`, from: 'clinic@bench.example', subject: 'Bench', html: '<p>Hello</p>' }))),
});
const external = (await stored.json()) as { messages: { html: string }[] };
const validTokens = external.messages.map((message) => /\/t\/o\/([A-Za-z0-9_-]+)/.exec(message.html)![1]!);

const collector = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
await new Promise((resolve) => collector.once('listening', resolve));
const bare = http.createServer((_request, response) => response.writeHead(200, OPEN_PIXEL_HEADERS).end(OPEN_PIXEL_GIF));
await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));

const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const port = (server: { address(): unknown }) => (server.address() as AddressInfo).port;

async function run(label: string, serverPort: number, path: string | ((request: number) => string)): Promise<number> {
  let completed = 0;
  const deadline = performance.now() + seconds * 1000;

  async function client(): Promise<void> {
    while (performance.now() < deadline) {
      await new Promise<void>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port: serverPort, path: typeof path === 'string' ? path : path(completed), agent, headers: { 'user-agent': 'Mozilla/5.0 (bench)' } }, (response) => {
            response.resume();
            response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`${label}: status ${response.statusCode}`))));
          })
          .on('error', reject);
      });
      completed++;
    }
  }

  await Promise.all(Array.from({ length: concurrency }, client));
  const perSecond = completed / seconds;
  console.log(`${label.padEnd(34)} ${perSecond.toFixed(0).padStart(7)} requests/s`);
  return perSecond;
}

console.log(`Node ${process.version}, ${driver}, ${seconds} s per run, ${concurrency} concurrent keep-alive clients, loopback`);
const bareRate = await run('bare node:http GIF', port(bare), '/t/o/x');
const invalidRate = await run('collector /t/o, invalid token', port(collector), '/t/o/not-a-token');
const validRate = await run('collector /t/o, valid token (writes)', port(collector), (i) => `/t/o/${validTokens[i % MESSAGES]}`);
const settings = `${driver}, ${concurrency} keep-alive connections, ${seconds} s per run, load generator in the same process`;
for (const [metric, value] of [['pixel requests per second, invalid token (no write)', invalidRate], ['pixel requests per second, valid token (one open event each)', validRate]] as const) {
  reportResult({ benchmark: `pixel (${driver})`, metric, unit: 'req/s', value: Math.round(value), baselineName: 'bare node:http GIF', baseline: Math.round(bareRate), ratio: value / bareRate, notes: settings });
}

agent.destroy();
collector.close();
bare.close();
await database.dispose();
