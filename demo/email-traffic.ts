// Demo traffic for the deliverability report: registers messages as sent
// elsewhere, posts their delivery events, and opens and clicks their tracking
// URLs the way readers and link scanners would, against a running collector.
// Every address is made up under example domains (RFC 2606).
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';

const HELP = `Usage: npx tsx demo/email-traffic.ts [options]

Fills the deliverability report of a running collector (\`npm start\`) with
sample email traffic: messages registered as sent elsewhere
(POST /v1/messages/external) to several recipient domains and campaigns,
delivery events (delivered, deferred, bounced hard and soft, blocked,
complained), and opens and clicks from readers, Gmail's image proxy and a
link scanner. It shows a progress bar on a terminal and progress lines
otherwise, and prints a report command at the end.

Options:
  --messages N   Messages to register, 1 to 10000 (default 2000).
  --url URL      Collector origin (default SEALPOST_URL, else http://localhost:8787).
  --key KEY      API key (default SEALPOST_API_KEY). Create one with
                 npm run sealpost -- apikeys create --name demo-traffic
  --help         Print this help.
`;

const READER = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';
const GMAIL_PROXY = 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)';
const SCANNER = 'Mozilla/5.0 (compatible; Barracuda Sentinel)';
const CAMPAIGNS = [
  { campaign: 'flu-shot-2026', subject: 'Your flu shot is due' },
  { campaign: 'annual-recall', subject: 'Time for your annual check-up' },
  { campaign: 'satisfaction-survey', subject: 'How was your visit?' },
];
const DOMAINS = ['patients.example', 'mail.example.org', 'inbox.example.net', 'family.example.com', 'clinic-staff.example'];
const HTML = '<p>Hello,</p><p><a href="https://clinic.example/book">Book a visit</a> or <a href="https://clinic.example/faq?topic=flu">read the FAQ</a>.</p>';
const BATCH = 500;
const PARALLEL_HITS = 8;

// Hits within 5 s of delivery count as machine hits, so readers wait a little longer.
const READER_DELAY_MS = 6_000;

interface Registered {
  id: string;
  html: string;
}

const options = readOptions();
const progress = createProgress(process.stdout);

const registered: Registered[] = [];
const drafts = Array.from({ length: options.messages }, (_, i) => draft(i));
for (let start = 0; start < drafts.length; start += BATCH) {
  const { messages } = (await post('/v1/messages/external', drafts.slice(start, start + BATCH))) as { messages: Registered[] };
  registered.push(...messages);
  progress.update('Registering messages', registered.length, drafts.length);
}
progress.done(`Registered ${registered.length} messages.`);

const events = registered.flatMap((message, i) => deliveryEvents(message.id, i));
let posted = 0;
for (let start = 0; start < events.length; start += BATCH) {
  await post('/v1/messages/events', events.slice(start, start + BATCH));
  posted = Math.min(events.length, start + BATCH);
  progress.update('Posting delivery events', posted, events.length);
}
progress.done(`Posted ${events.length} delivery events.`);

// A link scanner fetches every URL of some messages at once, right after delivery.
const scans = registered.filter((_, i) => i % 4 === 0).flatMap((message) => trackingUrls(message.html).map((url) => ({ url, userAgent: SCANNER })));
await visitAll('Link scanner fetching URLs', scans);

progress.note(`Waiting ${READER_DELAY_MS / 1000} s before readers open their mail.`);
await new Promise((resolve) => setTimeout(resolve, READER_DELAY_MS));

const reads = registered.flatMap((message, i) => readerHits(message, i));
await visitAll('Readers opening and clicking', reads);

const today = new Date();
const from = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate())).toISOString();
const to = new Date(Date.parse(from) + 86_400_000).toISOString();
console.log(`Done. Read the report with:\n  curl -H "Authorization: Bearer $SEALPOST_API_KEY" '${options.url}/v1/reports/deliverability?from=${from}&to=${to}&interval=hour&split=campaign'`);

function draft(i: number) {
  const { campaign, subject } = CAMPAIGNS[i % CAMPAIGNS.length]!;
  return {
    to: `patient${i}@${DOMAINS[Math.floor(DOMAINS.length * Math.random() ** 2)]}`,
    from: i % 5 === 0 ? 'billing@clinic.example' : 'reminders@clinic.example',
    subject,
    campaign,
    customFields: { clinic: i % 2 === 0 ? 'north' : 'south' },
    html: HTML,
  };
}

