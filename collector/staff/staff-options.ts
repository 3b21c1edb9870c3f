import type { StaffKeys } from '../keys/derive-key';
import type { TrustedProxies } from './request-input';
import { SCRYPT_PARAMS, type ScryptCost } from './password-hash';
import { DEFAULT_THROTTLE, type ThrottlePolicy } from './sign-in-throttle';

/** Settings of staff sign-in and sessions, with the clock injectable so tests can move time. */
export interface StaffOptions {
  keys: StaffKeys;
  /** A session ends after this long without a request, in milliseconds. */
  idleTimeoutMs: number;
  /** A session ends this long after sign-in whatever the activity, in milliseconds. */
  absoluteTimeoutMs: number;
  throttle: ThrottlePolicy;
  /** scrypt cost of new password hashes; only tests lower it. */
  passwordCost: ScryptCost;
  /** The current time; tests pass a clock they can advance. */
  now: () => Date;
  /** Proxies whose X-Forwarded-For names the client for sign-in limits; none by default. */
  trustedProxies?: TrustedProxies;
}

/** Defaults: 15 minutes idle, 12 hours absolute, the default throttle and scrypt cost, and the system clock. */
export function staffOptions(keys: StaffKeys, overrides: Partial<Omit<StaffOptions, 'keys'>> = {}): StaffOptions {
  return {
    keys,
    idleTimeoutMs: 15 * 60_000,
    absoluteTimeoutMs: 12 * 60 * 60_000,
    throttle: DEFAULT_THROTTLE,
    passwordCost: SCRYPT_PARAMS,
    now: () => new Date(),
    ...overrides,
  };
}
