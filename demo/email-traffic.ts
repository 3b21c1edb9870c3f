// Demo traffic for the deliverability report: registers messages as sent
// elsewhere, posts delivery events, and opens and clicks their tracking URLs
// the way readers and link scanners would, against a running collector.
//
//   SEALPOST_API_KEY=sealpost_… npx tsx demo/email-traffic.ts [messages, default 60]
//
// SEALPOST_URL sets the collector (default http://localhost:8787). Every
// address is made up under example domains (RFC 2606).
import { randomUUID } from 'node:crypto';

const collector = process.env.SEALPOST_URL ?? 'http://localhost:8787';
const apiKey = process.env.SEALPOST_API_KEY;
const count = Number(process.argv[2] ?? 60);

const READER = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';
const GMAIL_PROXY = 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)';
const SCANNER = 'Mozilla/5.0 (compatible; Barracuda Sentinel)';
const CAMPAIGNS = ['flu-shot-2026', 'annual-recall', 'satisfaction-survey'];
const DOMAINS = ['patients.example', 'mail.example.org', 'inbox.example.net'];

// Machine hits within 5 s of delivery are flagged as such, so readers wait a little longer.
const READER_DELAY_MS = 6_000;

if (!apiKey) {
  process.stderr.write('SEALPOST_API_KEY is not set; create a key with `npm run sealpost -- apikeys create --name demo-traffic` and pass it.\n');
  process.exit(2);
}
if (!Number.isInteger(count) || count < 1 || count > 500) {
  process.stderr.write(`The message count ${JSON.stringify(process.argv[2])} is invalid; give a whole number from 1 to 500.\n`);
  process.exit(2);
}

async function post(path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${collector}${path}`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`POST ${path} failed with ${response.status}: ${await response.text()}`);
  return response.json();
}

async function visit(url: string, userAgent: string): Promise<void> {
  const response = await fetch(url, { redirect: 'manual', headers: { 'user-agent': userAgent } });
  await response.arrayBuffer();
}

const drafts = Array.from({ length: count }, (_, i) => ({
  to: `patient${i}@${DOMAINS[i % DOMAINS.length]}`,
  from: 'reminders@clinic.example',
  subject: ['Your flu shot is due', 'Time for your annual check-up', 'How was your visit?'][i % 3]!,
  campaign: CAMPAIGNS[i % 3],
  customFields: { clinic: i % 2 === 0 ? 'north' : 'south' },
  html: '<p>Hello,</p><p><a href="https://clinic.example/book">Book a visit</a> or <a href="https://clinic.example/faq?topic=flu">read the FAQ</a>.</p>',
}));

const { messages } = (await post('/v1/messages/external', drafts)) as { messages: { id: string; html: string }[] };
console.log(`Registered ${messages.length} messages.`);

// Most are delivered; every tenth bounces hard, every fifteenth soft.
const events = messages.map((message, i) => {
  const occurredAt = new Date().toISOString();
  if (i % 10 === 9) return { id: randomUUID(), messageId: message.id, type: 'bounced', bounceType: 'hard', smtpCode: 550, occurredAt };
  if (i % 15 === 14) return { id: randomUUID(), messageId: message.id, type: 'bounced', bounceType: 'soft', smtpCode: 452, occurredAt };
  return { id: randomUUID(), messageId: message.id, type: 'delivered', occurredAt };
});
console.log(`Posted delivery events: ${JSON.stringify(await post('/v1/messages/events', events))}.`);

// A link scanner fetches every URL at once right after delivery.
for (const message of messages.filter((_, i) => i % 4 === 0)) {
  for (const url of trackingUrls(message.html)) await visit(url, SCANNER);
}

console.log(`Waiting ${READER_DELAY_MS / 1000} s before readers open their mail.`);
await new Promise((resolve) => setTimeout(resolve, READER_DELAY_MS));

for (const [i, message] of messages.entries()) {
  const [pixel, ...links] = trackingUrls(message.html);
  if (i % 10 === 9 || !pixel) continue;
  if (i % 2 === 0) await visit(pixel, i % 4 === 0 ? GMAIL_PROXY : READER);
  if (i % 6 === 0 && links[0]) await visit(links[0], READER);
  if (i % 12 === 0 && links[1]) await visit(links[1], READER);
}

const today = new Date();
const from = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate())).toISOString();
const to = new Date(Date.parse(from) + 86_400_000).toISOString();
console.log(`Done. Report: curl -H "Authorization: Bearer $SEALPOST_API_KEY" '${collector}/v1/reports/deliverability?from=${from}&to=${to}&interval=hour&split=campaign'`);

function trackingUrls(html: string): string[] {
  return [...html.matchAll(/(?:src|href)="([^"]*\/t\/[oc]\/[A-Za-z0-9_-]+)"/g)].map((match) => match[1]!);
}
