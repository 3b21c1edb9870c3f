import type { Hono } from 'hono';
import type { Database } from '../../collector/db/open-database';
import type { StaffRole } from '../../collector/db/schema';
import { SESSION_COOKIE } from '../../collector/staff/session-cookie';
import type { StaffOptions } from '../../collector/staff/staff-options';
import { createSession } from '../../collector/staff/staff-sessions';
import { createStaffUser } from '../../collector/staff/staff-users';
import { totpCode } from '../../collector/staff/totp';
import { COLLECTOR_ORIGIN } from './test-collector';

/** Creates a clock that returns the same time until a test advances it. */
export function testClock(start = new Date('2026-12-04T09:00:00Z')) {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance: (ms: number) => {
      current += ms;
    },
  };
}

/** A low scrypt cost for tests that sign in often; production hashes use SCRYPT_PARAMS. */
export const TEST_PASSWORD_COST = { N: 2 ** 10, r: 8, p: 1 };

let counter = 0;

/** Creates an account with a known password and returns its address, password and id. */
export async function addStaff(db: Database, options: StaffOptions, role: StaffRole) {
  const email = `${role}-${++counter}-${Date.now()}@clinic.example`;
  const password = `correct horse ${role} ${counter}`;
  const user = await createStaffUser(db, options.keys, { email, role, password, passwordCost: options.passwordCost }, 'test:setup');
  return { id: user.id, email, password, role };
}

/** Opens a session for a user directly, without the sign-in route, and returns the Cookie header value. */
export async function sessionCookieFor(db: Database, options: StaffOptions, userId: string): Promise<string> {
  const { token } = await createSession(db, options, userId);
  return `${SESSION_COOKIE}=${token}`;
}

/** Reads the base32 secret out of an otpauth:// URI. */
export function secretOf(otpauthUri: string): string {
  const secret = new URL(otpauthUri).searchParams.get('secret');
  if (!secret) throw new Error(`The otpauth URI has no secret: ${otpauthUri}`);
  return secret;
}

/** Posts to the sign-in route from the collector's origin, optionally from a given client address. */
export function postSignIn(app: Hono<any>, body: Record<string, unknown>, address = '192.0.2.10') {
  return app.request(
    '/v1/staff/session',
    { method: 'POST', headers: { 'content-type': 'application/json', origin: COLLECTOR_ORIGIN }, body: JSON.stringify(body) },
    { incoming: { socket: { remoteAddress: address, remotePort: 50000, remoteFamily: 'IPv4' } } },
  );
}

/**
 * Signs in through the route the way the console does: password, TOTP setup
 * with a code computed from the offered secret, and returns the session
 * cookie and the secret.
 */
export async function signInWithTotp(app: Hono<any>, user: { email: string; password: string }, now: () => Date) {
  const offer = (await (await postSignIn(app, { email: user.email, password: user.password })).json()) as { status: string; otpauthUri: string };
  if (offer.status !== 'totp_setup_required') throw new Error(`Expected a TOTP setup offer, got ${offer.status}.`);

  const secret = secretOf(offer.otpauthUri);
  const response = await postSignIn(app, { email: user.email, password: user.password, code: totpCode(secret, now()) });
  if (response.status !== 200) throw new Error(`Sign-in failed with ${response.status}: ${await response.text()}`);
  return { cookie: cookieFrom(response), secret };
}

/** Returns the `name=value` part of the session cookie a response sets. */
export function cookieFrom(response: Response): string {
  const header = response.headers.getSetCookie().find((line) => line.startsWith(`${SESSION_COOKIE}=`));
  if (!header) throw new Error('The response sets no session cookie.');
  return header.split(';')[0]!;
}
