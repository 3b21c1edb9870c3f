import { BlockList, isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { HttpError } from '../http/http-error';

/**
 * Returns the client's address. Without trusted proxies it is the socket's
 * peer. When the peer is a trusted proxy (SEALPOST_TRUST_PROXY), the
 * X-Forwarded-For list is read from the right, skipping trusted proxies, and
 * the first address that is not one is the client. Entries to its left were
 * written by the client itself and are never believed.
 */
export function clientAddress(c: Context, trusted?: TrustedProxies): string {
  const peer = socketAddress(c);
  if (!trusted || !trusted.includes(peer)) return peer;

  const hops = (c.req.header('x-forwarded-for') ?? '').split(',').map((hop) => hop.trim()).filter(Boolean);
  let client = peer;
  for (const hop of hops.reverse()) {
    const address = normalizeAddress(hop);
    // A malformed entry cannot be counted reliably; count the nearest trusted hop instead.
    if (!isIP(address)) return client;
    client = address;
    if (!trusted.includes(address)) return address;
  }
  return client;
}

/** Proxies whose X-Forwarded-For header is believed. */
export interface TrustedProxies {
  includes(address: string): boolean;
  /** The setting as given, for logs. */
  description: string;
}

/**
 * Parses SEALPOST_TRUST_PROXY: unset or `off` trusts no proxy; `loopback`
 * trusts 127.0.0.0/8 and ::1; otherwise a comma-separated list of addresses
 * and CIDR ranges, such as `10.0.0.5,192.168.0.0/16,fd00::/8`.
 */
export function parseTrustedProxies(text: string | undefined, variable = 'SEALPOST_TRUST_PROXY'): TrustedProxies | undefined {
  if (text === undefined || text.trim() === '' || text.trim() === 'off') return undefined;

  const list = new BlockList();
  for (const item of text.split(',').map((part) => part.trim())) {
    if (item === 'loopback') {
      list.addSubnet('127.0.0.0', 8, 'ipv4');
      list.addAddress('::1', 'ipv6');
      continue;
    }
    const [address = '', prefix, extra] = item.split('/');
    const family = isIP(address);
    const bits = prefix === undefined ? undefined : Number(prefix);
    const maxBits = family === 6 ? 128 : 32;
    if (family === 0 || extra !== undefined || (bits !== undefined && (!/^\d{1,3}$/.test(prefix!) || bits > maxBits))) {
      throw new Error(`${variable}=${JSON.stringify(text)} is invalid at ${JSON.stringify(item)}; give off, loopback, or a comma-separated list of proxy addresses and CIDR ranges such as 10.0.0.5,192.168.0.0/16.`);
    }
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, bits, type);
  }

  return {
    description: text.trim(),
    includes: (address) => {
      const normalized = normalizeAddress(address);
      const family = isIP(normalized);
      return family !== 0 && list.check(normalized, family === 6 ? 'ipv6' : 'ipv4');
    },
  };
}

function socketAddress(c: Context): string {
  try {
    return normalizeAddress(getConnInfo(c).remote.address ?? 'unknown');
  } catch {
    // app.request() in tests and non-Node adapters carry no socket.
    return 'unknown';
  }
}

// "::ffff:192.0.2.1" is an IPv4 client on a dual-stack socket; "192.0.2.1:5000" and "[2001:db8::1]:443" carry ports.
function normalizeAddress(text: string): string {
  let address = text.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) address = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'));
  if (/^::ffff:[\d.]+$/i.test(address)) address = address.slice(7);
  return address.toLowerCase();
}

/** Reads a JSON object body, rejecting anything else with a message that names the expected fields. */
export async function readJsonObject(c: Context, expected: string): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new HttpError(400, 'invalid_json', `The body is not valid JSON; send ${expected} as a JSON object.`);
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'invalid_json', `The body is not a JSON object; send ${expected}.`);
  return body as Record<string, unknown>;
}

/** Reads a required string field, or an optional one when `optional` is set. */
export function stringField(body: Record<string, unknown>, name: string, optional: true): string | undefined;
export function stringField(body: Record<string, unknown>, name: string): string;
export function stringField(body: Record<string, unknown>, name: string, optional = false): string | undefined {
  const value = body[name];
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'string' || value === '') throw new HttpError(400, 'invalid_field', `The field "${name}" is missing or not a string; send it as a non-empty string.`);
  return value;
}

/** Reads a query parameter as a whole number from 1 to `max`, or returns `fallback` when it is absent. */
export function readQueryInteger<T extends number | undefined>(name: string, value: string | undefined, fallback: T, max: number): number | T {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (Number.isInteger(number) && number >= 1 && number <= max) return number;
  throw new HttpError(400, 'invalid_query', `${name}=${JSON.stringify(value)} is invalid; use a whole number from 1 to ${max}.`);
}

/** Reads an optional query parameter as an ISO 8601 instant, such as 2026-03-01T00:00:00Z. */
export function readQueryInstant(name: string, value: string | undefined): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const date = new Date(value);
  if (/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(value) && !Number.isNaN(date.getTime())) return date;
  throw new HttpError(400, 'invalid_query', `${name}=${JSON.stringify(value)} is invalid; use an ISO 8601 time with a zone, such as 2026-03-01T00:00:00Z.`);
}
