import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Resolves a host name to its addresses; injected so tests control DNS. */
export type Resolver = (hostname: string) => Promise<string[]>;

/** The system resolver (getaddrinfo), every address, in the order it returns them. */
export const systemResolver: Resolver = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

/** A URL a webhook may be sent to, with the checked address to connect to, or the reason it may not. */
export type UrlVerdict = { ok: true; url: URL; address: string } | { ok: false; reason: string };

// Addresses a webhook must never reach: the collector's own host, private
// networks and cloud metadata services. RFC 6890 special-purpose ranges.
const BLOCKED = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT; contains 100.100.100.200, Alibaba Cloud's metadata service
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local; contains 169.254.169.254, the AWS, GCP and Azure metadata service
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved and broadcast
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 96], // unspecified (::), loopback (::1) and the deprecated IPv4-compatible ::a.b.c.d, which embeds an IPv4 host
  ['64:ff9b::', 96], // NAT64, which embeds an IPv4 host
  ['64:ff9b:1::', 48], // local-use NAT64 (RFC 8215), the same
  ['fc00::', 7], // unique local; contains fd00:ec2::254, the AWS metadata service over IPv6
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv6');
}

const BLOCKED_NAMES = new Set(['localhost', 'metadata.google.internal', 'metadata']);

/** Tells whether an IP address is loopback, private, link-local, metadata or otherwise not public. */
export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  // IPv4-mapped IPv6 (::ffff:a.b.c.d) reaches an IPv4 host, so all of it is refused. It is tested by
  // prefix because BlockList would also match plain IPv4 addresses against a ::ffff:0:0/96 rule.
  if (family === 6 && /^(0{0,4}:){0,5}:?ffff:/i.test(address) && address.includes(':ffff:')) return true;
  return BLOCKED.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Checks that a webhook URL is https and that every address its host
 * resolves to is public. Run at save and again before each request
 * (redirects included), because DNS answers change.
 */
export async function checkWebhookUrl(text: string, resolve: Resolver): Promise<UrlVerdict> {
  if (!URL.canParse(text)) return { ok: false, reason: `${JSON.stringify(text)} is not a URL` };
  const url = new URL(text);
  if (url.protocol !== 'https:') return { ok: false, reason: `the URL must use https, not ${url.protocol.replace(':', '')}` };
  if (url.username || url.password) return { ok: false, reason: 'the URL must not contain a user name or password' };

  // A trailing dot makes a name fully qualified without changing what it names, so localhost. is localhost.
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.+$/, '').toLowerCase();
  if (BLOCKED_NAMES.has(host) || host.endsWith('.localhost')) return { ok: false, reason: `host ${host} is a local name` };

  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await resolve(host);
  } catch (error) {
    return { ok: false, reason: `host ${host} did not resolve (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  if (addresses.length === 0) return { ok: false, reason: `host ${host} has no address` };

  // Every address is checked, because the connection may use any of them.
  const blocked = addresses.find(isBlockedAddress);
  if (blocked) return { ok: false, reason: `host ${host} resolves to ${blocked}, a loopback, private, link-local or metadata address` };
  return { ok: true, url, address: addresses[0]! };
}
