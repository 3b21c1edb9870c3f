import postgres from 'postgres';
import type { DeliverabilityReport } from '../../collector/reports/deliverability-report';
import { SOON_AFTER_DELIVERY_MS } from '../../collector/tracking/classify-hit';
import { runCli } from './processes';

/** A browser's user agent, so every hit counts as a person's. */
export const READER = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';

/** One message registered for tracking: its open pixel and its single link. */
export interface TrackedMessage {
  id: string;
  pixelToken: string;
  clickToken: string;
  destination: string;
}

/** Every answer the collector gave to the hits on one token. */
export interface TokenRecord {
  kind: 'open' | 'click';
  token: string;
  messageId: string;
  destination: string;
  /** Requests sent, each one a hit as far as the collector can tell. */
  attempts: number;
  /** Answers that acknowledge a stored hit: the GIF with 200, or the 302 to the destination. */
  acks: number;
  /** Requests that got anything else: a network failure, a 503, … */
  failures: number;
  /** Logical hits (a reader's open or click, retried until acknowledged) still unacknowledged at the deadline. */
  unacknowledged: number;
}

/** One answer, for checks on the shape of failures. */
export interface Attempt {
  kind: 'open' | 'click';
  /** 0 for a network failure. */
  status: number;
  contentType: string | null;
  retryAfter: string | null;
  location: string | null;
  code?: string;
}

/** Creates an API key with the CLI and returns it. */
export async function createApiKeyWithCli(env: NodeJS.ProcessEnv): Promise<string> {
  const result = await runCli(['apikeys', 'create', '--name', 'tracking-fault-test'], env);
  if (result.code !== 0) throw new Error(`apikeys create failed: ${result.stderr}`);
  return result.stdout.trim().split('\n').at(-1)!.trim();
}

/**
 * Registers `count` messages sent elsewhere, each with one link, through
 * POST /v1/messages/external, and waits until a hit on them counts as a
 * person's (hits just after delivery are a scanner's).
 */
export async function registerTrackedMessages(baseUrl: string, apiKey: string, count: number): Promise<TrackedMessage[]> {
  const registered: TrackedMessage[] = [];
  for (let start = 0; start < count; start += 500) {
    const batch = Array.from({ length: Math.min(500, count - start) }, (_, i) => ({
      to: `reader${start + i}@patients.example`,
      from: 'reminders@clinic.example',
      subject: 'Your appointment',
      html: `<p>See you soon. <a href="https://clinic.example/visit/${start + i}?a=1&amp;b=2">Directions</a></p>`,
      campaign: 'tracking-faults',
    }));
    const response = await fetch(`${baseUrl}/v1/messages/external`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(batch) });
    if (response.status !== 201) throw new Error(`registering messages failed with ${response.status}: ${await response.text()}`);
    const { messages } = (await response.json()) as { messages: { id: string; html: string }[] };
    for (const [i, message] of messages.entries()) {
      const pixelToken = /src="[^"]*\/t\/o\/([A-Za-z0-9_-]+)"/.exec(message.html)?.[1];
      const clickToken = /href="[^"]*\/t\/c\/([A-Za-z0-9_-]+)"/.exec(message.html)?.[1];
      if (!pixelToken || !clickToken) throw new Error(`message ${message.id} has no tracked link: ${message.html}`);
      registered.push({ id: message.id, pixelToken, clickToken, destination: `https://clinic.example/visit/${start + i}?a=1&b=2` });
    }
  }
  await new Promise((resolve) => setTimeout(resolve, SOON_AFTER_DELIVERY_MS + 1000));
  return registered;
}

/**
 * Runs `clients` concurrent readers. Each takes the next token (opens and
 * clicks interleaved, every token hit again and again) until `keepStarting()`
 * turns false, and repeats a hit that was not acknowledged (network failure
 * or 5xx) until it is or `deadline` passes, as a reader reloads an image or
 * clicks again.
 */
