// The dashboard's login: the API token kept in an HttpOnly, SameSite=Strict cookie scoped to the
// dashboard, checked on every request with the API's own token check; forms that change something
// carry a CSRF token derived from the session's token with a key of this process, and are refused
// when the browser says they come from another origin.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

export const COOKIE = 'halite_session';
export const BASE = '/ui';

/** The cookie's value, or undefined. */
export function sessionToken(req: FastifyRequest): string | undefined {
  const header = req.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The Set-Cookie value holding `token` (or clearing the cookie when undefined). */
export function sessionCookie(token: string | undefined, secure: boolean): string {
  const attrs = `Path=${BASE}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
  return token === undefined ? `${COOKIE}=; ${attrs}; Max-Age=0` : `${COOKIE}=${token}; ${attrs}`;
}

export class Csrf {
  private readonly key = randomBytes(32);

  /** The form token of the session whose API token is `token`. */
  token(session: string): string {
    return createHmac('sha256', this.key).update(session, 'utf8').digest('base64url');
  }

  /** Whether `given` is the form token of the session. */
  check(session: string, given: unknown): boolean {
    if (typeof given !== 'string') return false;
    const want = Buffer.from(this.token(session));
    const got = Buffer.from(given);
    return got.length === want.length && timingSafeEqual(got, want);
  }
}

/**
 * False when the browser says the request comes from a page of another origin (Origin, or
 * Sec-Fetch-Site); requests without either (command-line clients) are not refused here.
 */
export function sameOrigin(req: FastifyRequest): boolean {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') return false;
  const origin = req.headers.origin;
  if (typeof origin !== 'string') return true;
  const host = req.headers.host;
  return origin === `http://${host}` || origin === `https://${host}`;
}
