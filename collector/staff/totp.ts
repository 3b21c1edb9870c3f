import { Secret, TOTP } from 'otpauth';

/** RFC 6238 settings that authenticator apps assume: SHA-1, 6 digits, 30-second steps. */
const TOTP_SETTINGS = { algorithm: 'SHA1', digits: 6, period: 30 } as const;

/** Name shown above the code in authenticator apps. */
const ISSUER = 'Sealpost';

/** Generates a new random TOTP secret (20 bytes, as RFC 4226 recommends), base32-encoded. */
export function generateTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/**
 * Builds the `otpauth://totp/…` URI that an authenticator app reads from a QR
 * code. The label is the account id, not the email address, so the QR code
 * carries nothing PHI-adjacent.
 */
export function totpUri(secret: string, accountLabel: string): string {
  return new TOTP({ ...TOTP_SETTINGS, issuer: ISSUER, label: accountLabel, secret: Secret.fromBase32(secret) }).toString();
}

/**
 * Checks a 6-digit code at `now`, accepting the previous and next step for
 * clock drift. Returns the time step the code belongs to, or undefined when
 * the code does not match; callers reject a step they already accepted.
 */
export function verifyTotpCode(secret: string, code: string, now: Date): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;

  const totp = new TOTP({ ...TOTP_SETTINGS, secret: Secret.fromBase32(secret) });
  const timestamp = now.getTime();
  const delta = totp.validate({ token: code, timestamp, window: 1 });
  return delta === null ? undefined : totp.counter({ timestamp }) + delta;
}

/** Computes the code for a secret at a time; tests and enrolment helpers use it. */
export function totpCode(secret: string, now: Date): string {
  return new TOTP({ ...TOTP_SETTINGS, secret: Secret.fromBase32(secret) }).generate({ timestamp: now.getTime() });
}
