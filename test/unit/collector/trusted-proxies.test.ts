import { describe, expect, it } from 'vitest';
import { parseTrustedProxies } from '../../../collector/staff/request-input';

describe('parseTrustedProxies', () => {
  it('trusts nothing when unset or off', () => {
    expect(parseTrustedProxies(undefined)).toBeUndefined();
    expect(parseTrustedProxies('')).toBeUndefined();
    expect(parseTrustedProxies('off')).toBeUndefined();
  });

  it('matches addresses and CIDR ranges', () => {
    const trusted = parseTrustedProxies('10.0.0.5, 192.168.0.0/16, fd00::/8')!;
    expect(trusted.includes('10.0.0.5')).toBe(true);
    expect(trusted.includes('10.0.0.6')).toBe(false);
    expect(trusted.includes('192.168.200.1')).toBe(true);
    expect(trusted.includes('fd12::1')).toBe(true);
    expect(trusted.includes('2001:db8::1')).toBe(false);
  });

  it('reads IPv4-mapped IPv6 as IPv4', () => {
    expect(parseTrustedProxies('10.0.0.5')!.includes('::ffff:10.0.0.5')).toBe(true);
  });

  it('expands loopback', () => {
    const trusted = parseTrustedProxies('loopback')!;
    expect(trusted.includes('127.0.0.1')).toBe(true);
    expect(trusted.includes('127.8.9.10')).toBe(true);
    expect(trusted.includes('::1')).toBe(true);
    expect(trusted.includes('10.0.0.1')).toBe(false);
  });

  it.each(['proxy.internal', '10.0.0.0/33', '10.0.0.1/8/1', '300.1.1.1', 'on'])('rejects %s', (value) => {
    expect(() => parseTrustedProxies(value)).toThrow(`SEALPOST_TRUST_PROXY=${JSON.stringify(value)} is invalid`);
  });
});
