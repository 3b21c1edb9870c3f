import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * scrypt cost parameters for new hashes: N = 2^17, r = 8, p = 1 (the minimum
 * in OWASP's Password Storage Cheat Sheet), a 16-byte salt and a 32-byte
 * output. One hash needs N·r·128 bytes = 128 MiB of memory and took about
 * 0.4 s on one core of the 2-CPU development machine.
 */
export const SCRYPT_PARAMS = { N: 2 ** 17, r: 8, p: 1 } as const;

/** scrypt's cost parameters: CPU/memory cost N (a power of two), block size r, parallelisation p. */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

const SALT_BYTES = 16;
const KEY_BYTES = 32;

// Node's default maxmem is 32 MiB, below what N = 2^17 needs.
const MAX_MEMORY = 256 * 1024 * 1024;

/**
 * Hashes a password into `scrypt$N$r$p$salt$hash` (salt and hash base64url).
 * Only tests pass a lower `cost`, to keep their many sign-ins fast.
 */
export async function hashPassword(password: string, cost: ScryptCost = SCRYPT_PARAMS): Promise<string> {
  const { N, r, p } = cost;
  const salt = randomBytes(SALT_BYTES);
  const hash = await scryptAsync(password, salt, KEY_BYTES, { N, r, p, maxmem: MAX_MEMORY });
  return ['scrypt', N, r, p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/**
 * Checks a password against a stored hash with a constant-time comparison.
 * The parameters are read from the stored hash, so hashes made with older
 * parameters keep verifying.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) throw new Error('The stored password hash has an unknown format; expected scrypt$N$r$p$salt$hash.');

  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: MAX_MEMORY });
  return timingSafeEqual(actual, expected);
}

const decoys = new Map<string, Promise<string>>();

/**
 * Returns a hash of a random password, made once per process and cost.
 * Sign-in verifies against it when an email address has no account, so a
 * failed sign-in takes as long for an unknown address as for a wrong password.
 */
export function decoyPasswordHash(cost: ScryptCost = SCRYPT_PARAMS): Promise<string> {
  const key = `${cost.N}:${cost.r}:${cost.p}`;
  let decoy = decoys.get(key);
  if (!decoy) {
    decoy = hashPassword(randomBytes(16).toString('base64url'), cost);
    decoys.set(key, decoy);
  }
  return decoy;
}

/** Generates a one-time initial password: 18 random bytes, 24 base64url characters. */
export function generateInitialPassword(): string {
  return randomBytes(18).toString('base64url');
}

function scryptAsync(password: string, salt: Buffer, keyBytes: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyBytes, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}