// Most messages are delivered, some after a deferral; every tenth bounces hard, every fifteenth soft,
// every 25th is blocked and every 50th draws a complaint.
function deliveryEvents(messageId: string, i: number) {
  const at = new Date().toISOString();
  const event = (type: string, extra: Record<string, unknown> = {}) => ({ id: randomUUID(), messageId, type, occurredAt: at, ...extra });
  if (i % 10 === 9) return [event('bounced', { bounceType: 'hard', smtpCode: 550 })];
  if (i % 15 === 14) return [event('deferred', { smtpCode: 451 }), event('bounced', { bounceType: 'soft', smtpCode: 452 })];
  if (i % 25 === 24) return [event('blocked', { smtpCode: 554 })];
  const delivered = i % 8 === 3 ? [event('deferred', { smtpCode: 421 }), event('delivered')] : [event('delivered')];
  return i % 50 === 0 ? [...delivered, event('complained')] : delivered;
}

function readerHits(message: Registered, i: number): { url: string; userAgent: string }[] {
  const [pixel, ...links] = trackingUrls(message.html);
  if (i % 10 === 9 || !pixel) return [];
  const hits: { url: string; userAgent: string }[] = [];
  if (i % 2 === 0) hits.push({ url: pixel, userAgent: i % 4 === 0 ? GMAIL_PROXY : READER });
  if (i % 6 === 0 && links[0]) hits.push({ url: links[0], userAgent: READER });
  if (i % 12 === 0 && links[1]) hits.push({ url: links[1], userAgent: READER });
  return hits;
}

async function visitAll(label: string, hits: { url: string; userAgent: string }[]): Promise<void> {
  let next = 0;
  let finished = 0;
  async function worker(): Promise<void> {
    while (next < hits.length) {
      const hit = hits[next++]!;
      const response = await fetch(hit.url, { redirect: 'manual', headers: { 'user-agent': hit.userAgent } });
      await response.arrayBuffer();
      progress.update(label, ++finished, hits.length);
    }
  }
  await Promise.all(Array.from({ length: PARALLEL_HITS }, worker));
  progress.done(`${label}: ${hits.length} requests.`);
}

async function post(path: string, body: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`${options.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${options.key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  } catch (error) {
    const cause = (error as Error).cause instanceof Error ? ((error as Error).cause as Error) : (error as Error);
    fail(`Connecting to the collector at ${options.url} failed (${cause.message}); start it with \`npm start\` or pass --url.`);
  }
  if (response.status === 401) fail('The collector rejected the API key (401); create one with `npm run sealpost -- apikeys create --name demo-traffic` and pass it with --key or SEALPOST_API_KEY.');
  if (!response.ok) fail(`POST ${path} failed with ${response.status}: ${await response.text()}`);
  return response.json();
}

function trackingUrls(html: string): string[] {
  return [...html.matchAll(/(?:src|href)="([^"]*\/t\/[oc]\/[A-Za-z0-9_-]+)"/g)].map((match) => match[1]!);
}

function readOptions(): { messages: number; url: string; key: string } {
  let values: { messages?: string; url?: string; key?: string; help?: boolean };
  try {
    values = parseArgs({ options: { messages: { type: 'string' }, url: { type: 'string' }, key: { type: 'string' }, help: { type: 'boolean' } } }).values;
  } catch (error) {
    fail(`${(error as Error).message}; run with --help for the options.`);
  }
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }

  const messages = Number(values.messages ?? 2000);
  if (!Number.isInteger(messages) || messages < 1 || messages > 10_000) fail(`--messages ${JSON.stringify(values.messages)} is invalid; give a whole number from 1 to 10000.`);
  const key = values.key ?? process.env.SEALPOST_API_KEY;
  if (!key) fail('No API key: pass --key or set SEALPOST_API_KEY. Create one with `npm run sealpost -- apikeys create --name demo-traffic`.');
  const url = (values.url ?? process.env.SEALPOST_URL ?? 'http://localhost:8787').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+$/.test(url)) fail(`--url ${JSON.stringify(url)} is not an origin; give one such as http://localhost:8787.`);
  return { messages, url, key };
}

/** Creates a progress display: a bar redrawn in place on a terminal, and a line per tenth of the work otherwise. */
function createProgress(stream: NodeJS.WriteStream) {
  const width = 30;
  let lastTenth = -1;
  return {
    update(label: string, done: number, total: number): void {
      const fraction = total === 0 ? 1 : done / total;
      if (stream.isTTY) {
        const filled = Math.round(fraction * width);
        stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}% ${done}/${total}`);
        return;
      }
      const tenth = Math.floor(fraction * 10);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      stream.write(`${label}: ${done}/${total} (${tenth * 10}%)\n`);
    },
    done(message: string): void {
      lastTenth = -1;
      stream.write(stream.isTTY ? `\r\x1b[2K${message}\n` : `${message}\n`);
    },
    note(message: string): void {
      stream.write(`${message}\n`);
    },
  };
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}
