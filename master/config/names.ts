// Validators for the names that reach command lines and file paths: host ids, addresses,
// user names, roles, levels. None of them may start with '-' (option injection) or contain
// whitespace or shell metacharacters.
import { isIP } from 'node:net';

const TOKEN = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const USER = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;

/** A hostname-like token: letters, digits, '.', '_', '-'; starts with a letter, digit or '_'. */
export function isSafeToken(s: unknown): s is string {
  return typeof s === 'string' && s.length <= 253 && TOKEN.test(s);
}

/** A DNS hostname (RFC 1123 labels, optional trailing dot, last label not all digits). */
export function isHostname(s: unknown): s is string {
  if (typeof s !== 'string' || s.length === 0 || s.length > 253) return false;
  const labels = (s.endsWith('.') ? s.slice(0, -1) : s).split('.');
  // an all-numeric last label would make "10.0.0.300" a hostname
  return labels.every((l) => LABEL.test(l)) && !/^\d+$/.test(labels[labels.length - 1]);
}

/** A hostname or an IPv4/IPv6 literal (without brackets). */
export function isAddress(s: unknown): s is string {
  return typeof s === 'string' && !s.startsWith('-') && (isIP(s) !== 0 || isHostname(s));
}

/** A portable POSIX user name (at most 32 characters, no leading '-' or digit). */
export function isPosixUser(s: unknown): s is string {
  return typeof s === 'string' && USER.test(s);
}

export function isPort(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;
}

export interface Endpoint {
  host: string;
  port?: number;
  user?: string;
}

/** Parses `[user@]host[:port]`, with IPv6 literals in brackets (`root@[fd00::1]:22`). */
export function parseEndpoint(spec: string): Endpoint | undefined {
  const m = /^(?:([^@]+)@)?(?:\[([^\]]+)\]|([^:@[\]]+))(?::(\d+))?$/.exec(spec);
  if (!m) return undefined;
  const out: Endpoint = { host: m[2] ?? m[3] };
  if (m[1] !== undefined) out.user = m[1];
  if (m[4] !== undefined) out.port = Number(m[4]);
  return out;
}