export async function runTrackingLoad(options: {
  baseUrl: string;
  messages: TrackedMessage[];
  clients: number;
  keepStarting: () => boolean;
  deadline: number;
}): Promise<{ tokens: TokenRecord[]; attempts: Attempt[] }> {
  const tokens: TokenRecord[] = options.messages.flatMap((message) => [
    { kind: 'open' as const, token: message.pixelToken, messageId: message.id, destination: message.destination, attempts: 0, acks: 0, failures: 0, unacknowledged: 0 },
    { kind: 'click' as const, token: message.clickToken, messageId: message.id, destination: message.destination, attempts: 0, acks: 0, failures: 0, unacknowledged: 0 },
  ]);
  // A fixed shuffle, so concurrent clients hit different messages.
  const order = tokens.map((_, i) => i).sort((a, b) => ((a * 2654435761) % 4093) - ((b * 2654435761) % 4093));
  const attempts: Attempt[] = [];
  let next = 0;

  async function attempt(record: TokenRecord): Promise<boolean> {
    record.attempts++;
    const path = record.kind === 'open' ? `/t/o/${record.token}` : `/t/c/${record.token}`;
    try {
      const response = await fetch(`${options.baseUrl}${path}`, { redirect: 'manual', headers: { 'user-agent': READER }, signal: AbortSignal.timeout(120_000) });
      const body = Buffer.from(await response.arrayBuffer());
      const seen: Attempt = {
        kind: record.kind,
        status: response.status,
        contentType: response.headers.get('content-type'),
        retryAfter: response.headers.get('retry-after'),
        location: response.headers.get('location'),
      };
      if (seen.contentType?.startsWith('application/json')) seen.code = (JSON.parse(body.toString('utf8')) as { error?: { code?: string } }).error?.code;
      attempts.push(seen);
      const acknowledged = record.kind === 'open' ? response.status === 200 && seen.contentType === 'image/gif' : response.status === 302 && seen.location === record.destination;
      if (acknowledged) record.acks++;
      else record.failures++;
      return acknowledged;
    } catch {
      attempts.push({ kind: record.kind, status: 0, contentType: null, retryAfter: null, location: null });
      record.failures++;
      return false;
    }
  }

  async function client(): Promise<void> {
    while (options.keepStarting() && Date.now() < options.deadline) {
      const record = tokens[order[next++ % order.length]!]!;
      let acknowledged = false;
      while (!acknowledged && Date.now() < options.deadline) {
        acknowledged = await attempt(record);
        if (!acknowledged) await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
      }
      if (!acknowledged) record.unacknowledged++;
    }
  }

  await Promise.all(Array.from({ length: options.clients }, client));
  return { tokens, attempts };
}

/** Stored events per message and kind, read with plain SQL. */
export interface StoredEvents {
  rows: number;
  unique: number;
  machine: number;
}

/** Reads the stored tracking events of the given messages, keyed `messageId:kind`. */
export async function readStoredEvents(databaseUrl: string, messageIds: string[]): Promise<Map<string, StoredEvents>> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ message_id: string; kind: string; rows: number; unique: number; machine: number }[]>`
      SELECT message_id, kind, count(*)::int AS rows, count(*) FILTER (WHERE is_unique)::int AS unique, count(machine_reason)::int AS machine
      FROM tracking_events WHERE message_id = ANY(${messageIds}) GROUP BY message_id, kind`;
    return new Map(rows.map((row) => [`${row.message_id}:${row.kind}`, { rows: row.rows, unique: row.unique, machine: row.machine }]));
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** Reads the deliverability report through HTTP, on the raw tables (a short range) or the hourly rollup (a long aligned one). */
export async function readReport(baseUrl: string, apiKey: string, around: Date, source: 'raw' | 'rollup'): Promise<DeliverabilityReport> {
  const hour = Math.floor(around.getTime() / 3_600_000) * 3_600_000;
  const from = new Date(hour - (source === 'raw' ? 3_600_000 : 8 * 86_400_000)).toISOString();
  const to = new Date(hour + 2 * 3_600_000).toISOString();
  const query = new URLSearchParams({ from, to, tz: 'UTC', interval: source === 'raw' ? 'hour' : 'day' });
  const response = await fetch(`${baseUrl}/v1/reports/deliverability?${query}`, { headers: { authorization: `Bearer ${apiKey}` } });
  if (response.status !== 200) throw new Error(`report failed with ${response.status}: ${await response.text()}`);
  const report = (await response.json()) as DeliverabilityReport;
  if (report.source !== source) throw new Error(`expected a report from the ${source} source, got ${report.source}`);
  return report;
}

/**
 * Checks each token against what is stored. A hit acknowledged is stored:
 * acks ≤ rows. Nothing is stored that no request asked for: rows ≤
 * attempts. A token whose every request was acknowledged has exactly one
 * row per request. Every stored hit is a person's, and a message with
 * stored opens (or clicks) has exactly one unique open (or click).
 * Returns one line per violation.
 */
export function storedEventProblems(tokens: TokenRecord[], stored: Map<string, StoredEvents>): string[] {
  const problems: string[] = [];
  for (const record of tokens) {
    const events = stored.get(`${record.messageId}:${record.kind}`) ?? { rows: 0, unique: 0, machine: 0 };
    const name = `${record.kind} of ${record.messageId} (attempts ${record.attempts}, acks ${record.acks}, failures ${record.failures}, rows ${events.rows}, unique ${events.unique})`;
    if (events.rows < record.acks) problems.push(`${name}: acknowledged hits lost`);
    if (events.rows > record.attempts) problems.push(`${name}: more rows than requests`);
    if (record.failures === 0 && events.rows !== record.attempts) problems.push(`${name}: every request acknowledged, yet rows differ`);
    if (events.machine > 0) problems.push(`${name}: ${events.machine} rows classified as a machine's`);
    if (events.unique !== (events.rows > 0 ? 1 : 0)) problems.push(`${name}: wrong number of unique rows`);
  }
  return problems;
}

/** The report's summary counts that the stored events imply. */
export function expectedCounts(tokens: TokenRecord[], stored: Map<string, StoredEvents>) {
  const of = (kind: 'open' | 'click') => {
    const counts = tokens.filter((record) => record.kind === kind).map((record) => stored.get(`${record.messageId}:${kind}`)?.rows ?? 0);
    return { total: counts.reduce((sum, rows) => sum + rows, 0), unique: counts.filter((rows) => rows > 0).length };
  };
  return { opened: of('open'), clicked: of('click') };
}
