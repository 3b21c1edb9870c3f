import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { checkWebhookUrl, type Resolver } from '../../../collector/workflows/webhooks/url-guard';
import { FUZZ_TIMEOUT_MS, fuzzRuns } from '../../support/fuzz-runs';

// Nothing here connects anywhere: checkWebhookUrl only parses and asks the resolver given to it.
const PUBLIC_ADDRESS: string = '93.184.216.34';

/** IPv4 ranges a webhook must never reach, as [first address, prefix length]. */
const BLOCKED_V4: [number, number][] = [
  [0x00000000, 8], // this network
  [0x0a000000, 8], // private
  [0x64400000, 10], // carrier-grade NAT, Alibaba Cloud metadata
  [0x7f000000, 8], // loopback
  [0xa9fe0000, 16], // link-local, cloud metadata 169.254.169.254
  [0xac100000, 12], // private
  [0xc0a80000, 16], // private
];

const blockedV4 = fc.oneof(
  fc.constantFrom(0x7f000001, 0xa9fea9fe, 0x0a000001, 0xc0a80001, 0x646464c8),
  fc.tuple(fc.constantFrom(...BLOCKED_V4), fc.nat()).map(([[network, prefix], host]) => (network + (host % 2 ** (32 - prefix))) >>> 0),
);
const publicV4 = fc.constantFrom(0x5db8d822, 0x08080808, 0x01010101);

const dotted = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const randomCase = (text: string, upper: boolean) => (upper ? text.toUpperCase() : text);

/** Ways to write one part of an IPv4 address that the WHATWG URL parser accepts. */
function spellPart(value: number, base: 'decimal' | 'octal' | 'hex', upper: boolean): string {
  if (base === 'octal') return `0${value.toString(8)}`;
  if (base === 'hex') return randomCase(`0x${value.toString(16)}`, upper);
  return String(value);
}

/** An IPv4 address spelled in dotted, integer, octal, hex, short, mixed, percent-encoded or full-width form, or inside IPv6. */
function spellIpv4(address: fc.Arbitrary<number>): fc.Arbitrary<string> {
  const base = fc.constantFrom<'decimal' | 'octal' | 'hex'>('decimal', 'octal', 'hex');
  return fc.tuple(address, fc.array(base, { minLength: 4, maxLength: 4 }), fc.boolean(), fc.nat(12), fc.boolean()).map(([n, bases, upper, form, trailingDot]) => {
    const [a, b, c, d] = dotted(n) as [number, number, number, number];
    const hex = (x: number) => x.toString(16);
    const high = hex((a << 8) | b);
    const low = hex((c << 8) | d);
    const dot = trailingDot ? '.' : '';
    switch (form) {
      case 0: return `${a}.${b}.${c}.${d}${dot}`;
      case 1: return `${n}${dot}`;
      case 2: return `${randomCase(`0x${hex(n)}`, upper)}${dot}`;
      case 3: return `0${n.toString(8)}${dot}`;
      case 4: return `${spellPart(a, bases[0]!, upper)}.${spellPart(b, bases[1]!, upper)}.${spellPart(c, bases[2]!, upper)}.${spellPart(d, bases[3]!, upper)}${dot}`;
      case 5: return `${spellPart(a, bases[0]!, upper)}.${spellPart((b << 16) | (c << 8) | d, bases[1]!, upper)}${dot}`;
      case 6: return `${spellPart(a, bases[0]!, upper)}.${spellPart(b, bases[1]!, upper)}.${spellPart((c << 8) | d, bases[2]!, upper)}${dot}`;
      case 7: return [...`${a}.${b}.${c}.${d}`].map((character) => (character === '.' ? '.' : `%${character.charCodeAt(0).toString(16)}`)).join('');
      case 8: return [...`${a}.${b}.${c}.${d}`].map((character) => (character === '.' ? '\uff0e' : String.fromCharCode(character.charCodeAt(0) + 0xfee0))).join('');
      case 9: return randomCase(`[::ffff:${a}.${b}.${c}.${d}]`, upper);
      case 10: return randomCase(`[0:0:0:0:0:ffff:${high}:${low}]`, upper);
      case 11: return `[::${a}.${b}.${c}.${d}]`;
      default: return randomCase(`[64:ff9b::${high}:${low}]`, upper);
    }
  });
}

/** IPv6 loopback, link-local, unique-local (AWS metadata fd00:ec2::254) and unspecified addresses in several spellings. */
const blockedV6 = fc.oneof(
  fc.constantFrom('[::1]', '[0:0:0:0:0:0:0:1]', '[::0:1]', '[0000::0001]', '[::]', '[fd00:ec2::254]', '[FD00:EC2:0:0:0:0:0:254]'),
  fc.tuple(fc.constantFrom('fe80', 'febf', 'fc00', 'fdff', 'fd12'), fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 3, maxLength: 3 })).map(([prefix, groups]) => `[${prefix}::${groups.map((group) => group.toString(16)).join(':')}]`),
);

