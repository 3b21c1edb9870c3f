import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

/** Name of the console session cookie. */
export const SESSION_COOKIE = 'sealpost_session';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Returns whether cookies need the Secure flag: always, except when the
 * collector's public origin is plain http on a loopback name, where browsers
 * would otherwise drop the cookie during local development.
 */
export function needsSecureCookie(publicOrigin: string): boolean {
  const url = new URL(publicOrigin);
  return !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
}

/**
 * Sets the session cookie: HttpOnly so page scripts cannot read it,
 * SameSite=Strict so other sites cannot send it. It has no Max-Age, because
 * the server enforces both timeouts against the sessions table.
 */
export function writeSessionCookie(c: Context, token: string, secure: boolean): void {
  setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: 'Strict', secure, path: '/' });
}

/** Reads the session cookie, or undefined when the request has none. */
export function readSessionCookie(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE) || undefined;
}

/** Tells the browser to drop the session cookie. */
export function clearSessionCookie(c: Context, secure: boolean): void {
  deleteCookie(c, SESSION_COOKIE, { httpOnly: true, sameSite: 'Strict', secure, path: '/' });
}