/** Names that are local whatever DNS says, with trailing dots and in any case. */
const localName = fc
  .tuple(fc.constantFrom('localhost', 'app.localhost', 'a.b.localhost', 'metadata.google.internal', 'metadata'), fc.constantFrom('', '.', '..'), fc.boolean())
  .map(([name, dots, upper]) => randomCase(`${name}${dots}`, upper));

/** Ways to wrap a host in a URL, including user-info, backslash and fragment tricks that put another host in view. */
const wrap = fc.constantFrom(
  (host: string) => `https://${host}/hook`,
  (host: string) => `HTTPS://${host}:443/hook?x=1`,
  (host: string) => `https://${host}\\@hooks.example/`,
  (host: string) => `https://${host}#@hooks.example/`,
  (host: string) => `https://${host}?@hooks.example/`,
  (host: string) => `https://hooks.example@${host}/`,
  (host: string) => `https://hooks.example:secret@${host}/`,
  (host: string) => `https:\\\\${host}/hook`,
  (host: string) => `https:/${host}/hook`,
  (host: string) => ` https://${host}/hook\t`,
);

const publicResolver: Resolver = async () => [PUBLIC_ADDRESS];

describe('webhook URL check under fuzzing', () => {
  test('rejects blocked IPv4 in any spelling', async () => {
    await fc.assert(
      fc.asyncProperty(spellIpv4(blockedV4), wrap, async (host, wrapper) => {
        const verdict = await checkWebhookUrl(wrapper(host), publicResolver);
        expect(verdict.ok, wrapper(host)).toBe(false);
      }),
      { numRuns: fuzzRuns(1000) },
    );
  }, FUZZ_TIMEOUT_MS);

  test('rejects blocked IPv6 in any spelling', async () => {
    await fc.assert(
      fc.asyncProperty(blockedV6, wrap, async (host, wrapper) => {
        expect((await checkWebhookUrl(wrapper(host), publicResolver)).ok, wrapper(host)).toBe(false);
      }),
      { numRuns: fuzzRuns(300) },
    );
  }, FUZZ_TIMEOUT_MS);

  test('rejects local names even when DNS says public', async () => {
    await fc.assert(
      fc.asyncProperty(localName, wrap, async (host, wrapper) => {
        expect((await checkWebhookUrl(wrapper(host), publicResolver)).ok, wrapper(host)).toBe(false);
      }),
      { numRuns: fuzzRuns(300) },
    );
  }, FUZZ_TIMEOUT_MS);

  test('rejects names with any blocked address', async () => {
    const answers = fc.tuple(spellIpv4(blockedV4).filter((text) => /^[\d.]+$/.test(text)), fc.array(fc.constant(PUBLIC_ADDRESS), { maxLength: 3 }), fc.nat(3));
    await fc.assert(
      fc.asyncProperty(answers, async ([blocked, publicOnes, position]) => {
        const addresses = [...publicOnes];
        addresses.splice(position % (publicOnes.length + 1), 0, new URL(`https://${blocked}/`).hostname);
        expect((await checkWebhookUrl('https://hooks.example/in', async () => addresses)).ok, addresses.join(', ')).toBe(false);
      }),
      { numRuns: fuzzRuns(300) },
    );
  }, FUZZ_TIMEOUT_MS);

  test('accepts public IPv4 in the plain spellings', async () => {
    const plainWrap = fc.constantFrom((host: string) => `https://${host}/hook`, (host: string) => `HTTPS://${host}:443/hook?x=1`, (host: string) => `https:\\\\${host}/hook`);
    await fc.assert(
      fc.asyncProperty(spellIpv4(publicV4).filter((text) => !text.startsWith('[')), plainWrap, async (host, wrapper) => {
        const verdict = await checkWebhookUrl(wrapper(host), publicResolver);
        expect(verdict.ok, wrapper(host)).toBe(true);
      }),
      { numRuns: fuzzRuns(300) },
    );
  }, FUZZ_TIMEOUT_MS);

  test('never throws on arbitrary text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.webUrl(), fc.string().map((text) => `https://${text}`)), async (text) => {
        const verdict = await checkWebhookUrl(text, publicResolver);
        if (!verdict.ok) expect(verdict.reason.length).toBeGreaterThan(5);
      }),
      { numRuns: fuzzRuns(500) },
    );
  }, FUZZ_TIMEOUT_MS);
});
